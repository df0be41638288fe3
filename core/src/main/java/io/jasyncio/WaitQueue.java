package io.jasyncio;

import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * The parking primitive that synchronization primitives are written on: one FIFO queue of
 * suspended tasks, with an abort hook that runs when a parked task is cancelled. Public so that
 * libraries can build their own primitives the way {@link Lock} and {@link Semaphore} are built.
 *
 * <pre>{@code
 * if (!tryTakeNow()) {
 *     queue.park(wasWoken -> { if (wasWoken) giveBack(); });   // runs only if cancelled
 * }
 * }</pre>
 *
 * <p>asyncio's protocol, kept exactly: a woken waiter stays in the queue until it runs again
 * ({@link #hasLiveWaiter()} still sees it, so a newcomer cannot barge past it), and a waiter that
 * is cancelled after it was woken learns so through the hook's {@code wasWoken}, so that what it
 * was handed is passed on (bpo-27585: otherwise a lock is left held with waiters starving). All of
 * it lives here, once, instead of in every primitive.
 *
 * <p>Bound to the loop of the first task that parks (asyncio's {@code _LoopBoundMixin}); parking
 * from another loop raises. Not thread-safe: use it from its loop's tasks and callbacks.
 */
public final class WaitQueue {

    /** What a cancelled waiter must undo. */
    @FunctionalInterface
    public interface AbortHook {
        /**
         * Called when the parked task is cancelled, after it left the queue and before the
         * CancelledError propagates.
         *
         * @param wasWoken whether it had already been woken (and so was handed something)
         */
        void aborted(boolean wasWoken);
    }

    private final ArrayDeque<Future<Boolean>> waiters = new ArrayDeque<>();
    private EventLoop loop;
    /** The primitive built on this queue, named by introspection as what a parked task awaits. */
    private final Object owner;

    /** An empty queue, bound to a loop at its first use. */
    public WaitQueue() {
        this(null);
    }

    /**
     * An empty queue belonging to {@code owner}, the primitive built on it: task dumps and call
     * graphs show a parked task as waiting for {@code owner} (its {@code toString()}).
     */
    public WaitQueue(Object owner) {
        this.owner = owner;
    }

    /** The primitive this queue belongs to, or null. */
    public Object owner() {
        return owner;
    }

    /** A parked task's future: introspection reads the queue's owner through it. */
    static final class Parked extends Future<Boolean> {
        final WaitQueue queue;

        Parked(EventLoop loop, WaitQueue queue) {
            super(loop);
            this.queue = queue;
        }

        @Override
        String awaitLabel() {
            Object o = queue.owner;
            return o == null ? "a WaitQueue" : String.valueOf(o);
        }
    }

    /**
     * Suspends the current task at the tail of the queue until {@link #wakeFirst()} or
     * {@link #wakeAll()} wakes it.
     *
     * @throws CancelledError when the task is cancelled while parked (after {@code onAbort} ran)
     * @throws IllegalStateException outside a task, or on a different loop than the queue's
     */
    public void park(AbortHook onAbort) {
        Task<?> task = Task.current("WaitQueue.park()");
        bind(task.loop);
        Future<Boolean> waiter = new Parked(task.loop, this);
        waiters.add(waiter);
        try {
            try {
                waiter.await();
            } finally {
                waiters.remove(waiter);
            }
        } catch (CancelledError e) {
            if (onAbort != null) {
                onAbort.aborted(waiter.done() && !waiter.cancelled());
            }
            throw e;
        }
    }

    /** Wakes the first waiter that is not already woken or cancelled; false if there is none. */
    public boolean wakeFirst() {
        if (waiters.isEmpty()) {
            return false;
        }
        for (Future<Boolean> w : waiters) {
            if (!w.done()) {
                w.setResult(true);
                return true;
            }
        }
        return false;
    }

    /** Wakes every waiter not already woken or cancelled; returns how many. */
    public int wakeAll() {
        int n = 0;
        for (Future<Boolean> w : waiters) {
            if (!w.done()) {
                w.setResult(true);
                n++;
            }
        }
        return n;
    }

    /** Whether a waiter is parked that is not cancelled (woken ones count until they run). */
    public boolean hasLiveWaiter() {
        for (Future<Boolean> w : waiters) {
            if (!w.cancelled()) {
                return true;
            }
        }
        return false;
    }

    /** Whether every parked waiter is cancelled (or there is none). */
    public boolean allCancelled() {
        return !hasLiveWaiter();
    }

    /** The number of parked tasks, woken or not. */
    public int size() {
        return waiters.size();
    }

    /** Whether no task is parked. */
    public boolean isEmpty() {
        return waiters.isEmpty();
    }

    /** The waiters not yet woken or cancelled. */
    public int pendingCount() {
        int n = 0;
        for (Iterator<Future<Boolean>> it = waiters.iterator(); it.hasNext(); ) {
            if (!it.next().done()) {
                n++;
            }
        }
        return n;
    }

    /**
     * Checks that the caller runs on a loop (in a task or callback), and on this queue's loop once
     * it is bound: synchronization primitives are not thread-safe (asyncio's are not either).
     *
     * @param owner the primitive, for the message
     * @throws IllegalStateException naming the remedy
     */
    public void checkAccess(Object owner) {
        access(owner);
    }

    /** {@link #checkAccess(Object)}, returning the running loop. */
    EventLoop access(Object owner) {
        EventLoop running = EventLoop.runningOnThisThread();
        if (running == null) {
            throw new IllegalStateException(owner.getClass().getSimpleName() + " used from thread '"
                    + Thread.currentThread().getName() + "', outside its event loop: asyncio primitives are"
                    + " not thread-safe; from another thread use loop.callSoonThreadsafe(() -> ...)");
        }
        if (loop != null && loop != running) {
            throw new IllegalStateException(owner + " is bound to a different event loop");
        }
        return running;
    }

    /** Binds the queue to {@code running} at first use; another loop later is an error. */
    void bind(EventLoop running) {
        if (loop == null) {
            loop = running;
        } else if (loop != running) {
            throw new IllegalStateException(this + " is bound to a different event loop");
        }
    }

    /** The loop the queue is bound to, or null before its first use. */
    EventLoop loop() {
        return loop;
    }

    @Override
    public String toString() {
        return "<WaitQueue waiters:" + waiters.size() + ">";
    }
}
