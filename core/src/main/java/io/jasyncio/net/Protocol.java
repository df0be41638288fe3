package io.jasyncio.net;

import java.nio.ByteBuffer;

/**
 * A stream protocol: asyncio's {@code Protocol}.
 *
 * <p>{@link #dataReceived(ByteBuffer)} gets a read-only view of the transport's receive buffer,
 * valid only during the call (the transport reuses the buffer): copy what must outlive it. That is
 * the price of not allocating per read; {@link BufferedProtocol} goes further and lets the protocol
 * supply the buffer.
 */
public interface Protocol extends BaseProtocol {

    /** Bytes arrived; {@code data} is valid only until this method returns. */
    void dataReceived(ByteBuffer data);

    /**
     * The peer closed its sending side. Return true to keep the transport open (a half-closed
     * connection: this side may still write), false to have it closed.
     */
    default boolean eofReceived() {
        return false;
    }
}
