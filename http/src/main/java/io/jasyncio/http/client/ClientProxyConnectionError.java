package io.jasyncio.http.client;

/** The proxy at {@code host:port} could not be reached: aiohttp's {@code ClientProxyConnectionError}. */
public class ClientProxyConnectionError extends ClientConnectorError {
    private static final long serialVersionUID = 1L;

    /** The proxy at {@code host:port} could not be reached because of {@code cause}. */
    public ClientProxyConnectionError(String host, int port, Throwable cause) {
        super("Cannot connect to proxy", host, port, false, cause);
    }
}
