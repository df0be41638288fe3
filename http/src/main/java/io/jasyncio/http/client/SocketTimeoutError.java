package io.jasyncio.http.client;

/**
 * The server sent nothing for longer than {@link ClientTimeout#sockRead()}: aiohttp's
 * {@code SocketTimeoutError}.
 */
public class SocketTimeoutError extends ServerTimeoutError {
    private static final long serialVersionUID = 1L;

    /** A timeout error with {@code message} and the scope's {@code cause}. */
    public SocketTimeoutError(String message, Throwable cause) {
        super(message, cause);
    }
}
