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
 * <p>While work is in flight on other threads, time stands still so that the work's result arrives
 * at the same virtual time as in a real run. If the loop has waited for it for 50 ms of real time
 * and a timer is pending, time jumps to that timer anyway: the work may be waiting for it (a thread
 * that waits for a future a loop timer completes).
 *
 * <p>While a real socket (a reader or writer on the loop's selector, other than on an in-process
 * {@code java.nio.channels.Pipe} such as a signal's wakeup pipe, which counts as work in flight) is
 * registered, time never jumps: its peer lives in real time, and a jump would fire a read's timeout before the peer could
 * possibly answer. Virtual time then follows real time while the loop waits. Tests of real sockets
 * run best on the real clock ({@code @RealTime}); the in-memory network ({@link MemoryNetwork})
 * keeps time jumping.
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
    /**
     * How long (real nanoseconds) the loop may wait for in-flight work before time jumps to its
     * next timer anyway: the work may itself be waiting for that timer (trio's autojump threshold).
     */
    private static final long IN_FLIGHT_PATIENCE_NANOS = 50_000_000;
    /** The deadline the loop last waited for with work in flight, and since when (real time). */
    private long patienceDeadline = Long.MIN_VALUE;
    private long patienceSince;
    /** Real time when the loop began its current wait with real I/O registered, or -1 (none under way). */
    private long ioWaitSince = -1;
    /** The deadline of that wait (Long.MAX_VALUE: none; time then follows the whole wait). */
    private long ioWaitDeadline = Long.MAX_VALUE;

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
    public synchronized long idleWait(long deadline, boolean inFlight, boolean ioWaiting) {
        if (!ioWaiting || !autojump) {
            ioWaitSince = -1;
            return idleWait(deadline, inFlight);
        }
        // Real sockets are registered: no jump. Time moves by what the loop really waits.
        long real = System.nanoTime();
        creditIoWait(real);
        ioWaitSince = real;
        ioWaitDeadline = deadline;
        if (deadline == Long.MAX_VALUE) {
            return Long.MAX_VALUE;
        }
        return Math.max(0, deadline - now);
    }

    /** The loop's wait is over: time takes what it lasted, and not the callbacks that run next. */
    @Override
    public synchronized void waitEnded() {
        if (ioWaitSince != -1) {
            creditIoWait(System.nanoTime());
            ioWaitSince = -1;
        }
    }

    /** Moves time by the real time since the loop began waiting, up to that wait's deadline. */
    private void creditIoWait(long real) {
        if (ioWaitSince != -1) {
            now = Math.min(ioWaitDeadline, now + (real - ioWaitSince));
        }
    }

    @Override
    public synchronized long idleWait(long deadline, boolean inFlight) {
        if (deadline <= now) {
            return 0;
        }
        if (!autojump) {
            return Long.MAX_VALUE; // the test advances time by hand
        }
        if (inFlight) {
            // Something outside the loop will call back: wait for it in real time, and keep
            // virtual time still meanwhile, unless it takes long and a timer is pending.
            if (deadline == Long.MAX_VALUE) {
                return Long.MAX_VALUE;
            }
            long real = System.nanoTime();
            if (patienceDeadline != deadline) {
                patienceDeadline = deadline;
                patienceSince = real;
                return IN_FLIGHT_PATIENCE_NANOS;
            }
            long waited = real - patienceSince;
            if (waited < IN_FLIGHT_PATIENCE_NANOS) {
                return IN_FLIGHT_PATIENCE_NANOS - waited;
            }
            patienceDeadline = Long.MIN_VALUE;
            now = deadline;
            return 0;
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
