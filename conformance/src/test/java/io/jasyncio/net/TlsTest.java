package io.jasyncio.net;

import static io.jasyncio.Asyncio.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.jasyncio.Future;
import io.jasyncio.Task;
import io.jasyncio.testing.AsyncioExtension;
import io.jasyncio.testing.RealTime;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * TLS over loopback (127.0.0.1 only), CPython's test_sslproto.py and test_ssl.py: client and server
 * both jasyncio, and against the JDK's blocking SSLSocket as a peer that is not jasyncio (in a
 * thread). Certificates are made by the test ({@link TlsTestCertificates}).
 */
@ExtendWith(AsyncioExtension.class)
@RealTime
class TlsTest {
    static TlsTestCertificates certs;

    @BeforeAll
    static void makeCertificates() throws Exception {
        certs = TlsTestCertificates.get();
    }

    static TlsServerOptions serverOptions() throws IOException {
        return TlsServerOptions.fromPem(certs.chain, certs.key);
    }

    static TlsClientOptions clientOptions() throws IOException {
        return TlsClientOptions.defaults().withTrustedCertificates(certs.ca);
    }

    static int port(Server server) throws IOException {
        return ((InetSocketAddress) server.sockets().get(0).getLocalAddress()).getPort();
    }

    static String str(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A protocol that logs its callbacks as "NAME event", collects what it receives, and may echo it. */
    static class Peer implements Protocol {
        final String name;
        final List<String> log;
        final boolean echo;
        final Future<Void> made = getRunningLoop().createFuture();
        final Future<Void> eof = getRunningLoop().createFuture();
        final Future<Throwable> lost = getRunningLoop().createFuture();
        final ByteArrayOutputStream data = new ByteArrayOutputStream();
        boolean logData = true;
        Transport transport;
        private Future<Void> more;

        Peer(String name, List<String> log, boolean echo) {
            this.name = name;
            this.log = log;
            this.echo = echo;
        }

        @Override
        public void connectionMade(BaseTransport t) {
            transport = (Transport) t;
            log.add(name + " made");
            made.setResult(null);
        }

        @Override
        public void dataReceived(ByteBuffer d) {
            byte[] b = new byte[d.remaining()];
            d.get(b);
            data.writeBytes(b);
            if (logData) {
                log.add(name + " got " + str(b));
            }
            if (echo) {
                transport.write(b);
            }
            wake();
        }

        @Override
        public boolean eofReceived() {
            log.add(name + " eof");
            eof.setResult(null);
            wake();
            return false;
        }

        @Override
        public void connectionLost(Throwable exc) {
            log.add(name + " lost " + (exc == null ? null : exc.getClass().getSimpleName()));
            lost.setResult(exc);
            wake();
        }

        private void wake() {
            if (more != null && !more.done()) {
                more.setResult(null);
            }
        }

        /** Suspends until at least {@code n} bytes arrived in all; fails if the connection ends first. */
        byte[] awaitBytes(int n) {
            while (data.size() < n) {
                if (lost.done() || eof.done()) {
                    throw new AssertionError(name + " ended after " + data.size() + " of " + n + " bytes");
                }
                more = getRunningLoop().createFuture();
                more.await();
            }
            return data.toByteArray();
        }
    }

    // ---- jasyncio on both sides ----

    @Test
    void echoOverTlsWithCallbacksInOrderAndCloseNotifyOnBothSides() throws Exception {
        List<String> log = new ArrayList<>();
        List<Peer> accepted = new ArrayList<>();
        try (Server server = Tls.createServer(() -> {
            Peer p = new Peer("server", log, true);
            accepted.add(p);
            return p;
        }, "127.0.0.1", 0, serverOptions())) {
            Connection<Peer> c = Tls.createConnection(() -> new Peer("client", log, false), "127.0.0.1", port(server),
                    clientOptions());
            assertThat(c.transport()).isInstanceOf(TlsTransport.class);
            assertThat(c.protocol().made.done()).isTrue();
            c.transport().write(bytes("hello"));
            assertThat(str(c.protocol().awaitBytes(5))).isEqualTo("hello");
            c.transport().close();
            assertThat(c.transport().isClosing()).isTrue();
            assertThat(c.protocol().lost.await()).isNull();
            assertThat(accepted.get(0).lost.await()).isNull();
            server.close();
            server.waitClosed();
        }
        // The server saw the client's close_notify as EOF and answered with its own; the client's
        // close() completed on that answer, which its protocol sees as EOF too (as in CPython).
        assertThat(log.stream().filter(s -> s.startsWith("server"))).containsExactly(
                "server made", "server got hello", "server eof", "server lost null");
        assertThat(log.stream().filter(s -> s.startsWith("client"))).containsExactly(
                "client made", "client got hello", "client eof", "client lost null");
    }

    @Test
    void extraInfoHasTheSessionThePeersChainAndTheSocketsKeys() throws Exception {
        List<String> log = new ArrayList<>();
        List<Peer> accepted = new ArrayList<>();
        SSLContext clientContext = clientOptions().sslContext();
        TlsServerOptions serverOptions = serverOptions();
        try (Server server = Tls.createServer(() -> {
            Peer p = new Peer("server", log, true);
            accepted.add(p);
            return p;
        }, "127.0.0.1", 0, serverOptions)) {
            Connection<Peer> c = Tls.createConnection(() -> new Peer("client", log, false), "127.0.0.1", port(server),
                    TlsClientOptions.defaults().withSslContext(clientContext).withServerHostname("localhost"));
            Transport t = c.transport();
            @SuppressWarnings("unchecked")
            List<X509Certificate> chain = (List<X509Certificate>) t.getExtraInfo("peercert");
            assertThat(chain).extracting(x -> x.getSubjectX500Principal().getName())
                    .containsExactly("CN=localhost", "CN=jasyncio-test-ca");
            assertThat(t.getExtraInfo("sslcontext")).isSameAs(clientContext);
            assertThat(t.getExtraInfo("ssl_object")).isInstanceOf(SSLEngine.class);
            SSLEngine engine = (SSLEngine) t.getExtraInfo("ssl_object");
            assertThat(engine.getSession().getProtocol()).isEqualTo("TLSv1.3");
            assertThat((String) t.getExtraInfo("cipher")).isEqualTo(engine.getSession().getCipherSuite()).startsWith("TLS_");
            assertThat(t.getExtraInfo("compression")).isNull();
            assertThat(t.getExtraInfo("compression", "fallback")).isEqualTo("fallback");
            assertThat(t.getExtraInfo("server_hostname")).isEqualTo("localhost");
            assertThat(t.getExtraInfo("selected_alpn_protocol")).isNull();
            assertThat(t.getExtraInfo("peername")).isEqualTo(new InetSocketAddress("127.0.0.1", port(server)));
            assertThat(t.getExtraInfo("socket")).isInstanceOf(SocketChannel.class);
            assertThat(t.getExtraInfo("no such key")).isNull();

            accepted.get(0).made.await();
            Transport st = accepted.get(0).transport;
            assertThat(st.getExtraInfo("server_hostname")).as("the name the client sent in SNI").isEqualTo("localhost");
            assertThat(st.getExtraInfo("peercert")).as("no client certificate was asked for").isNull();
            assertThat(st.getExtraInfo("sslcontext")).isSameAs(serverOptions.sslContext());
            t.close();
            c.protocol().lost.await();
            // After the connection is gone the socket's keys are gone too (test_get_extra_info_on_closed_connection).
            assertThat(t.getExtraInfo("socket")).isNull();
            assertThat(t.getExtraInfo("cipher")).isNotNull();
        }
    }

    @Test
    void aMegabytePayloadBothWaysArrivesWhole() throws Exception {
        List<String> log = new ArrayList<>();
        try (Server server = Tls.createServer(() -> {
            Peer p = new Peer("server", log, true);
            p.logData = false;
            return p;
        }, "127.0.0.1", 0, serverOptions())) {
            Connection<Peer> c = Tls.createConnection(() -> new Peer("client", log, false), "127.0.0.1", port(server),
                    clientOptions());
            c.protocol().logData = false;
            byte[] payload = new byte[4 * 1024 * 1024 + 17];
            for (int i = 0; i < payload.length; i++) {
                payload[i] = (byte) (i * 31 + (i >> 12));
            }
            for (int off = 0; off < payload.length; off += 100_000) {
                c.transport().write(ByteBuffer.wrap(payload, off, Math.min(100_000, payload.length - off)));
            }
            assertThat(Arrays.equals(c.protocol().awaitBytes(payload.length), payload)).isTrue();
            c.transport().close();
            c.protocol().lost.await();
        }
    }

    @Test
    void aBufferedProtocolWithAOneByteBufferGetsEveryByteAndCanBeReplaced() throws Exception {
        // test_start_tls_client_buf_proto_1: a BufferedProtocol, then set_protocol to a plain one.
        List<String> log = new ArrayList<>();
        try (Server server = Tls.createServer(() -> new Peer("server", log, true), "127.0.0.1", 0, serverOptions())) {
            StringBuilder got = new StringBuilder();
            Future<Void> five = getRunningLoop().createFuture();
            BufferedProtocol oneByte = new BufferedProtocol() {
                final ByteBuffer buf = ByteBuffer.allocate(1);

                @Override
                public ByteBuffer getBuffer(int sizeHint) {
                    return buf.clear();
                }

                @Override
                public void bufferUpdated(int nbytes) {
                    assertThat(nbytes).isEqualTo(1);
                    got.append((char) buf.get(0));
                    if (got.length() == 5) {
                        five.setResult(null);
                    }
                }
            };
            Connection<BufferedProtocol> c = Tls.createConnection(() -> oneByte, "127.0.0.1", port(server), clientOptions());
            c.transport().write(bytes("12345"));
            five.await();
            assertThat(got).hasToString("12345");
            Peer second = new Peer("second", log, false);
            c.transport().setProtocol(second);
            assertThat(c.transport().getProtocol()).isSameAs(second);
            c.transport().write(bytes("abc"));
            assertThat(str(second.awaitBytes(3))).isEqualTo("abc");
            c.transport().close();
            second.lost.await();
            assertThat(log).doesNotContain("second made"); // setProtocol does not call connectionMade
        }
    }

    @Test
    void aServerWhoseReaderPausesStopsTheWriterAndNothingIsLostWhenItResumes() throws Exception {
        List<String> events = new ArrayList<>();
        List<Peer> accepted = new ArrayList<>();
        try (Server server = Tls.createServer(() -> {
            Peer p = new Peer("server", new ArrayList<>(), false) {
                @Override
                public void connectionMade(BaseTransport t) {
                    super.connectionMade(t);
                    transport.pauseReading();
                }
            };
            p.logData = false;
            accepted.add(p);
            return p;
        }, "127.0.0.1", 0, serverOptions())) {
            Future<Void> paused = getRunningLoop().createFuture();
            Future<Void> resumed = getRunningLoop().createFuture();
            Connection<Peer> c = Tls.createConnection(() -> new Peer("client", new ArrayList<>(), false) {
                @Override
                public void pauseWriting() {
                    events.add("paused");
                    paused.setResult(null);
                }

                @Override
                public void resumeWriting() {
                    events.add("resumed");
                    resumed.setResult(null);
                }
            }, "127.0.0.1", port(server), clientOptions());
            accepted.get(0).made.await();
            TlsTransport serverSide = (TlsTransport) accepted.get(0).transport;
            assertThat(serverSide.isReading()).isFalse();
            byte[] chunk = new byte[64 * 1024];
            int written = 0;
            while (!paused.done()) {
                Arrays.fill(chunk, (byte) (written / chunk.length));
                c.transport().write(chunk);
                written += chunk.length;
                sleep(0); // each turn lets the sockets move what they can
            }
            assertThat(c.transport().getWriteBufferSize()).isGreaterThanOrEqualTo(c.transport().getWriteBufferLimitHigh());
            assertThat(c.transport().getWriteBufferLimitHigh()).isEqualTo(512 * 1024);
            // The paused reader kept what arrived encrypted, bounded by its high-water mark plus one read.
            assertThat(serverSide.getReadBufferSize()).isLessThanOrEqualTo(serverSide.getReadBufferLimitHigh() + 64 * 1024);
            assertThat(accepted.get(0).data.size()).isZero();
            serverSide.resumeReading();
            resumed.await();
            byte[] got = accepted.get(0).awaitBytes(written);
            assertThat(got).hasSize(written);
            for (int i = 0; i < written; i++) {
                if (got[i] != (byte) (i / chunk.length)) {
                    throw new AssertionError("byte " + i + " is " + got[i]);
                }
            }
            assertThat(events).containsExactly("paused", "resumed");
            c.transport().close();
            c.protocol().lost.await();
        }
    }

    @Test
    void closeWhileTheSocketIsBackedUpSendsEverythingBeforeCloseNotify() throws Exception {
        // test_flush_before_shutdown: data written before close() all arrives, then the EOF.
        List<String> log = new ArrayList<>();
        List<Peer> accepted = new ArrayList<>();
        try (Server server = Tls.createServer(() -> {
            Peer p = new Peer("server", log, false) {
                @Override
                public void connectionMade(BaseTransport t) {
                    super.connectionMade(t);
                    transport.pauseReading();
                }
            };
            p.logData = false;
            accepted.add(p);
            return p;
        }, "127.0.0.1", 0, serverOptions())) {
            Connection<Peer> c = Tls.createConnection(() -> new Peer("client", log, false), "127.0.0.1", port(server),
                    clientOptions());
            accepted.get(0).made.await();
            byte[] chunk = new byte[128 * 1024];
            int written = 0;
            for (int i = 0; i < 32; i++) {
                Arrays.fill(chunk, (byte) i);
                c.transport().write(chunk);
                written += chunk.length;
            }
            sleep(0);
            assertThat(c.transport().getWriteBufferSize()).as("the peer does not read: data is held").isPositive();
            c.transport().close();
            accepted.get(0).transport.resumeReading();
            byte[] got = accepted.get(0).awaitBytes(written);
            for (int i = 0; i < written; i++) {
                if (got[i] != (byte) (i / chunk.length)) {
                    throw new AssertionError("byte " + i + " is " + got[i]);
                }
            }
            assertThat(c.protocol().lost.await()).isNull();
            assertThat(accepted.get(0).lost.await()).isNull();
        }
        assertThat(log).containsExactly("client made", "server made", "server eof", "client eof", "server lost null",
                "client lost null");
    }

    @Test
    void writeAfterCloseIsIgnoredAndWriteEofIsUnsupported() throws Exception {
        try (Server server = Tls.createServer(() -> new Peer("server", new ArrayList<>(), true), "127.0.0.1", 0,
                serverOptions())) {
            Connection<Peer> c = Tls.createConnection(() -> new Peer("client", new ArrayList<>(), false), "127.0.0.1",
                    port(server), clientOptions());
            assertThat(c.transport().canWriteEof()).isFalse();
            assertThatThrownBy(() -> c.transport().writeEof()).isInstanceOf(UnsupportedOperationException.class)
                    .hasMessageContaining("close_notify");
            c.transport().close();
            c.transport().write(bytes("dropped")); // test_write_after_closing: no exception
            c.transport().close(); // idempotent
            assertThat(c.protocol().lost.await()).isNull();
            assertThat(c.protocol().data.size()).isZero();
        }
    }

    // ---- verification ----

    @Test
    void aCertificateForAnotherNameFailsWithHostnameMismatch() throws Exception {
        List<String> log = new ArrayList<>();
        try (Server server = Tls.createServer(() -> new Peer("server", log, true), "127.0.0.1", 0, serverOptions())) {
            Throwable e = catchThrowable(() -> Tls.createConnection(() -> new Peer("client", log, false), "127.0.0.1",
                    port(server), clientOptions().withServerHostname("wrong.example")));
            assertThat(e).isInstanceOf(SslCertVerificationError.class)
                    .hasMessageStartingWith("certificate verify failed: Hostname mismatch, certificate is not valid for 'wrong.example'");
            assertThat(((SslCertVerificationError) e).reason()).isEqualTo(SslCertVerificationError.Reason.HOSTNAME_MISMATCH);
            assertThat(log).isEmpty(); // no connectionMade on either side
            // The same certificate is fine when the check is skipped on purpose.
            Connection<Peer> c = Tls.createConnection(() -> new Peer("client", log, false), "127.0.0.1", port(server),
                    clientOptions().withServerHostname("wrong.example").insecureSkipHostnameVerification());
            c.transport().close();
            c.protocol().lost.await();
        }
    }

    @Test
    void aSelfSignedCertificateIsUntrustedWithTheDefaultTrustStore() throws Exception {
        List<String> log = new ArrayList<>();
        try (Server server = Tls.createServer(() -> new Peer("server", log, true), "127.0.0.1", 0,
                TlsServerOptions.fromPem(certs.selfSigned, certs.selfSignedKey))) {
            Throwable e = catchThrowable(() -> Tls.createConnection(() -> new Peer("client", log, false), "127.0.0.1",
                    port(server)));
            assertThat(e).isInstanceOf(SslCertVerificationError.class).hasMessageContaining("untrusted certificate");
            assertThat(((SslCertVerificationError) e).reason()).isEqualTo(SslCertVerificationError.Reason.UNTRUSTED);
            // Skipping the name check does not skip the chain check.
            assertThat(catchThrowable(() -> Tls.createConnection(() -> new Peer("client", log, false), "127.0.0.1",
                    port(server), TlsClientOptions.defaults().insecureSkipHostnameVerification())))
                    .isInstanceOf(SslCertVerificationError.class);
            // Trusting that very certificate works.
            Connection<Peer> trusted = Tls.createConnection(() -> new Peer("client", log, false), "127.0.0.1", port(server),
                    TlsClientOptions.defaults().withTrustedCertificates(certs.selfSigned));
            trusted.transport().close();
            trusted.protocol().lost.await();
            // And trusting anything works too, loudly.
            TlsClientOptions insecure = TlsClientOptions.defaults().insecureTrustAnyCertificate().withServerHostname("wrong.example");
            assertThat(insecure.verifiesCertificate()).isFalse();
            assertThat(insecure.toString()).contains("INSECURE");
            Connection<Peer> any = Tls.createConnection(() -> new Peer("client", log, false), "127.0.0.1", port(server),
                    insecure);
            any.transport().close();
            any.protocol().lost.await();
        }
    }

    @Test
    void alpnNegotiatesTheServersChoiceOnBothSides() throws Exception {
        List<Peer> accepted = new ArrayList<>();
        try (Server server = Tls.createServer(() -> {
            Peer p = new Peer("server", new ArrayList<>(), true);
            accepted.add(p);
            return p;
        }, "127.0.0.1", 0, serverOptions().withAlpnProtocols("http/1.1", "spdy/3"))) {
            Connection<Peer> c = Tls.createConnection(() -> new Peer("client", new ArrayList<>(), false), "127.0.0.1",
                    port(server), clientOptions().withAlpnProtocols("h2", "http/1.1"));
            assertThat(c.transport().getExtraInfo("selected_alpn_protocol")).isEqualTo("http/1.1");
            accepted.get(0).made.await();
            assertThat(accepted.get(0).transport.getExtraInfo("selected_alpn_protocol")).isEqualTo("http/1.1");
            c.transport().close();
            c.protocol().lost.await();
        }
    }

    @Test
    void aClientCertificateIsVerifiedAndShownToTheServer() throws Exception {
        List<Peer> accepted = new ArrayList<>();
        SSLContext serverContext = javax.net.ssl.SSLContext.getInstance("TLS");
        // The server presents the leaf and trusts the CA for client certificates.
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance("PKIX");
        java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", TlsContexts.readCertificates(certs.ca).get(0));
        tmf.init(trust);
        javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance("PKIX");
        kmf.init(TlsContexts.keyStore(TlsContexts.readPrivateKey(certs.key), TlsContexts.readCertificates(certs.chain)),
                new char[0]);
        serverContext.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        SSLContext clientContext = javax.net.ssl.SSLContext.getInstance("TLS");
        clientContext.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        try (Server server = Tls.createServer(() -> {
            Peer p = new Peer("server", new ArrayList<>(), true);
            accepted.add(p);
            return p;
        }, "127.0.0.1", 0, TlsServerOptions.of(serverContext).withClientAuth(TlsServerOptions.ClientAuth.REQUIRED))) {
            Connection<Peer> c = Tls.createConnection(() -> new Peer("client", new ArrayList<>(), false), "127.0.0.1",
                    port(server), TlsClientOptions.defaults().withSslContext(clientContext));
            c.transport().write(bytes("me"));
            c.protocol().awaitBytes(2);
            @SuppressWarnings("unchecked")
            List<X509Certificate> clientChain = (List<X509Certificate>) accepted.get(0).transport.getExtraInfo("peercert");
            assertThat(clientChain.get(0).getSubjectX500Principal().getName()).isEqualTo("CN=localhost");
            c.transport().close();
            c.protocol().lost.await();
        }
    }

    // ---- handshake failures and timeouts ----

    @Test
    void aPeerThatNeverAnswersTimesTheHandshakeOutAndNothingIsReported() throws Exception {
        // test_create_connection_ssl_slow_handshake: ConnectionAbortedError there, the same message here.
        ServerSocketChannel listener = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        listener.configureBlocking(false);
        int port = ((InetSocketAddress) listener.getLocalAddress()).getPort();
        Task<SocketChannel> accepting = createTask(() -> Sockets.sockAccept(listener));
        List<String> log = new ArrayList<>();
        Throwable e = catchThrowable(() -> Tls.createConnection(() -> new Peer("client", log, false), "127.0.0.1", port,
                clientOptions().withHandshakeTimeout(0.2)));
        assertThat(e).isInstanceOf(SocketTimeoutException.class)
                .hasMessage("SSL handshake is taking longer than 0.2 seconds: aborting the connection");
        assertThat(log).isEmpty(); // neither connectionMade nor connectionLost
        SocketChannel peer = accepting.await();
        // The peer got the ClientHello, then the connection was aborted.
        ByteBuffer sink = ByteBuffer.allocate(64 * 1024);
        while (Sockets.sockRecvInto(peer, sink.clear()) > 0) {
            // drain until end of stream
        }
        peer.close();
        listener.close();
    }

    @Test
    void aServerAbortsAClientThatNeverHandshakes() throws Exception {
        List<String> log = new ArrayList<>();
        try (Server server = Tls.createServer(() -> new Peer("server", log, true), "127.0.0.1", 0,
                serverOptions().withHandshakeTimeout(0.2))) {
            SocketChannel silent = SocketChannel.open();
            silent.configureBlocking(false);
            Sockets.sockConnect(silent, new InetSocketAddress("127.0.0.1", port(server)));
            Throwable end = catchThrowable(() -> Sockets.sockRecv(silent, 100));
            // end of stream, or a reset: either way the server dropped the connection
            assertThat(end == null || end instanceof SocketException).isTrue();
            silent.close();
            server.close();
            server.waitClosed();
        }
        assertThat(log).isEmpty();
    }

    @Test
    void aPlainTextClientOnATlsPortIsDroppedQuietly() throws Exception {
        List<String> log = new ArrayList<>();
        try (Server server = Tls.createServer(() -> new Peer("server", log, true), "127.0.0.1", 0, serverOptions())) {
            SocketChannel plain = SocketChannel.open();
            plain.configureBlocking(false);
            Sockets.sockConnect(plain, new InetSocketAddress("127.0.0.1", port(server)));
            Sockets.sockSendall(plain, ByteBuffer.wrap(bytes("GET / HTTP/1.0\r\n\r\n")));
            ByteBuffer sink = ByteBuffer.allocate(4096);
            int n;
            while ((n = Sockets.sockRecvInto(plain, sink.clear())) > 0) {
                assertThat(n).isPositive(); // at most the TLS alert, then end of stream
            }
            plain.close();
            server.close();
            server.waitClosed();
        }
        assertThat(log).isEmpty(); // the application never saw it, and nothing was reported
    }

    @Test
    void cancellingTheConnectDuringTheHandshakeClosesItQuietly() throws Exception {
        // test_ssl_handshake_timeout: wait_for around create_connection.
        ServerSocketChannel listener = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        listener.configureBlocking(false);
        int port = ((InetSocketAddress) listener.getLocalAddress()).getPort();
        Task<SocketChannel> accepting = createTask(() -> Sockets.sockAccept(listener));
        Throwable e = catchThrowable(() -> waitFor(() -> Tls.createConnection(() -> new Peer("client", new ArrayList<>(), false),
                "127.0.0.1", port, clientOptions()), 0.2));
        assertThat(e).isInstanceOf(io.jasyncio.TimeoutError.class);
        SocketChannel peer = accepting.await();
        ByteBuffer sink = ByteBuffer.allocate(64 * 1024);
        while (Sockets.sockRecvInto(peer, sink.clear()) > 0) {
            // the ClientHello, then end of stream: the client closed its side
        }
        peer.close();
        listener.close();
    }

    @Test
    void aPeerThatHangsUpDuringTheHandshakeIsAResetAndTheProtocolSeesNothing() throws Exception {
        // test_ssl_handshake_connection_lost
        ServerSocketChannel listener = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        listener.configureBlocking(false);
        int port = ((InetSocketAddress) listener.getLocalAddress()).getPort();
        Task<Void> hangUp = createTask(() -> {
            SocketChannel peer = Sockets.sockAccept(listener);
            Sockets.sockRecv(peer, 1024); // the ClientHello
            peer.close();
            return null;
        });
        List<String> log = new ArrayList<>();
        Throwable e = catchThrowable(() -> Tls.createConnection(() -> new Peer("client", log, false), "127.0.0.1", port,
                clientOptions()));
        assertThat(e).isInstanceOf(SocketException.class).hasMessageContaining("during the TLS handshake");
        assertThat(log).isEmpty();
        hangUp.await();
        listener.close();
    }

    @Test
    void timeoutsMustBePositive() throws Exception {
        assertThatThrownBy(() -> clientOptions().withHandshakeTimeout(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a positive number");
        assertThatThrownBy(() -> clientOptions().withHandshakeTimeout(-10)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a positive number");
        assertThatThrownBy(() -> serverOptions().withShutdownTimeout(Double.NaN)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a positive number");
        assertThatThrownBy(() -> clientOptions().withAlpnProtocols("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Tls.startTls(null, null, clientOptions())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("withServerHostname");
    }

    // ---- startTls ----

    @Test
    void startTlsUpgradesAPlainConnectionOnBothSides() throws Exception {
        // test_start_tls_server_1 and test_start_tls_client_reg_proto_1 in one: a STARTTLS exchange.
        List<String> log = new ArrayList<>();
        List<Peer> accepted = new ArrayList<>();
        try (Server server = Net.createServer(() -> {
            Peer p = new Peer("server", log, false);
            accepted.add(p);
            return p;
        }, "127.0.0.1", 0)) {
            Connection<Peer> c = Net.createConnection(() -> new Peer("client", log, false), "127.0.0.1", port(server));
            c.transport().write(bytes("STARTTLS"));
            while (accepted.isEmpty() || accepted.get(0).data.size() < 8) {
                sleep(0);
            }
            Peer serverPeer = accepted.get(0);
            serverPeer.transport.write(bytes("OK"));
            assertThat(str(c.protocol().awaitBytes(2))).isEqualTo("OK");
            Task<TlsTransport> serverUpgrade = createTask(() -> Tls.startTls(serverPeer.transport, serverPeer, serverOptions()));
            TlsTransport clientTls = Tls.startTls(c.transport(), c.protocol(),
                    clientOptions().withServerHostname("localhost"));
            TlsTransport serverTls = serverUpgrade.await();
            serverPeer.transport = serverTls;
            clientTls.write(bytes("secret"));
            assertThat(str(serverPeer.awaitBytes(14))).isEqualTo("STARTTLSsecret");
            serverTls.write(bytes("answer"));
            assertThat(str(c.protocol().awaitBytes(8))).isEqualTo("OKanswer");
            assertThat(clientTls.getExtraInfo("peercert")).isNotNull();
            clientTls.close();
            assertThat(c.protocol().lost.await()).isNull();
            assertThat(serverPeer.lost.await()).isNull();
        }
        // connectionMade once per side: the upgrade does not call it again.
        assertThat(log).containsExactly("client made", "server made", "server got STARTTLS", "client got OK",
                "server got secret", "client got answer", "server eof", "client eof", "server lost null", "client lost null");
    }

    @Test
    void startTlsCancelledWhileThePeerIgnoresTheHandshakeClosesTheTransport() throws Exception {
        // test_start_tls_slow_client_cancel
        List<Peer> accepted = new ArrayList<>();
        try (Server server = Net.createServer(() -> {
            Peer p = new Peer("server", new ArrayList<>(), false);
            p.logData = false;
            accepted.add(p);
            return p;
        }, "127.0.0.1", 0)) {
            Connection<Peer> c = Net.createConnection(() -> new Peer("client", new ArrayList<>(), false), "127.0.0.1",
                    port(server));
            Throwable e = catchThrowable(() -> waitFor(() -> Tls.startTls(c.transport(), c.protocol(),
                    clientOptions().withServerHostname("localhost")), 0.2));
            assertThat(e).isInstanceOf(io.jasyncio.TimeoutError.class);
            assertThat(c.transport().isClosing()).isTrue();
            while (accepted.isEmpty()) {
                sleep(0);
            }
            accepted.get(0).lost.await(); // the plain server saw the ClientHello, then the close
            assertThat(accepted.get(0).data.size()).isPositive();
        }
    }

    @Test
    void startTlsInsideTlsCarriesTwoLayers() throws Exception {
        // test_create_server_ssl_over_ssl: the inner TLS layer's transport is the outer TlsTransport.
        List<String> log = new ArrayList<>();
        List<Peer> accepted = new ArrayList<>();
        List<Task<TlsTransport>> innerUpgrades = new ArrayList<>();
        TlsServerOptions inner = TlsServerOptions.fromPem(certs.selfSigned, certs.selfSignedKey);
        try (Server server = Tls.createServer(() -> {
            Peer p = new Peer("server", log, true) {
                @Override
                public void connectionMade(BaseTransport t) {
                    super.connectionMade(t);
                    transport.pauseReading();
                    innerUpgrades.add(createTask(() -> Tls.startTls(transport, this, inner)));
                }
            };
            accepted.add(p);
            return p;
        }, "127.0.0.1", 0, serverOptions())) {
            Connection<Peer> c = Tls.createConnection(() -> new Peer("client", log, false), "127.0.0.1", port(server),
                    clientOptions());
            TlsTransport innerClient = Tls.startTls(c.transport(), c.protocol(),
                    TlsClientOptions.defaults().withTrustedCertificates(certs.selfSigned).withServerHostname("localhost"));
            accepted.get(0).transport = innerUpgrades.get(0).await(); // the echo now writes to the inner layer
            assertThat(innerClient.getExtraInfo("peername")).isEqualTo(c.transport().getExtraInfo("peername"));
            @SuppressWarnings("unchecked")
            List<X509Certificate> innerChain = (List<X509Certificate>) innerClient.getExtraInfo("peercert");
            assertThat(innerChain).hasSize(1); // the self-signed one: this is the inner session
            innerClient.write(bytes("nested"));
            assertThat(str(c.protocol().awaitBytes(6))).isEqualTo("nested");
            innerClient.close();
            assertThat(c.protocol().lost.await()).isNull();
            assertThat(accepted.get(0).lost.await()).isNull();
        }
        // Each side in order; which side's socket closes first depends on the two shutdowns' exchanges.
        assertThat(log.stream().filter(s -> s.startsWith("server")))
                .containsExactly("server made", "server got nested", "server eof", "server lost null");
        assertThat(log.stream().filter(s -> s.startsWith("client")))
                .containsExactly("client made", "client got nested", "client eof", "client lost null");
    }

    @Test
    void aPeerThatNeverAnswersCloseNotifyIsAbortedAfterTheShutdownTimeout() throws Exception {
        java.net.ServerSocket listener = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"));
        Task<String> peer = layeredServer(listener, serverOptions().sslContext(), (tls, plain) -> {
            // Reads the raw bytes of our close_notify without processing them, so never answers; then waits for EOF.
            return "ended after " + (plain.getInputStream().readAllBytes().length > 0 ? "some bytes" : "nothing");
        });
        Connection<Peer> c = Tls.createConnection(() -> new Peer("client", new ArrayList<>(), false), "127.0.0.1",
                listener.getLocalPort(), clientOptions().withShutdownTimeout(0.2));
        c.transport().close();
        assertThat(c.protocol().lost.await()).isInstanceOf(SocketTimeoutException.class).hasMessage("SSL shutdown timed out");
        assertThat(peer.await()).isEqualTo("ended after some bytes");
    }

    // ---- against the JDK's SSLSocket, a peer that is not jasyncio ----

    /** A blocking TLS server on a thread: accepts one connection and runs {@code body} on it (10 s socket timeout). */
    interface SocketBody {
        String run(SSLSocket tls, Socket plain) throws Exception;
    }

    static Task<String> blockingServer(SSLServerSocket listener, SocketBody body) {
        return createTask(() -> toThread(() -> {
            try (listener; SSLSocket s = (SSLSocket) listener.accept()) {
                s.setSoTimeout(10_000);
                return body.run(s, null);
            }
        }));
    }

    /** The same over a plain socket the body also gets, to close TCP without close_notify or send garbage. */
    static Task<String> layeredServer(java.net.ServerSocket listener, SSLContext context, SocketBody body) {
        return createTask(() -> toThread(() -> {
            try (listener; Socket plain = listener.accept()) {
                plain.setSoTimeout(10_000);
                SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(plain, "localhost", plain.getPort(), false);
                tls.setUseClientMode(false);
                tls.startHandshake();
                return body.run(tls, plain);
            }
        }));
    }

    static String readAll(InputStream in) throws IOException {
        return str(in.readAllBytes());
    }

    @Test
    void closeIsAnOrderlyEndOfStreamForAJdkPeer() throws Exception {
        // (The JDK's SSLSocket returns -1 for a TCP EOF without close_notify too, unless
        // com.sun.net.ssl.requireCloseNotify is set: TlsCPythonTest proves close_notify is sent.)
        SSLServerSocket listener = (SSLServerSocket) serverOptions().sslContext().getServerSocketFactory()
                .createServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"));
        Task<String> peer = blockingServer(listener, (tls, plain) -> {
            String got = readAll(tls.getInputStream());
            return got + " then close_notify";
        });
        Connection<Peer> c = Tls.createConnection(() -> new Peer("client", new ArrayList<>(), false), "127.0.0.1",
                listener.getLocalPort(), clientOptions());
        c.transport().write(bytes("bye"));
        c.transport().close();
        assertThat(peer.await()).isEqualTo("bye then close_notify");
        assertThat(c.protocol().lost.await()).isNull(); // the peer's close answered ours
    }

    @Test
    void aPeerThatClosesWithoutCloseNotifyEndsTheStreamAfterTheDataItSent() throws Exception {
        List<String> log = new ArrayList<>();
        java.net.ServerSocket listener = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"));
        Task<String> peer = layeredServer(listener, serverOptions().sslContext(), (tls, plain) -> {
            tls.getOutputStream().write(bytes("last words"));
            tls.getOutputStream().flush();
            plain.shutdownOutput(); // TCP FIN, no close_notify
            return "sent";
        });
        Connection<Peer> c = Tls.createConnection(() -> new Peer("client", log, false), "127.0.0.1", listener.getLocalPort(),
                clientOptions());
        assertThat(peer.await()).isEqualTo("sent");
        assertThat(c.protocol().lost.await()).isNull();
        // As CPython: an ordinary end of stream (eofReceived), everything sent before it delivered.
        assertThat(log).containsExactly("client made", "client got last words", "client eof", "client lost null");
    }

    @Test
    void aCorruptedRecordBreaksTheConnectionWithAnSslError() throws Exception {
        // test_start_tls_client_corrupted_ssl
        List<String> log = new ArrayList<>();
        java.net.ServerSocket listener = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"));
        Task<String> peer = layeredServer(listener, serverOptions().sslContext(), (tls, plain) -> {
            tls.getOutputStream().write(bytes("A\n"));
            tls.getOutputStream().flush();
            int b = tls.getInputStream().read();
            plain.getOutputStream().write(bytes("please corrupt the SSL connection"));
            plain.getOutputStream().flush();
            return "read " + (char) b;
        });
        Connection<Peer> c = Tls.createConnection(() -> new Peer("client", log, false), "127.0.0.1", listener.getLocalPort(),
                clientOptions());
        assertThat(str(c.protocol().awaitBytes(2))).isEqualTo("A\n");
        c.transport().write(bytes("B"));
        assertThat(peer.await()).isEqualTo("read B");
        assertThat(c.protocol().lost.await()).isInstanceOf(SSLException.class);
        assertThat(log).hasSize(3).startsWith("client made", "client got A\n");
    }
}
