package io.jasyncio.net;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;

/**
 * A datagram (UDP) protocol: asyncio's {@code DatagramProtocol}. Its transport calls it on the
 * loop: {@code connectionMade} once, then {@link #datagramReceived} and {@link #errorReceived} in
 * any order, then {@code connectionLost} once.
 *
 * <p>An exception thrown by {@link #datagramReceived} or {@link #errorReceived} goes to the loop's
 * exception handler and the transport stays open, as in asyncio.
 */
public interface DatagramProtocol extends BaseProtocol {

    /**
     * A datagram arrived from {@code addr}. {@code data} is a read-only view of the transport's
     * receive buffer, valid only until this method returns (the transport reuses it): copy what
     * must outlive the call. An empty datagram arrives as an empty buffer.
     */
    void datagramReceived(ByteBuffer data, SocketAddress addr);

    /**
     * A send or receive failed with an operating-system error; the transport stays open. For a
     * connected endpoint this is how an ICMP port unreachable shows up, as a
     * {@link java.net.PortUnreachableException} (asyncio's {@code ConnectionRefusedError}).
     * The default does nothing, as asyncio's.
     */
    default void errorReceived(IOException exc) {}
}
