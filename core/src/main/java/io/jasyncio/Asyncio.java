package io.jasyncio;

import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Supplier;

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
    public static <T> T run(Coroutine<T> main, Boolean debug, Supplier<? extends EventLoop> loopFactory) {
        if (EventLoop.runningOnThisThread() != null) {
            throw new IllegalStateException("Asyncio.run() cannot be called from a running event loop:"
                    + " in a task, call the coroutine directly (it runs inline) or use createTask(...)");
        }
        try (Runner runner = new Runner(debug, loopFactory)) {
            return runner.run(main);
        }
    }

    /** Like {@link #run(Coroutine, Boolean, Supplier)} for a coroutine without a result. */
    public static void run(VoidCoroutine main, Boolean debug, Supplier<? extends EventLoop> loopFactory) {
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
     * The async call graph of the current task: asyncio 3.14's {@code capture_call_graph()}.
     * Returns null outside a task.
     */
    public static FutureCallGraph captureCallGraph() {
        Task<?> t = currentTask();
        return t == null ? null : FutureCallGraph.capture(t);
    }

    /** The async call graph of {@code future} (a task or a future of the running loop). */
    public static FutureCallGraph captureCallGraph(Future<?> future) {
        java.util.Objects.requireNonNull(future, "future");
        return FutureCallGraph.capture(future);
    }

    /** {@code format_call_graph(future)}: the graph as text; empty outside a task for the no-argument form. */
    public static String formatCallGraph(Future<?> future) {
        return captureCallGraph(future).format();
    }

    /** {@code print_call_graph()}: prints the current task's call graph to standard output. */
    public static void printCallGraph() {
        FutureCallGraph g = captureCallGraph();
        if (g != null) {
            g.print(System.out);
        }
    }

    /** {@code print_call_graph(future)}: prints the graph of {@code future} to standard output. */
    public static void printCallGraph(Future<?> future) {
        captureCallGraph(future).print(System.out);
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
        // Duration.toNanos() overflows past ~292 years; seconds as a double do not.
        sleep(delay.getSeconds() + delay.getNano() / 1e9);
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

    // ---- timeouts and structured concurrency ----

    /**
     * A timeout scope whose deadline is {@code delay} seconds from now ({@code null}: none); run
     * the block with {@link Timeout#run}: {@code timeout(2).run(() -> slow())}.
     */
    public static Timeout timeout(Double delay) {
        if (delay == null) {
            return new Timeout(null);
        }
        return new Timeout(getRunningLoop().time() + delay);
    }

    /** Like {@link #timeout(Double)} for a deadline that exists ({@code timeout(2)} reads as seconds). */
    public static Timeout timeout(double delay) {
        return timeout(Double.valueOf(delay));
    }

    /** A timeout scope with an absolute deadline in {@link EventLoop#time()} seconds ({@code null}: none). */
    public static Timeout timeoutAt(Double when) {
        return new Timeout(when);
    }

    /** Runs {@code block} under a deadline of {@code delay} seconds; see {@link Timeout#run}. */
    public static <T> T timeout(double delay, Coroutine<T> block) {
        return timeout(delay).run(block);
    }

    /** Like {@link #timeout(double, Coroutine)} for a block without a result. */
    public static void timeout(double delay, VoidCoroutine block) {
        timeout(delay).run(block);
    }

    /**
     * Waits for {@code future} with a timeout (asyncio 3.12's {@code wait_for}, built on
     * {@link Timeout}): on timeout the future is cancelled, its cancellation awaited, then
     * {@link TimeoutError} raised. {@code null}: no timeout; zero or negative: the future gets one
     * chance to be done already.
     */
    public static <T> T waitFor(Future<T> future, Double timeout) {
        Task.current("waitFor()");
        if (timeout != null && timeout <= 0) {
            return cancelAndWaitForTimeout(future);
        }
        return timeout(timeout).run(future::await);
    }

    /**
     * Like {@link #waitFor(Future, Double)} for a coroutine, which runs inline in the calling task
     * (as in asyncio 3.12+); with a zero or negative timeout it never starts.
     */
    public static <T> T waitFor(Coroutine<T> coroutine, Double timeout) {
        Task<?> task = Task.current("waitFor()");
        if (timeout != null && timeout <= 0) {
            return cancelAndWaitForTimeout(task.loop.createTask(coroutine));
        }
        return timeout(timeout).run(coroutine);
    }

    /** {@link #waitFor(Future, Double)} with a timeout in seconds. */
    public static <T> T waitFor(Future<T> future, double timeout) {
        return waitFor(future, Double.valueOf(timeout));
    }

    /** {@link #waitFor(Coroutine, Double)} with a timeout in seconds. */
    public static <T> T waitFor(Coroutine<T> coroutine, double timeout) {
        return waitFor(coroutine, Double.valueOf(timeout));
    }

    /** {@link #waitFor(VoidCoroutine, Double)} with a timeout in seconds. */
    public static void waitFor(VoidCoroutine coroutine, double timeout) {
        waitFor(Coroutine.of(coroutine), Double.valueOf(timeout));
    }

    /** Like {@link #waitFor(Coroutine, Double)} for a coroutine without a result. */
    public static void waitFor(VoidCoroutine coroutine, Double timeout) {
        waitFor(Coroutine.of(coroutine), timeout);
    }

    private static <T> T cancelAndWaitForTimeout(Future<T> future) {
        if (future.done()) {
            return future.result();
        }
        Future<Void> waiter = future.loop.createFuture();
        Consumer<Future<T>> release = f -> {
            if (!waiter.done()) {
                waiter.setResult(null);
            }
        };
        future.addDoneCallback(release);
        try {
            future.cancel();
            waiter.await();
        } finally {
            future.removeDoneCallback(release);
        }
        try {
            return future.result();
        } catch (CancelledError e) {
            throw new TimeoutError("the timeout expired", e);
        }
    }

    /**
     * Protects {@code future} from the cancellation of the task that awaits it (asyncio's
     * {@code shield}): the returned future mirrors it, and cancelling the returned one (as
     * cancelling the awaiting task does) leaves {@code future} running. Returns {@code future}
     * itself when it is already done.
     */
    public static <T> Future<T> shield(Future<T> future) {
        if (future.done()) {
            return future;
        }
        Future<T> outer = future.loop.createFuture();
        Consumer<Future<T>> innerDone = inner -> {
            if (outer.cancelled()) {
                if (!inner.cancelled()) {
                    inner.markRetrieved(); // asyncio: inner.exception(); the outer's canceller chose not to see it
                }
                return;
            }
            if (inner.cancelled()) {
                outer.cancel();
            } else if (inner.peekException() != null) {
                outer.setException(inner.exception());
            } else {
                outer.setResult(inner.result());
            }
        };
        future.addDoneCallback(innerDone);
        outer.addDoneCallback(o -> {
            if (!future.done()) {
                future.removeDoneCallback(innerDone);
            }
        });
        return outer;
    }

    /** Like {@link #shield(Future)} for a coroutine, run as a new task. */
    public static <T> Future<T> shield(Coroutine<T> coroutine) {
        return shield(createTask(coroutine));
    }

    /**
     * Runs {@code body} as a {@link TaskGroup}'s block and waits for every task created in it.
     *
     * @throws ExceptionGroup with the failures of the tasks and of the block
     */
    public static void taskGroup(TaskGroup.Body body) {
        new TaskGroup().run(body);
    }

    /**
     * Waits for futures (asyncio's {@code wait}): returns the done and pending ones when
     * {@code returnWhen} is satisfied or {@code timeout} seconds passed ({@code null}: no timeout).
     * Never raises {@link TimeoutError} and never cancels anything. Duplicates count once. Takes
     * futures or tasks only: wrap coroutines with {@code createTask} (asyncio 3.11+).
     *
     * @throws IllegalArgumentException when {@code futures} is empty
     */
    public static <T> WaitResult<T> wait(Collection<? extends Future<T>> futures, Double timeout, ReturnWhen returnWhen) {
        Objects.requireNonNull(returnWhen, "returnWhen");
        if (futures.isEmpty()) {
            throw new IllegalArgumentException("Set of Tasks/Futures is empty.");
        }
        EventLoop loop = Task.current("wait()").loop;
        Set<Future<T>> fs = new LinkedHashSet<>(futures);
        Future<Void> waiter = loop.createFuture();
        TimerHandle timeoutHandle = timeout == null ? null : loop.callLater(timeout, () -> {
            if (!waiter.done()) {
                waiter.setResult(null);
            }
        });
        int[] counter = {fs.size()};
        Consumer<Future<T>> onCompletion = f -> {
            counter[0]--;
            if (counter[0] <= 0 || returnWhen == ReturnWhen.FIRST_COMPLETED
                    || (returnWhen == ReturnWhen.FIRST_EXCEPTION && !f.cancelled() && f.exception() != null)) {
                if (timeoutHandle != null) {
                    timeoutHandle.cancel();
                }
                if (!waiter.done()) {
                    waiter.setResult(null);
                }
            }
        };
        for (Future<T> f : fs) {
            f.addDoneCallback(onCompletion);
        }
        try {
            waiter.await();
        } finally {
            if (timeoutHandle != null) {
                timeoutHandle.cancel();
            }
            for (Future<T> f : fs) {
                f.removeDoneCallback(onCompletion);
            }
        }
        Set<Future<T>> done = new LinkedHashSet<>();
        Set<Future<T>> pending = new LinkedHashSet<>();
        for (Future<T> f : fs) {
            (f.done() ? done : pending).add(f);
        }
        return new WaitResult<>(done, pending);
    }

    /** {@link #wait(Collection, Double, ReturnWhen)} until all are done, without a timeout. */
    public static <T> WaitResult<T> wait(Collection<? extends Future<T>> futures) {
        return wait(futures, null, ReturnWhen.ALL_COMPLETED);
    }

    /**
     * The futures in the order they complete (asyncio's {@code as_completed}); see {@link AsCompleted}.
     * {@code timeout} in seconds, {@code null} for none.
     */
    public static <T> AsCompleted<T> asCompleted(Collection<? extends Future<T>> futures, Double timeout) {
        return new AsCompleted<>(getRunningLoop(), futures, timeout);
    }

    /** {@link #asCompleted(Collection, Double)} without a timeout. */
    public static <T> AsCompleted<T> asCompleted(Collection<? extends Future<T>> futures) {
        return asCompleted(futures, null);
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
