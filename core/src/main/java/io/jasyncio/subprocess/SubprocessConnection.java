package io.jasyncio.subprocess;

/**
 * What {@link Subprocess#subprocessExec} and {@link Subprocess#subprocessShell} return: asyncio's
 * {@code (transport, protocol)} pair.
 *
 * @param <P> the protocol type
 * @param transport the child process and its pipes
 * @param protocol the protocol receiving its callbacks
 */
public record SubprocessConnection<P extends SubprocessProtocol>(SubprocessTransport transport, P protocol) {}
