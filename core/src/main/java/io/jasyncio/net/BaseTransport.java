package io.jasyncio.net;

/** What every transport has: asyncio's {@code BaseTransport}. */
public interface BaseTransport {

    /**
     * Optional information about the transport: {@code "peername"}, {@code "sockname"},
     * {@code "socket"} (the channel), and for TLS {@code "sslcontext"}, {@code "peercert"},
     * {@code "ssl_object"}; null when absent.
     */
    Object getExtraInfo(String name);

    /** {@link #getExtraInfo(String)}, or {@code fallback} when absent. */
    default Object getExtraInfo(String name, Object fallback) {
        Object v = getExtraInfo(name);
        return v != null ? v : fallback;
    }

    /** Whether the transport is closing or closed. */
    boolean isClosing();

    /**
     * Closes the transport: buffered data is still written, then the connection is closed and the
     * protocol's {@code connectionLost(null)} called on the loop. Idempotent.
     */
    void close();

    /** Switches the protocol that receives the callbacks. */
    void setProtocol(BaseProtocol protocol);

    /** The current protocol. */
    BaseProtocol getProtocol();
}
