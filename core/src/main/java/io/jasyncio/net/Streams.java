package io.jasyncio.net;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Streams over TCP: asyncio's {@code open_connection} and {@code start_server}. Call from a task;
 * the running loop is used.
 *
 * <pre>{@code
 * // server: one task per connection
 * Server server = Streams.startServer((reader, writer) -> {
 *     for (byte[] line : reader) {
 *         writer.write(line);
 *         writer.drain();
 *     }
 *     writer.close();
 * }, "127.0.0.1", 8888);
 *
 * // client
 * StreamConnection c = Streams.openConnection("127.0.0.1", 8888);
 * c.writer().write("hello\n".getBytes(UTF_8));
 * byte[] echoed = c.reader().readline();
 * c.writer().close();
 * c.writer().waitClosed();
 * }</pre>
 *
 * <p>With {@link TlsClientOptions} or {@link TlsServerOptions} the streams run over TLS
 * ({@link Tls}); {@link StreamWriter#startTls} upgrades a plain connection.
 *
 * <p>{@code limit} is the {@link StreamReader}'s: the longest line {@code readline} returns, and half
 * the most it buffers before pausing the transport.
 */
public final class Streams {
    private Streams() {}

    /** The default {@link StreamReader} limit: 64 KiB. */
    public static final int DEFAULT_LIMIT = StreamReader.DEFAULT_LIMIT;

    /**
     * Connects to {@code host:port} (as {@link Net#createConnection}) and returns the reader and
     * writer of the connection.
     *
     * @throws java.net.ConnectException when no address of the host accepts the connection
     */
    public static StreamConnection openConnection(String host, int port) throws IOException {
        return openConnection(host, port, DEFAULT_LIMIT);
    }

    /**
     * {@link #openConnection(String, int)} with the reader's {@code limit}.
     *
     * @throws IllegalArgumentException when {@code limit <= 0}
     */
    public static StreamConnection openConnection(String host, int port, int limit) throws IOException {
        return open(limit, protocol -> Net.createConnection(protocol, host, port));
    }

    /**
     * Connects to {@code host:port} over TLS (as {@link Tls#createConnection}) and returns the reader
     * and writer of the connection once the handshake is done: asyncio's
     * {@code open_connection(host, port, ssl=..., server_hostname=...)}. The server is verified
     * unless {@code tls} says otherwise; {@code writer().transport()} is the {@link TlsTransport}.
     *
     * @throws SslCertVerificationError when the server's certificate is not trusted or not the host's
     * @throws java.net.SocketTimeoutException when the handshake takes longer than its timeout
     */
    public static StreamConnection openConnection(String host, int port, TlsClientOptions tls) throws IOException {
        return openConnection(host, port, tls, DEFAULT_LIMIT);
    }

    /**
     * {@link #openConnection(String, int, TlsClientOptions)} with the reader's {@code limit}.
     *
     * @throws IllegalArgumentException when {@code limit <= 0}
     */
    public static StreamConnection openConnection(String host, int port, TlsClientOptions tls, int limit)
            throws IOException {
        Objects.requireNonNull(tls, "tls");
        return open(limit, protocol -> Tls.createConnection(protocol, host, port, tls));
    }

    /**
     * Streams on an already connected non-blocking channel (TCP, or a Unix-domain socket): asyncio's
     * {@code open_connection(sock=...)}.
     *
     * @throws IllegalArgumentException when {@code limit <= 0}
     */
    public static StreamConnection openConnection(SocketChannel channel, int limit) throws IOException {
        Objects.requireNonNull(channel, "channel");
        EventLoop loop = Asyncio.getRunningLoop();
        return open(limit, protocol -> Net.connected(loop, channel, protocol));
    }

    /**
     * Listens on {@code host:port} (as {@link Net#createServer}; port 0: any free port) and runs
     * {@code clientConnected} in a task of its own for each connection, with that connection's
     * reader and writer. The server is serving when this returns.
     */
    public static Server startServer(ClientConnected clientConnected, String host, int port) throws IOException {
        return startServer(clientConnected, host, port, DEFAULT_LIMIT);
    }

    /**
     * {@link #startServer(ClientConnected, String, int)} with the readers' {@code limit}.
     *
     * @throws IllegalArgumentException when {@code limit <= 0}
     */
    public static Server startServer(ClientConnected clientConnected, String host, int port, int limit)
            throws IOException {
        return Net.createServer(serverProtocols(clientConnected, limit), host, port);
    }

    /** asyncio's {@code open_unix_connection(path)}: a stream pair over a Unix-domain socket. */
    public static StreamConnection openUnixConnection(java.nio.file.Path path) throws IOException {
        return openUnixConnection(path, DEFAULT_LIMIT);
    }

    /** {@link #openUnixConnection(java.nio.file.Path)} with a reader limit. */
    public static StreamConnection openUnixConnection(java.nio.file.Path path, int limit) throws IOException {
        return open(limit, f -> UnixNet.createUnixConnection(f, path));
    }

    /** asyncio's {@code start_unix_server(cb, path)}: a stream server on a Unix-domain socket. */
    public static Server startUnixServer(ClientConnected clientConnected, java.nio.file.Path path) throws IOException {
        return startUnixServer(clientConnected, path, DEFAULT_LIMIT);
    }

    /** {@link #startUnixServer(ClientConnected, java.nio.file.Path)} with a reader limit. */
    public static Server startUnixServer(ClientConnected clientConnected, java.nio.file.Path path, int limit)
            throws IOException {
        return UnixNet.createUnixServer(serverProtocols(clientConnected, limit), path);
    }

    /**
     * Listens on {@code host:port} and serves TLS (as {@link Tls#createServer}): asyncio's
     * {@code start_server(..., ssl=context)}. {@code clientConnected} runs after a connection's
     * handshake succeeded; a failed handshake closes that connection without calling it.
     */
    public static Server startServer(ClientConnected clientConnected, String host, int port, TlsServerOptions tls)
            throws IOException {
        return startServer(clientConnected, host, port, tls, DEFAULT_LIMIT);
    }

    /**
     * {@link #startServer(ClientConnected, String, int, TlsServerOptions)} with the readers' {@code limit}.
     *
     * @throws IllegalArgumentException when {@code limit <= 0}
     */
    public static Server startServer(ClientConnected clientConnected, String host, int port, TlsServerOptions tls,
            int limit) throws IOException {
        Objects.requireNonNull(tls, "tls");
        return Tls.createServer(serverProtocols(clientConnected, limit), host, port, tls);
    }

    // ---- the pieces every transport kind shares (TCP here; Unix-domain sockets, pipes) ----

    /** Makes the connection with a protocol from the factory it is given (asyncio's create_*_connection). */
    @FunctionalInterface
    interface Connector {
        Connection<StreamReaderProtocol> connect(Supplier<StreamReaderProtocol> protocolFactory) throws IOException;
    }

    /**
     * asyncio's open_connection around any connector: a reader with {@code limit}, its protocol,
     * the connection, and a writer on it. {@code openUnixConnection(path, limit)} is
     * {@code open(limit, f -> UnixNet.createUnixConnection(f, path))}.
     */
    static StreamConnection open(int limit, Connector connector) throws IOException {
        EventLoop loop = Asyncio.getRunningLoop();
        StreamReader reader = new StreamReader(limit, loop); // checks the limit before connecting
        StreamReaderProtocol protocol = new StreamReaderProtocol(reader, null, loop);
        Connection<StreamReaderProtocol> c = connector.connect(() -> protocol);
        return new StreamConnection(reader, new StreamWriter(c.transport(), protocol, reader, loop));
    }

    /**
     * asyncio's start_server's factory: a fresh reader and server protocol per connection.
     * {@code startUnixServer(cb, path, limit)} is {@code UnixNet.createUnixServer(serverProtocols(cb, limit), path)}.
     */
    static Supplier<StreamReaderProtocol> serverProtocols(ClientConnected clientConnected, int limit) {
        Objects.requireNonNull(clientConnected, "clientConnected");
        if (limit <= 0) {
            throw new IllegalArgumentException("Limit cannot be <= 0, got " + limit);
        }
        EventLoop loop = Asyncio.getRunningLoop();
        return () -> new StreamReaderProtocol(new StreamReader(limit, loop), clientConnected, loop);
    }

    /**
     * Throws {@code e} as it is, checked or not (docs/adr/0003-checked-exceptions.md); declared to
     * return so that callers write {@code throw sneaky(e)}.
     */
    @SuppressWarnings("unchecked")
    static <E extends Throwable> RuntimeException sneaky(Throwable e) throws E {
        throw (E) e;
    }
}
