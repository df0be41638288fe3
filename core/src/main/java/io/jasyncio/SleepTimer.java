package io.jasyncio;

/**
 * The timer of a task suspended in {@link Asyncio#sleep(double)}: it puts the task back on the
 * ready queue when it fires, with no future and no callback object in between.
 */
final class SleepTimer extends TimerHandle {
    private final Task<?> task;
    /** Whether the timer ran (the sleep ended normally). */
    boolean fired;

    SleepTimer(EventLoop loop, long whenNanos, long sequence, Task<?> task) {
        super(loop, whenNanos, sequence, null, null);
        this.task = task;
    }

    @Override
    void run() {
        if (!cancelled) {
            fired = true;
            loop.readyTask(task);
        }
    }

    @Override
    public String toString() {
        return "<SleepTimer" + (cancelled ? " cancelled" : "") + " task=" + task.getName() + " when=" + when() + ">";
    }
}
