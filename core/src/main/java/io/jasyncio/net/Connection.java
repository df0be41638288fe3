package io.jasyncio.net;

/**
 * What {@link Net#createConnection} returns: the transport and the protocol the factory made
 * (asyncio's {@code (transport, protocol)} pair).
 *
 * @param <P> the protocol type
 * @param transport the connected transport
 * @param protocol the protocol receiving its callbacks
 */
public record Connection<P extends BaseProtocol>(Transport transport, P protocol) {}
