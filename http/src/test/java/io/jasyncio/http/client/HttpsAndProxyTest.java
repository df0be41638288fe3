package io.jasyncio.http.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.jasyncio.net.SslCertVerificationError;
import io.jasyncio.net.TlsClientOptions;
import io.jasyncio.net.TlsServerOptions;
import io.jasyncio.testing.AsyncioExtension;
import io.jasyncio.testing.MemoryNetwork;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * HTTPS (TLS by startTls over the memory network: verification on by default, a custom trust
 * store, the explicit opt-out) and proxies (absolute-form for http, a CONNECT tunnel for https).
 */
@ExtendWith(AsyncioExtension.class)
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HttpsAndProxyTest {
    static TestCertificates certs;
    static TlsServerOptions serverTls;
    static TlsServerOptions selfSignedTls;
    static TlsClientOptions trusting;

    final MemoryNetwork network = new MemoryNetwork();
    final MemoryOpener opener = new MemoryOpener(network);
    final List<String> proxyLog = new ArrayList<>();

    @BeforeAll
    static void certificates() throws Exception {
        certs = TestCertificates.get();
        serverTls = TlsServerOptions.fromPem(certs.chain, certs.key);
        selfSignedTls = TlsServerOptions.fromPem(certs.selfSigned, certs.selfSignedKey);
        trusting = TlsClientOptions.defaults().withTrustedCertificates(certs.ca);
    }

    /** An https server: TLS first, then HTTP requests answered with the host and target. */
    void httpsServer(String host, TlsServerOptions tls) throws Exception {
        TestServer.start(network, host, 443, c -> {
            c.writer.startTls(tls);
            TestServer.Request r;
            while ((r = c.readRequest()) != null) {
                c.respond(200, "OK", "secure " + r.header("Host") + r.head().target() + " #" + c.number);
            }
        });
    }

    ClientSession session(TcpConnector.Builder b) {
        return ClientSession.builder().connector(b.opener(opener).build()).build();
    }

    @Test
    void httpsWithACustomTrustStoreAndKeepAlive() throws Exception {
        httpsServer("secure.test", serverTls);
        try (ClientSession s = session(TcpConnector.builder().ssl(trusting))) {
            assertThat(s.get("https://secure.test/a").text()).isEqualTo("secure secure.test/a #1");
            assertThat(s.get("https://secure.test/b").text()).isEqualTo("secure secure.test/b #1");
            assertThat(s.connector().statistics().reused()).isEqualTo(1);
        }
    }

    @Test
    void verificationIsOnByDefault() throws Exception {
        httpsServer("secure.test", serverTls);
        httpsServer("wrong.test", serverTls);
        try (ClientSession s = session(TcpConnector.builder())) {
            Throwable e = catchThrowable(() -> s.get("https://secure.test/"));
            assertThat(e).isInstanceOf(ClientConnectorCertificateError.class)
                    .hasMessageStartingWith("Cannot connect to host secure.test:443 ssl:default");
            assertThat(((ClientConnectorCertificateError) e).certificateError().reason())
                    .isEqualTo(SslCertVerificationError.Reason.UNTRUSTED);
            e = catchThrowable(() -> s.get("https://wrong.test/", RequestOptions.create().ssl(trusting)));
            assertThat(((ClientConnectorCertificateError) e).certificateError().reason())
                    .isEqualTo(SslCertVerificationError.Reason.HOSTNAME_MISMATCH);
            assertThat(s.connector().statistics().acquired()).isZero();
        }
    }

    @Test
    void sslFalseTrustsAnything() throws Exception {
        httpsServer("secure.test", selfSignedTls);
        try (ClientSession s = session(TcpConnector.builder())) {
            assertThat(s.get("https://secure.test/", RequestOptions.create().ssl(false)).text())
                    .isEqualTo("secure secure.test/ #1");
        }
        try (ClientSession s = session(TcpConnector.builder().ssl(false))) {
            assertThat(s.get("https://secure.test:443/x").text()).isEqualTo("secure secure.test/x #2");
        }
    }

    @Test
    void plainHttpGoesThroughTheProxyInAbsoluteForm() throws Exception {
        TestServer proxy = TestServer.serving(network, "proxy.test", 3128, (c, r) -> c.respond(200, "OK", "via proxy"));
        try (ClientSession s = ClientSession.builder().proxy("http://u:p@proxy.test:3128")
                .connector(TcpConnector.builder().opener(opener).build()).build()) {
            assertThat(s.get("http://example.com/x?y=1").text()).isEqualTo("via proxy");
            assertThat(s.get("http://example.com/z").text()).isEqualTo("via proxy");
        }
        assertThat(proxy.requests.get(0).head().target()).isEqualTo("http://example.com/x?y=1");
        assertThat(proxy.requests.get(0).header("Host")).isEqualTo("example.com");
        assertThat(proxy.requests.get(0).header("Proxy-Authorization")).isEqualTo(new BasicAuth("u", "p").encode());
        assertThat(proxy.connections).isEqualTo(1);
    }

    @Test
    void httpsGoesThroughACONNECTTunnel() throws Exception {
        TestServer.start(network, "proxy.test", 3128, c -> {
            var connect = c.readHead();
            c.readBody();
            proxyLog.add(connect.method() + " " + connect.target() + " auth=" + connect.headers().get("Proxy-Authorization"));
            if (connect.headers().get("Proxy-Authorization") == null) {
                c.write("HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n");
                return;
            }
            c.write("HTTP/1.1 200 Connection established\r\n\r\n");
            // The proxy plays the destination too: TLS with secure.test's certificate inside the tunnel.
            c.writer.startTls(serverTls);
            TestServer.Conn inner = new TestServer.Conn(c.reader, c.writer, c.number);
            TestServer.Request r;
            while ((r = inner.readRequest()) != null) {
                inner.respond(200, "OK", "tunneled " + r.head().target());
            }
        });
        try (ClientSession s = session(TcpConnector.builder().ssl(trusting))) {
            RequestOptions viaProxy = RequestOptions.create().proxy("http://proxy.test:3128")
                    .proxyAuth(new BasicAuth("user", "pw"));
            assertThat(s.get("https://secure.test/a", viaProxy).text()).isEqualTo("tunneled /a");
            assertThat(s.get("https://secure.test/b", viaProxy).text()).isEqualTo("tunneled /b");
            assertThat(s.connector().statistics().created()).isEqualTo(1);
            Throwable e = catchThrowable(() -> s.get("https://secure.test/",
                    RequestOptions.create().proxy("http://proxy.test:3128")));
            assertThat(e).isInstanceOf(ClientHttpProxyError.class);
            assertThat(((ClientHttpProxyError) e).status()).isEqualTo(407);
            assertThat(s.connector().statistics().acquired()).isZero();
            e = catchThrowable(() -> s.get("https://secure.test/", RequestOptions.create().proxy("http://noproxy.test:1")));
            assertThat(e).isInstanceOf(ClientProxyConnectionError.class)
                    .hasMessageStartingWith("Cannot connect to proxy noproxy.test:1");
        }
        assertThat(proxyLog).containsExactly("CONNECT secure.test:443 auth=" + new BasicAuth("user", "pw").encode(),
                "CONNECT secure.test:443 auth=null");
    }
}
