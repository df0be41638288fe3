package io.jasyncio.testing;

import io.jasyncio.Clock;

/**
 * Virtual time for an event loop, with trio-style autojump: when every task is waiting and
 * nothing is in flight outside the loop (no executor job, no wrapped future), time jumps straight
 * to the next timer. A test that sleeps for an hour runs in microseconds, and runs the same way
 * every time.
 *
 * <pre>{@code
 * VirtualClock clock = new VirtualClock();
 * Asyncio.run(() -> { sleep(3600); return clock.time(); }, null, () -> new EventLoop(clock));  // 3600.0
 * }</pre>
 *
 * <p>When the loop would wait with no timer and nothing in flight, no event can ever wake it: the
 * program is deadlocked. An autojumping clock then throws {@link StalledError} out of the loop
 * instead of hanging the test. Without autojump the clock only moves through {@link #advance}.
 *
 * <p>Thread-safe: the time may be read from any thread.
 */
public final class VirtualClock implements Clock {
    private volatile long now;
    private final boolean autojump;

    /** A clock at time 0 that jumps when the loop is idle. */
    public VirtualClock() {
        this(true);
    }

    /** A clock at time 0; {@code autojump} false means it moves only through {@link #advance}. */
    public VirtualClock(boolean autojump) {
        this.autojump = autojump;
    }

    @Override
    public long nanoTime() {
        return now;
    }

    /** The virtual time in seconds. */
    public double time() {
        return now / 1e9;
    }

    /**
     * Moves the time forward by {@code seconds}. The loop notices at its next iteration; from
     * another thread, wake it with {@code loop.callSoonThreadsafe(() -> {})}.
     *
     * @throws IllegalArgumentException when {@code seconds} is negative or NaN
     */
    public synchronized void advance(double seconds) {
        if (!(seconds >= 0)) {
            throw new IllegalArgumentException("time can only move forward: " + seconds);
        }
        now += (long) (seconds * 1e9);
    }

    /** Whether the clock jumps to the next timer when the loop is idle. */
    public boolean autojump() {
        return autojump;
    }

    @Override
    public synchronized long idleWait(long deadline, boolean inFlight) {
        if (inFlight || !autojump) {
            // Something outside the loop will call back (or the test advances time by hand):
            // wait for it in real time, and keep virtual time still meanwhile.
            return deadline <= now ? 0 : Long.MAX_VALUE;
        }
        if (deadline == Long.MAX_VALUE) {
            throw new StalledError("the event loop is stalled: every task is waiting, no timer is scheduled"
                    + " and nothing is in flight, so nothing can ever wake it (a deadlock, or a future nobody"
                    + " completes)");
        }
        if (deadline > now) {
            now = deadline;
        }
        return 0;
    }

    @Override
    public String toString() {
        return "VirtualClock[t=" + time() + (autojump ? ", autojump" : "") + "]";
    }
}
