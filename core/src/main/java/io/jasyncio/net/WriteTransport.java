package io.jasyncio.net;

import java.nio.ByteBuffer;

/**
 * The sending half of a transport: asyncio's {@code WriteTransport}.
 *
 * <p>{@link #write(ByteBuffer)} never blocks: what the channel does not take at once is buffered and written as
 * the peer reads. Above the high-water mark the protocol's {@code pauseWriting()} is called, below
 * the low-water mark {@code resumeWriting()}: the protocol's part of backpressure.
 */
public interface WriteTransport extends BaseTransport {

    /** Writes the remaining bytes of {@code data} (copied if not written at once); the buffer is consumed. */
    void write(ByteBuffer data);

    /** Writes {@code data}. */
    default void write(byte[] data) {
        write(ByteBuffer.wrap(data));
    }

    /** Writes each buffer in order. */
    default void writelines(Iterable<ByteBuffer> data) {
        for (ByteBuffer b : data) {
            write(b);
        }
    }

    /** Closes the sending side after the buffered data (TCP half-close); reading goes on. */
    void writeEof();

    /** Whether {@link #writeEof()} is supported. */
    boolean canWriteEof();

    /** Bytes buffered and not yet written. */
    int getWriteBufferSize();

    /** The low-water mark of the write buffer. */
    int getWriteBufferLimitLow();

    /** The high-water mark of the write buffer. */
    int getWriteBufferLimitHigh();

    /**
     * Sets the water marks ({@code -1} for defaults: high 64 KiB, low a quarter of high).
     *
     * @throws IllegalArgumentException unless {@code high >= low >= 0}
     */
    void setWriteBufferLimits(int high, int low);

    /** Closes at once, dropping buffered data; {@code connectionLost(null)} follows on the loop. */
    void abort();
}
