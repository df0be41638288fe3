package io.jasyncio.net;

import java.nio.ByteBuffer;

/**
 * The transport a TLS connection's protocol writes to: CPython's {@code _SSLProtocolTransport}.
 * Made by {@link Tls#createConnection}, {@link Tls#createServer} and {@link Tls#startTls}.
 *
 * <p>Data written is encrypted and handed to the socket transport below; {@link #close()} flushes
 * it, sends the TLS close_notify alert and waits (at most the shutdown timeout) for the peer's,
 * then closes the socket: the protocol's {@code connectionLost(null)} follows. {@link #abort()}
 * drops the connection at once.
 *
 * <p>Extra info ({@link #getExtraInfo}): {@code "sslcontext"} (the {@code SSLContext}),
 * {@code "ssl_object"} (the {@code SSLEngine}; its {@code getSession()} has the rest),
 * {@code "peercert"} (the peer's certificate chain as a {@code List<X509Certificate>}, leaf first;
 * null when the peer sent none), {@code "cipher"} (the cipher suite's name), {@code "compression"}
 * (always null), {@code "selected_alpn_protocol"} (null without ALPN), {@code "server_hostname"}
 * (a client's server name; on a server, the name the client asked for in SNI), and the socket
 * transport's keys ({@code "peername"}, {@code "sockname"}, {@code "socket"}).
 *
 * <p>Flow control runs both ways, as in asyncio: the protocol's {@code pauseWriting()} is called
 * when more than {@link #getWriteBufferLimitHigh()} bytes (default 512 KiB) wait to be encrypted or
 * sent; after {@link #pauseReading()}, received bytes stay encrypted until
 * {@link #getReadBufferLimitHigh()} (default 256 KiB), and then the socket stops reading.
 *
 * <p>TLS has no half-close: {@link #writeEof()} is unsupported, and a protocol's
 * {@code eofReceived()} cannot keep the connection open.
 */
public final class TlsTransport implements Transport {
    private final SslProtocol ssl;
    /** Whether the application closed (or lost) the connection. */
    private boolean closed;

    TlsTransport(SslProtocol ssl) {
        this.ssl = ssl;
    }

    void markClosed() {
        closed = true;
    }

    @Override
    public Object getExtraInfo(String name) {
        return ssl.getExtraInfo(name);
    }

    @Override
    public boolean isClosing() {
        return closed;
    }

    /**
     * Closes the connection: buffered data is encrypted and sent, then close_notify; no more data
     * is delivered. The protocol's {@code connectionLost(null)} follows once the peer answered (or
     * closed, or the shutdown timeout passed: then with a {@code SocketTimeoutException}).
     * During the handshake, aborts. Idempotent.
     */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            ssl.startShutdown();
        }
    }

    @Override
    public void setProtocol(BaseProtocol protocol) {
        ssl.setAppProtocol(protocol);
    }

    @Override
    public BaseProtocol getProtocol() {
        return ssl.appProtocol();
    }

    @Override
    public boolean isReading() {
        return !ssl.isAppReadingPaused();
    }

    /** Stops delivering data; received bytes wait, encrypted, up to the read high-water mark. */
    @Override
    public void pauseReading() {
        ssl.pauseReading();
    }

    /** Resumes delivering data (from the next loop iteration). */
    @Override
    public void resumeReading() {
        ssl.resumeReading();
    }

    /** Encrypts and sends the remaining bytes of {@code data} (consumed); ignored once closing, as asyncio does. */
    @Override
    public void write(ByteBuffer data) {
        ssl.writeAppData(data);
    }

    /**
     * Unsupported: TLS has no half-close ({@link #canWriteEof()} is false).
     *
     * @throws UnsupportedOperationException always
     */
    @Override
    public void writeEof() {
        throw new UnsupportedOperationException("TLS transports cannot half-close: close() sends close_notify");
    }

    /** False: TLS has no half-close. */
    @Override
    public boolean canWriteEof() {
        return false;
    }

    /** Bytes waiting to be encrypted, plus encrypted bytes held while the socket transport is paused. */
    @Override
    public int getWriteBufferSize() {
        return ssl.getWriteBufferSize();
    }

    @Override
    public int getWriteBufferLimitLow() {
        return ssl.writeBufferLimitLow();
    }

    @Override
    public int getWriteBufferLimitHigh() {
        return ssl.writeBufferLimitHigh();
    }

    /** Sets the write water marks ({@code -1}: default, high 512 KiB and low a quarter of high). */
    @Override
    public void setWriteBufferLimits(int high, int low) {
        ssl.setWriteBufferLimits(high, low);
        ssl.controlAppWriting();
    }

    /** Encrypted bytes received and not yet decrypted (they wait while reading is paused). */
    public int getReadBufferSize() {
        return ssl.getReadBufferSize();
    }

    /** The read high-water mark: above it the socket transport stops reading. */
    public int getReadBufferLimitHigh() {
        return ssl.readBufferLimitHigh();
    }

    /** The read low-water mark: below it the socket transport reads again. */
    public int getReadBufferLimitLow() {
        return ssl.readBufferLimitLow();
    }

    /**
     * Sets the read water marks ({@code -1}: default, high 256 KiB and low a quarter of high).
     *
     * @throws IllegalArgumentException unless {@code high >= low >= 0}
     */
    public void setReadBufferLimits(int high, int low) {
        ssl.setReadBufferLimits(high, low);
        ssl.controlSslReading();
    }

    /** Drops the connection at once, with whatever is buffered; {@code connectionLost(null)} follows. */
    @Override
    public void abort() {
        closed = true;
        ssl.abort(null);
    }

    @Override
    public String toString() {
        return "<TlsTransport " + (closed ? "closed " : "") + ssl + ">";
    }
}
