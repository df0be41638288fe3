package io.jasyncio.net;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Writes to a stream: asyncio's {@code StreamWriter}, a transport plus {@link #drain()}.
 *
 * <pre>{@code
 * writer.write(bytes);
 * writer.drain();          // suspends while the transport's buffer is over its high-water mark
 * ...
 * writer.close();
 * writer.waitClosed();     // suspends until the connection is gone
 * }</pre>
 *
 * <p>{@link #write} never blocks nor suspends: what the socket does not take at once is buffered by
 * the transport. Call {@link #drain()} after writing to let a slow peer slow the writer down; a
 * writer that never drains lets the transport's buffer grow without bound.
 *
 * <p>{@link #startTls(TlsClientOptions)} (or, on a server, {@link #startTls(TlsServerOptions)})
 * upgrades the connection to TLS in place, for STARTTLS-style protocols.
 *
 * <p>Loop thread only.
 */
public final class StreamWriter {

    /** The transport written to; replaced by startTls with the TLS one. */
    private Transport transport;
    private final FlowControlProtocol protocol;
    /** The reader of the same connection, whose exception drain() raises; may be null. */
    private final StreamReader reader;
    private final EventLoop loop;

    /**
     * A writer on {@code transport}, whose protocol is {@code protocol}; {@code reader} (may be null)
     * is the same connection's reader, so that {@link #drain()} reports a broken connection.
     * {@link Streams#openConnection} and {@link Streams#startServer} make these for you.
     */
    public StreamWriter(Transport transport, FlowControlProtocol protocol, StreamReader reader, EventLoop loop) {
        this.transport = Objects.requireNonNull(transport, "transport");
        this.protocol = Objects.requireNonNull(protocol, "protocol");
        this.reader = reader;
        this.loop = Objects.requireNonNull(loop, "loop");
    }

    /** The underlying transport. */
    public Transport transport() {
        return transport;
    }

    /** The loop this writer runs on. */
    public EventLoop getLoop() {
        return loop;
    }

    /** Writes {@code data} (buffered if the socket does not take it at once). */
    public void write(byte[] data) {
        transport.write(Objects.requireNonNull(data, "data"));
    }

    /** Writes the remaining bytes of {@code data}; the buffer is consumed (copied if not written at once). */
    public void write(ByteBuffer data) {
        transport.write(Objects.requireNonNull(data, "data"));
    }

    /** Writes each array in order. */
    public void writelines(Iterable<byte[]> data) {
        for (byte[] b : data) {
            write(b);
        }
    }

    /** Writes each array in order. */
    public void writelines(byte[]... data) {
        for (byte[] b : data) {
            write(b);
        }
    }

    /** Closes the sending side once the buffered data is written (TCP half-close); reading goes on. */
    public void writeEof() {
        transport.writeEof();
    }

    /** Whether {@link #writeEof()} is supported by the transport. */
    public boolean canWriteEof() {
        return transport.canWriteEof();
    }

    /** Closes the connection once the buffered data is written; {@link #waitClosed()} waits for it. */
    public void close() {
        transport.close();
    }

    /** Whether the connection is closing or closed. */
    public boolean isClosing() {
        return transport.isClosing();
    }

    /**
     * Suspends until the connection is gone (after {@link #close()}, or the peer's close).
     *
     * @throws IOException the exception the connection broke with, if it broke
     */
    public void waitClosed() throws IOException {
        protocol.closeWaiter(this).await();
    }

    /** {@link BaseTransport#getExtraInfo(String)}: {@code "peername"}, {@code "sockname"}, {@code "socket"}, ... */
    public Object getExtraInfo(String name) {
        return transport.getExtraInfo(name);
    }

    /** {@link #getExtraInfo(String)}, or {@code fallback} when absent. */
    public Object getExtraInfo(String name, Object fallback) {
        return transport.getExtraInfo(name, fallback);
    }

    /**
     * Waits until it is appropriate to write more: suspends while the transport's write buffer is
     * over its high-water mark (the peer is not reading fast enough), and returns at once otherwise.
     *
     * <pre>{@code
     * writer.write(data);
     * writer.drain();
     * }</pre>
     *
     * @throws IOException the connection's exception when it broke (a reset peer: a
     *     {@link java.net.SocketException}); {@code SocketException("Connection lost")} when it was
     *     closed
     */
    public void drain() throws IOException {
        if (reader != null) {
            Throwable exc = reader.exception();
            if (exc != null) {
                throw Streams.sneaky(exc);
            }
        }
        if (transport.isClosing()) {
            // Let connectionLost run: otherwise a loop of write(); drain() on a closed connection
            // would never yield, and never see the error (bpo-25441).
            Asyncio.sleep(0);
        }
        protocol.drainHelper();
    }

    /**
     * Upgrades the connection to TLS as the client: asyncio's {@code writer.start_tls(sslcontext,
     * server_hostname=...)}. Drains, then suspends until the handshake is done; from then on this
     * writer, and the connection's reader, go through TLS ({@link #transport()} is the
     * {@link TlsTransport}). Data the peer sent before its handshake must have been read already.
     *
     * @throws IllegalStateException on a server's writer ({@link Streams#startServer}): use
     *     {@link #startTls(TlsServerOptions)}
     * @throws IOException the handshake failed (an {@link SslCertVerificationError} when the
     *     certificate is not trusted or not the host's), timed out, or the connection broke
     */
    public void startTls(TlsClientOptions options) throws IOException {
        Objects.requireNonNull(options, "options");
        checkSide(false);
        drain();
        upgraded(Tls.startTls(transport, protocol, options));
    }

    /**
     * Upgrades the connection to TLS as the server: asyncio's {@code writer.start_tls(sslcontext)} on
     * a server's writer. As {@link #startTls(TlsClientOptions)} otherwise.
     *
     * @throws IllegalStateException on a client's writer ({@link Streams#openConnection})
     */
    public void startTls(TlsServerOptions options) throws IOException {
        Objects.requireNonNull(options, "options");
        checkSide(true);
        drain();
        upgraded(Tls.startTls(transport, protocol, options));
    }

    /** A StreamReaderProtocol knows its side (asyncio: a client_connected_cb means server side). */
    private void checkSide(boolean serverSide) {
        if (protocol instanceof StreamReaderProtocol p && p.isServerSide() != serverSide) {
            throw new IllegalStateException("startTls with " + (serverSide ? "TlsServerOptions on a client's"
                    : "TlsClientOptions on a server's") + " writer: the " + (serverSide ? "client" : "server")
                    + " side needs " + (serverSide ? "TlsClientOptions" : "TlsServerOptions"));
        }
    }

    private void upgraded(TlsTransport tls) {
        transport = tls;
        if (protocol instanceof StreamReaderProtocol p) {
            p.replaceTransport(tls);
        }
    }

    /** {@code <StreamWriter transport=... reader=...>}, as asyncio's repr. */
    @Override
    public String toString() {
        return "<StreamWriter transport=" + transport + (reader != null ? " reader=" + reader : "") + ">";
    }
}
