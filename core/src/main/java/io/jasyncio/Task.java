package io.jasyncio;

import io.jasyncio.engine.Fiber;
import io.jasyncio.engine.PinnedStackError;
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
     *  - it is on the loop's ready queue (a first step, a bare yield, or a wakeup) and waiter is
     *    null, or
     *  - it is suspended with waiter set to the awaited future, registered with it by step(), or
     *    with waiter set to its SleepTimer, scheduled by step(), or
     *  - it is running (loop.currentTask == this).
     *
     * step() is asyncio's __step: it turns a pending cancel request into a CancelledError thrown at
     * the suspension point (pendingCancel, consumed inside the fiber so the error's stack trace is
     * the task's own), then resumes the fiber. A wakeup needs no separate method: the awaiting code
     * reads the awaited future's result itself after it is resumed.
     */

    private static final AtomicLong NAME_COUNTER = new AtomicLong();
    /** Ids of named tasks count down from -1, so that unnamed ones keep asyncio's Task-1, Task-2 ... */
    private static final AtomicLong NAMED_COUNTER = new AtomicLong();

    /** The coroutine: a Coroutine, or a VoidCoroutine (no adapter: one frame less on every stack); dropped once done. */
    private Object coro;
    /** The task's stack; dropped once the task is done, so a finished task holds no stack. */
    private Fiber fiber;
    /** The context slot every step runs in: a Context, or the snapshot array it was created with (see Context). */
    Object context;
    /** The name, or null until first asked for when it is the default Task-N (built lazily: spawning is hot). */
    private String name;
    /** The task's id, unique in the JVM: N of the default name Task-N, negative for named tasks. */
    private final long number;
    /**
     * The id of the task that created this one, truncated to an int (0: none), for the task tree.
     * An id, not a reference: a chain of tasks each spawning the next must not retain them all.
     */
    int parentId;
    /** Whether a TaskGroup owns this task (its parent awaits it: asyncio's awaited-by edge). */
    boolean grouped;
    /**
     * What the task is suspended on: the awaited {@link Future}, or the {@link SleepTimer} of a
     * sleep (a sleep needs no future); null when ready, running or done.
     */
    private Object waiter;
    /** The message of the cancel request not yet delivered (asyncio's Task._cancel_message). */
    private String cancelMessage;
    /** A cancel request not yet delivered. */
    private boolean mustCancel;
    /** Set when the resumed fiber must throw CancelledError(pendingCancelMessage) at its suspension point. */
    private boolean pendingCancel;
    /** The task has suspended with a waiter that step() has not registered yet. */
    private boolean registrationPending;
    /** Its loop closed while it was pending: its stack is being unwound (see abandon()). */
    private boolean abandoned;
    /** The message of that CancelledError. */
    private String pendingCancelMessage;
    /** cancel() calls minus uncancel() calls. */
    private int numCancelsRequested;
    /** Position in the loop's table of live tasks, or -1. */
    int liveIndex = -1;
    /**
     * The task's interrupt flag while it is suspended (continuation engine: the task runs on the
     * loop's thread, whose flag must not carry one task's interrupt to the loop or another task).
     */
    private boolean interrupted;

    /**
     * The body of every continuation-engine fiber. That engine runs a fiber on the resuming thread,
     * right after step() made the task current, so one shared Runnable finds its task there: no
     * per-task lambda object.
     */
    private static final Runnable SHARED_ENTRY = () -> EventLoop.runningOnThisThread().currentTask.body();

    /** A task of {@code coro}, a {@link Coroutine} or a {@link VoidCoroutine}. */
    Task(EventLoop loop, Object coro, String name, Context context) {
        super(loop);
        this.coro = coro;
        this.name = name;
        this.number = name == null ? NAME_COUNTER.incrementAndGet() : -NAMED_COUNTER.incrementAndGet();
        Task<?> creator = loop.currentTask;
        if (creator != null) {
            this.parentId = (int) creator.number;
        }
        this.context = context != null ? context : Context.currentEntries();
        this.fiber = loop.engineSharesThread ? loop.engine.newFiber(SHARED_ENTRY, name)
                : loop.engine.newFiber(this::body, name);
        JfrEvents.taskCreated(this);
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

    @SuppressWarnings("unchecked")
    private void body() {
        EventLoop previous = EventLoop.enterFiberThread(loop);
        try {
            if (abandoned) {
                return; // never started: nothing to unwind
            }
            T value;
            try {
                throwPendingCancel();
                if (coro instanceof Coroutine<?> c) {
                    value = (T) c.call();
                } else {
                    ((VoidCoroutine) coro).run();
                    value = null;
                }
            } catch (CancelledError e) {
                if (!abandoned) {
                    completeCancel(null, e);
                }
                return;
            } catch (Throwable e) {
                if (abandoned) {
                    return; // unwinding after the loop closed: the task was reported as destroyed
                }
                completeException(e);
                if (e instanceof VirtualMachineError vm) {
                    throw vm;
                }
                return;
            }
            if (abandoned) {
                return;
            }
            if (mustCancel) {
                // Cancelled right before the coroutine returned.
                mustCancel = false;
                completeCancel(cancelMessage, null);
            } else {
                if (numCancelsRequested > 0 && loop.debug) {
                    reportSwallowedCancellation();
                }
                completeResult(value);
            }
        } finally {
            EventLoop.leaveFiberThread(previous);
        }
    }

    /*
     * Suspending is split in two, as asyncio splits it between the coroutine and Task.__step: the
     * task only states what it waits for (waiter, registrationPending) and suspends; step(), back on
     * the loop's side, registers the wakeup (future waiter, sleep timer, ready entry) and applies a
     * pending cancel request. Nothing runs in between, so the order of events is the same as
     * registering first; but the registration code is not part of the frames that every suspended
     * task keeps in its stack (a compiled frame is as big as everything inlined into it).
     */

    /** Marks a bare yield in {@link #waiter} until step() registers it. */
    private static final Object YIELD = new Object() {
        @Override
        public String toString() {
            return "<yield>";
        }
    };

    /** States that the task waits for {@code f}; the caller then calls {@link #park()}. */
    void prepareAwait(Future<?> f) {
        if (f == this) {
            throw new IllegalStateException("Task cannot await on itself: " + this);
        }
        if (f.loop != loop) {
            throw new IllegalStateException("Task " + this + " got Future " + f + " attached to a different loop");
        }
        waiter = f;
        registrationPending = true;
    }

    /**
     * States that the task sleeps until {@code whenNanos}; the caller then calls {@link #park()}.
     * asyncio's sleep awaits a future that a timer sets; here the timer wakes the task directly and
     * a cancel cancels the timer, with the same order of events.
     */
    void prepareSleep(long whenNanos) {
        waiter = new SleepTimer(this, whenNanos);
        registrationPending = true;
    }

    /**
     * Debug mode: the task was cancelled (and nobody withdrew the request with uncancel()), yet its
     * coroutine returned normally, so it caught the CancelledError and went on. Allowed, as in
     * asyncio, but usually a bug (a {@code catch (Throwable t)} or a too-wide {@code catch (Error e)}).
     */
    private void reportSwallowedCancellation() {
        loop.callExceptionHandler(ExceptionContext.builder("Task " + getName() + " swallowed a cancellation: it was"
                + " cancelled " + numCancelsRequested + " time(s) and returned normally (catch CancelledError only to"
                + " clean up, then rethrow it, or call uncancel() when the cancellation is handled on purpose)")
                .future(this).build());
    }

    /** Gives up the loop for exactly one iteration: asyncio's bare {@code yield} ({@code sleep(0)}). */
    void yieldOnce() {
        waiter = YIELD;
        registrationPending = true;
        park();
    }

    /** The loop's half of a suspension: registers the wakeup the task asked for (see above). */
    private void registerWakeup() {
        registrationPending = false;
        Object w = waiter;
        if (w == YIELD) {
            waiter = null;
            loop.readyTask(this);
        } else if (w instanceof SleepTimer timer) {
            loop.scheduleSleep(timer);
            if (mustCancel && cancelSleep(timer, cancelMessage)) {
                mustCancel = false;
            }
        } else {
            Future<?> f = (Future<?>) w;
            f.addWaiter(this);
            if (mustCancel && f.cancel(cancelMessage)) {
                mustCancel = false;
            }
        }
    }

    /** Cancels a sleep whose timer has not run: the task wakes next iteration with CancelledError(msg). */
    private boolean cancelSleep(SleepTimer timer, String msg) {
        if (timer.when == SleepTimer.FIRED || timer.cancelled()) {
            return false;
        }
        if (timer.inHeap()) {
            loop.timerCancelled();
        }
        timer.when = SleepTimer.CANCELLED;
        // Like the message of a cancelled sleep future: set now, so that a second cancel() before
        // the task runs (which only sets mustCancel) cannot change it.
        pendingCancel = true;
        pendingCancelMessage = msg;
        loop.readyTask(this);
        return true;
    }

    /**
     * Suspends until the loop resumes this task; throws the CancelledError a cancel left for it.
     * If the JVM refuses to suspend ({@link PinnedStackError}), nothing was registered yet: the
     * request is dropped, and nothing wakes the task later for a wait it never began.
     */
    void park() {
        if (abandoned) {
            throw abandonedError();
        }
        if (loop.currentContext != context) {
            // Only Context.call()/run() changes the current context inside a task.
            waiter = null;
            registrationPending = false;
            throw new IllegalStateException("cannot suspend inside Context.call()/run(): as with Python's"
                    + " Context.run, the action runs to completion; suspend outside it, or create a task"
                    + " with createTask(coroutine, name, context) to run in that context");
        }
        try {
            loop.engine.suspend();
        } catch (PinnedStackError e) {
            waiter = null;
            registrationPending = false;
            throw e;
        }
        if (abandoned) {
            throw abandonedError();
        }
        throwPendingCancel();
    }

    /**
     * Called by {@link EventLoop#close()} for a task still pending: resumes it one last time with a
     * {@link CancelledError} at its suspension point, so that its {@code finally} blocks run (as
     * asyncio closes an abandoned coroutine with GeneratorExit) and, on the portable engine, its
     * virtual thread ends. Any further suspension fails at once; the task stays pending.
     */
    void abandon() {
        if (state != PENDING || fiber == null || abandoned) {
            return;
        }
        abandoned = true;
        waiter = null;
        registrationPending = false;
        Task<?> previousTask = loop.currentTask;
        Object previousContext = loop.currentContext;
        loop.currentTask = this;
        loop.currentContext = context;
        try {
            fiber.resume();
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            // The body swallows everything once abandoned; nothing should reach here.
        } finally {
            loop.currentTask = previousTask;
            loop.currentContext = previousContext;
            fiber = null;
        }
    }

    private CancelledError abandonedError() {
        return new CancelledError("the event loop was closed while " + getName() + " was pending");
    }

    private void throwPendingCancel() {
        if (pendingCancel) {
            pendingCancel = false;
            String msg = pendingCancelMessage;
            pendingCancelMessage = null;
            throw new CancelledError(msg);
        }
    }

    // ---- the loop's side ----

    /** One step: asyncio's Task.__step. Called by the loop for a ready task. */
    void step() {
        if (state != PENDING) {
            throw new InvalidStateError("step(): already done: " + this);
        }
        Object w = waiter;
        waiter = null;
        Future<?> waited = w instanceof Future<?> f ? f : null;
        boolean wokenByCancel = w instanceof SleepTimer t ? t.cancelled() : waited != null && waited.cancelled();
        // (A cancelled sleep set pendingCancel itself; a cancelled future's CancelledError is read
        // by the fiber from the future.)
        if (mustCancel) {
            mustCancel = false;
            if (!wokenByCancel) {
                // The request wins over the awaited result; asyncio's __wakeup still called
                // result() on it, so its exception counts as retrieved.
                if (waited != null) {
                    waited.markRetrieved();
                }
                pendingCancel = true;
                pendingCancelMessage = cancelMessage;
            }
        }
        // Eager starts nest a step inside a running task or callback: restore exactly what ran.
        Task<?> previousTask = loop.currentTask;
        Object previousContext = loop.currentContext;
        loop.currentTask = this;
        loop.currentContext = context;
        boolean sharesThread = loop.engineSharesThread;
        // The flag now on the thread is the resumer's (the loop's, or the parent task's in an
        // eager start): set it aside, and put this task's own in its place while it runs.
        boolean resumerInterrupted = sharesThread && Thread.interrupted();
        if (sharesThread && interrupted) {
            interrupted = false;
            Thread.currentThread().interrupt();
        }
        try {
            fiber.resume();
            if (registrationPending) {
                registerWakeup();
            }
        } finally {
            if (sharesThread && Thread.interrupted()) {
                interrupted = true; // the task's, kept with it
            }
            if (resumerInterrupted) {
                Thread.currentThread().interrupt();
            }
            loop.currentTask = previousTask;
            loop.currentContext = loop.contextToRestore(previousContext);
            if (state != PENDING) {
                fiber = null;
                loop.taskDone(this);
            }
        }
    }

    /** Runs the first step now, inside createTask: asyncio's eager start (3.12). */
    void eagerStart() {
        step();
        if (state != PENDING) {
            coro = null; // asyncio 3.12: get_coro() is None after an eager completion
        }
    }

    // ---- public API ----

    /** The task's id, unique in this JVM (for an unnamed task, the N of {@code Task-N}). */
    public long getId() {
        return number;
    }

    /** The frames of the task's fiber while it runs on its own thread (portable engine): the watchdog's sample. */
    StackTraceElement[] runningStack() {
        Fiber f = fiber;
        return f == null ? new StackTraceElement[0] : f.stackTrace();
    }

    @Override
    String awaitLabel() {
        return "task '" + getName() + "' (id " + number + ")";
    }

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

    /**
     * The coroutine this task runs (the {@link Coroutine} or {@link VoidCoroutine} lambda);
     * {@code null} when the task completed during an eager start, as in asyncio 3.12+.
     */
    public Object getCoro() {
        return coro;
    }

    /** The context the task runs in (the same object for the task's whole life). */
    public Context getContext() {
        Object slot = context;
        if (slot instanceof Object[] entries) {
            if (loop.currentTask == this && loop.currentContext == slot) {
                return loop.materializeCurrentContext();
            }
            Context c = Context.materialize(entries);
            context = c;
            return c;
        }
        return (Context) slot;
    }

    /**
     * Requests cancellation: a {@link CancelledError} carrying {@code msg} is thrown into the
     * coroutine at its current or next suspension point. Returns {@code false} if the task is
     * already done. Each call increments {@link #cancelling()}, but a task that has not yet run
     * receives one error however many requests it got.
     */
    @Override
    public boolean cancel(String msg) {
        markRetrieved(); // asyncio: cancel() silences a never-retrieved report, even when done
        if (state != PENDING) {
            return false;
        }
        numCancelsRequested++;
        Object w = waiter;
        if (w instanceof Future<?> f && f.cancel(msg)) {
            // The awaited future's cancellation wakes this task with a CancelledError.
            return true;
        }
        if (w instanceof SleepTimer t && cancelSleep(t, msg)) {
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
        int first = 0;
        while (first < all.length && Debug.isKernelFrame(all[first])) {
            first++; // the suspension machinery above the user's call (await, sleep, park, yield)
        }
        List<StackTraceElement> out = new ArrayList<>(all.length - first);
        for (int i = first; i < all.length; i++) {
            StackTraceElement e = all[i];
            if (e.getClassName().equals(Task.class.getName()) && e.getMethodName().equals("body")) {
                break; // the task's entry: below it is only the engine
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
        if (peekException() != null) {
            peekException().printStackTrace(out);
        }
    }

    /** {@link #printStack(PrintStream)} to {@code System.err}. */
    public void printStack() {
        printStack(System.err);
    }

    /** What the task is suspended on (a Future, or the SleepTimer of a sleep), or {@code null}. */
    Object waitingOn() {
        return waiter;
    }

    /** asyncio's repr: {@code <Task pending name='Task-1' coro=<...> wait_for=<Future pending>>}. */
    @Override
    String repr() {
        StringBuilder b = new StringBuilder("<Task ").append(state == PENDING && numCancelsRequested > 0 ? "cancelling" : stateName());
        b.append(" name='").append(getName()).append('\'');
        if (state == PENDING) {
            b.append(" coro=<").append(describeCoro()).append('>');
        }
        if (waiter instanceof Future<?> f) {
            b.append(" wait_for=").append(f);
        } else if (waiter instanceof SleepTimer t) {
            b.append(" wait_for=").append(t);
        }
        describeTo(b);
        return b.append('>').toString();
    }

    /**
     * asyncio shows the coroutine's own frame: {@code main() running at t.py:5}, the line where
     * main is now. Here that is the task's outermost user frame (the coroutine method, below any
     * frames it called), skipping the lambda that wraps it.
     */
    private String describeCoro() {
        List<StackTraceElement> stack = loop.currentTask == this && EventLoop.runningOnThisThread() == loop
                ? List.of(new Throwable().getStackTrace()) // running: its own frames, right here
                : getStack();
        int end = stack.size();
        for (int i = 0; i < stack.size(); i++) {
            StackTraceElement e = stack.get(i);
            if (e.getClassName().equals(Task.class.getName()) && e.getMethodName().equals("body")) {
                end = i; // below is the engine
                break;
            }
        }
        StackTraceElement outermost = null;
        for (int i = end - 1; i >= 0; i--) {
            StackTraceElement e = stack.get(i);
            if (Debug.isKernelFrame(e) || Debug.isJdkFrame(e)) {
                continue;
            }
            if (outermost == null) {
                outermost = e; // the wrapping lambda, if nothing better
            }
            if (!e.getMethodName().startsWith("lambda$")) {
                outermost = e;
                break;
            }
        }
        if (outermost != null) {
            String c = outermost.getClassName();
            return c.substring(c.lastIndexOf('.') + 1) + "." + outermost.getMethodName()
                    + "() running at " + outermost.getFileName() + ":" + outermost.getLineNumber();
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
