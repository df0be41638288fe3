package io.jasyncio.http.client;

import io.jasyncio.Asyncio;
import io.jasyncio.net.StreamConnection;
import io.jasyncio.net.Streams;
import io.jasyncio.net.TlsClientOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.util.List;

/**
 * How a {@link TcpConnector} reaches the network: resolving names and opening stream connections.
 * {@link #tcp()} uses real sockets ({@link Streams#openConnection}); tests plug in the testing
 * module's memory network, so that a whole client runs on a virtual clock without sockets:
 *
 * <pre>{@code
 * MemoryNetwork network = new MemoryNetwork();
 * ConnectionOpener memory = (host, port, tls) -> {
 *     StreamConnection c = network.openConnection(host, port);
 *     if (tls != null) c.writer().startTls(tls);
 *     return c;
 * };
 * var connector = TcpConnector.builder().opener(memory).build();
 * }</pre>
 *
 * <p>Both methods are called from the requesting task and may suspend; cancelling that task must
 * leave nothing open (close what was opened before the cancellation took effect).
 */
@FunctionalInterface
public interface ConnectionOpener {

    /**
     * Opens a connection to {@code address:port}, over TLS with {@code tls} when it is not null,
     * returning once the connection (and its handshake) is complete.
     *
     * @param address one of {@link #resolve}'s answers for the host
     * @param tls the TLS options, whose server name is the URL's host; null for plain TCP
     * @throws IOException when the connection or its handshake fails
     */
    StreamConnection open(String address, int port, TlsClientOptions tls) throws IOException;

    /**
     * The addresses to try for {@code host}, in order. The default returns the host itself, for an
     * opener that resolves names on its own.
     *
     * @throws IOException when the name does not resolve ({@link java.net.UnknownHostException})
     */
    default List<String> resolve(String host) throws IOException {
        return List.of(host);
    }

    /** Whether {@link #resolve} does real work (a DNS lookup worth caching and tracing). */
    default boolean resolves() {
        return false;
    }

    /**
     * Real TCP: names are resolved with {@link InetAddress#getAllByName} in a worker thread
     * ({@link Asyncio#toThread}), connections opened with {@link Streams#openConnection}.
     */
    static ConnectionOpener tcp() {
        return TcpOpener.INSTANCE;
    }
}
