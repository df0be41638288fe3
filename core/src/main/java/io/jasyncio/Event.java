package io.jasyncio;

/**
 * A flag tasks can wait for: asyncio's {@code Event}. {@link #set()} wakes every waiting task;
 * tasks that call {@link #await()} while it is set do not wait. A waiter woken by {@code set()}
 * returns {@code true} even if {@link #clear()} ran before it resumed.
 */
public final class Event {
    private final WaitQueue waiters = new WaitQueue(this);
    private boolean value;

    /** An unset event. */
    public Event() {}

    /** Whether the flag is set. */
    public boolean isSet() {
        return value;
    }

    /** Sets the flag and wakes every waiting task. */
    public void set() {
        waiters.checkAccess(this);
        if (!value) {
            value = true;
            waiters.wakeAll();
        }
    }

    /** Clears the flag. */
    public void clear() {
        waiters.checkAccess(this);
        value = false;
    }

    /**
     * Suspends until the flag is set (returns at once when it is); asyncio's {@code wait()}.
     * Named {@code await}: {@code Object.wait} is taken.
     *
     * @return {@code true}
     */
    public boolean await() {
        waiters.checkAccess(this);
        if (value) {
            return true;
        }
        waiters.park(null);
        return true;
    }

    /** A snapshot for debugging. */
    public Statistics statistics() {
        return new Statistics(value, waiters.size());
    }

    /**
     * What {@link #statistics()} returns.
     *
     * @param set whether the flag is set
     * @param waiting the tasks waiting for it
     */
    public record Statistics(boolean set, int waiting) {}

    /** asyncio's repr: {@code <Event [set, waiters:1]>}. */
    @Override
    public String toString() {
        String extra = value ? "set" : "unset";
        if (!waiters.isEmpty()) {
            extra += ", waiters:" + waiters.size();
        }
        return "<Event [" + extra + "]>";
    }
}
