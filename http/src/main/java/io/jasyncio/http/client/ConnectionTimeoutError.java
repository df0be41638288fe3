package io.jasyncio.http.client;

/**
 * Getting a connection took longer than {@link ClientTimeout#connect()} (waiting for a pool slot
 * included) or {@link ClientTimeout#sockConnect()}: aiohttp's {@code ConnectionTimeoutError}.
 */
public class ConnectionTimeoutError extends ServerTimeoutError {
    private static final long serialVersionUID = 1L;

    /** A timeout error with {@code message} and the scope's {@code cause}. */
    public ConnectionTimeoutError(String message, Throwable cause) {
        super(message, cause);
    }
}
