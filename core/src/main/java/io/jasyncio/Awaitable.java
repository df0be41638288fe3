package io.jasyncio;

/**
 * Something a task can wait for: asyncio's awaitable. {@link Future} (and so {@link Task}) is one;
 * {@link AsCompleted#awaitables()} yields others.
 *
 * @param <T> the result type
 */
@FunctionalInterface
public interface Awaitable<T> {

    /** Suspends the calling task until the result is there, then returns it (or throws). */
    T await();
}
