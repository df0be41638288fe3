package io.jasyncio.net;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.Handle;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * TLS connections and servers: asyncio's {@code create_connection(ssl=...)},
 * {@code create_server(ssl=...)} and {@code loop.start_tls}, on the JDK's {@code SSLEngine}.
 * Call from a task; the running loop is used.
 *
 * <pre>{@code
 * Connection<MyProtocol> c = Tls.createConnection(MyProtocol::new, "example.com", 443);  // verified
 * c.transport().write(request);
 *
 * Server server = Tls.createServer(MyServerProtocol::new, "127.0.0.1", 8443,
 *         TlsServerOptions.fromPem(Path.of("cert.pem"), Path.of("key.pem")));
 * }</pre>
 *
 * <p>A client verifies the server by default: its certificate chain must lead to a trusted
 * certificate (the JDK's trust store unless the options say otherwise) and be valid for the host
 * name (endpoint identification {@code "HTTPS"}); the name is sent in SNI. A failed check raises
 * {@link SslCertVerificationError} naming the reason. The handshake is bounded by the handshake
 * timeout (60 s by default): past it the connection is aborted with a
 * {@link java.net.SocketTimeoutException} "SSL handshake is taking longer than 60.0 seconds:
 * aborting the connection". The protocol sees {@code connectionMade} only after a successful
 * handshake, with a {@link TlsTransport}.
 */
public final class Tls {
    private Tls() {}

    /** Whether the JDK's default context was loaded once (off the loop thread: it reads the trust store). */
    private static volatile boolean defaultContextLoaded;

    /** {@link #createConnection(Supplier, String, int, TlsClientOptions)} with the secure defaults. */
    public static <P extends BaseProtocol> Connection<P> createConnection(Supplier<P> protocolFactory, String host, int port)
            throws IOException {
        return createConnection(protocolFactory, host, port, TlsClientOptions.defaults());
    }

    /**
     * Connects to {@code host:port}, runs the TLS handshake and wires a protocol from
     * {@code protocolFactory} to the {@link TlsTransport}: asyncio's
     * {@code create_connection(protocol_factory, host, port, ssl=...)}. Returns once the handshake
     * succeeded and {@code connectionMade} was called.
     *
     * @throws SslCertVerificationError when the server's certificate is not trusted or not valid for the name
     * @throws javax.net.ssl.SSLException when the handshake fails otherwise
     * @throws java.net.SocketTimeoutException when the handshake takes longer than the handshake timeout
     * @throws IOException when the connection cannot be made or is lost during the handshake
     * @throws IllegalArgumentException when hostname verification is on and there is no name to verify
     */
    public static <P extends BaseProtocol> Connection<P> createConnection(Supplier<P> protocolFactory, String host, int port,
            TlsClientOptions options) throws IOException {
        Objects.requireNonNull(protocolFactory, "protocolFactory");
        Objects.requireNonNull(options, "options");
        EventLoop loop = Asyncio.getRunningLoop();
        SSLContext context = clientContext(options);
        String hostname = options.serverHostname() != null ? options.serverHostname() : host;
        checkHostname(hostname, options);
        Future<Void> waiter = loop.createFuture();
        Object[] made = new Object[2]; // the application protocol and the SslProtocol, once connected
        Net.createConnection(() -> {
            P app = Objects.requireNonNull(protocolFactory.get(), "the protocol factory returned null");
            SslProtocol ssl = new SslProtocol(loop, app, clientEngine(context, options, hostname, port), context, waiter,
                    false, hostname, true, options.handshakeTimeout(), options.shutdownTimeout());
            made[0] = app;
            made[1] = ssl;
            return ssl;
        }, host, port);
        SslProtocol ssl = (SslProtocol) made[1];
        try {
            waiter.await();
        } catch (Throwable e) {
            ssl.appTransport().close();
            throw e;
        }
        @SuppressWarnings("unchecked")
        P app = (P) made[0];
        return new Connection<>(ssl.appTransport(), app);
    }

    /**
     * Listens on {@code host:port} and serves TLS: each accepted connection gets a protocol from
     * {@code protocolFactory}, whose {@code connectionMade} is called after a successful handshake
     * (asyncio's {@code create_server(..., ssl=context)}). A failed or timed-out handshake closes
     * that connection quietly (logged in debug mode), as asyncio does.
     */
    public static Server createServer(Supplier<? extends BaseProtocol> protocolFactory, String host, int port,
            TlsServerOptions options) throws IOException {
        return createServer(protocolFactory, host, port, options, Net.DEFAULT_BACKLOG, true);
    }

    /** {@link #createServer(Supplier, String, int, TlsServerOptions)} with a backlog and whether to start serving now. */
    public static Server createServer(Supplier<? extends BaseProtocol> protocolFactory, String host, int port,
            TlsServerOptions options, int backlog, boolean startServing) throws IOException {
        Objects.requireNonNull(protocolFactory, "protocolFactory");
        Objects.requireNonNull(options, "options");
        EventLoop loop = Asyncio.getRunningLoop();
        return Net.createServer(() -> {
            BaseProtocol app = Objects.requireNonNull(protocolFactory.get(), "the protocol factory returned null");
            return new SslProtocol(loop, app, serverEngine(options), options.sslContext(), null, true, null, true,
                    options.handshakeTimeout(), options.shutdownTimeout());
        }, host, port, backlog, startServing);
    }

    /**
     * Upgrades an open connection to TLS as the client: asyncio's {@code loop.start_tls(transport,
     * protocol, context, server_hostname=...)}. The server's name comes from
     * {@link TlsClientOptions#withServerHostname} (required while hostname verification is on).
     * {@code protocol} receives the decrypted data from now on, with no second
     * {@code connectionMade}; write to the returned transport, not the old one.
     */
    public static TlsTransport startTls(Transport transport, BaseProtocol protocol, TlsClientOptions options) throws IOException {
        Objects.requireNonNull(options, "options");
        String hostname = options.serverHostname();
        checkHostname(hostname, options);
        SSLContext context = clientContext(options);
        int port = transport.getExtraInfo("peername") instanceof InetSocketAddress a ? a.getPort() : -1;
        return startTls(transport, protocol, clientEngine(context, options, hostname, port), context, false, hostname,
                options.handshakeTimeout(), options.shutdownTimeout());
    }

    /** Upgrades an open connection to TLS as the server: asyncio's {@code loop.start_tls(..., server_side=True)}. */
    public static TlsTransport startTls(Transport transport, BaseProtocol protocol, TlsServerOptions options) throws IOException {
        Objects.requireNonNull(options, "options");
        return startTls(transport, protocol, serverEngine(options), options.sslContext(), true, null,
                options.handshakeTimeout(), options.shutdownTimeout());
    }

    /**
     * asyncio's {@code loop.start_tls(transport, protocol, sslcontext, server_side=,
     * server_hostname=)} with default timeouts. A client verifies the certificate against
     * {@code serverHostname}, which is then required.
     */
    public static TlsTransport startTls(Transport transport, BaseProtocol protocol, SSLContext sslContext, boolean serverSide,
            String serverHostname) throws IOException {
        Objects.requireNonNull(sslContext, "sslContext");
        if (serverSide) {
            return startTls(transport, protocol, TlsServerOptions.of(sslContext));
        }
        if (serverHostname == null) {
            throw new IllegalArgumentException("a TLS client needs serverHostname to verify the certificate; "
                    + "TlsClientOptions.insecureSkipHostnameVerification() skips the check");
        }
        return startTls(transport, protocol, TlsClientOptions.defaults().withSslContext(sslContext).withServerHostname(serverHostname));
    }

    private static TlsTransport startTls(Transport transport, BaseProtocol protocol, SSLEngine engine, SSLContext context,
            boolean serverSide, String hostname, double handshakeTimeout, double shutdownTimeout) throws IOException {
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(protocol, "protocol");
        if (transport.isClosing()) {
            throw new IllegalStateException("cannot start TLS on a closing transport: " + transport);
        }
        EventLoop loop = Asyncio.getRunningLoop();
        Future<Void> waiter = loop.createFuture();
        SslProtocol ssl = new SslProtocol(loop, protocol, engine, context, waiter, serverSide, hostname, false,
                handshakeTimeout, shutdownTimeout);
        // Pause first, so that no data reaches the TLS layer before its connectionMade (asyncio).
        transport.pauseReading();
        transport.setProtocol(ssl);
        Handle connectionMade = loop.callSoon(() -> ssl.connectionMade(transport));
        Handle resume = loop.callSoon(transport::resumeReading);
        try {
            waiter.await();
        } catch (Throwable e) {
            transport.close();
            connectionMade.cancel();
            resume.cancel();
            throw e;
        }
        return ssl.appTransport();
    }

    // ---- engines ----

    private static SSLContext clientContext(TlsClientOptions options) {
        if (options.sslContext() != null) {
            return options.sslContext();
        }
        try {
            if (!defaultContextLoaded) {
                Asyncio.toThread(SSLContext::getDefault); // reads cacerts: not on the loop thread
                defaultContextLoaded = true;
            }
            return SSLContext.getDefault();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no default TLS context", e);
        }
    }

    private static void checkHostname(String hostname, TlsClientOptions options) {
        if (hostname == null && options.verifiesHostname()) {
            throw new IllegalArgumentException("hostname verification needs the server's name: pass "
                    + "TlsClientOptions.withServerHostname(name), or insecureSkipHostnameVerification() to skip the check");
        }
    }

    static SSLEngine clientEngine(SSLContext context, TlsClientOptions options, String hostname, int port) {
        SSLEngine engine = context.createSSLEngine(hostname, port);
        engine.setUseClientMode(true);
        SSLParameters params = engine.getSSLParameters();
        params.setEndpointIdentificationAlgorithm(options.verifiesHostname() ? "HTTPS" : null);
        if (hostname != null && !isIpLiteral(hostname)) {
            try {
                params.setServerNames(List.of(new SNIHostName(hostname)));
            } catch (IllegalArgumentException e) {
                // not a DNS name SNI can carry (e.g. an underscore): no SNI; verification still applies
            }
        }
        if (!options.alpnProtocols().isEmpty()) {
            params.setApplicationProtocols(options.alpnProtocols().toArray(String[]::new));
        }
        engine.setSSLParameters(params);
        return engine;
    }

    static SSLEngine serverEngine(TlsServerOptions options) {
        SSLEngine engine = options.sslContext().createSSLEngine();
        engine.setUseClientMode(false);
        SSLParameters params = engine.getSSLParameters();
        switch (options.clientAuth()) {
            case REQUIRED -> params.setNeedClientAuth(true);
            case OPTIONAL -> params.setWantClientAuth(true);
            case NONE -> { }
        }
        if (!options.alpnProtocols().isEmpty()) {
            params.setApplicationProtocols(options.alpnProtocols().toArray(String[]::new));
        }
        engine.setSSLParameters(params);
        return engine;
    }

    private static boolean isIpLiteral(String host) {
        return host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.' || c >= '0' && c <= '9');
    }
}
