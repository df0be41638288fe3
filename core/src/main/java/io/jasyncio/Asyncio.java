package io.jasyncio;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The asyncio module: the functions a program calls, named as asyncio's in camelCase.
 *
 * <pre>{@code
 * import static io.jasyncio.Asyncio.*;
 *
 * run(() -> {
 *     Task<String> a = createTask(() -> worker("A", 2));
 *     Task<String> b = createTask(() -> worker("B", 1));
 *     System.out.println(gather(a, b));      // suspends until both are done
 * });
 * }</pre>
 *
 * <p>Methods documented as suspending may be called from any frame of a running task and nowhere
 * else (they throw {@link IllegalStateException} saying so). docs/asyncio-mapping.md maps every
 * asyncio name to its jasyncio counterpart.
 */
public final class Asyncio {
    private Asyncio() {}

    // ---- running ----

    /**
     * Creates a new loop, runs {@code main} as a task until it is done, cleans up (cancels the
     * remaining tasks and waits for them, closes async generators, shuts down the default
     * executor), closes the loop and returns {@code main}'s result or throws its exception.
     *
     * @throws IllegalStateException when a loop is already running in this thread
     */
    public static <T> T run(Coroutine<T> main) {
        return run(main, null);
    }

    /** Like {@link #run(Coroutine)} for a coroutine without a result. */
    public static void run(VoidCoroutine main) {
        run(Coroutine.of(main), null);
    }

    /** Like {@link #run(Coroutine)} with debug mode on or off ({@code null}: the environment's default). */
    public static <T> T run(Coroutine<T> main, Boolean debug) {
        return run(main, debug, null);
    }

    /** Like {@link #run(Coroutine, Boolean)} for a coroutine without a result. */
    public static void run(VoidCoroutine main, Boolean debug) {
        run(Coroutine.of(main), debug, null);
    }

    /**
     * Like {@link #run(Coroutine, Boolean)} on a loop made by {@code loopFactory} (asyncio's
     * {@code loop_factory}; also how a test runs on a virtual clock).
     */
    public static <T> T run(Coroutine<T> main, Boolean debug, java.util.function.Supplier<? extends EventLoop> loopFactory) {
        if (EventLoop.runningOnThisThread() != null) {
            throw new IllegalStateException("Asyncio.run() cannot be called from a running event loop:"
                    + " in a task, call the coroutine directly (it runs inline) or use createTask(...)");
        }
        try (Runner runner = new Runner(debug, loopFactory)) {
            return runner.run(main);
        }
    }

    /** Like {@link #run(Coroutine, Boolean, java.util.function.Supplier)} for a coroutine without a result. */
    public static void run(VoidCoroutine main, Boolean debug, java.util.function.Supplier<? extends EventLoop> loopFactory) {
        run(Coroutine.of(main), debug, loopFactory);
    }

    /** A new event loop on the system clock (not running). */
    public static EventLoop newEventLoop() {
        return new EventLoop();
    }

    /**
     * The loop running in this thread.
     *
     * @throws IllegalStateException when no loop is running
     */
    public static EventLoop getRunningLoop() {
        EventLoop loop = EventLoop.runningOnThisThread();
        if (loop == null) {
            throw new IllegalStateException("no running event loop");
        }
        return loop;
    }

    // ---- tasks ----

    /** Schedules {@code coroutine} as a task on the running loop. */
    public static <T> Task<T> createTask(Coroutine<T> coroutine) {
        return getRunningLoop().createTask(coroutine);
    }

    /** Schedules a coroutine without a result as a task on the running loop. */
    public static Task<Void> createTask(VoidCoroutine coroutine) {
        return getRunningLoop().createTask(coroutine);
    }

    /** Schedules {@code coroutine} as a task named {@code name}. */
    public static <T> Task<T> createTask(Coroutine<T> coroutine, String name) {
        return getRunningLoop().createTask(coroutine, name);
    }

    /** Schedules a coroutine without a result as a task named {@code name}. */
    public static Task<Void> createTask(VoidCoroutine coroutine, String name) {
        return getRunningLoop().createTask(coroutine, name);
    }

    /** Schedules {@code coroutine} as a task running in {@code context} (used as is, not copied). */
    public static <T> Task<T> createTask(Coroutine<T> coroutine, String name, Context context) {
        return getRunningLoop().createTask(coroutine, name, context);
    }

    /** The task running now, or {@code null} outside a task. */
    public static Task<?> currentTask() {
        EventLoop loop = EventLoop.runningOnThisThread();
        return loop == null ? null : loop.currentTask;
    }

    /**
     * The running loop's tasks that are not done.
     *
     * @throws IllegalStateException when no loop is running
     */
    public static Set<Task<?>> allTasks() {
        return getRunningLoop().allTasks();
    }

    /**
     * The task factory of asyncio's {@code eager_task_factory} (3.12): a new task's first step runs
     * inside {@code createTask}, so a coroutine that does not suspend finishes without a trip
     * through the loop.
     */
    public static TaskFactory eagerTaskFactory() {
        return EAGER;
    }

    private static final TaskFactory EAGER = new TaskFactory() {
        @Override
        public <T> Task<T> create(EventLoop loop, Coroutine<T> coroutine, String name, Context context) {
            return loop.newTask(coroutine, name, context, true);
        }

        @Override
        public String toString() {
            return "eagerTaskFactory";
        }
    };

    // ---- suspending ----

    /**
     * Suspends the current task for {@code delay} seconds; {@code sleep(0)} (or any delay &lt;= 0)
     * yields to the other ready tasks for exactly one loop iteration.
     *
     * @throws IllegalArgumentException when {@code delay} is NaN
     * @throws CancelledError when the task is cancelled while sleeping
     */
    public static void sleep(double delay) {
        // Not delegating to sleep(delay, null): every frame here is kept on the stack of each
        // sleeping task.
        if (Double.isNaN(delay)) {
            throw new IllegalArgumentException("Invalid delay: NaN (not a number)");
        }
        Task<?> task = Task.current("sleep()");
        if (delay <= 0) {
            task.yieldOnce();
        } else {
            task.prepareSleep(task.loop.clock.nanoTime() + EventLoop.toNanos(delay, "delay"));
            task.park();
        }
    }

    /** Like {@link #sleep(double)} with a {@link Duration}. */
    public static void sleep(Duration delay) {
        sleep(delay.toNanos() / 1e9, null);
    }

    /** Sleeps like {@link #sleep(double)}, then returns {@code result}. */
    public static <T> T sleep(double delay, T result) {
        if (Double.isNaN(delay)) {
            throw new IllegalArgumentException("Invalid delay: NaN (not a number)");
        }
        Task<?> task = Task.current("sleep()");
        if (delay <= 0) {
            task.yieldOnce();
            return result;
        }
        task.prepareSleep(task.loop.clock.nanoTime() + EventLoop.toNanos(delay, "delay"));
        task.park();
        return result;
    }

    /**
     * Suspends until {@code future} is done and returns its result: asyncio's {@code await fut}.
     * Same as {@link Future#await()}.
     */
    public static <T> T await(Future<T> future) {
        return future.await();
    }

    /**
     * Runs the tasks concurrently and suspends until all are done; returns their results in
     * argument order. The first failure is thrown at once (the others keep running); cancelling the
     * calling task cancels them all. Duplicates are awaited once.
     */
    @SafeVarargs
    public static <T> List<T> gather(Future<? extends T>... futures) {
        return castList(gatherAll(false, Arrays.asList(futures)));
    }

    /** Like {@link #gather(Future[])} for coroutines, each wrapped in a task. */
    @SafeVarargs
    public static <T> List<T> gather(Coroutine<? extends T>... coroutines) {
        return castList(gatherAll(false, Arrays.asList(coroutines)));
    }

    /** Like {@link #gather(Future[])} for coroutines without a result (each result is {@code null}). */
    public static List<Void> gather(VoidCoroutine... coroutines) {
        return castList(gatherAll(false, Arrays.asList(coroutines)));
    }

    /**
     * Like {@link #gather(Future[])} with asyncio's {@code return_exceptions}: when {@code true},
     * failures (and {@link CancelledError}s of children cancelled on their own) are returned in
     * the list in place of results.
     */
    public static List<Object> gather(boolean returnExceptions, Future<?>... futures) {
        return gatherAll(returnExceptions, Arrays.asList(futures));
    }

    /** Like {@link #gather(boolean, Future[])} for coroutines. */
    public static List<Object> gather(boolean returnExceptions, Coroutine<?>... coroutines) {
        return gatherAll(returnExceptions, Arrays.asList(coroutines));
    }

    /** Like {@link #gather(boolean, Future[])} for coroutines without a result. */
    public static List<Object> gather(boolean returnExceptions, VoidCoroutine... coroutines) {
        return gatherAll(returnExceptions, Arrays.asList(coroutines));
    }

    /**
     * The general form: {@code awaitables} may mix futures, tasks and coroutines.
     *
     * @throws IllegalArgumentException for any other kind of element
     */
    public static List<Object> gatherAll(boolean returnExceptions, List<?> awaitables) {
        EventLoop loop = Task.current("gather()").loop;
        return Gathering.of(loop, awaitables, returnExceptions).await();
    }

    @SuppressWarnings("unchecked")
    private static <T> List<T> castList(List<Object> list) {
        return (List<T>) list;
    }

    // ---- threads ----

    /**
     * Runs the blocking {@code function} on the default executor's thread, in a copy of the current
     * context, and suspends until it returns: asyncio's {@code to_thread}. The function's
     * exception is rethrown unwrapped. Cancelling the task interrupts the thread.
     */
    public static <T> T toThread(Callable<T> function) {
        Task<?> task = Task.current("toThread()");
        return task.loop.runInExecutor(null, function).await();
    }

    /** Like {@link #toThread(Callable)} for an action without a result. */
    public static void toThread(ThrowingRunnable action) {
        toThread(() -> {
            action.run();
            return null;
        });
    }

    /**
     * Runs {@code function} on {@code executor} and suspends until it returns: asyncio's {@code
     * await loop.run_in_executor(executor, fn)}.
     */
    public static <T> T runInExecutor(Executor executor, Callable<T> function) {
        Task<?> task = Task.current("runInExecutor()");
        return task.loop.runInExecutor(executor, function).await();
    }

    /**
     * Submits {@code coroutine} to {@code loop} from another thread: asyncio's {@code
     * run_coroutine_threadsafe}. The returned future completes with the task; cancelling it cancels
     * the task.
     */
    public static <T> CompletableFuture<T> runCoroutineThreadsafe(Coroutine<T> coroutine, EventLoop loop) {
        return Interop.runCoroutineThreadsafe(coroutine, loop);
    }

    /**
     * A future of the running loop that completes with {@code future} (asyncio's {@code
     * wrap_future}); cancelling it cancels {@code future}. Must be called on the loop.
     */
    public static <T> Future<T> wrapFuture(java.util.concurrent.Future<T> future) {
        return Interop.wrap(getRunningLoop(), future);
    }

    /** Like {@link #wrapFuture(java.util.concurrent.Future)} for a {@link CompletableFuture}. */
    public static <T> Future<T> wrapFuture(CompletableFuture<T> future) {
        return Interop.wrap(getRunningLoop(), future);
    }
}
