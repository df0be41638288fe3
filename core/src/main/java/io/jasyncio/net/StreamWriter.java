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
 * <p>Loop thread only.
 */
public final class StreamWriter {

    /*
     * startTls (the TLS work of issue 7) will: drain(); ask the loop's startTls for a TLS transport
     * over this one, server side when protocol is a StreamReaderProtocol with a ClientConnected
     * (isServerSide()); then set `transport` to it and call protocol.replaceTransport(it).
     * That is why `transport` is not final.
     */

    /** The transport written to; replaced by startTls. */
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

    /** {@code <StreamWriter transport=... reader=...>}, as asyncio's repr. */
    @Override
    public String toString() {
        return "<StreamWriter transport=" + transport + (reader != null ? " reader=" + reader : "") + ">";
    }
}
