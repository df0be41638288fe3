package io.jasyncio.http.client;

/**
 * An I/O error on a connection, such as a reset while the request was sent or the response head
 * read: aiohttp's {@code ClientOSError}. The cause is the transport's exception.
 */
public class ClientOSError extends ClientConnectionError {
    private static final long serialVersionUID = 1L;

    /** An error with {@code message} and the transport's {@code cause}. */
    public ClientOSError(String message, Throwable cause) {
        super(message, cause);
    }
}
