package io.jasyncio.http.client;

/**
 * The response body could not be read completely: the connection ended or broke mid-body, the body
 * was malformed (bad chunking, a broken gzip stream), or its read was cancelled. aiohttp's
 * {@code ClientPayloadError} ("Response payload is not completed").
 */
public class ClientPayloadError extends ClientError {
    private static final long serialVersionUID = 1L;

    /** An error with {@code message}. */
    public ClientPayloadError(String message) {
        super(message);
    }

    /** An error with {@code message} and its {@code cause}. */
    public ClientPayloadError(String message, Throwable cause) {
        super(message, cause);
    }
}
