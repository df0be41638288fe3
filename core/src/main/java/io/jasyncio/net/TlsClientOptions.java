package io.jasyncio.net;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLContext;

/**
 * How a TLS client connects: asyncio's {@code ssl=}, {@code server_hostname=},
 * {@code ssl_handshake_timeout=} and {@code ssl_shutdown_timeout=} arguments, with the context's
 * ALPN list. Immutable: each {@code with...} method returns a copy.
 *
 * <p>{@link #defaults()} is secure: the peer's chain must lead to a certificate of the JDK's trust
 * store ({@code cacerts}) and the certificate must be valid for the server's name (the host
 * connected to, or {@link #withServerHostname}). Turning either check off takes a method whose name
 * starts with {@code insecure}.
 *
 * <pre>{@code
 * var options = TlsClientOptions.defaults()
 *         .withTrustedCertificates(Path.of("ca.pem"))     // a private CA instead of cacerts
 *         .withAlpnProtocols("h2", "http/1.1");
 * Connection<MyProtocol> c = Tls.createConnection(MyProtocol::new, "example.internal", 443, options);
 * }</pre>
 */
public final class TlsClientOptions {
    /** asyncio's {@code SSL_HANDSHAKE_TIMEOUT}: 60 seconds. */
    public static final double DEFAULT_HANDSHAKE_TIMEOUT = 60.0;
    /** asyncio's {@code SSL_SHUTDOWN_TIMEOUT}: 30 seconds. */
    public static final double DEFAULT_SHUTDOWN_TIMEOUT = 30.0;

    private static final TlsClientOptions DEFAULTS =
            new TlsClientOptions(null, null, List.of(), true, false, DEFAULT_HANDSHAKE_TIMEOUT, DEFAULT_SHUTDOWN_TIMEOUT);

    /** The context; null: the JDK's default ({@code SSLContext.getDefault()}). */
    private final SSLContext sslContext;
    /** The name for SNI and hostname verification; null: the host connected to. */
    private final String serverHostname;
    private final List<String> alpnProtocols;
    private final boolean verifyHostname;
    /** Whether {@link #sslContext} is the trust-anything context of {@link #insecureTrustAnyCertificate()}. */
    private final boolean trustAny;
    private final double handshakeTimeout;
    private final double shutdownTimeout;

    private TlsClientOptions(SSLContext sslContext, String serverHostname, List<String> alpnProtocols, boolean verifyHostname,
            boolean trustAny, double handshakeTimeout, double shutdownTimeout) {
        this.sslContext = sslContext;
        this.serverHostname = serverHostname;
        this.alpnProtocols = alpnProtocols;
        this.verifyHostname = verifyHostname;
        this.trustAny = trustAny;
        this.handshakeTimeout = handshakeTimeout;
        this.shutdownTimeout = shutdownTimeout;
    }

    /** The secure defaults: the JDK's trust store, hostname verification on, no ALPN, 60 s / 30 s timeouts. */
    public static TlsClientOptions defaults() {
        return DEFAULTS;
    }

    /**
     * Uses {@code sslContext} (its trust managers, client key managers, protocols): asyncio's
     * {@code ssl=context}. Hostname verification stays as it was (on by default).
     */
    public TlsClientOptions withSslContext(SSLContext sslContext) {
        return new TlsClientOptions(Objects.requireNonNull(sslContext, "sslContext"), serverHostname, alpnProtocols,
                verifyHostname, false, handshakeTimeout, shutdownTimeout);
    }

    /** Trusts exactly {@code certificates} (a private CA, or a self-signed server certificate) instead of the JDK's store. */
    public TlsClientOptions withTrustedCertificates(Collection<? extends X509Certificate> certificates) {
        return withSslContext(TlsContexts.trusting(List.copyOf(certificates)));
    }

    /** Trusts exactly the certificates of a PEM file: Python's {@code cafile}. */
    public TlsClientOptions withTrustedCertificates(Path pemFile) throws IOException {
        return withTrustedCertificates(TlsContexts.readCertificates(pemFile));
    }

    /** Trusts exactly the certificates of {@code trustStore}. */
    public TlsClientOptions withTrustStore(KeyStore trustStore) {
        return withSslContext(TlsContexts.trusting(Objects.requireNonNull(trustStore, "trustStore")));
    }

    /**
     * The name sent in SNI and checked against the certificate, when it differs from the host
     * connected to (asyncio's {@code server_hostname=}). An IP address is checked against the
     * certificate's IP entries and not sent in SNI.
     */
    public TlsClientOptions withServerHostname(String serverHostname) {
        if (Objects.requireNonNull(serverHostname, "serverHostname").isEmpty()) {
            throw new IllegalArgumentException("serverHostname must not be empty: to skip the hostname check use "
                    + "insecureSkipHostnameVerification()");
        }
        return new TlsClientOptions(sslContext, serverHostname, alpnProtocols, verifyHostname, trustAny, handshakeTimeout,
                shutdownTimeout);
    }

    /** The protocols offered in ALPN, in order of preference (e.g. {@code "h2", "http/1.1"}). */
    public TlsClientOptions withAlpnProtocols(String... protocols) {
        return new TlsClientOptions(sslContext, serverHostname, checkAlpn(protocols), verifyHostname, trustAny,
                handshakeTimeout, shutdownTimeout);
    }

    /** How long the handshake may take before the connection is aborted (asyncio's {@code ssl_handshake_timeout}). */
    public TlsClientOptions withHandshakeTimeout(double seconds) {
        return new TlsClientOptions(sslContext, serverHostname, alpnProtocols, verifyHostname, trustAny,
                checkTimeout("handshakeTimeout", seconds), shutdownTimeout);
    }

    /**
     * How long {@code close()} waits for the peer's close_notify before aborting the connection
     * (asyncio's {@code ssl_shutdown_timeout}).
     */
    public TlsClientOptions withShutdownTimeout(double seconds) {
        return new TlsClientOptions(sslContext, serverHostname, alpnProtocols, verifyHostname, trustAny, handshakeTimeout,
                checkTimeout("shutdownTimeout", seconds));
    }

    /**
     * INSECURE: accepts a certificate that is not valid for the server's name (the chain is still
     * verified). Anyone holding any trusted certificate can then impersonate the server.
     */
    public TlsClientOptions insecureSkipHostnameVerification() {
        return new TlsClientOptions(sslContext, serverHostname, alpnProtocols, false, trustAny, handshakeTimeout,
                shutdownTimeout);
    }

    /**
     * INSECURE: accepts any certificate, for any name: the connection is encrypted but the peer is
     * not authenticated, so anyone on the path can read and change it. For tests against throwaway
     * certificates; {@link #withTrustedCertificates} is the safe way to trust a self-signed one.
     */
    public TlsClientOptions insecureTrustAnyCertificate() {
        return new TlsClientOptions(TlsContexts.trustingAnything(), serverHostname, alpnProtocols, false, true,
                handshakeTimeout, shutdownTimeout);
    }

    /** The context, or null for the JDK's default. */
    public SSLContext sslContext() {
        return sslContext;
    }

    /** The name for SNI and verification, or null for the host connected to. */
    public String serverHostname() {
        return serverHostname;
    }

    /** The ALPN protocols offered (empty: no ALPN). */
    public List<String> alpnProtocols() {
        return alpnProtocols;
    }

    /** Whether the certificate must be valid for the server's name. */
    public boolean verifiesHostname() {
        return verifyHostname;
    }

    /** Whether the peer's certificate chain is verified at all. */
    public boolean verifiesCertificate() {
        return !trustAny;
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
        return "TlsClientOptions[" + (trustAny ? "INSECURE: any certificate accepted, " : "")
                + (!trustAny && !verifyHostname ? "INSECURE: hostname not verified, " : "")
                + "sslContext=" + (sslContext == null ? "default" : sslContext.getProtocol())
                + ", serverHostname=" + serverHostname + ", alpn=" + alpnProtocols
                + ", handshakeTimeout=" + handshakeTimeout + ", shutdownTimeout=" + shutdownTimeout + "]";
    }

    static List<String> checkAlpn(String... protocols) {
        for (String p : protocols) {
            if (p == null || p.isEmpty() || p.getBytes(StandardCharsets.UTF_8).length > 255) {
                throw new IllegalArgumentException("an ALPN protocol name is 1 to 255 bytes, got " + (p == null ? null : "'" + p + "'"));
            }
        }
        return List.of(protocols);
    }

    static double checkTimeout(String name, double seconds) {
        if (!(seconds > 0) || Double.isInfinite(seconds)) {
            throw new IllegalArgumentException(name + " should be a positive number, got " + seconds);
        }
        return seconds;
    }
}
