package io.jasyncio.http.server;

import io.jasyncio.net.BaseProtocol;
import io.jasyncio.net.Net;
import io.jasyncio.net.Server;
import io.jasyncio.net.Tls;
import io.jasyncio.net.TlsServerOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Serves an {@link AppRunner} on a TCP address, optionally over TLS: aiohttp's {@code TCPSite}.
 *
 * <pre>{@code
 * TcpSite site = new TcpSite(runner, "127.0.0.1", 0);   // port 0: any free port
 * site.start();
 * int port = site.port();
 * }</pre>
 */
public final class TcpSite extends BaseSite {

    /** aiohttp's default listen backlog. */
    public static final int DEFAULT_BACKLOG = 128;

    private final String host;
    private final int backlog;
    private final int port;
    private final TlsServerOptions tls;
    private Server server;

    /** A plain-HTTP site on {@code host:port} (host null: every interface; port 0: a free port). */
    public TcpSite(AppRunner runner, String host, int port) {
        this(runner, host, port, null);
    }

    /**
     * An HTTPS site on {@code host:port} with {@code tls} (null: plain HTTP).
     *
     * @throws IllegalArgumentException for a port outside 0..65535
     */
    public TcpSite(AppRunner runner, String host, int port, TlsServerOptions tls) {
        this(runner, host, port, tls, DEFAULT_BACKLOG);
    }

    /**
     * A site with a listen {@code backlog} (connections the kernel queues before they are accepted;
     * default {@value #DEFAULT_BACKLOG}); {@code tls} null for plain HTTP.
     *
     * @throws IllegalArgumentException for a port outside 0..65535 or a backlog under 1
     */
    public TcpSite(AppRunner runner, String host, int port, TlsServerOptions tls, int backlog) {
        super(runner);
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (backlog < 1) {
            throw new IllegalArgumentException("backlog must be >= 1, got " + backlog);
        }
        this.backlog = backlog;
        this.host = host;
        this.port = port;
        this.tls = tls;
    }

    @Override
    protected void listen(Supplier<BaseProtocol> protocols) throws IOException {
        server = tls == null ? Net.createServer(protocols, host, port, backlog, true)
                : Tls.createServer(protocols, host, port, tls, backlog, true);
    }

    @Override
    protected void closeListener() {
        if (server != null) {
            server.close();
        }
    }

    @Override
    protected void waitListenerClosed() {
        if (server != null) {
            server.waitClosed();
        }
    }

    /** The listening server, once started. */
    public Server server() {
        return server;
    }

    /** The port listened on (the one chosen when 0 was asked for), or the configured port before start. */
    public int port() {
        for (SocketAddress a : addresses()) {
            if (a instanceof InetSocketAddress i) {
                return i.getPort();
            }
        }
        return port;
    }

    @Override
    public List<SocketAddress> addresses() {
        List<SocketAddress> all = new ArrayList<>();
        if (server != null) {
            for (ServerSocketChannel ch : server.sockets()) {
                try {
                    all.add(ch.getLocalAddress());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return all;
    }

    /** {@code http://127.0.0.1:8080} (or {@code https://...}); host {@code 0.0.0.0} when none was given. */
    @Override
    public String name() {
        String h = host == null ? "0.0.0.0" : host.contains(":") ? "[" + host + "]" : host;
        return (tls == null ? "http" : "https") + "://" + h + ":" + port();
    }
}
