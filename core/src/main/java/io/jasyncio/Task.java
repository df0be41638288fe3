package io.jasyncio;

import io.jasyncio.engine.Fiber;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A coroutine running on the loop: asyncio's {@code Task}.
 *
 * <p>A task is a {@link Future} of its coroutine's result. It runs on its own stack (a fiber of the
 * coroutine engine) and interleaves with the other tasks of its loop only where it suspends:
 * {@link Future#await()}, {@link Asyncio#sleep(double)}, and everything built on them, from any
 * depth of its call stack.
 *
 * <p>Cancellation ({@link #cancel(String)}) is delivered as a {@link CancelledError} at the next
 * suspension point, or at once at the suspension point the task is waiting in. The task is
 * cancelled only if that error propagates out of its coroutine; a coroutine that catches it keeps
 * running. {@link #cancelling()} counts the requests, {@link #uncancel()} withdraws one.
 *
 * <p>The loop keeps a strong reference to every live task (asyncio keeps weak ones, so
 * fire-and-forget tasks may vanish); {@link Asyncio#allTasks()} lists them.
 *
 * @param <T> the result type
 */
public class Task<T> extends Future<T> {

    /*
     * Invariant (asyncio's, restated for a stackful coroutine): while the task is pending, either
     *  - it is on the loop's ready queue (a first step, a bare yield, or a wakeup) and futWaiter is
     *    null, or
     *  - it is suspended in awaitFuture() with futWaiter set and registered as a waiter of it, or
     *  - it is running (loop.currentTask == this).
     *
     * step() is asyncio's __step: it turns a pending cancel request into a CancelledError thrown at
     * the suspension point (pendingCancel, consumed inside the fiber so the error's stack trace is
     * the task's own), then resumes the fiber. A wakeup needs no separate method: the awaiting code
     * reads the awaited future's result itself after it is resumed.
     */

    private static final AtomicLong NAME_COUNTER = new AtomicLong();

    /** The coroutine; dropped once the task is done. */
    private Coroutine<T> coro;
    /** The task's stack; dropped once the task is done, so a finished task holds no stack. */
    private Fiber fiber;
    /** The context every step runs in. */
    final Context context;
    /** The name, or null until first asked for when it is the default Task-N (built lazily: spawning is hot). */
    private String name;
    /** N of the default name Task-N. */
    private final long number;
    /** The future this task is suspended on, or null. */
    private Future<?> futWaiter;
    /** A cancel request not yet delivered. */
    private boolean mustCancel;
    /** Set by step() when the resumed fiber must throw CancelledError at its suspension point. */
    private boolean pendingCancel;
    /** cancel() calls minus uncancel() calls. */
    private int numCancelsRequested;
    /** Neighbours in the loop's list of live tasks. */
    Task<?> prevLive, nextLive;

    Task(EventLoop loop, Coroutine<T> coro, String name, Context context) {
        super(loop);
        this.coro = coro;
        this.name = name;
        this.number = name == null ? NAME_COUNTER.incrementAndGet() : 0;
        this.context = context != null ? context : Context.copyCurrent();
        this.fiber = loop.engine.newFiber(this::body, name);
    }

    /** The task running on the calling thread's loop, or an error naming {@code method}. */
    static Task<?> current(String method) {
        EventLoop loop = EventLoop.runningOnThisThread();
        Task<?> t = loop == null ? null : loop.currentTask;
        if (t == null) {
            throw new IllegalStateException(method + " suspends, so it must be called from a task: wrap the"
                    + " calling code in Asyncio.run(() -> ...) or createTask(() -> ...)"
                    + (loop == null ? " (no event loop is running in this thread)" : " (this is a plain loop callback)"));
        }
        return t;
    }

    // ---- the coroutine's side (runs inside the fiber) ----

    private void body() {
        EventLoop previous = EventLoop.enterFiberThread(loop);
        try {
            runCoroutine();
        } finally {
            EventLoop.leaveFiberThread(previous);
        }
    }

    private void runCoroutine() {
        T value;
        try {
            throwPendingCancel();
            value = coro.call();
        } catch (CancelledError e) {
            cancelledExc = e;
            completeCancel(null);
            return;
        } catch (Throwable e) {
            completeException(e);
            if (e instanceof VirtualMachineError vm) {
                throw vm;
            }
            return;
        }
        if (mustCancel) {
            // Cancelled right before the coroutine returned.
            mustCancel = false;
            completeCancel(cancelMessage);
        } else {
            completeResult(value);
        }
    }

    /** Suspends until {@code f} is done (the caller then reads its result). */
    void awaitFuture(Future<?> f) {
        if (f == this) {
            throw new IllegalStateException("Task cannot await on itself: " + this);
        }
        if (f.loop != loop) {
            throw new IllegalStateException("Task " + this + " got Future " + f + " attached to a different loop");
        }
        f.addWaiter(this);
        futWaiter = f;
        if (mustCancel && f.cancel(cancelMessage)) {
            mustCancel = false;
        }
        park();
    }

    /** Gives up the loop for exactly one iteration: asyncio's bare {@code yield} ({@code sleep(0)}). */
    void yieldOnce() {
        loop.readyTask(this);
        park();
    }

    private void park() {
        loop.engine.suspend();
        throwPendingCancel();
    }

    private void throwPendingCancel() {
        if (pendingCancel) {
            pendingCancel = false;
            throw makeCancelledError();
        }
    }

    // ---- the loop's side ----

    /** One step: asyncio's Task.__step. Called by the loop for a ready task. */
    void step() {
        if (state != PENDING) {
            throw new InvalidStateError("step(): already done: " + this);
        }
        Future<?> waited = futWaiter;
        futWaiter = null;
        if (mustCancel) {
            mustCancel = false;
            if (waited == null || !waited.cancelled()) {
                // The request wins over the awaited result; asyncio's __wakeup still called
                // result() on it, so its exception counts as retrieved.
                if (waited != null) {
                    waited.markRetrieved();
                }
                pendingCancel = true;
            }
        }
        Task<?> previous = loop.swapCurrentTask(this);
        try {
            fiber.resume();
        } finally {
            loop.swapCurrentTask(previous);
            if (state != PENDING) {
                fiber = null;
                coro = null;
                loop.taskDone(this);
            }
        }
    }

    /** Runs the first step now, inside createTask: asyncio's eager start (3.12). */
    void eagerStart() {
        step();
    }

    // ---- public API ----

    /** The task's name ({@code Task-N} unless one was given). */
    public String getName() {
        String n = name;
        if (n == null) {
            name = n = "Task-" + number;
        }
        return n;
    }

    /** Renames the task. */
    public void setName(String name) {
        this.name = String.valueOf(name);
    }

    /** The coroutine this task runs; {@code null} once done. */
    public Coroutine<T> getCoro() {
        return state == PENDING ? coro : null;
    }

    /** The context the task runs in. */
    public Context getContext() {
        return context;
    }

    /**
     * Requests cancellation: a {@link CancelledError} carrying {@code msg} is thrown into the
     * coroutine at its current or next suspension point. Returns {@code false} if the task is
     * already done. Each call increments {@link #cancelling()}, but a task that has not yet run
     * receives one error however many requests it got.
     */
    @Override
    public boolean cancel(String msg) {
        if (state != PENDING) {
            return false;
        }
        numCancelsRequested++;
        Future<?> w = futWaiter;
        if (w != null && w.cancel(msg)) {
            // The awaited future's cancellation wakes this task with a CancelledError.
            return true;
        }
        mustCancel = true;
        cancelMessage = msg;
        return true;
    }

    /** The number of pending cancellation requests: cancel() calls minus uncancel() calls. */
    public int cancelling() {
        return numCancelsRequested;
    }

    /**
     * Withdraws one cancellation request and returns the remaining count. At zero, a request not
     * yet delivered is dropped too (asyncio 3.13).
     */
    public int uncancel() {
        if (numCancelsRequested > 0) {
            numCancelsRequested--;
            if (numCancelsRequested == 0) {
                mustCancel = false;
            }
        }
        return numCancelsRequested;
    }

    /** Refused: a task's result comes from its coroutine. */
    @Override
    public void setResult(T value) {
        throw new UnsupportedOperationException("Task does not support setResult");
    }

    /** Refused: a task's exception comes from its coroutine. */
    @Override
    public void setException(Throwable e) {
        throw new UnsupportedOperationException("Task does not support setException");
    }

    /**
     * The frames of the suspended task, innermost first, from its suspension point down to its
     * coroutine (jasyncio's own frames left out); empty when it is running, not started or done.
     * Unlike asyncio's, which shows one frame per coroutine, this is the whole Java stack.
     */
    public List<StackTraceElement> getStack() {
        Fiber f = fiber;
        if (state != PENDING || f == null || loop.currentTask == this) {
            return List.of();
        }
        StackTraceElement[] all = f.stackTrace();
        List<StackTraceElement> out = new ArrayList<>(all.length);
        for (StackTraceElement e : all) {
            String c = e.getClassName();
            if (c.equals(Task.class.getName()) && e.getMethodName().equals("body")) {
                break;
            }
            if (c.startsWith("io.jasyncio.engine.") || c.startsWith("jdk.internal.vm.")
                    || (c.equals(Task.class.getName()) && !e.getMethodName().startsWith("lambda"))) {
                continue;
            }
            out.add(e);
        }
        return out;
    }

    /** Prints the task and its stack to {@code out}, like a Java stack trace. */
    public void printStack(PrintStream out) {
        List<StackTraceElement> stack = getStack();
        out.println("Stack for " + this + (stack.isEmpty() ? ": no frames (not suspended)" : ":"));
        for (StackTraceElement e : stack) {
            out.println("\tat " + e);
        }
        if (state == FINISHED && peekException() != null) {
            peekException().printStackTrace(out);
        }
    }

    /** {@link #printStack(PrintStream)} to {@code System.err}. */
    public void printStack() {
        printStack(System.err);
    }

    /** The future this task is suspended on, or {@code null}. */
    Future<?> waitingOn() {
        return futWaiter;
    }

    /** asyncio's repr: {@code <Task pending name='Task-1' coro=<...> wait_for=<Future pending>>}. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("<Task ").append(stateName());
        if (state == PENDING && mustCancel) {
            b.append(" cancelling");
        }
        b.append(" name='").append(getName()).append('\'');
        if (state == PENDING) {
            b.append(" coro=<").append(describeCoro()).append('>');
        }
        if (futWaiter != null) {
            b.append(" wait_for=").append(futWaiter.getClass().getSimpleName()).append(' ').append(futWaiter.stateName());
        }
        describeTo(b);
        return b.append('>').toString();
    }

    private String describeCoro() {
        if (loop.currentTask == this) {
            return "running";
        }
        List<StackTraceElement> stack = getStack();
        for (StackTraceElement e : stack) {
            if (!e.getClassName().startsWith("io.jasyncio.") || e.getClassName().startsWith("io.jasyncio.examples.")) {
                return e.getClassName().substring(e.getClassName().lastIndexOf('.') + 1) + "." + e.getMethodName()
                        + "() running at " + e.getFileName() + ":" + e.getLineNumber();
            }
        }
        return describeLambda();
    }

    private String describeLambda() {
        String s = String.valueOf(coro);
        int lambda = s.indexOf("$$Lambda");
        String cls = lambda > 0 ? s.substring(0, lambda) : s;
        return cls.substring(cls.lastIndexOf('.') + 1) + " lambda";
    }
}
