package io.jasyncio.net;

import java.net.SocketAddress;
import java.nio.ByteBuffer;

/**
 * A datagram (UDP) transport: asyncio's {@code DatagramTransport}, with the flow control of its
 * selector transport.
 *
 * <p>{@link #sendto} never blocks: a datagram the socket does not take at once is copied into a
 * buffer and sent when the socket is writable, in order. Above the high-water mark the protocol's
 * {@code pauseWriting()} is called, at or below the low-water mark {@code resumeWriting()}. Loop
 * thread only.
 */
public interface DatagramTransport extends BaseTransport {

    /**
     * Sends the remaining bytes of {@code data} as one datagram to {@code addr}; the buffer is
     * consumed. On a connected endpoint {@code addr} must be {@code null} or the remote address.
     * A failure the operating system reports goes to the protocol's {@code errorReceived}.
     *
     * @throws IllegalArgumentException when {@code addr} is missing on an unconnected endpoint,
     *     differs from the remote address of a connected one, or is unresolved; or when
     *     {@code data} is empty on a connected endpoint (java.nio cannot send an empty datagram
     *     on a connected channel)
     */
    void sendto(ByteBuffer data, SocketAddress addr);

    /** Sends {@code data} as one datagram to the remote address of a connected endpoint. */
    default void sendto(ByteBuffer data) {
        sendto(data, null);
    }

    /** Sends {@code data} as one datagram to {@code addr} ({@code null}: the remote address). */
    default void sendto(byte[] data, SocketAddress addr) {
        sendto(ByteBuffer.wrap(data), addr);
    }

    /** Sends {@code data} as one datagram to the remote address of a connected endpoint. */
    default void sendto(byte[] data) {
        sendto(ByteBuffer.wrap(data), null);
    }

    /** Closes at once, dropping buffered datagrams; {@code connectionLost(null)} follows on the loop. */
    void abort();

    /** Bytes buffered and not yet sent, counting 8 bytes of header per datagram (as asyncio). */
    int getWriteBufferSize();

    /** The low-water mark of the write buffer. */
    int getWriteBufferLimitLow();

    /** The high-water mark of the write buffer. */
    int getWriteBufferLimitHigh();

    /**
     * Sets the water marks ({@code -1} for defaults: high 64 KiB, or four times {@code low}; low a
     * quarter of high).
     *
     * @throws IllegalArgumentException unless {@code high >= low >= 0}
     */
    void setWriteBufferLimits(int high, int low);

    /** Whether the transport is delivering received datagrams (neither paused nor closing). */
    boolean isReading();

    /** Stops receiving until {@link #resumeReading()}: datagrams queue in the socket, then are dropped by it. */
    void pauseReading();

    /** Resumes receiving. */
    void resumeReading();
}
