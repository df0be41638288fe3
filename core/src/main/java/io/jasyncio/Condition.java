package io.jasyncio;

import java.util.function.BooleanSupplier;

/**
 * A condition variable for tasks: asyncio's {@code Condition}.
 *
 * <pre>{@code
 * try (var _ = cond.acquire()) {          // async with cond:
 *     cond.awaitFor(() -> !items.isEmpty());   //     await cond.wait_for(lambda: items)
 *     take(items);
 * }
 * }</pre>
 *
 * <p>A condition is built on a {@link Lock}: its own, or one passed to the constructor and shared
 * with other conditions. {@link #acquire()}, {@link #release()} and {@link #locked()} are that
 * lock's. {@link #await()} releases the lock, waits until notified, then re-acquires it — even when
 * the task is cancelled while waiting or while re-acquiring: it retries the acquisition and
 * re-raises the last {@link CancelledError} once the lock is held again, so the caller always holds
 * the lock when {@code await()} returns or throws. A waiter that leaves {@code await()} with an
 * error passes one notification on to another waiter (3.13), so a notification it may have
 * consumed is not lost; the other waiter may see a spurious wake-up, which the protocol allows.
 *
 * <p>Names, where asyncio's collide with {@link Object}'s final methods:
 * <table>
 *   <caption>asyncio → jasyncio</caption>
 *   <tr><td>{@code await cond.wait()}</td><td>{@link #await()}</td></tr>
 *   <tr><td>{@code await cond.wait_for(pred)}</td><td>{@link #awaitFor(BooleanSupplier)}</td></tr>
 *   <tr><td>{@code cond.notify(n)}</td><td>{@link #signal(int)}</td></tr>
 *   <tr><td>{@code cond.notify()}</td><td>{@link #signal()}</td></tr>
 *   <tr><td>{@code cond.notify_all()}</td><td>{@link #signalAll()}</td></tr>
 *   <tr><td>{@code async with cond}</td><td>{@code try (var _ = cond.acquire())}</td></tr>
 * </table>
 *
 * <p>Bound to the loop of the first task that waits on it. Not thread-safe.
 */
public final class Condition implements AutoCloseable {
    private final Lock lock;
    private final WaitQueue waiters = new WaitQueue(this);

    /** A condition with a new lock of its own. */
    public Condition() {
        this(null);
    }

    /**
     * A condition on {@code lock}, which other conditions may share.
     *
     * @param lock the underlying lock, or {@code null} for a new one
     */
    public Condition(Lock lock) {
        this.lock = lock == null ? new Lock() : lock;
    }

    /**
     * Acquires the underlying lock (see {@link Lock#acquire()}).
     *
     * @return this condition, whose {@link #close()} releases the lock (try-with-resources)
     * @throws CancelledError when cancelled while waiting for the lock (it is not acquired)
     */
    public Condition acquire() {
        lock.acquire();
        return this;
    }

    /**
     * Releases the underlying lock.
     *
     * @throws IllegalStateException when the lock is not held (asyncio's RuntimeError)
     */
    public void release() {
        lock.release();
    }

    /** Releases the underlying lock: the end of a try-with-resources block. */
    @Override
    public void close() {
        release();
    }

    /** Whether the underlying lock is held. */
    public boolean locked() {
        return lock.locked();
    }

    /**
     * Releases the lock, waits until notified by {@link #signal(int)} or {@link #signalAll()}, then
     * re-acquires the lock; asyncio's {@code wait()}. Named {@code await}: {@code Object.wait} is
     * taken. May return spuriously: re-check the state (or use {@link #awaitFor(BooleanSupplier)}).
     *
     * <p>The lock is held again whenever this returns or throws. Cancelled while waiting or while
     * re-acquiring, the task keeps trying to re-acquire the lock and then throws the last
     * {@link CancelledError} it received. On any error one notification is passed on to another
     * waiter.
     *
     * @return {@code true}
     * @throws IllegalStateException when the lock is not held ("cannot wait on un-acquired lock")
     * @throws CancelledError when cancelled (with the lock re-acquired)
     */
    public boolean await() {
        waiters.checkAccess(this); // before releasing the lock: a wrong loop or thread changes nothing
        if (!locked()) {
            throw new IllegalStateException("cannot wait on un-acquired lock");
        }
        lock.release();
        try {
            try {
                waiters.park(null);
                return true;
            } finally {
                // Must re-acquire the lock even if the wait is cancelled; only CancelledError is
                // retried, so that other (fatal) errors do not make us spin.
                CancelledError err = null;
                while (true) {
                    try {
                        lock.acquire();
                        break;
                    } catch (CancelledError e) {
                        err = e;
                    }
                }
                if (err != null) {
                    throw err; // the most recent one, as asyncio re-raises it
                }
            }
        } catch (Throwable t) {
            // The error may have come after this task was notified: pass the notification on.
            // This may cause a spurious wake-up, which the protocol allows.
            wake(1);
            throw t;
        }
    }

    /**
     * Waits until {@code predicate} is true: evaluates it, and while it is false calls
     * {@link #await()} and evaluates it again; asyncio's {@code wait_for()}. The lock must be held.
     *
     * @param predicate the condition to wait for, evaluated with the lock held
     * @return the predicate's final value, {@code true}
     * @throws IllegalStateException when the lock is not held and the predicate is false
     * @throws CancelledError when cancelled (with the lock re-acquired)
     */
    public boolean awaitFor(BooleanSupplier predicate) {
        boolean result = predicate.getAsBoolean();
        while (!result) {
            await();
            result = predicate.getAsBoolean();
        }
        return result;
    }

    /**
     * Wakes up to {@code n} waiting tasks, first come first served; asyncio's {@code notify(n)}
     * (named {@code signal}: {@code Object.notify} is final). A woken task returns from
     * {@link #await()} only once it re-acquires the lock, which this does not release.
     *
     * @param n how many waiters to wake at most
     * @throws IllegalStateException when the lock is not held ("cannot notify on un-acquired lock")
     */
    public void signal(int n) {
        waiters.checkAccess(this);
        if (!locked()) {
            throw new IllegalStateException("cannot notify on un-acquired lock");
        }
        wake(n);
    }

    /**
     * Wakes one waiting task; asyncio's {@code notify()}.
     *
     * @throws IllegalStateException when the lock is not held
     */
    public void signal() {
        signal(1);
    }

    /**
     * Wakes every waiting task; asyncio's {@code notify_all()} (named {@code signalAll}:
     * {@code Object.notifyAll} is final).
     *
     * @throws IllegalStateException when the lock is not held
     */
    public void signalAll() {
        signal(waiters.size());
    }

    /** asyncio's {@code _notify(n)}: wakes up to n waiters not already woken or cancelled. */
    private void wake(int n) {
        for (int i = 0; i < n; i++) {
            if (!waiters.wakeFirst()) {
                break;
            }
        }
    }

    /** asyncio's repr: {@code <Condition [locked, waiters:1]>}. */
    /** A snapshot for debugging. */
    public Statistics statistics() {
        return new Statistics(locked(), waiters.size());
    }

    /**
     * What {@link #statistics()} returns.
     *
     * @param locked whether the underlying lock is held
     * @param waiting the tasks waiting for a notification
     */
    public record Statistics(boolean locked, int waiting) {}

    @Override
    public String toString() {
        String extra = locked() ? "locked" : "unlocked";
        if (!waiters.isEmpty()) {
            extra += ", waiters:" + waiters.size();
        }
        return "<Condition [" + extra + "]>";
    }
}
