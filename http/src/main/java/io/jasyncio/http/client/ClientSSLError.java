package io.jasyncio.http.client;

/** The TLS handshake with {@code host:port} failed: aiohttp's {@code ClientSSLError}. */
public class ClientSSLError extends ClientConnectorError {
    private static final long serialVersionUID = 1L;

    /** The handshake with {@code host:port} failed with {@code cause} (an {@link javax.net.ssl.SSLException}). */
    public ClientSSLError(String host, int port, Throwable cause) {
        super("Cannot connect to host", host, port, true, cause);
    }
}
