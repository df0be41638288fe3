package io.jasyncio.http.client;

/**
 * No connection could be made to {@code host:port}: aiohttp's {@code ClientConnectorError}
 * ("Cannot connect to host example.com:443 ssl:default [Connection refused]"). The cause is what the
 * last attempt failed with (a {@link java.net.ConnectException}, an {@link java.net.UnknownHostException}
 * ...).
 */
public class ClientConnectorError extends ClientOSError {
    private static final long serialVersionUID = 1L;

    private final String host;
    private final int port;
    private final boolean ssl;

    /**
     * An error for {@code host:port}, over TLS when {@code ssl}, that failed with {@code cause}.
     */
    public ClientConnectorError(String host, int port, boolean ssl, Throwable cause) {
        this("Cannot connect to host", host, port, ssl, cause);
    }

    /** For subclasses: {@code what} starts the message. */
    protected ClientConnectorError(String what, String host, int port, boolean ssl, Throwable cause) {
        super(what + " " + host + ":" + port + " ssl:" + (ssl ? "default" : "False") + " ["
                + describe(cause) + "]", cause);
        this.host = host;
        this.port = port;
        this.ssl = ssl;
    }

    /** The host that could not be reached. */
    public String host() {
        return host;
    }

    /** The port that could not be reached. */
    public int port() {
        return port;
    }

    /** Whether the connection was to be TLS. */
    public boolean ssl() {
        return ssl;
    }

    /** The cause's message, or its type when it has none. */
    static String describe(Throwable cause) {
        if (cause == null) {
            return "unknown";
        }
        String m = cause.getMessage();
        return m == null || m.isEmpty() ? cause.getClass().getSimpleName() : m;
    }
}
