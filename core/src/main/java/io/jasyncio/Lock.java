package io.jasyncio;

/**
 * A mutual-exclusion lock for tasks: asyncio's {@code Lock}.
 *
 * <pre>{@code
 * try (var _ = lock.acquire()) {         // async with lock:
 *     sharedList.add(value);
 *     sleep(0.1);
 * }
 * }</pre>
 *
 * <p>Fair: {@link #acquire()} succeeds at once only if the lock is free and no waiter is queued;
 * otherwise the task waits its turn (FIFO). A waiter woken by {@link #release()} and cancelled
 * before it ran passes the turn to the next waiter, so the lock is never left free with tasks
 * waiting. As in asyncio the lock has no owner: any task may release it; releasing a free lock
 * raises. Not re-entrant: a task that acquires twice waits for itself.
 *
 * <p>{@code acquire()} returns the lock itself, whose {@link #close()} releases it, so that it can
 * be held by try-with-resources.
 */
public final class Lock implements AutoCloseable {
    private final WaitQueue waiters = new WaitQueue(this);
    private boolean locked;
    /** The task that last acquired the lock while it is locked (introspection: deadlock cycles). */
    private Task<?> holder;

    /** A free lock. */
    public Lock() {}

    /**
     * Acquires the lock, suspending until it is this task's turn. Always a suspension point when
     * the lock is taken or others wait; returns at once otherwise.
     *
     * @return this lock, to be released by {@link #close()} (try-with-resources) or {@link #release()}
     * @throws CancelledError when cancelled while waiting (the lock is not acquired)
     */
    public Lock acquire() {
        EventLoop loop = waiters.access(this);
        if (!locked && waiters.allCancelled()) {
            locked = true;
            holder = loop.currentTask;
            return this;
        }
        waiters.park(wasWoken -> {
            // The lock invariant: if it is free, the task at the head of the queue must run.
            if (!locked) {
                waiters.wakeFirst();
            }
        });
        locked = true;
        holder = loop.currentTask;
        return this;
    }

    /**
     * Releases the lock and wakes the first waiter.
     *
     * @throws IllegalStateException when the lock is not held (asyncio's RuntimeError)
     */
    public void release() {
        waiters.checkAccess(this);
        if (!locked) {
            throw new IllegalStateException("Lock is not acquired.");
        }
        locked = false;
        holder = null;
        waiters.wakeFirst();
    }

    /** Releases the lock: the end of a try-with-resources block. */
    @Override
    public void close() {
        release();
    }

    /** The task holding the lock, or null (introspection). */
    Task<?> holder() {
        return locked ? holder : null;
    }

    /** Whether the lock is held. */
    public boolean locked() {
        return locked;
    }

    /** A snapshot for debugging. */
    public Statistics statistics() {
        return new Statistics(locked, waiters.size());
    }

    /**
     * What {@link #statistics()} returns.
     *
     * @param locked whether the lock is held
     * @param waiting the tasks waiting for it (woken ones count until they run)
     */
    public record Statistics(boolean locked, int waiting) {}

    /** asyncio's repr: {@code <Lock [locked, waiters:2]>}. */
    @Override
    public String toString() {
        String extra = locked ? "locked" : "unlocked";
        if (!waiters.isEmpty()) {
            extra += ", waiters:" + waiters.size();
        }
        return "<Lock [" + extra + "]>";
    }
}
