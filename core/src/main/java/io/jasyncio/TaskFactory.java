package io.jasyncio;

/**
 * Creates the tasks of a loop: asyncio's {@code loop.set_task_factory}. {@link
 * Asyncio#eagerTaskFactory()} is the one users usually want.
 */
@FunctionalInterface
public interface TaskFactory {

    /**
     * Creates (and schedules) a task running {@code coroutine} on {@code loop}.
     *
     * @param name the task's name, or {@code null} for the default {@code Task-N}
     * @param context the context to run in, or {@code null} for a copy of the current one
     */
    <T> Task<T> create(EventLoop loop, Coroutine<T> coroutine, String name, Context context);
}
