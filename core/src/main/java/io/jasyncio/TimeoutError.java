package io.jasyncio;

/**
 * A deadline passed: asyncio's {@code TimeoutError}, raised by {@link Timeout} scopes and
 * {@link Asyncio#waitFor}. Its cause is the {@link CancelledError} the expiry delivered.
 *
 * <p>Unchecked, so that it propagates through coroutine lambdas like any asyncio exception; catch
 * it by type where a timeout is handled.
 */
public class TimeoutError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** A timeout without further detail. */
    public TimeoutError() {
        super();
    }

    /** A timeout with a message. */
    public TimeoutError(String message) {
        super(message);
    }

    /** A timeout caused by the cancellation its expiry delivered. */
    public TimeoutError(String message, Throwable cause) {
        super(message, cause);
    }
}
