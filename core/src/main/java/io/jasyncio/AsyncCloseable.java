package io.jasyncio;

/**
 * Something whose closing may suspend, such as an async generator: asyncio's {@code aclose()}.
 * The loop closes the ones still open at shutdown ({@link EventLoop#shutdownAsyncgens()}).
 */
@FunctionalInterface
public interface AsyncCloseable {

    /** Closes, suspending if needed. Must be called from a task. */
    void aclose() throws Exception;
}
