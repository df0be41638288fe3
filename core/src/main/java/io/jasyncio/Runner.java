package io.jasyncio;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Runs coroutines on one loop and cleans it up: asyncio's {@code Runner} (3.11).
 *
 * <pre>{@code
 * try (Runner runner = new Runner()) {
 *     runner.run(() -> setUp());
 *     runner.run(() -> serve());
 * }
 * }</pre>
 *
 * <p>Ctrl-C: when {@code run} is called on the main thread and SIGINT has the JVM's default handler,
 * the first SIGINT cancels the main task and {@code run} throws {@link KeyboardInterrupt} if that
 * ended it; a second one exits the JVM as before (asyncio's runner; ADR 0012).
 *
 * <p>The loop is created on the first {@link #run}. {@link #close()} cancels the tasks still alive
 * and waits for their cleanup, reports their errors, closes async generators, shuts down the
 * default executor and closes the loop. Not thread-safe; a runner is used from one thread.
 */
public final class Runner implements AutoCloseable {
    private final Boolean debug;
    private final Supplier<? extends EventLoop> loopFactory;
    private EventLoop loop;
    /** The context every run() uses unless given one: a copy taken when the loop was created (asyncio's Runner._context). */
    private Context context;
    private boolean closed;
    /** The SIGINT handler of the run in progress, or null (none running, or asyncio would install none). */
    private SigintHandler sigint;

    /** A runner with a new default loop; debug mode as the environment says. */
    public Runner() {
        this(null, null);
    }

    /**
     * A runner.
     *
     * @param debug debug mode, or {@code null} for the environment's default
     * @param loopFactory creates the loop ({@code null}: {@code new EventLoop()}); the way to use
     *     another loop implementation or a virtual clock
     */
    public Runner(Boolean debug, Supplier<? extends EventLoop> loopFactory) {
        this.debug = debug;
        this.loopFactory = loopFactory != null ? loopFactory : EventLoop::new;
    }

    /** The runner's loop, created if needed. */
    public EventLoop getLoop() {
        lazyInit();
        return loop;
    }

    /**
     * Runs {@code coroutine} as the main task until it is done and returns its result (or throws
     * its exception).
     *
     * @throws IllegalStateException when called from a running loop, or after {@link #close()}
     * @throws KeyboardInterrupt when a SIGINT (Ctrl-C) cancelled the main task and that ended it
     */
    public <T> T run(Coroutine<T> coroutine) {
        return run(coroutine, null);
    }

    /**
     * Like {@link #run(Coroutine)}, running the main task in {@code context}; {@code null} means the
     * runner's own context, a copy of the creator's taken once, so that context variables set by
     * one run are seen by the next (asyncio's Runner).
     */
    public <T> T run(Coroutine<T> coroutine, Context context) {
        if (EventLoop.runningOnThisThread() != null) {
            throw new IllegalStateException("Runner.run() cannot be called from a running event loop:"
                    + " in a task, call the coroutine directly or use createTask(...)");
        }
        lazyInit();
        Task<T> task = loop.createTask(coroutine, null, context != null ? context : this.context);
        loop.mainTask = task;
        sigint = SigintHandler.install(loop, task);
        try {
            return loop.runUntilComplete(task);
        } catch (CancelledError e) {
            if (sigint != null && sigint.cancelledMain() && task.uncancel() == 0) {
                throw new KeyboardInterrupt(e);
            }
            throw e;
        } finally {
            loop.mainTask = null;
            if (sigint != null) {
                sigint.uninstall();
                sigint = null;
            }
        }
    }

    /** Like {@link #run(Coroutine)} for a coroutine without a result. */
    public void run(VoidCoroutine coroutine) {
        run(Coroutine.of(coroutine), null);
    }

    /** The SIGINT handler of the run in progress, or null: for tests, which simulate a Ctrl-C with it. */
    SigintHandler sigintHandler() {
        return sigint;
    }

    private void lazyInit() {
        if (closed) {
            throw new IllegalStateException("Runner is closed");
        }
        if (loop == null) {
            context = Context.copyCurrent();
            loop = loopFactory.get();
            if (debug != null) {
                loop.setDebug(debug);
            }
        }
    }

    /** Cancels remaining tasks and waits for them, then shuts everything down and closes the loop. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        EventLoop l = loop;
        if (l == null || l.isClosed()) {
            return;
        }
        try {
            cancelAllTasks(l);
            l.runUntilComplete(Coroutine.of(l::shutdownAsyncgens));
            l.runUntilComplete(Coroutine.of(l::shutdownDefaultExecutor));
        } finally {
            l.close();
        }
    }

    private static void cancelAllTasks(EventLoop loop) {
        List<Task<?>> tasks = new ArrayList<>(loop.allTasks());
        if (tasks.isEmpty()) {
            return;
        }
        for (Task<?> t : tasks) {
            t.cancel();
        }
        loop.runUntilComplete(Gathering.of(loop, tasks, true));
        for (Task<?> t : tasks) {
            if (t.cancelled()) {
                continue;
            }
            Throwable e = t.exception();
            if (e != null) {
                loop.callExceptionHandler(ExceptionContext.builder("unhandled exception during Asyncio.run() shutdown")
                        .exception(e).future(t).build());
            }
        }
    }

    @Override
    public String toString() {
        return "<Runner " + (closed ? "closed" : loop == null ? "created" : "initialized") + ">";
    }

    static void logIgnored(String message, Throwable e) {
        System.getLogger("jasyncio").log(Level.WARNING, message, e);
    }
}
