package io.jasyncio;

/**
 * The timer of a task suspended in {@link Asyncio#sleep(double)}: 24 bytes instead of a future, a
 * callback and a {@link TimerHandle}. It is the heap entry, then the ready-queue entry, and it puts
 * the task back on the ready queue when it runs, so the task steps one iteration after the timer
 * fired, exactly as asyncio's sleep future and its wakeup callback do.
 *
 * <pre>
 *   deadline ──(due: popped from the heap)──► READY ──(run from the ready queue)──► FIRED
 *      │                                        │
 *      └──────────── cancel() ──────────────────┴──► CANCELLED (skipped wherever it is)
 * </pre>
 */
final class SleepTimer {
    static final long READY = Long.MIN_VALUE, FIRED = Long.MIN_VALUE + 1, CANCELLED = Long.MIN_VALUE + 2;

    final Task<?> task;
    /** The deadline while in the heap, then READY, FIRED or CANCELLED. Deadlines never reach these values. */
    long when;

    SleepTimer(Task<?> task, long when) {
        this.task = task;
        this.when = when;
    }

    boolean inHeap() {
        return when > CANCELLED;
    }

    boolean cancelled() {
        return when == CANCELLED;
    }

    @Override
    public String toString() {
        String state = when == READY ? "due" : when == FIRED ? "fired" : when == CANCELLED ? "cancelled" : "until " + when / 1e9;
        return "<sleep " + state + ">";
    }
}
