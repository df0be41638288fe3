package io.jasyncio.net;

import static io.jasyncio.Asyncio.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.jasyncio.Task;
import io.jasyncio.testing.AsyncioExtension;
import io.jasyncio.testing.RealTime;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Streams over TLS: CPython's test_ssl.py tests that use {@code open_connection(ssl=...)} and
 * {@code start_server(ssl=...)}, over loopback (127.0.0.1 only), every test bounded in time.
 */
@ExtendWith(AsyncioExtension.class)
@RealTime
class TlsStreamsTest {
    static final double BOUND = 30;
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

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void manyClientsTalkToAServerOverTlsStreams() throws Exception {
        // test_create_server_ssl_1 and test_create_connection_ssl_1, both ends jasyncio.
        byte[] aData = new byte[100 * 1024];
        byte[] bData = new byte[100 * 1024];
        Arrays.fill(aData, (byte) 'A');
        Arrays.fill(bData, (byte) 'B');
        int total = 10;
        int[] served = {0};
        TlsClientOptions clientOptions = clientOptions();
        timeout(BOUND, () -> {
            Server server = Streams.startServer((reader, writer) -> {
                assertThat(reader.readexactly(aData.length)).isEqualTo(aData);
                writer.write(b("OK"));
                assertThat(reader.readexactly(bData.length)).isEqualTo(bData);
                writer.writelines(b("SP"), b("A"), b("M"));
                writer.drain();
                writer.close();
                served[0]++;
            }, "127.0.0.1", 0, serverOptions().withHandshakeTimeout(10));
            List<Task<Void>> clients = new ArrayList<>();
            for (int i = 0; i < total; i++) {
                clients.add(createTask(() -> {
                    StreamConnection c = Streams.openConnection("127.0.0.1", port(server), clientOptions);
                    assertThat(c.writer().transport()).isInstanceOf(TlsTransport.class);
                    c.writer().write(aData);
                    assertThat(c.reader().readexactly(2)).isEqualTo(b("OK"));
                    c.writer().write(bData);
                    assertThat(c.reader().readexactly(4)).isEqualTo(b("SPAM"));
                    c.writer().close();
                    c.writer().waitClosed();
                    return null;
                }));
            }
            gatherAll(false, clients);
            server.close();
            server.waitClosed();
        });
        assertThat(served[0]).isEqualTo(total);
    }

    @Test
    void theServersCloseNotifyIsTheClientsEndOfStream() throws Exception {
        // test_shutdown_cleanly
        TlsClientOptions clientOptions = clientOptions();
        timeout(BOUND, () -> {
            Server server = Streams.startServer((reader, writer) -> {
                reader.readexactly(4);
                writer.write(b("OK"));
                writer.close();
                writer.waitClosed();
            }, "127.0.0.1", 0, serverOptions());
            StreamConnection c = Streams.openConnection("127.0.0.1", port(server), clientOptions);
            c.writer().write(b("ping"));
            assertThat(c.reader().readexactly(2)).isEqualTo(b("OK"));
            assertThat(c.reader().read()).isEmpty();
            assertThat(c.reader().atEof()).isTrue();
            c.writer().close();
            c.writer().waitClosed();
            server.close();
            server.waitClosed();
        });
    }

    @Test
    void anUntrustedServerFailsOpenConnectionWithTheReason() throws Exception {
        // test_create_connection_ssl_failed_certificate
        timeout(BOUND, () -> {
            Server server = Streams.startServer((reader, writer) -> writer.close(), "127.0.0.1", 0,
                    TlsServerOptions.fromPem(certs.selfSigned, certs.selfSignedKey));
            Throwable e = catchThrowable(() -> Streams.openConnection("127.0.0.1", port(server),
                    TlsClientOptions.defaults().withServerHostname("localhost")));
            assertThat(e).isInstanceOf(SslCertVerificationError.class);
            assertThat(((SslCertVerificationError) e).reason()).isEqualTo(SslCertVerificationError.Reason.UNTRUSTED);
            server.close();
            server.waitClosed();
        });
    }

    @Test
    void aSlowHandshakeFailsOpenConnection() throws Exception {
        // test_create_connection_ssl_slow_handshake
        ServerSocketChannel listener = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        listener.configureBlocking(false);
        int port = ((InetSocketAddress) listener.getLocalAddress()).getPort();
        Task<SocketChannel> accepting = createTask(() -> Sockets.sockAccept(listener));
        Throwable e = catchThrowable(() -> Streams.openConnection("127.0.0.1", port,
                clientOptions().withHandshakeTimeout(0.2)));
        assertThat(e).isInstanceOf(SocketTimeoutException.class)
                .hasMessageMatching("SSL handshake.*is taking longer than 0.2 seconds: aborting the connection");
        accepting.await().close();
        listener.close();
    }

    @Test
    void aCorruptedRecordFailsTheReadWithAnSslError() throws Exception {
        // test_start_tls_client_corrupted_ssl through streams
        java.net.ServerSocket listener = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"));
        Task<String> peer = TlsTest.layeredServer(listener, serverOptions().sslContext(), (tls, plain) -> {
            tls.getOutputStream().write(b("A\n"));
            tls.getOutputStream().flush();
            int got = tls.getInputStream().read();
            plain.getOutputStream().write(b("please corrupt the SSL connection"));
            plain.getOutputStream().flush();
            return "read " + (char) got;
        });
        StreamConnection c = Streams.openConnection("127.0.0.1", listener.getLocalPort(), clientOptions());
        assertThat(c.reader().readline()).isEqualTo(b("A\n"));
        c.writer().write(b("B"));
        assertThat(catchThrowable(() -> c.reader().readline())).isInstanceOf(SSLException.class);
        c.writer().close();
        assertThat(catchThrowable(c.writer()::waitClosed)).isInstanceOf(SSLException.class);
        assertThat(peer.await()).isEqualTo("read B");
    }
}
