package io.jasyncio.net;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import java.io.IOException;
import java.net.BindException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Datagram (UDP) endpoints with protocols: asyncio's {@code loop.create_datagram_endpoint}. Call
 * from a task; the running loop is used.
 *
 * <pre>{@code
 * // a server: bound, unconnected; replies with sendto(data, addr)
 * var server = Datagrams.createDatagramEndpoint(EchoProtocol::new, new InetSocketAddress("127.0.0.1", 9999), null);
 * // a client: connected to the server; sendto(data) goes there
 * var client = Datagrams.createDatagramEndpoint(ClientProtocol::new, null, new InetSocketAddress("127.0.0.1", 9999));
 * client.transport().sendto("ping".getBytes());
 * }</pre>
 */
public final class Datagrams {
    private Datagrams() {}

    private static final System.Logger LOG = System.getLogger("jasyncio");

    /**
     * Socket options of {@link #createDatagramEndpoint(Supplier, InetSocketAddress, InetSocketAddress, Options)}:
     * asyncio's keyword arguments {@code family}, {@code reuse_port} and {@code allow_broadcast}.
     *
     * @param family the address family to use ({@code null}: whatever the addresses resolve to;
     *     needed when neither address is given)
     * @param reusePort set {@code SO_REUSEPORT}, so that several endpoints may bind the same address
     *     and port (where the platform supports it)
     * @param allowBroadcast set {@code SO_BROADCAST}; the remote address is then not connected to,
     *     only used as the default destination
     */
    public record Options(ProtocolFamily family, boolean reusePort, boolean allowBroadcast) {
        /** No family, no {@code SO_REUSEPORT}, no broadcast. */
        public static final Options DEFAULTS = new Options(null, false, false);

        /** These options with {@code family}. */
        public Options withFamily(ProtocolFamily family) {
            return new Options(family, reusePort, allowBroadcast);
        }

        /** These options with {@code reusePort}. */
        public Options withReusePort(boolean reusePort) {
            return new Options(family, reusePort, allowBroadcast);
        }

        /** These options with {@code allowBroadcast}. */
        public Options withAllowBroadcast(boolean allowBroadcast) {
            return new Options(family, reusePort, allowBroadcast);
        }
    }

    /**
     * {@link #createDatagramEndpoint(Supplier, InetSocketAddress, InetSocketAddress, Options)} with
     * default options.
     */
    public static <P extends DatagramProtocol> DatagramEndpoint<P> createDatagramEndpoint(Supplier<P> protocolFactory,
            InetSocketAddress localAddr, InetSocketAddress remoteAddr) throws IOException {
        return createDatagramEndpoint(protocolFactory, localAddr, remoteAddr, Options.DEFAULTS);
    }

    /**
     * Creates a UDP socket, bound to {@code localAddr} if given and connected to {@code remoteAddr} if
     * given, and wires a protocol from {@code protocolFactory} to it: asyncio's
     * {@code create_datagram_endpoint}. Suspends until the protocol's {@code connectionMade} ran.
     *
     * <p>An unresolved address ({@link InetSocketAddress#createUnresolved}) is resolved off the loop
     * thread; a resolved one is used as it is (its constructor resolved it where it was called).
     * Addresses are paired by family (IPv4 local with IPv4 remote ...), each pair tried in turn
     * until a socket binds and connects.
     *
     * <p>With a remote address the endpoint is <em>connected</em>: {@code sendto(data)} sends there,
     * only datagrams from there arrive, and an ICMP port unreachable comes to the protocol's
     * {@code errorReceived} as a {@link java.net.PortUnreachableException}. Without one it is
     * unconnected: give every {@code sendto} an address.
     *
     * @param localAddr where to bind, or {@code null} (port 0: any free port)
     * @param remoteAddr where to connect, or {@code null}
     * @throws IllegalArgumentException when neither address nor a family is given, when no family
     *     fits both addresses, or when {@code reusePort} is not supported here
     * @throws IOException the first pair's error when no pair could be bound and connected (a
     *     {@link BindException} names the address)
     */
    public static <P extends DatagramProtocol> DatagramEndpoint<P> createDatagramEndpoint(Supplier<P> protocolFactory,
            InetSocketAddress localAddr, InetSocketAddress remoteAddr, Options options) throws IOException {
        Objects.requireNonNull(protocolFactory, "protocolFactory");
        Objects.requireNonNull(options, "options");
        EventLoop loop = Asyncio.getRunningLoop();
        List<Pair> pairs;
        if (localAddr == null && remoteAddr == null) {
            if (options.family() == null) {
                throw new IllegalArgumentException("unexpected address family: give a local or remote address, or a family");
            }
            pairs = List.of(new Pair(options.family(), null, null));
        } else {
            pairs = pairByFamily(localAddr, remoteAddr, options.family());
        }
        List<IOException> errors = new ArrayList<>();
        for (Pair pair : pairs) {
            DatagramChannel ch = DatagramChannel.open(pair.family());
            boolean ok = false;
            try {
                if (options.reusePort()) {
                    if (!ch.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT)) {
                        throw new IllegalArgumentException("reusePort is not supported on this platform (no SO_REUSEPORT)");
                    }
                    ch.setOption(StandardSocketOptions.SO_REUSEPORT, true);
                }
                if (options.allowBroadcast()) {
                    ch.setOption(StandardSocketOptions.SO_BROADCAST, true);
                }
                ch.configureBlocking(false);
                if (pair.local() != null) {
                    bind(ch, pair.local());
                }
                if (pair.remote() != null && !options.allowBroadcast()) {
                    ch.connect(pair.remote()); // a UDP connect only sets the peer: it never waits
                }
                ok = true;
            } catch (IOException e) {
                errors.add(e);
            } finally {
                if (!ok) {
                    ch.close();
                }
            }
            if (ok) {
                DatagramEndpoint<P> endpoint = start(loop, ch, protocolFactory, pair.remote());
                if (loop.getDebug()) {
                    LOG.log(System.Logger.Level.DEBUG, "Datagram endpoint local_addr={0} remote_addr={1} created: ({2}, {3})",
                            localAddr, remoteAddr, endpoint.transport(), endpoint.protocol());
                }
                return endpoint;
            }
        }
        IOException first = errors.get(0);
        for (IOException e : errors.subList(1, errors.size())) {
            first.addSuppressed(e);
        }
        throw first;
    }

    /**
     * Wires a protocol to an existing datagram channel (asyncio's {@code create_datagram_endpoint(sock=...)}),
     * which is switched to non-blocking mode. A connected channel's remote address is where
     * {@code sendto(data)} goes.
     */
    public static <P extends DatagramProtocol> DatagramEndpoint<P> createDatagramEndpoint(Supplier<P> protocolFactory,
            DatagramChannel channel) throws IOException {
        Objects.requireNonNull(protocolFactory, "protocolFactory");
        Objects.requireNonNull(channel, "channel");
        EventLoop loop = Asyncio.getRunningLoop();
        channel.configureBlocking(false);
        return start(loop, channel, protocolFactory, channel.getRemoteAddress());
    }

    /** Makes the transport and waits for connectionMade, as asyncio's waiter does; closes the channel on failure. */
    private static <P extends DatagramProtocol> DatagramEndpoint<P> start(EventLoop loop, DatagramChannel ch,
            Supplier<P> protocolFactory, SocketAddress remote) throws IOException {
        P protocol;
        try {
            protocol = Objects.requireNonNull(protocolFactory.get(), "the protocol factory returned null");
        } catch (RuntimeException | Error e) {
            ch.close();
            throw e;
        }
        DatagramSocketTransport transport = new DatagramSocketTransport(loop, ch, protocol, remote);
        Future<Void> waiter = loop.createFuture();
        // Scheduled after the transport's connectionMade and reader callbacks: it runs after both.
        loop.callSoon(() -> {
            if (!waiter.done()) {
                waiter.setResult(null);
            }
        });
        try {
            waiter.await();
        } catch (CancelledError | RuntimeException e) {
            transport.close();
            throw e;
        }
        return new DatagramEndpoint<>(transport, protocol);
    }

    /** A family with its local and remote address (either may be null). */
    private record Pair(ProtocolFamily family, InetSocketAddress local, InetSocketAddress remote) {}

    /**
     * asyncio's pairing: resolve both addresses, group by family (for several addresses of one
     * family the last one wins, as in asyncio), keep the families that have every address given.
     */
    private static List<Pair> pairByFamily(InetSocketAddress local, InetSocketAddress remote, ProtocolFamily family)
            throws IOException {
        Map<ProtocolFamily, InetSocketAddress[]> byFamily = new LinkedHashMap<>();
        InetSocketAddress[] given = {local, remote};
        for (int i = 0; i < 2; i++) {
            if (given[i] == null) {
                continue;
            }
            List<InetSocketAddress> resolved = resolve(given[i]);
            boolean any = false;
            for (InetSocketAddress a : resolved) {
                ProtocolFamily f = familyOf(a);
                if (family != null && f != family) {
                    continue;
                }
                any = true;
                byFamily.computeIfAbsent(f, k -> new InetSocketAddress[2])[i] = a;
            }
            if (!any) {
                throw new IOException("no " + (family != null ? family + " " : "") + "address for " + given[i]);
            }
        }
        List<Pair> pairs = new ArrayList<>();
        for (Map.Entry<ProtocolFamily, InetSocketAddress[]> e : byFamily.entrySet()) {
            InetSocketAddress[] pair = e.getValue();
            if ((local != null && pair[0] == null) || (remote != null && pair[1] == null)) {
                continue;
            }
            pairs.add(new Pair(e.getKey(), pair[0], pair[1]));
        }
        if (pairs.isEmpty()) {
            throw new IllegalArgumentException("can not get address information: no address family has both "
                    + local + " and " + remote);
        }
        return pairs;
    }

    private static List<InetSocketAddress> resolve(InetSocketAddress a) throws IOException {
        return a.isUnresolved() ? Net.resolve(a.getHostString(), a.getPort()) : List.of(a);
    }

    private static ProtocolFamily familyOf(InetSocketAddress a) {
        return a.getAddress() instanceof Inet4Address ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6;
    }

    private static void bind(DatagramChannel ch, InetSocketAddress local) throws IOException {
        try {
            ch.bind(local);
        } catch (BindException e) {
            BindException named = new BindException("error while attempting to bind on address " + local + ": "
                    + e.getMessage());
            named.initCause(e);
            throw named;
        }
    }
}
