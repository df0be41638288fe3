package io.jasyncio.http.client;

/** The connection to the server failed or broke: aiohttp's {@code ClientConnectionError}. */
public class ClientConnectionError extends ClientError {
    private static final long serialVersionUID = 1L;

    /** An error with {@code message}. */
    public ClientConnectionError(String message) {
        super(message);
    }

    /** An error with {@code message} and its {@code cause}. */
    public ClientConnectionError(String message, Throwable cause) {
        super(message, cause);
    }
}
