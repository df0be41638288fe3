package io.jasyncio;

/**
 * Thrown from {@code run()} in debug mode when the loop can make no more progress: every live task
 * is suspended and nothing the loop knows of (timers, I/O, executor jobs, other in-flight work) can
 * wake one. The message names any deadlock cycle (tasks waiting for each other through locks, task
 * joins, gather or task groups) and shows the task tree; {@link #dump()} has the details.
 *
 * <p>Outside debug mode the same report is logged as a warning and the loop keeps waiting, since
 * another thread could still call in with {@link EventLoop#callSoonThreadsafe(Runnable)}.
 */
public class LoopStalledError extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    private final transient TaskDump dump;

    /** A stall with its report and the snapshot it was made from. */
    public LoopStalledError(String message, TaskDump dump) {
        super(message);
        this.dump = dump;
    }

    /** The tasks when the stall was detected. */
    public TaskDump dump() {
        return dump;
    }

    /** Whether the stall is a deadlock (a cycle of tasks waiting for each other). */
    public boolean isDeadlock() {
        return dump != null && !dump.deadlocks().isEmpty();
    }
}
