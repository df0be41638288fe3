/**
 * Testing support for jasyncio programs: {@link io.jasyncio.testing.VirtualClock} (virtual time
 * with autojump), the JUnit 5 {@link io.jasyncio.testing.AsyncioExtension} that runs a test method
 * as a task, {@link io.jasyncio.testing.Steps} for asserting interleavings, and
 * {@link io.jasyncio.testing.ExceptionRecorder}.
 *
 * <h2>Networking without sockets</h2>
 *
 * <p>{@link io.jasyncio.testing.MemoryNetwork} stands in for {@code io.jasyncio.net.Net}:
 * {@code createServer} and {@code createConnection} connect protocols through a
 * {@link io.jasyncio.testing.MemoryPipe}, whose two {@link io.jasyncio.testing.MemoryTransport}s keep
 * the socket transport's contract (callbacks in later loop callbacks, {@code writeEof} and
 * {@code eofReceived}, close after the buffered data, flow control driven by what the peer has not
 * yet consumed). {@code MemoryPipe.open(client, server)} connects two protocols directly.
 * A {@link io.jasyncio.testing.MemoryLink} per direction delivers data in small pieces
 * ({@code maxChunk}), late ({@code latency}), slowly ({@code bandwidth}) or resets the connection
 * after some bytes ({@code resetAfter}); {@code MemoryPipe.reset()} resets it on demand. Everything
 * runs on the loop: delays are timers, so under a {@code VirtualClock} a test with latencies runs
 * at once and asserts exact virtual times.
 *
 * <pre>{@code
 * @Test
 * void echoesAfterOneRoundTrip(VirtualClock clock) throws Exception {
 *     MemoryNetwork network = new MemoryNetwork(MemoryLink.DEFAULT.withLatency(0.05).withMaxChunk(1));
 *     network.createServer(EchoProtocol::new, "127.0.0.1", 8080);
 *     Connection<Client> c = network.createConnection(Client::new, "127.0.0.1", 8080);
 *     c.transport().write("ping".getBytes());
 *     c.protocol().received(4).await();          // the client's own future
 *     assertThat(clock.time()).isEqualTo(0.1);
 * }
 * }</pre>
 *
 * <p>Streams ride on the memory network too: {@code MemoryStreams.open(...)} gives both ends of a
 * pipe as reader/writer pairs, and {@code MemoryNetwork.openConnection} / {@code startServer} are
 * {@code Streams.openConnection} / {@code startServer} without sockets.
 */
package io.jasyncio.testing;
