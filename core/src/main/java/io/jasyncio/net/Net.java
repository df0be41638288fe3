package io.jasyncio.net;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Connections and servers with protocols: asyncio's {@code loop.create_connection} and
 * {@code loop.create_server}. Call from a task; the running loop is used.
 */
public final class Net {
    private Net() {}

    /** asyncio's default listen backlog. */
    public static final int DEFAULT_BACKLOG = 100;

    /**
     * Connects to {@code host:port} and wires a protocol from {@code protocolFactory} to the new
     * transport: asyncio's {@code create_connection}. The host is resolved off the loop thread;
     * each address is tried in turn until one connects.
     *
     * @throws java.net.ConnectException naming every address tried, when none connects
     */
    public static <P extends BaseProtocol> Connection<P> createConnection(Supplier<P> protocolFactory, String host, int port)
            throws IOException {
        return createConnection(protocolFactory, host, port, null, 0);
    }

    /**
     * {@link #createConnection(Supplier, String, int)} with asyncio's Happy Eyeballs (RFC 8305)
     * options: with {@code happyEyeballsDelay} (seconds, e.g. 0.25) the next address is tried when
     * the previous attempt has not connected after the delay (or at once when it failed), attempts
     * racing until the first connects; the others are cancelled and closed. {@code interleave}
     * reorders the resolved addresses alternating address families, that many of the first family
     * first (asyncio's default is 1 when a delay is given); 0 keeps the resolver's order.
     */
    public static <P extends BaseProtocol> Connection<P> createConnection(Supplier<P> protocolFactory, String host, int port,
            Double happyEyeballsDelay, int interleave) throws IOException {
        Objects.requireNonNull(protocolFactory, "protocolFactory");
        if (happyEyeballsDelay != null && !(happyEyeballsDelay >= 0)) {
            throw new IllegalArgumentException("happyEyeballsDelay must be >= 0, got " + happyEyeballsDelay);
        }
        if (interleave < 0) {
            throw new IllegalArgumentException("interleave must be >= 0, got " + interleave);
        }
        EventLoop loop = Asyncio.getRunningLoop();
        List<InetSocketAddress> addresses = resolve(host, port);
        int inter = interleave == 0 && happyEyeballsDelay != null ? 1 : interleave;
        if (inter > 0) {
            addresses = interleaveFamilies(addresses, inter);
        }
        SocketChannel ch = happyEyeballsDelay == null ? connectInTurn(loop, addresses)
                : HappyEyeballs.race(loop, addresses, happyEyeballsDelay);
        return connected(loop, ch, protocolFactory);
    }

    private static SocketChannel connectInTurn(EventLoop loop, List<InetSocketAddress> addresses) throws IOException {
        List<IOException> errors = new ArrayList<>();
        for (InetSocketAddress address : addresses) {
            try {
                return connectOne(loop, address);
            } catch (IOException e) {
                errors.add(e);
            }
        }
        throw combined(errors);
    }

    /** One connection attempt; the channel is closed unless it connects. */
    static SocketChannel connectOne(EventLoop loop, InetSocketAddress address) throws IOException {
        SocketChannel ch = SocketChannel.open();
        boolean ok = false;
        try {
            ch.configureBlocking(false);
            Sockets.sockConnect(ch, address);
            ok = true;
            return ch;
        } finally {
            if (!ok) {
                loop.unregister(ch);
                ch.close();
            }
        }
    }

    /** asyncio's error when every attempt failed: the one error, or all of them named. */
    static IOException combined(List<IOException> errors) {
        if (errors.size() == 1) {
            return errors.get(0);
        }
        java.net.ConnectException e = new java.net.ConnectException("Multiple exceptions: " + errors.stream()
                .map(Throwable::getMessage).toList());
        errors.forEach(e::addSuppressed);
        return e;
    }

    /** asyncio's _interleave_addrinfos: alternate families, {@code firstCount} of the first family first. */
    static List<InetSocketAddress> interleaveFamilies(List<InetSocketAddress> addresses, int firstCount) {
        java.util.Map<Class<?>, java.util.ArrayDeque<InetSocketAddress>> byFamily = new java.util.LinkedHashMap<>();
        for (InetSocketAddress a : addresses) {
            byFamily.computeIfAbsent(a.getAddress().getClass(), k -> new java.util.ArrayDeque<>()).add(a);
        }
        List<InetSocketAddress> out = new ArrayList<>(addresses.size());
        List<java.util.ArrayDeque<InetSocketAddress>> queues = new ArrayList<>(byFamily.values());
        if (queues.isEmpty()) {
            return out;
        }
        for (int i = 0; i < firstCount - 1 && !queues.get(0).isEmpty(); i++) {
            out.add(queues.get(0).poll());
        }
        boolean any = true;
        while (any) {
            any = false;
            for (java.util.ArrayDeque<InetSocketAddress> q : queues) {
                if (!q.isEmpty()) {
                    out.add(q.poll());
                    any = true;
                }
            }
        }
        return out;
    }

    /** Wires a protocol to an already connected non-blocking channel (asyncio's {@code create_connection(sock=...)}). */
    public static <P extends BaseProtocol> Connection<P> connected(EventLoop loop, SocketChannel channel,
            Supplier<P> protocolFactory) {
        P protocol = Objects.requireNonNull(protocolFactory.get(), "the protocol factory returned null");
        SocketTransport t = new SocketTransport(loop, channel, protocol, null);
        // asyncio waits for connection_made before returning: one loop turn.
        Asyncio.sleep(0);
        return new Connection<>(t, protocol);
    }

    /**
     * Listens on {@code host:port} ({@code host} null: every interface; port 0: any free port) and
     * makes a protocol from {@code protocolFactory} for each connection: asyncio's
     * {@code create_server}. The server is serving when this returns.
     */
    public static Server createServer(Supplier<? extends BaseProtocol> protocolFactory, String host, int port)
            throws IOException {
        return createServer(protocolFactory, host, port, DEFAULT_BACKLOG, true);
    }

    /** {@link #createServer(Supplier, String, int)} with a backlog and whether to start serving now. */
    public static Server createServer(Supplier<? extends BaseProtocol> protocolFactory, String host, int port,
            int backlog, boolean startServing) throws IOException {
        Objects.requireNonNull(protocolFactory, "protocolFactory");
        if (backlog <= 0) {
            throw new IllegalArgumentException("backlog must be > 0, got " + backlog);
        }
        EventLoop loop = Asyncio.getRunningLoop();
        List<InetSocketAddress> addresses = host == null ? List.of(new InetSocketAddress(port)) : resolve(host, port);
        List<ServerSocketChannel> channels = new ArrayList<>();
        try {
            for (InetSocketAddress address : addresses) {
                ServerSocketChannel ch = ServerSocketChannel.open();
                channels.add(ch);
                ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                ch.configureBlocking(false);
                try {
                    ch.bind(address, backlog);
                } catch (IOException e) {
                    IOException named = new java.net.BindException("error while attempting to bind on address "
                            + address + ": " + e.getMessage());
                    named.initCause(e);
                    throw named;
                }
            }
        } catch (IOException | RuntimeException e) {
            for (ServerSocketChannel ch : channels) {
                ch.close();
            }
            throw e;
        }
        Server server = new Server(loop, channels, protocolFactory, backlog);
        if (startServing) {
            server.startServing();
            Asyncio.sleep(0); // asyncio: "let the server start accepting before returning"
        }
        return server;
    }

    /**
     * Sends {@code file} through {@code transport}: asyncio's {@code loop.sendfile(transport, file,
     * offset, count)}. On a TCP or Unix socket transport the kernel copies the file to the socket
     * ({@code sendfile(2)} through {@link FileChannel#transferTo}) once the transport's write
     * buffer has drained, with reading paused and {@code write} refused meanwhile; on other
     * transports (TLS, in-memory) the file is read in chunks off the loop thread and written,
     * waiting whenever the transport pauses writing. Returns the bytes sent (fewer than {@code
     * count} only at the file's end); the file's position ends after the last byte sent, also on
     * failure or cancellation.
     *
     * @param count how many bytes, or null for everything up to the file's end
     * @throws IllegalStateException when the transport is closing or a sendfile already runs on it
     * @throws IllegalArgumentException for a negative offset or a count not positive
     */
    public static long sendfile(Transport transport, FileChannel file, long offset, Long count) throws IOException {
        Objects.requireNonNull(transport, "transport");
        Sockets.checkSendfileParams(file, offset, count);
        if (transport.isClosing()) {
            throw new IllegalStateException("Transport is closing");
        }
        if (transport instanceof SocketTransport socket) {
            return socket.sendfile(file, offset, count);
        }
        return SendfileFallback.send(transport, file, offset, count);
    }

    /** {@link #sendfile(Transport, FileChannel, long, Long)} of the whole file. */
    public static long sendfile(Transport transport, FileChannel file) throws IOException {
        return sendfile(transport, file, 0, null);
    }

    /**
     * Resolves {@code host} off the loop thread (asyncio's {@code getaddrinfo} in the executor);
     * IPv4 and IPv6 addresses interleaved as the resolver ordered them. Shorthand for
     * {@link #getaddrinfo(String, int, ProtocolFamily) getaddrinfo(host, port, null)}.
     */
    public static List<InetSocketAddress> resolve(String host, int port) throws IOException {
        return getaddrinfo(host, port, null);
    }

    /**
     * asyncio's {@code loop.getaddrinfo(host, port)}: every address of {@code host}, in the
     * resolver's order, each with {@code port}. Same as {@code getaddrinfo(host, port, null)}.
     */
    public static List<InetSocketAddress> getaddrinfo(String host, int port) throws IOException {
        return getaddrinfo(host, port, null);
    }

    /**
     * asyncio's {@code loop.getaddrinfo(host, port, family=...)}: the addresses of {@code host}
     * with {@code port}, in the resolver's order, keeping only {@code family}
     * ({@link StandardProtocolFamily#INET} or {@link StandardProtocolFamily#INET6}; {@code null} is
     * {@code AF_UNSPEC}: both).
     *
     * <p>A name is resolved on a worker thread ({@code Asyncio.toThread}), so the loop keeps
     * running while the resolver blocks, and cancelling the caller stops waiting at once (the
     * lookup itself finishes in the background, as in asyncio). An IP literal is parsed on the
     * spot without a lookup (asyncio's {@code _ipaddr_info} shortcut). A name that does not
     * resolve raises {@link UnknownHostException}; one with no address of the asked family raises
     * it too, naming the family.
     *
     * @throws IllegalArgumentException for a port outside 0..65535 or a non-IP family
     */
    public static List<InetSocketAddress> getaddrinfo(String host, int port, ProtocolFamily family) throws IOException {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        Objects.requireNonNull(host, "host");
        if (family != null && family != StandardProtocolFamily.INET && family != StandardProtocolFamily.INET6) {
            throw new IllegalArgumentException("getaddrinfo resolves IP families only (INET, INET6 or null for both), not " + family);
        }
        InetAddress[] all;
        if (isIpLiteral(host)) {
            all = new InetAddress[] {InetAddress.getByName(host)}; // parsed, no lookup
        } else {
            // An UnknownHostException comes out as itself (toThread rethrows the worker's exception).
            all = Asyncio.toThread(() -> InetAddress.getAllByName(host));
        }
        List<InetSocketAddress> out = new ArrayList<>(all.length);
        for (InetAddress a : all) {
            if (family == null || family == familyOf(a)) {
                out.add(new InetSocketAddress(a, port));
            }
        }
        if (out.isEmpty()) {
            throw new UnknownHostException(host + ": no " + family + " address (it has " + List.of(all) + ")");
        }
        return out;
    }

    /**
     * asyncio's {@code loop.getnameinfo(sockaddr)}: the host name of {@code address} by reverse
     * lookup, off the loop thread, and its port as a decimal string. When the reverse lookup
     * finds no name, the host is the numeric address, as {@code getnameinfo} without
     * {@code NI_NAMEREQD}. Service names are not looked up (Java has no services database):
     * the port is always numeric, as with {@code NI_NUMERICSERV}.
     */
    public static NameInfo getnameinfo(InetSocketAddress address) throws IOException {
        Objects.requireNonNull(address, "address");
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("getnameinfo needs an IP address, not the unresolved " + address);
        }
        InetAddress ip = address.getAddress();
        String host = Asyncio.toThread(ip::getCanonicalHostName);
        return new NameInfo(host, Integer.toString(address.getPort()));
    }

    /**
     * What {@link #getnameinfo} returns: asyncio's {@code (host, port)} pair.
     *
     * @param host the name found by reverse lookup, or the numeric address when none was
     * @param service the port, as a decimal string
     */
    public record NameInfo(String host, String service) {}

    private static ProtocolFamily familyOf(InetAddress a) {
        return a instanceof Inet6Address ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
    }

    /** A dotted-quad IPv4 or an IPv6 literal (with an optional zone, or in brackets): no lookup needed. */
    static boolean isIpLiteral(String host) {
        if (host.indexOf(':') >= 0) {
            return true; // only IPv6 literals contain ':' (a name never does)
        }
        int dots = 0;
        int digits = 0;
        int octet = 0;
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (c == '.') {
                if (digits == 0) {
                    return false;
                }
                dots++;
                digits = 0;
                octet = 0;
            } else if (c >= '0' && c <= '9' && digits < 3) {
                digits++;
                octet = octet * 10 + (c - '0');
                if (octet > 255) {
                    return false;
                }
            } else {
                return false;
            }
        }
        return dots == 3 && digits > 0;
    }
}
