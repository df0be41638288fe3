package io.jasyncio;

/**
 * A counter of permits: asyncio's {@code Semaphore}, with its 3.11+ fairness (gh-90155).
 *
 * <pre>{@code
 * try (var _ = sem.acquire()) {          // async with sem:
 *     fetch(url);
 * }
 * }</pre>
 *
 * <p>{@link #acquire()} takes a permit at once only when one is free and no live waiter is queued
 * ({@link #locked()} is false); otherwise the task waits in FIFO order. {@link #release()} hands the
 * permit to the first waiter; a waiter cancelled after it was handed one gives it back, and after
 * any acquire the permits left over wake further waiters, so no permit is lost or invented.
 *
 * <p>{@code acquire()} returns the semaphore itself, whose {@link #close()} releases the permit.
 */
public class Semaphore implements AutoCloseable {
    private final WaitQueue waiters = new WaitQueue(this);
    /** Free permits. */
    int value;

    /**
     * A semaphore with {@code value} permits.
     *
     * @throws IllegalArgumentException when {@code value} is negative (asyncio's ValueError)
     */
    public Semaphore(int value) {
        if (value < 0) {
            throw new IllegalArgumentException("Semaphore initial value must be >= 0");
        }
        this.value = value;
    }

    /** A semaphore with one permit. */
    public Semaphore() {
        this(1);
    }

    /** Whether an {@link #acquire()} would have to wait: no permit, or a live waiter ahead. */
    public boolean locked() {
        return value == 0 || waiters.hasLiveWaiter();
    }

    /**
     * Takes a permit, suspending until one is this task's.
     *
     * @return this semaphore, whose {@link #close()} releases the permit
     * @throws CancelledError when cancelled while waiting (no permit taken)
     */
    public Semaphore acquire() {
        waiters.checkAccess(this);
        if (!locked()) {
            value--;
            return this;
        }
        try {
            waiters.park(wasWoken -> {
                if (wasWoken) {
                    value++; // it was handed a permit it will never use
                }
            });
        } finally {
            while (value > 0) {
                if (!wakeNext()) {
                    break;
                }
            }
        }
        return this;
    }

    /** Returns a permit and hands it to the first waiter, if any. */
    public void release() {
        waiters.checkAccess(this);
        value++;
        wakeNext();
    }

    /** Releases the permit: the end of a try-with-resources block. */
    @Override
    public void close() {
        release();
    }

    /** Hands a permit to the first waiter not yet woken; false if there is none. */
    private boolean wakeNext() {
        if (waiters.wakeFirst()) {
            value--;
            return true;
        }
        return false;
    }

    /** The free permits. */
    public int value() {
        return value;
    }

    /** A snapshot for debugging. */
    public Statistics statistics() {
        return new Statistics(value, waiters.size());
    }

    /**
     * What {@link #statistics()} returns.
     *
     * @param value the free permits
     * @param waiting the tasks waiting for one
     */
    public record Statistics(int value, int waiting) {}

    /** asyncio's repr: {@code <Semaphore [unlocked, value:2, waiters:1]>}. */
    @Override
    public String toString() {
        String extra = locked() ? "locked" : "unlocked, value:" + value;
        if (!waiters.isEmpty()) {
            extra += ", waiters:" + waiters.size();
        }
        return "<" + getClass().getSimpleName() + " [" + extra + "]>";
    }
}
