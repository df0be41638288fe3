package io.jasyncio;

/**
 * A meeting point for a fixed number of tasks: asyncio's {@code Barrier}.
 *
 * <pre>{@code
 * Barrier barrier = new Barrier(3);
 * // in each of three tasks:
 * int index = barrier.await();   // index = await barrier.wait(); all three resume together
 * }</pre>
 *
 * <p>Tasks calling {@link #await()} wait until {@link #parties()} of them have arrived; then all
 * are released and each gets a distinct arrival index {@code 0..parties-1} (the last to arrive gets
 * {@code parties-1}). While the released tasks drain out of the barrier ({@link State#DRAINING}),
 * newcomers wait for the next round. {@link #reset()} makes the current waiters fail with
 * {@link BrokenBarrierError} and returns the barrier to {@link State#FILLING} once they have left;
 * {@link #abort()} breaks it for good: current and future waiters get {@link BrokenBarrierError}.
 * A waiter cancelled while filling leaves, and the arrival count stays consistent.
 *
 * <p>{@link #await()}, {@link #reset()} and {@link #abort()} are suspension points (they take the
 * barrier's internal {@link Condition}). Bound to the loop of the first task that waits on it.
 * Not thread-safe.
 */
public final class Barrier {

    /** The barrier's state, as asyncio's {@code _BarrierState}. */
    public enum State {
        /** Tasks are arriving; the barrier has not tripped yet. */
        FILLING("filling"),
        /** The barrier tripped; released tasks are leaving, newcomers wait. */
        DRAINING("draining"),
        /** {@link Barrier#reset()} ran with tasks inside; they are leaving with an error. */
        RESETTING("resetting"),
        /** {@link Barrier#abort()} ran; every wait fails. */
        BROKEN("broken");

        private final String value;

        State(String value) {
            this.value = value;
        }

        /** asyncio's value: {@code "filling"}, {@code "draining"}, {@code "resetting"}, {@code "broken"}. */
        public String value() {
            return value;
        }
    }

    private final Condition cond = new Condition(); // notified on every state change
    private final int parties;
    private State state = State.FILLING;
    private int count; // tasks inside the barrier

    /**
     * A barrier for {@code parties} tasks.
     *
     * @param parties how many tasks must arrive to trip it
     * @throws IllegalArgumentException when {@code parties < 1} (asyncio's ValueError)
     */
    public Barrier(int parties) {
        if (parties < 1) {
            throw new IllegalArgumentException("parties must be > 0");
        }
        this.parties = parties;
    }

    /**
     * Waits until {@link #parties()} tasks have arrived; asyncio's {@code wait()} (and
     * {@code async with barrier}). Named {@code await}: {@code Object.wait} is taken. Waits first
     * while a previous round drains or resets.
     *
     * @return this task's arrival index, from {@code 0} to {@code parties()-1}
     * @throws BrokenBarrierError when the barrier is broken, or reset or aborted while waiting
     * @throws CancelledError when cancelled while waiting (it no longer counts as arrived)
     */
    public int await() {
        try (var _ = cond.acquire()) {
            block(); // wait while the barrier drains or resets
            try {
                int index = count;
                count++;
                if (index + 1 == parties) {
                    release(); // the last to arrive trips the barrier
                } else {
                    waitFilled();
                }
                return index;
            } finally {
                count--;
                exit(); // wake tasks waiting for the barrier to drain
            }
        }
    }

    /** Waits until the barrier is neither draining nor resetting; raises if it is broken. */
    private void block() {
        cond.awaitFor(() -> state != State.DRAINING && state != State.RESETTING);
        if (state == State.BROKEN) {
            throw new BrokenBarrierError("Barrier aborted");
        }
    }

    /** Trips the barrier: enters DRAINING and wakes every waiter. */
    private void release() {
        state = State.DRAINING;
        cond.signalAll();
    }

    /** Waits until filling ends; raises if that is because of a reset or an abort. */
    private void waitFilled() {
        cond.awaitFor(() -> state != State.FILLING);
        if (state == State.BROKEN || state == State.RESETTING) {
            throw new BrokenBarrierError("Abort or reset of barrier");
        }
    }

    /** The last task out ends draining or resetting and wakes the tasks waiting for that. */
    private void exit() {
        if (count == 0) {
            if (state == State.RESETTING || state == State.DRAINING) {
                state = State.FILLING;
            }
            cond.signalAll();
        }
    }

    /**
     * Returns the barrier to its initial state; tasks waiting in it get {@link BrokenBarrierError}
     * (the barrier is {@link State#RESETTING} until they have left). Resets a broken barrier too.
     * A suspension point.
     */
    public void reset() {
        try (var _ = cond.acquire()) {
            if (count > 0) {
                if (state != State.RESETTING) {
                    state = State.RESETTING; // wake the waiters with an error
                }
            } else {
                state = State.FILLING;
            }
            cond.signalAll();
        }
    }

    /**
     * Breaks the barrier: tasks waiting in it and every later {@link #await()} get
     * {@link BrokenBarrierError}, until {@link #reset()}. A suspension point.
     */
    public void abort() {
        try (var _ = cond.acquire()) {
            state = State.BROKEN;
            cond.signalAll();
        }
    }

    /** The number of tasks needed to trip the barrier. */
    public int parties() {
        return parties;
    }

    /** The number of tasks waiting for the barrier to trip (0 unless it is filling). */
    public int nWaiting() {
        return state == State.FILLING ? count : 0;
    }

    /** Whether the barrier is broken ({@link #abort()}). */
    public boolean broken() {
        return state == State.BROKEN;
    }

    /** The current state (asyncio's private {@code _state}, exposed for inspection). */
    public State state() {
        return state;
    }

    /** asyncio's repr: {@code <Barrier [filling, waiters:0/3]>}, {@code <Barrier [broken]>}. */
    /** A snapshot for debugging. */
    public Statistics statistics() {
        return new Statistics(state, nWaiting(), parties());
    }

    /**
     * What {@link #statistics()} returns.
     *
     * @param state the barrier's state
     * @param waiting the tasks waiting in it
     * @param parties the tasks it waits for
     */
    public record Statistics(State state, int waiting, int parties) {}

    @Override
    public String toString() {
        String extra = state.value();
        if (!broken()) {
            extra += ", waiters:" + nWaiting() + "/" + parties;
        }
        return "<Barrier [" + extra + "]>";
    }
}
