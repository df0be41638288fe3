package io.jasyncio.http.client;

/**
 * The server closed the connection before it sent (all of) a response head: aiohttp's
 * {@code ServerDisconnectedError} ("Server disconnected").
 */
public class ServerDisconnectedError extends ServerConnectionError {
    private static final long serialVersionUID = 1L;

    /** "Server disconnected". */
    public ServerDisconnectedError() {
        super("Server disconnected");
    }

    /** An error with {@code message}. */
    public ServerDisconnectedError(String message) {
        super(message);
    }
}
