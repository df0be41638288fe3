package io.jasyncio.http.client;

/**
 * The TLS handshake failed for a reason other than the certificate (protocol versions, ciphers, a
 * broken peer): aiohttp's {@code ClientConnectorSSLError}.
 */
public class ClientConnectorSSLError extends ClientSSLError {
    private static final long serialVersionUID = 1L;

    /** The handshake with {@code host:port} failed with {@code cause}. */
    public ClientConnectorSSLError(String host, int port, Throwable cause) {
        super(host, port, cause);
    }
}
