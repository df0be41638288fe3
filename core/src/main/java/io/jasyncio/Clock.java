package io.jasyncio;

/**
 * The loop's source of time, and its policy for waiting when there is nothing to run.
 *
 * <p>The loop reads time only through its clock, so that a virtual clock (jasyncio-testing's
 * {@code VirtualClock}) can drive the same loop deterministically: a test that sleeps for seconds
 * runs in microseconds. No other runtime class reads the wall clock.
 *
 * <p>Implementations must be safe to read from any thread.
 */
public interface Clock {

    /** The current time in nanoseconds; only differences are meaningful. */
    long nanoTime();

    /**
     * Called when the loop has no ready callback and is about to wait for I/O, a thread-safe call
     * or its next timer. Returns how long to wait at most, in real nanoseconds: {@code 0} not to
     * block, {@link Long#MAX_VALUE} to block until woken.
     *
     * <p>The system clock waits until the deadline. A virtual clock with autojump moves its time to
     * {@code deadline} and returns 0 when nothing is in flight.
     *
     * @param deadline the earliest timer's deadline on this clock, or {@link Long#MAX_VALUE} if none
     * @param inFlight whether work outside the loop (an executor job, a wrapped future, an I/O
     *     registration) may still call back into it
     */
    default long idleWait(long deadline, boolean inFlight) {
        if (deadline == Long.MAX_VALUE) {
            return Long.MAX_VALUE;
        }
        return Math.max(0, deadline - nanoTime());
    }

    /**
     * What the loop calls: {@link #idleWait(long, boolean)} told apart by what is in flight. A
     * virtual clock may jump past slow executor work after a while (it may be waiting for a loop
     * timer), but never while real sockets are registered, whose peers live in real time.
     *
     * @param inFlight whether work on other threads (an executor job, a wrapped future) may still
     *     call back into the loop
     * @param ioWaiting whether a reader or writer is registered on the loop's selector
     */
    default long idleWait(long deadline, boolean inFlight, boolean ioWaiting) {
        return idleWait(deadline, inFlight || ioWaiting);
    }

    /**
     * The loop's wait that followed {@link #idleWait(long, boolean, boolean)} is over (its select
     * returned). A clock that moves with the loop's real waits takes what was waited now: the
     * callbacks that run next are not a wait, and a timer they start must not be shortened by it.
     */
    default void waitEnded() {}

    /** The JVM's monotonic clock ({@link System#nanoTime()}). */
    static Clock system() {
        return SystemClock.INSTANCE;
    }
}
