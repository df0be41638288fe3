package io.jasyncio;

/**
 * Receives errors that no task or callback caught: asyncio's {@code loop.set_exception_handler}
 * callable. Installed with {@link EventLoop#setExceptionHandler(ExceptionHandler)}.
 *
 * <p>An exception thrown by the handler is reported through the default handler ("Unhandled error
 * in exception handler") and the loop goes on.
 */
@FunctionalInterface
public interface ExceptionHandler {

    /** Handles one report; {@code context.message()} is always set. */
    void handle(EventLoop loop, ExceptionContext context);
}
