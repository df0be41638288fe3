package io.jasyncio.http.client;

/** The server's side of the connection failed: aiohttp's {@code ServerConnectionError}. */
public class ServerConnectionError extends ClientConnectionError {
    private static final long serialVersionUID = 1L;

    /** An error with {@code message}. */
    public ServerConnectionError(String message) {
        super(message);
    }

    /** An error with {@code message} and its {@code cause}. */
    public ServerConnectionError(String message, Throwable cause) {
        super(message, cause);
    }
}
