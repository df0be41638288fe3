package io.jasyncio.net;

import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLContext;

/**
 * How a TLS server accepts connections: asyncio's {@code create_server(ssl=context,
 * ssl_handshake_timeout=, ssl_shutdown_timeout=)}, with the ALPN list and client authentication
 * that Python sets on the context. Immutable: each {@code with...} method returns a copy.
 *
 * <pre>{@code
 * var options = TlsServerOptions.fromPem(Path.of("cert.pem"), Path.of("key.pem"))
 *         .withAlpnProtocols("http/1.1");
 * Server server = Tls.createServer(MyProtocol::new, "127.0.0.1", 8443, options);
 * }</pre>
 */
public final class TlsServerOptions {

    /** Whether the server asks for a client certificate: Python's {@code verify_mode} on a server context. */
    public enum ClientAuth {
        /** No client certificate is asked for ({@code CERT_NONE}). */
        NONE,
        /** A client certificate is asked for and verified if sent ({@code CERT_OPTIONAL}). */
        OPTIONAL,
        /** The handshake fails without a valid client certificate ({@code CERT_REQUIRED}). */
        REQUIRED
    }

    private final SSLContext sslContext;
    private final List<String> alpnProtocols;
    private final ClientAuth clientAuth;
    private final double handshakeTimeout;
    private final double shutdownTimeout;

    private TlsServerOptions(SSLContext sslContext, List<String> alpnProtocols, ClientAuth clientAuth, double handshakeTimeout,
            double shutdownTimeout) {
        this.sslContext = sslContext;
        this.alpnProtocols = alpnProtocols;
        this.clientAuth = clientAuth;
        this.handshakeTimeout = handshakeTimeout;
        this.shutdownTimeout = shutdownTimeout;
    }

    /** A server presenting the key and chain of {@code sslContext}'s key managers. */
    public static TlsServerOptions of(SSLContext sslContext) {
        return new TlsServerOptions(Objects.requireNonNull(sslContext, "sslContext: server side TLS needs a context"),
                List.of(), ClientAuth.NONE, TlsClientOptions.DEFAULT_HANDSHAKE_TIMEOUT, TlsClientOptions.DEFAULT_SHUTDOWN_TIMEOUT);
    }

    /** A server presenting the private key of {@code keyStore} (protected by {@code keyPassword}) and its chain. */
    public static TlsServerOptions fromKeyStore(KeyStore keyStore, char[] keyPassword) {
        return of(TlsContexts.server(Objects.requireNonNull(keyStore, "keyStore"), keyPassword));
    }

    /**
     * A server presenting the certificate chain of a PEM file (leaf first) and the unencrypted
     * PKCS#8 private key of another: Python's {@code load_cert_chain(certfile, keyfile)}.
     */
    public static TlsServerOptions fromPem(Path certificateChain, Path privateKey) throws IOException {
        return of(TlsContexts.server(TlsContexts.keyStore(TlsContexts.readPrivateKey(privateKey),
                TlsContexts.readCertificates(certificateChain)), new char[0]));
    }

    /**
     * The protocols the server accepts in ALPN, in order of preference. A client that offers ALPN
     * but none of these fails the handshake (the JDK answers {@code no_application_protocol}).
     */
    public TlsServerOptions withAlpnProtocols(String... protocols) {
        return new TlsServerOptions(sslContext, TlsClientOptions.checkAlpn(protocols), clientAuth, handshakeTimeout,
                shutdownTimeout);
    }

    /** Whether to ask for client certificates, verified with the context's trust managers. */
    public TlsServerOptions withClientAuth(ClientAuth clientAuth) {
        return new TlsServerOptions(sslContext, alpnProtocols, Objects.requireNonNull(clientAuth, "clientAuth"),
                handshakeTimeout, shutdownTimeout);
    }

    /** How long a client's handshake may take before its connection is aborted. */
    public TlsServerOptions withHandshakeTimeout(double seconds) {
        return new TlsServerOptions(sslContext, alpnProtocols, clientAuth,
                TlsClientOptions.checkTimeout("handshakeTimeout", seconds), shutdownTimeout);
    }

    /** How long {@code close()} waits for the client's close_notify. */
    public TlsServerOptions withShutdownTimeout(double seconds) {
        return new TlsServerOptions(sslContext, alpnProtocols, clientAuth, handshakeTimeout,
                TlsClientOptions.checkTimeout("shutdownTimeout", seconds));
    }

    /** The context. */
    public SSLContext sslContext() {
        return sslContext;
    }

    /** The ALPN protocols accepted (empty: no ALPN). */
    public List<String> alpnProtocols() {
        return alpnProtocols;
    }

    /** Whether client certificates are asked for. */
    public ClientAuth clientAuth() {
        return clientAuth;
    }

    /** The handshake timeout in seconds. */
    public double handshakeTimeout() {
        return handshakeTimeout;
    }

    /** The shutdown timeout in seconds. */
    public double shutdownTimeout() {
        return shutdownTimeout;
    }

    @Override
    public String toString() {
        return "TlsServerOptions[sslContext=" + sslContext.getProtocol() + ", alpn=" + alpnProtocols + ", clientAuth="
                + clientAuth + ", handshakeTimeout=" + handshakeTimeout + ", shutdownTimeout=" + shutdownTimeout + "]";
    }
}
