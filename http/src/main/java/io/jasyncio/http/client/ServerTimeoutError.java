package io.jasyncio.http.client;

/**
 * A {@link ClientTimeout} expired: aiohttp's {@code ServerTimeoutError}. Raised as such for the
 * {@code total} timeout; {@link ConnectionTimeoutError} and {@link SocketTimeoutError} say which of
 * the others. The cause is the loop's {@link io.jasyncio.TimeoutError}.
 */
public class ServerTimeoutError extends ServerConnectionError {
    private static final long serialVersionUID = 1L;

    /** A timeout error with {@code message} and the scope's {@code cause}. */
    public ServerTimeoutError(String message, Throwable cause) {
        super(message, cause);
    }
}
