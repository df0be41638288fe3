package io.jasyncio;

/**
 * A callback scheduled for a time by {@link EventLoop#callLater} or {@link EventLoop#callAt}:
 * asyncio's {@code TimerHandle}.
 *
 * <p>Timers fire in deadline order; timers with equal deadlines fire in the order they were
 * scheduled (asyncio leaves that undefined; jasyncio makes it stable).
 */
public final class TimerHandle extends Handle {
    /** The deadline on the loop's clock, in nanoseconds. */
    final long whenNanos;
    /** Scheduling order, the tie-break among equal deadlines. */
    final long sequence;
    /** Whether the timer is still in the loop's heap (not yet fired or purged). */
    boolean scheduled = true;

    TimerHandle(EventLoop loop, long whenNanos, long sequence, Runnable callback, Object context) {
        super(loop, callback, context);
        this.whenNanos = whenNanos;
        this.sequence = sequence;
    }

    /** The deadline, in the seconds of {@link EventLoop#time()}. */
    public double when() {
        return whenNanos / 1e9;
    }

    @Override
    public void cancel() {
        if (!cancelled) {
            if (scheduled) {
                loop.timerCancelled();
            }
            super.cancel();
        }
    }

    @Override
    public String toString() {
        String base = super.toString();
        return base.substring(0, base.length() - 1) + " when=" + when() + ">";
    }
}
