package io.jasyncio.subprocess;

/**
 * There is no such process (any more): Python's {@code ProcessLookupError}. Thrown by {@link
 * SubprocessTransport#sendSignal(int)}, {@code terminate} and {@code kill} once the transport has
 * finished, as asyncio does; a signal to a child that has exited but whose transport has not yet
 * finished is dropped silently, as asyncio drops it.
 */
public class ProcessLookupError extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /** An error with {@code message}. */
    public ProcessLookupError(String message) {
        super(message);
    }
}
