package io.jasyncio.net;

import java.nio.ByteBuffer;

/**
 * A stream protocol that supplies the receive buffer itself: asyncio's {@code BufferedProtocol}.
 * The transport reads straight into {@link #getBuffer(int)}'s buffer (from its position to its
 * limit) and reports how much arrived; no copy in between.
 */
public interface BufferedProtocol extends BaseProtocol {

    /** A buffer with room for at least one byte; {@code sizeHint} is what the transport would like. */
    ByteBuffer getBuffer(int sizeHint);

    /** {@code nbytes} bytes were written into the buffer at its position (which has been advanced). */
    void bufferUpdated(int nbytes);

    /** As {@link Protocol#eofReceived()}. */
    default boolean eofReceived() {
        return false;
    }
}
