package io.jasyncio.net;

/**
 * What {@link Datagrams#createDatagramEndpoint} returns: the transport and the protocol the factory
 * made (asyncio's {@code (transport, protocol)} pair).
 *
 * @param <P> the protocol type
 * @param transport the datagram transport
 * @param protocol the protocol receiving its callbacks
 */
public record DatagramEndpoint<P extends DatagramProtocol>(DatagramTransport transport, P protocol) {}
