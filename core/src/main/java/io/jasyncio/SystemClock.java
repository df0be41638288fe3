package io.jasyncio;

/** The real monotonic clock; the one place in the runtime that reads {@link System#nanoTime()}. */
final class SystemClock implements Clock {
    static final SystemClock INSTANCE = new SystemClock();

    private SystemClock() {}

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    /** Real elapsed time, for measurements that must not follow a virtual clock (slow steps). */
    static long realNanos() {
        return System.nanoTime();
    }

    @Override
    public String toString() {
        return "Clock.system()";
    }
}
