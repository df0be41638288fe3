package io.jasyncio;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A result that will be available later: asyncio's {@code Future}.
 *
 * <p>A future belongs to one loop and is not thread-safe: complete it on its loop (from another
 * thread use {@link EventLoop#callSoonThreadsafe(Runnable)}). Done callbacks are never run inline:
 * completing the future, or adding a callback to a done one, schedules each callback with
 * {@code callSoon} in registration order.
 *
 * <pre>{@code
 * Future<String> fut = getRunningLoop().createFuture();
 * createTask(() -> { sleep(1); fut.setResult("Done!"); });
 * String result = fut.await();            // suspends this task until the result is set
 * }</pre>
 *
 * <p>States: pending, then exactly one of finished-with-result, finished-with-exception or
 * cancelled. An exception that nobody retrieves (through {@link #result()}, {@link #exception()}
 * or {@link #await()}) is reported to the loop's exception handler when the future is garbage
 * collected or at the latest when the loop closes.
 *
 * @param <T> the result type
 */
public class Future<T> implements Awaitable<T> {

    /*
     * Overview. `state` moves once from PENDING to CANCELLED or FINISHED. Callbacks are kept in
     * `callback0` plus an overflow list (most futures have exactly one: the awaiting task). An
     * entry is either a Task (awaiting this future: on completion the task is put on the ready
     * queue, which is asyncio's __wakeup) or a DoneCallback (user callback with its context, run by
     * a Handle), or a bare Consumer (jasyncio-internal callback, run without a context of its own).
     * Keeping tasks as bare entries saves a Handle allocation per await.
     */

    static final int PENDING = 0, CANCELLED = 1, FINISHED = 2, FAILED = 3;

    final EventLoop loop;
    /** PENDING, then CANCELLED, FINISHED (with a result) or FAILED (with an exception). */
    int state = PENDING;
    /**
     * FINISHED: the result. FAILED: the exception, or its {@link Unretrieved.Report} while nobody
     * has retrieved it. CANCELLED: a {@link Cancellation}, or null when there is neither a message
     * nor a saved error. One field for all three keeps a suspended task small.
     */
    private Object outcome;
    /** The first done callback (Task, DoneCallback or internal Consumer), or null. */
    private Object callback0;
    /** Further done callbacks, or null. */
    private ArrayList<Object> callbacks;

    /** How a future was cancelled: asyncio's _cancel_message and _cancelled_exc. */
    private static final class Cancellation {
        final String message;
        /** The CancelledError that ended a task, handed once to the first awaiter (asyncio's chaining). */
        CancelledError saved;

        Cancellation(String message, CancelledError saved) {
            this.message = message;
            this.saved = saved;
        }
    }

    /** A future on the running loop. Prefer {@link EventLoop#createFuture()}. */
    public Future() {
        this(Asyncio.getRunningLoop());
    }

    /** A future on {@code loop}. */
    public Future(EventLoop loop) {
        this.loop = Objects.requireNonNull(loop, "loop");
        if (loop.debug) {
            loop.recordCreationSite(this);
        }
    }

    /** The loop this future belongs to. */
    public EventLoop getLoop() {
        return loop;
    }

    /** Whether the future has a result, an exception, or was cancelled. */
    public boolean done() {
        return state != PENDING;
    }

    /** Whether the future was cancelled. */
    public boolean cancelled() {
        return state == CANCELLED;
    }

    /**
     * The result.
     *
     * @throws CancelledError when the future was cancelled
     * @throws InvalidStateError when it is still pending
     * @throws Throwable the future's exception itself, unwrapped, when it has one (checked
     *     exceptions too; see docs/adr/0003-checked-exceptions.md)
     */
    public T result() {
        if (state == CANCELLED) {
            throw makeCancelledError();
        }
        if (state == PENDING) {
            throw new InvalidStateError("Result is not ready: " + this);
        }
        if (state == FAILED) {
            markRetrieved();
            throw Throwables.sneaky((Throwable) outcome);
        }
        @SuppressWarnings("unchecked")
        T value = (T) outcome;
        return value;
    }

    /**
     * The exception the future finished with, or {@code null} if it has a result.
     *
     * @throws CancelledError when the future was cancelled
     * @throws InvalidStateError when it is still pending
     */
    public Throwable exception() {
        if (state == CANCELLED) {
            throw makeCancelledError();
        }
        if (state == PENDING) {
            throw new InvalidStateError("Exception is not set: " + this);
        }
        if (state == FAILED) {
            markRetrieved();
            return (Throwable) outcome;
        }
        return null;
    }

    /**
     * Suspends the calling task until the future is done, then returns its result or throws its
     * exception (the very object that was set). Returns at once, without suspending, when the
     * future is already done.
     *
     * @throws CancelledError when the future is cancelled, or the calling task is cancelled while
     *     waiting
     * @throws IllegalStateException when not called from a task of this future's loop
     */
    @Override
    public T await() {
        if (state == PENDING) {
            Task<?> task = Task.current("Future.await()");
            task.prepareAwait(this);
            task.park();
        }
        return result();
    }

    /**
     * Sets the result and schedules the done callbacks.
     *
     * @throws InvalidStateError when the future is already done
     */
    public void setResult(T value) {
        if (state != PENDING) {
            throw new InvalidStateError("invalid state: " + this + " is already done");
        }
        completeResult(value);
    }

    /**
     * Sets the exception and schedules the done callbacks.
     *
     * @throws InvalidStateError when the future is already done
     */
    public void setException(Throwable e) {
        Objects.requireNonNull(e, "exception");
        if (state != PENDING) {
            throw new InvalidStateError("invalid state: " + this + " is already done");
        }
        completeException(e);
    }

    /** Cancels the future without a message; see {@link #cancel(String)}. */
    public boolean cancel() {
        return cancel(null);
    }

    /**
     * Cancels the future and schedules the done callbacks. Returns {@code false} when it was
     * already done. Awaiters get a {@link CancelledError} carrying {@code msg}.
     */
    public boolean cancel(String msg) {
        markRetrieved(); // asyncio: cancel() silences a never-retrieved report, even when done
        if (state != PENDING) {
            return false;
        }
        completeCancel(msg, null);
        return true;
    }

    /**
     * Adds a callback run (via {@code callSoon}, never inline) with this future once it is done,
     * in the current context.
     */
    public void addDoneCallback(Consumer<? super Future<T>> callback) {
        addCallbackEntry(callback, Context.currentEntries());
    }

    /** Adds a done callback that runs in {@code context}. */
    public void addDoneCallback(Consumer<? super Future<T>> callback, Context context) {
        addCallbackEntry(callback, Objects.requireNonNull(context, "context"));
    }

    private void addCallbackEntry(Consumer<? super Future<T>> callback, Object context) {
        Objects.requireNonNull(callback, "callback");
        DoneCallback<T> entry = new DoneCallback<>(callback, context);
        if (state != PENDING) {
            schedule(entry);
        } else {
            addEntry(entry);
        }
    }

    /** Removes every registration of {@code callback}; returns how many there were. */
    public int removeDoneCallback(Consumer<? super Future<T>> callback) {
        int removed = 0;
        if (callback0 instanceof DoneCallback<?> d && d.fn == callback) {
            callback0 = null;
            removed++;
        }
        if (callbacks != null) {
            int before = callbacks.size();
            callbacks.removeIf(e -> e instanceof DoneCallback<?> d && d.fn == callback);
            removed += before - callbacks.size();
        }
        return removed;
    }

    /**
     * A {@link CompletableFuture} that completes with this future: same result, same exception,
     * cancelled when this is cancelled. Cancelling it cancels this future (on its loop, thread-safely).
     */
    public CompletableFuture<T> toCompletableFuture() {
        CompletableFuture<T> cf = new CompletableFuture<>();
        Interop.bridge(this, cf);
        return cf;
    }

    // ---- completion (internal; Task overrides the public setters to refuse them) ----

    final void completeResult(T value) {
        outcome = value;
        state = FINISHED;
        scheduleCallbacks();
    }

    final void completeException(Throwable e) {
        outcome = e;
        state = FAILED;
        if (!(e instanceof CancelledError)) {
            outcome = loop.unretrieved.track(this, e);
        }
        scheduleCallbacks();
    }

    /** Cancels with asyncio's message and, for a task, the CancelledError that ended it. */
    final void completeCancel(String msg, CancelledError saved) {
        outcome = msg == null && saved == null ? null : new Cancellation(msg, saved);
        state = CANCELLED;
        scheduleCallbacks();
    }

    /** Asyncio's _make_cancelled_error: the saved error once, then new ones with the message. */
    CancelledError makeCancelledError() {
        Cancellation c = state == CANCELLED ? (Cancellation) outcome : null;
        if (c == null) {
            return new CancelledError();
        }
        CancelledError saved = c.saved;
        if (saved != null) {
            c.saved = null;
            return saved;
        }
        return new CancelledError(c.message);
    }

    /** The message the future was cancelled with, or null. */
    final String cancelledMessage() {
        return state == CANCELLED && outcome != null ? ((Cancellation) outcome).message : null;
    }

    /** Marks an exception as retrieved, so that it is not reported as lost. */
    final void markRetrieved() {
        if (outcome instanceof Unretrieved.Report r && state == FAILED) {
            outcome = r.exception();
            r.retrieved();
        }
    }

    /** Exception without marking it retrieved, for introspection (toString, reports). */
    final Throwable peekException() {
        if (state != FAILED) {
            return null;
        }
        return outcome instanceof Unretrieved.Report r ? r.exception() : (Throwable) outcome;
    }

    @SuppressWarnings("unchecked")
    final T peekResult() {
        return state == FINISHED ? (T) outcome : null;
    }

    /**
     * Adds a jasyncio-internal done callback: no context is captured and it cannot be removed
     * (gather, bridges). Scheduled with callSoon like any other.
     */
    final void addInternalCallback(Consumer<Future<T>> callback) {
        if (state != PENDING) {
            schedule(callback);
        } else {
            addEntry(callback);
        }
    }

    /**
     * Whether {@code callback} is the callback most recently added to this future (by identity):
     * gather's duplicate test, which runs while no other code can add callbacks, so that its own
     * callback, if there, is the last one.
     */
    final boolean lastCallbackIs(Object callback) {
        ArrayList<Object> rest = callbacks;
        if (rest != null && !rest.isEmpty()) {
            return rest.get(rest.size() - 1) == callback;
        }
        return callback0 == callback;
    }

    /** Registers a task to be put on the ready queue when this future is done. */
    final void addWaiter(Task<?> task) {
        addEntry(task);
    }


    private void addEntry(Object entry) {
        if (callback0 == null && callbacks == null) {
            callback0 = entry;
        } else {
            if (callbacks == null) {
                callbacks = new ArrayList<>(4);
            }
            callbacks.add(entry);
        }
    }

    private void scheduleCallbacks() {
        Object first = callback0;
        ArrayList<Object> rest = callbacks;
        callback0 = null;
        callbacks = null;
        if (first != null) {
            schedule(first);
        }
        if (rest != null) {
            for (Object entry : rest) {
                schedule(entry);
            }
        }
    }

    private void schedule(Object entry) {
        if (entry instanceof Task<?> t) {
            loop.readyTask(t);
        } else if (entry instanceof Consumer<?> internal) {
            @SuppressWarnings("unchecked")
            Consumer<Future<T>> c = (Consumer<Future<T>>) internal;
            loop.readyInternal(new InternalCallback<>(loop, c, this));
        } else {
            @SuppressWarnings("unchecked")
            DoneCallback<T> d = (DoneCallback<T>) entry;
            loop.callSoonInContext(() -> d.fn.accept(this), d.context);
        }
    }

    int callbackCount() {
        return (callback0 != null ? 1 : 0) + (callbacks != null ? callbacks.size() : 0);
    }

    /**
     * jasyncio's own done callback on the ready queue: one object, the handle carrying the call in
     * its fields (a Handle around a capturing lambda would be two).
     */
    private static final class InternalCallback<T> extends Handle {
        /** What the callback field holds: a handle that is cancelled or has run holds nothing. */
        private static final Runnable CALL = () -> {};
        private final Consumer<Future<T>> fn;
        private final Future<T> future;

        InternalCallback(EventLoop loop, Consumer<Future<T>> fn, Future<T> future) {
            super(loop, CALL, Context.EMPTY_ENTRIES);
            this.fn = fn;
            this.future = future;
        }

        @Override
        void invoke(Runnable cb) {
            fn.accept(future);
        }

        @Override
        String describeCallback() {
            return describe(fn);
        }

        @Override
        public String toString() {
            return "<Handle " + describe(fn) + " of " + future.getClass().getSimpleName() + ">";
        }
    }

    /** A user's done callback and its context slot (a Context or a snapshot array). */
    private record DoneCallback<T>(Consumer<? super Future<T>> fn, Object context) {}

    String stateName() {
        return switch (state) {
            case PENDING -> "pending";
            case CANCELLED -> "cancelled";
            default -> "finished";
        };
    }

    /** asyncio's repr: {@code <Future pending cb=[2]>}, {@code <Future finished result='x'>}. */
    @Override
    public String toString() {
        if (!Debug.enterRepr(this)) {
            return "<" + getClass().getSimpleName() + " ...>";
        }
        try {
            return repr();
        } finally {
            Debug.leaveRepr(this);
        }
    }

    /** What introspection says a task awaiting this future waits for. */
    String awaitLabel() {
        return toString();
    }

    /** The futures this one waits for itself (gather's children, a task group's tasks): introspection's edges. */
    List<? extends Future<?>> awaitedFutures() {
        return List.of();
    }

    /** The repr itself; {@link #toString()} guards it against cycles (tasks awaiting each other). */
    String repr() {
        StringBuilder b = new StringBuilder("<").append(getClass().getSimpleName()).append(' ').append(stateName());
        describeTo(b);
        return b.append('>').toString();
    }

    void describeTo(StringBuilder b) {
        if (state == FAILED) {
            b.append(" exception=").append(peekException());
        } else if (state == FINISHED) {
            b.append(" result=").append(repr(outcome));
        }
        int n = callbackCount();
        if (n > 0) {
            b.append(" cb=[").append(n).append(']');
        }
        StackTraceElement[] site = loop.creationSite(this);
        if (site != null && site.length > 0) {
            b.append(" created at ").append(site[0]);
        }
    }

    static String repr(Object value) {
        if (value instanceof String s) {
            String shown = s.length() > 60 ? s.substring(0, 57) + "..." : s;
            return "'" + shown + "'";
        }
        return String.valueOf(value);
    }

    /** For CompletableFuture interop: the Java exception that mirrors a cancellation. */
    static CancellationException toJava(CancelledError e) {
        CancellationException c = new CancellationException(e.getMessage());
        c.initCause(e);
        return c;
    }
}
