package io.jasyncio.testing;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.ExceptionContext;
import io.jasyncio.net.BaseProtocol;
import io.jasyncio.net.ClientConnected;
import io.jasyncio.net.Connection;
import io.jasyncio.net.StreamConnection;
import io.jasyncio.net.StreamReader;
import io.jasyncio.net.StreamReaderProtocol;
import io.jasyncio.net.StreamWriter;
import io.jasyncio.net.Streams;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A network in memory: servers listen on names, clients connect to them, and each connection is
 * a {@link MemoryPipe}. The counterpart of {@link io.jasyncio.net.Net}'s {@code createServer} and
 * {@code createConnection} for tests: no sockets, no ports taken, and under a {@link VirtualClock}
 * nothing real is in flight, so time jumps straight to the next delivery.
 *
 * <pre>{@code
 * MemoryNetwork network = new MemoryNetwork(MemoryLink.DEFAULT.withLatency(0.01));
 * MemoryServer server = network.createServer(EchoProtocol::new, "127.0.0.1", 8080);
 * Connection<Client> c = network.createConnection(Client::new, "127.0.0.1", 8080);
 * c.transport().write("ping".getBytes());    // echoed back at t = 0.02
 * }</pre>
 *
 * <p>Addresses are matched by name and port as given ({@code "localhost"} and {@code "127.0.0.1"}
 * are different names); a server listening on host {@code null} takes its port on every name.
 * Port 0 picks a free port from 49152 up. A client's end is named 127.0.0.1 with a port of that
 * range too. Connections are made at once, without latency; the links apply to the data.
 *
 * <p>Loop-affine: use a network from one loop at a time (each server belongs to the loop it was
 * created on).
 */
public final class MemoryNetwork {
    private static final int FIRST_EPHEMERAL_PORT = 49152;

    private final MemoryLink link;
    /** Listening servers by "host:port" (host "*" for every name). */
    private final Map<String, MemoryServer> servers = new LinkedHashMap<>();
    /** Connections with at least one end open, oldest first. */
    private final List<MemoryPipe> pipes = new ArrayList<>();
    private int nextPort = FIRST_EPHEMERAL_PORT;

    /** A network whose connections carry data with {@link MemoryLink#DEFAULT} both ways. */
    public MemoryNetwork() {
        this(MemoryLink.DEFAULT);
    }

    /** A network whose connections carry data with {@code link} both ways (unless a connection says otherwise). */
    public MemoryNetwork(MemoryLink link) {
        this.link = Objects.requireNonNull(link, "link");
    }

    /** The link new connections get by default. */
    public MemoryLink link() {
        return link;
    }

    /**
     * Listens on {@code host:port} on the running loop and makes a protocol from
     * {@code protocolFactory} for each connection: {@code Net.createServer}'s counterpart. The server
     * is serving when this returns. Does not suspend.
     *
     * @param host the name to listen on; null: every name
     * @param port 0 to pick a free port ({@link MemoryServer#port()} tells which)
     * @throws BindException when a server already listens there
     * @throws IllegalArgumentException when the port is out of range
     */
    public MemoryServer createServer(Supplier<? extends BaseProtocol> protocolFactory, String host, int port)
            throws BindException {
        Objects.requireNonNull(protocolFactory, "protocolFactory");
        checkPort(port);
        EventLoop loop = Asyncio.getRunningLoop();
        if (port == 0) {
            port = freePort();
        } else {
            for (MemoryServer s : servers.values()) {
                if (s.port() == port && (host == null || s.host() == null || s.host().equals(host))) {
                    throw new BindException("error while attempting to bind on address " + (host == null ? "*" : host)
                            + ":" + port + ": address already in use (by " + s + ")");
                }
            }
        }
        MemoryServer server = new MemoryServer(loop, this, host, address(host == null ? "0.0.0.0" : host, port),
                protocolFactory);
        servers.put(key(host, port), server);
        return server;
    }

    /**
     * Connects to the server listening on {@code host:port} and wires a protocol from
     * {@code protocolFactory} to the client's end: {@code Net.createConnection}'s counterpart.
     * Returns once the client's {@code connectionMade} ran (one loop turn): call from a task.
     *
     * @throws ConnectException naming the address, when no server listens there
     */
    public <P extends BaseProtocol> Connection<P> createConnection(Supplier<P> protocolFactory, String host, int port)
            throws ConnectException {
        return createConnection(protocolFactory, host, port, link, link);
    }

    /**
     * Like {@link #createConnection(Supplier, String, int)} with a link for each direction of this
     * connection.
     */
    public <P extends BaseProtocol> Connection<P> createConnection(Supplier<P> protocolFactory, String host, int port,
            MemoryLink toServer, MemoryLink toClient) throws ConnectException {
        Objects.requireNonNull(protocolFactory, "protocolFactory");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(toServer, "toServer");
        Objects.requireNonNull(toClient, "toClient");
        checkPort(port);
        EventLoop loop = Asyncio.getRunningLoop();
        MemoryServer server = servers.get(key(host, port));
        if (server == null) {
            server = servers.get(key(null, port));
        }
        if (server == null) {
            throw new ConnectException("Connect call failed " + host + ":" + port
                    + ": connection refused (no MemoryServer listens there)");
        }
        if (server.getLoop() != loop) {
            throw new IllegalStateException(server + " runs on another event loop than the caller's");
        }
        P protocol = Objects.requireNonNull(protocolFactory.get(), "the protocol factory returned null");
        BaseProtocol serverProtocol;
        try {
            serverProtocol = Objects.requireNonNull(server.newProtocol(), "the server's protocol factory returned null");
        } catch (RuntimeException | Error e) {
            loop.callExceptionHandler(ExceptionContext.builder("Error on transport creation for incoming connection")
                    .exception(e).put("server", server).build());
            ConnectException refused = new ConnectException("Connect call failed " + host + ":" + port
                    + ": the server could not make a protocol for the connection");
            refused.initCause(e);
            throw refused;
        }
        MemoryPipe[] made = new MemoryPipe[1];
        MemoryPipe pipe = new MemoryPipe(loop, protocol, serverProtocol, toServer, toClient,
                address("127.0.0.1", freePort()), address(host, port), server, () -> pipes.remove(made[0]));
        made[0] = pipe;
        pipes.add(pipe);
        Asyncio.sleep(0); // as Net.createConnection: connectionMade has run when it returns
        return new Connection<>(pipe.client(), protocol);
    }

    /**
     * {@code Streams.openConnection} on this network: connects to the server listening on
     * {@code host:port} and returns the connection's reader and writer. Call from a task.
     *
     * @throws ConnectException naming the address, when no server listens there
     */
    public StreamConnection openConnection(String host, int port) throws ConnectException {
        return openConnection(host, port, link, link, Streams.DEFAULT_LIMIT);
    }

    /**
     * Like {@link #openConnection(String, int)} with a link for each direction and the reader's
     * {@code limit}.
     *
     * @throws IllegalArgumentException when {@code limit <= 0}
     */
    public StreamConnection openConnection(String host, int port, MemoryLink toServer, MemoryLink toClient, int limit)
            throws ConnectException {
        EventLoop loop = Asyncio.getRunningLoop();
        StreamReader reader = new StreamReader(limit, loop); // checks the limit before connecting
        StreamReaderProtocol protocol = new StreamReaderProtocol(reader, null, loop);
        Connection<StreamReaderProtocol> c = createConnection(() -> protocol, host, port, toServer, toClient);
        return new StreamConnection(reader, new StreamWriter(c.transport(), protocol, reader, loop));
    }

    /**
     * {@code Streams.startServer} on this network: listens on {@code host:port} and runs
     * {@code clientConnected} in a task of its own for each connection, with its reader and writer.
     *
     * @throws BindException when a server already listens there
     */
    public MemoryServer startServer(ClientConnected clientConnected, String host, int port) throws BindException {
        return startServer(clientConnected, host, port, Streams.DEFAULT_LIMIT);
    }

    /**
     * Like {@link #startServer(ClientConnected, String, int)} with the readers' {@code limit}.
     *
     * @throws IllegalArgumentException when {@code limit <= 0}
     */
    public MemoryServer startServer(ClientConnected clientConnected, String host, int port, int limit)
            throws BindException {
        Objects.requireNonNull(clientConnected, "clientConnected");
        if (limit <= 0) {
            throw new IllegalArgumentException("Limit cannot be <= 0, got " + limit);
        }
        EventLoop loop = Asyncio.getRunningLoop();
        return createServer(() -> new StreamReaderProtocol(new StreamReader(limit, loop), clientConnected, loop), host,
                port);
    }

    /** The connections with at least one end still open, oldest first (a snapshot). */
    public List<MemoryPipe> pipes() {
        return List.copyOf(pipes);
    }

    /** The servers listening, in the order they started (a snapshot). */
    public List<MemoryServer> servers() {
        return List.copyOf(servers.values());
    }

    void unbind(MemoryServer server) {
        servers.values().remove(server);
    }

    private int freePort() {
        while (true) {
            int p = nextPort;
            nextPort = nextPort == 65535 ? FIRST_EPHEMERAL_PORT : nextPort + 1;
            boolean taken = false;
            for (MemoryServer s : servers.values()) {
                taken |= s.port() == p;
            }
            if (!taken) {
                return p;
            }
        }
    }

    private static void checkPort(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    private static String key(String host, int port) {
        return (host == null ? "*" : host) + ":" + port;
    }

    /** A fake socket address: an IP literal as such, a name unresolved (nothing is looked up). */
    static InetSocketAddress address(String host, int port) {
        try {
            return new InetSocketAddress(InetAddress.ofLiteral(host), port);
        } catch (IllegalArgumentException notALiteral) {
            return InetSocketAddress.createUnresolved(host, port);
        }
    }

    @Override
    public String toString() {
        return "<MemoryNetwork servers=" + servers.keySet() + " connections=" + pipes.size() + ">";
    }
}
