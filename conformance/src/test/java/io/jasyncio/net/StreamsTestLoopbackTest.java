package io.jasyncio.net;

import static io.jasyncio.Asyncio.*;
import static io.jasyncio.net.StreamsTest.b;
import static io.jasyncio.net.StreamsTest.s;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.jasyncio.CancelledError;
import io.jasyncio.Future;
import io.jasyncio.Task;
import io.jasyncio.VoidCoroutine;
import io.jasyncio.testing.AsyncioExtension;
import io.jasyncio.testing.ExceptionRecorder;
import io.jasyncio.testing.RealTime;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Streams over loopback sockets (127.0.0.1 only), client and server both jasyncio: the socket tests
 * of CPython's test_streams.py (named in the comments), then the hostile peers of issue 7 (a peer
 * that floods, sends one byte at a time, never reads, resets, or half-closes). Raw peers are plain
 * channels driven with {@link Sockets}. Every test runs inside a timeout scope; nothing sleeps.
 */
@ExtendWith(AsyncioExtension.class)
@RealTime
class StreamsTestLoopbackTest {

    /** The most a test may take: a hang is a failure, not a stuck build. */
    static final double BOUND = 30;

    /** SocketTransport reads at most this much per readiness (CPython's max_size). */
    static final int READ_SIZE = 256 * 1024;

    /** Certificates for startTls (made with openssl, outside the loop). */
    static TlsTestCertificates certs;

    @BeforeAll
    static void makeCertificates() throws Exception {
        certs = TlsTestCertificates.get();
    }

    static void bounded(VoidCoroutine body) {
        timeout(BOUND, body);
    }

    static int port(Server server) throws IOException {
        return ((InetSocketAddress) server.sockets().get(0).getLocalAddress()).getPort();
    }

    static int port(ServerSocketChannel listener) throws IOException {
        return ((InetSocketAddress) listener.getLocalAddress()).getPort();
    }

    static ServerSocketChannel listen() throws IOException {
        ServerSocketChannel listener = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        listener.configureBlocking(false);
        return listener;
    }

    /** Yields to the loop until {@code condition} holds (each turn polls the sockets). */
    static void until(java.util.function.BooleanSupplier condition) {
        while (!condition.getAsBoolean()) {
            sleep(0);
        }
    }

    /** A stream server answering any request with an HTTP/1.0 reply, then closing: CPython's run_test_server. */
    static Server httpServer() throws IOException {
        return Streams.startServer((reader, writer) -> {
            try {
                reader.readuntil(b("\r\n\r\n"));
            } catch (IncompleteReadError e) {
                writer.close(); // the client left without a request
                return;
            }
            writer.write(b("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nTest message"));
            writer.drain();
            writer.close();
            writer.waitClosed();
        }, "127.0.0.1", 0);
    }

    // ---- CPython's StreamTests over sockets ----

    @Test
    void openConnection() { // test_open_connection, test_async_writer_api
        bounded(() -> {
            try (Server httpd = httpServer()) {
                StreamConnection c = Streams.openConnection("127.0.0.1", port(httpd));
                c.writer().write(b("GET / HTTP/1.0\r\n\r\n"));
                assertThat(s(c.reader().readline())).isEqualTo("HTTP/1.0 200 OK\r\n");
                assertThat(s(c.reader().read())).endsWith("\r\n\r\nTest message");
                c.writer().close();
                c.writer().waitClosed();
            }
        });
    }

    @Test
    void openConnectionError() { // test_open_connection_error
        bounded(() -> {
            try (Server httpd = httpServer()) {
                StreamConnection c = Streams.openConnection("127.0.0.1", port(httpd));
                ArithmeticException exc = new ArithmeticException();
                c.writer().transport().getProtocol().connectionLost(exc);
                assertThat(catchThrowable(() -> c.reader().read())).isSameAs(exc);
                c.writer().close();
                sleep(0);
            }
        });
    }

    @Test
    void startServer() { // test_start_server
        bounded(() -> {
            Server server = Streams.startServer((reader, writer) -> {
                byte[] data = reader.readline();
                writer.write(data);
                writer.drain();
                writer.close();
                writer.waitClosed();
            }, "127.0.0.1", 0);
            StreamConnection c = Streams.openConnection("127.0.0.1", port(server));
            c.writer().write(b("hello world!\n"));
            byte[] msgback = c.reader().readline();
            c.writer().close();
            c.writer().waitClosed();
            server.close();
            server.waitClosed();
            assertThat(s(msgback)).isEqualTo("hello world!\n");
        });
    }

    @Test
    void drainRaises() { // test_drain_raises (bpo-25441): write(); drain() forever on a closed peer
        bounded(() -> {
            try (ServerSocketChannel listener = listen()) {
                Task<Void> server = createTask(() -> Sockets.sockAccept(listener).close());
                StreamConnection c = Streams.openConnection("127.0.0.1", port(listener));
                server.await();
                Throwable e = catchThrowable(() -> {
                    while (true) {
                        c.writer().write(b("foo\n"));
                        c.writer().drain();
                    }
                });
                assertThat(e).isInstanceOf(SocketException.class); // asyncio: ConnectionResetError and kin
            }
        });
    }

    @Test
    void waitClosedOnClose() { // test_wait_closed_on_close
        bounded(() -> {
            try (Server httpd = httpServer()) {
                StreamConnection c = Streams.openConnection("127.0.0.1", port(httpd));
                c.writer().write(b("GET / HTTP/1.0\r\n\r\n"));
                assertThat(s(c.reader().readline())).isEqualTo("HTTP/1.0 200 OK\r\n");
                assertThat(s(c.reader().read())).endsWith("\r\n\r\nTest message");
                assertThat(c.writer().isClosing()).isFalse();
                c.writer().close();
                assertThat(c.writer().isClosing()).isTrue();
                c.writer().waitClosed();
            }
        });
    }

    @Test
    void waitClosedOnCloseWithUnreadData() { // test_wait_closed_on_close_with_unread_data
        bounded(() -> {
            try (Server httpd = httpServer()) {
                StreamConnection c = Streams.openConnection("127.0.0.1", port(httpd));
                c.writer().write(b("GET / HTTP/1.0\r\n\r\n"));
                assertThat(s(c.reader().readline())).isEqualTo("HTTP/1.0 200 OK\r\n");
                c.writer().close();
                c.writer().waitClosed();
            }
        });
    }

    @Test
    void asyncWriterApiExceptionAfterClose() { // test_async_writer_api_exception_after_close
        bounded(() -> {
            try (Server httpd = httpServer()) {
                StreamConnection c = Streams.openConnection("127.0.0.1", port(httpd));
                c.writer().write(b("GET / HTTP/1.0\r\n\r\n"));
                assertThat(s(c.reader().readline())).isEqualTo("HTTP/1.0 200 OK\r\n");
                assertThat(s(c.reader().read())).endsWith("\r\n\r\nTest message");
                c.writer().close();
                Throwable e = catchThrowable(() -> {
                    c.writer().write(b("data"));
                    c.writer().drain();
                });
                assertThat(e).isInstanceOf(SocketException.class).hasMessage("Connection lost");
            }
        });
    }

    @Test
    void eofFeedWhenClosingWriter() { // test_eof_feed_when_closing_writer (bpo-35065)
        bounded(() -> {
            try (Server httpd = httpServer()) {
                StreamConnection c = Streams.openConnection("127.0.0.1", port(httpd));
                c.writer().close();
                c.writer().waitClosed();
                assertThat(c.reader().atEof()).isTrue();
                assertThat(c.reader().read()).isEmpty();
            }
        });
    }

    @Test
    void unhandledException(ExceptionRecorder recorder) { // test_unhandled_exception
        bounded(() -> {
            Server server = Streams.startServer((reader, writer) -> {
                throw new IllegalStateException("test");
            }, "127.0.0.1", 0);
            StreamConnection c = Streams.openConnection("127.0.0.1", port(server));
            // (CPython's client also writes; a write racing the server's close could be answered
            // with a reset, so this one only reads.)
            assertThat(c.reader().read()).isEmpty(); // the server closed the connection
            c.writer().close();
            c.writer().waitClosed();
            server.close();
            server.waitClosed();
        });
        assertThat(recorder.messages()).containsExactly("Unhandled exception in client_connected_cb");
        assertThat(recorder.contexts().get(0).exception()).hasMessage("test");
    }

    @Test
    void unhandledCancel() { // test_unhandled_cancel: nothing reported
        bounded(() -> {
            Server server = Streams.startServer((reader, writer) -> {
                writer.close();
                currentTask().cancel();
                sleep(0);
            }, "127.0.0.1", 0);
            StreamConnection c = Streams.openConnection("127.0.0.1", port(server));
            assertThat(c.reader().read()).isEmpty(); // the server closed the connection
            c.writer().close();
            c.writer().waitClosed();
            server.close();
            server.waitClosed();
        });
    }

    @Test
    void startTls() throws Exception { // test_start_tls
        TlsServerOptions serverOptions = TlsServerOptions.fromPem(certs.chain, certs.key);
        TlsClientOptions clientOptions = TlsClientOptions.defaults().withTrustedCertificates(certs.ca)
                .withServerHostname("localhost");
        bounded(() -> {
            Server server = Streams.startServer((reader, writer) -> {
                byte[] data1 = reader.readline();
                writer.write(data1);
                writer.drain();
                assertThat(writer.getExtraInfo("sslcontext")).isNull();
                assertThatThrownBy(() -> writer.startTls(clientOptions)).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("needs TlsServerOptions");
                writer.startTls(serverOptions);
                assertThat(writer.getExtraInfo("sslcontext")).isNotNull();
                byte[] data2 = reader.readline();
                writer.write(data2);
                writer.drain();
                writer.close();
                writer.waitClosed();
            }, "127.0.0.1", 0);
            StreamConnection c = Streams.openConnection("127.0.0.1", port(server));
            c.writer().write(b("hello world 1!\n"));
            c.writer().drain();
            byte[] msgback1 = c.reader().readline();
            assertThat(c.writer().getExtraInfo("sslcontext")).isNull();
            c.writer().startTls(clientOptions);
            assertThat(c.writer().getExtraInfo("sslcontext")).isNotNull();
            assertThat(c.writer().transport()).isInstanceOf(TlsTransport.class);
            c.writer().write(b("hello world 2!\n"));
            c.writer().drain();
            byte[] msgback2 = c.reader().readline();
            assertThat(c.reader().read()).isEmpty(); // the server's close_notify, then EOF
            c.writer().close();
            c.writer().waitClosed();
            server.close();
            server.waitClosed();
            assertThat(s(msgback1)).isEqualTo("hello world 1!\n");
            assertThat(s(msgback2)).isEqualTo("hello world 2!\n");
        });
    }

    // ---- hostile peers ----

    @Test
    void aFloodingPeerIsPausedAndTheReadersBufferStaysBounded() {
        bounded(() -> {
            int limit = 1024;
            int total = 16 << 20;
            try (ServerSocketChannel listener = listen()) {
                Task<SocketChannel> accepting = createTask(() -> Sockets.sockAccept(listener));
                StreamConnection c = Streams.openConnection("127.0.0.1", port(listener), limit);
                SocketChannel peer = accepting.await();
                Task<Void> flood = createTask(() -> {
                    byte[] chunk = new byte[1 << 20];
                    for (int sent = 0; sent < total; sent += chunk.length) {
                        for (int i = 0; i < chunk.length; i++) {
                            chunk[i] = (byte) ((sent + i) % 251);
                        }
                        Sockets.sockSendall(peer, chunk);
                    }
                    peer.close();
                });
                StreamReader reader = c.reader();
                long bound = 2L * limit + READ_SIZE;
                until(reader::isPaused);
                assertThat(c.writer().transport().isReading()).isFalse();
                int held = reader.buffered();
                assertThat((long) held).isGreaterThan(2L * limit).isLessThanOrEqualTo(bound);
                for (int i = 0; i < 100; i++) {
                    sleep(0); // the loop turns, the socket stays unread
                }
                assertThat(reader.buffered()).isEqualTo(held);
                long got = 0;
                while (true) {
                    byte[] block = reader.read(4096);
                    if (block.length == 0) {
                        break;
                    }
                    for (int i = 0; i < block.length; i++) {
                        if (block[i] != (byte) ((got + i) % 251)) {
                            throw new AssertionError("byte " + (got + i) + " is wrong");
                        }
                    }
                    got += block.length;
                    assertThat((long) reader.buffered()).isLessThanOrEqualTo(bound);
                }
                assertThat(got).isEqualTo(total);
                flood.await();
                c.writer().close();
            }
        });
    }

    @Test
    void aPeerSendingOneByteAtATimeStillMakesLines() {
        bounded(() -> {
            Future<StreamReader> serverReader = getRunningLoop().createFuture();
            Server server = Streams.startServer((reader, writer) -> {
                serverReader.setResult(reader);
                for (byte[] line : reader) {
                    writer.write(line);
                }
                writer.close();
            }, "127.0.0.1", 0);
            try (SocketChannel peer = SocketChannel.open()) {
                peer.configureBlocking(false);
                peer.setOption(StandardSocketOptions.TCP_NODELAY, true);
                Sockets.sockConnect(peer, new InetSocketAddress("127.0.0.1", port(server)));
                StreamReader reader = serverReader.await();
                byte[] request = b("GET / HTTP/1.1\r\n");
                for (int i = 0; i < request.length - 1; i++) {
                    Sockets.sockSendall(peer, new byte[] {request[i]});
                    int arrived = i + 1;
                    until(() -> reader.buffered() == arrived); // one byte per feed, the line still waiting
                }
                Sockets.sockSendall(peer, new byte[] {'\n'});
                peer.shutdownOutput();
                ByteBuffer echoed = ByteBuffer.allocate(100);
                while (Sockets.sockRecvInto(peer, echoed) > 0) {
                    // until the server closes
                }
                assertThat(s(java.util.Arrays.copyOf(echoed.array(), echoed.position()))).isEqualTo("GET / HTTP/1.1\r\n");
            }
            server.close();
            server.waitClosed();
        });
    }

    @Test
    void aPeerThatNeverReadsMakesDrainWaitAndTheWriteBufferStaysBounded() {
        bounded(() -> {
            try (ServerSocketChannel listener = listen()) {
                Task<SocketChannel> accepting = createTask(() -> Sockets.sockAccept(listener));
                StreamConnection c = Streams.openConnection("127.0.0.1", port(listener));
                SocketChannel peer = accepting.await();
                Transport transport = c.writer().transport();
                byte[] chunk = new byte[16 * 1024];
                long[] written = {0};
                int[] maxBuffered = {0};
                Task<Void> writer = createTask(() -> {
                    while (true) {
                        c.writer().write(chunk);
                        written[0] += chunk.length;
                        maxBuffered[0] = Math.max(maxBuffered[0], transport.getWriteBufferSize());
                        c.writer().drain();
                    }
                });
                until(() -> transport.getWriteBufferSize() > transport.getWriteBufferLimitHigh());
                long before = written[0];
                for (int i = 0; i < 100; i++) {
                    sleep(0);
                }
                assertThat(written[0]).isEqualTo(before); // suspended in drain()
                assertThat(writer.done()).isFalse();
                assertThat(maxBuffered[0]).isLessThanOrEqualTo(transport.getWriteBufferLimitHigh() + chunk.length);
                // The peer reads: the buffer drains below the low-water mark and drain() returns.
                ByteBuffer sink = ByteBuffer.allocate(1 << 20);
                while (written[0] == before) {
                    sink.clear();
                    Sockets.sockRecvInto(peer, sink);
                }
                writer.cancel();
                assertThat(catchThrowable(writer::await)).isInstanceOf(CancelledError.class);
                assertThat(maxBuffered[0]).isLessThanOrEqualTo(transport.getWriteBufferLimitHigh() + chunk.length);
                c.writer().transport().abort();
                peer.close();
            }
        });
    }

    @Test
    void aPeerThatResetsMakesReadsDrainAndWaitClosedThrowASocketException() {
        bounded(() -> {
            try (ServerSocketChannel listener = listen()) {
                Task<SocketChannel> accepting = createTask(() -> Sockets.sockAccept(listener));
                StreamConnection c = Streams.openConnection("127.0.0.1", port(listener));
                SocketChannel peer = accepting.await();
                Task<byte[]> reading = createTask(() -> c.reader().read(100));
                sleep(0);
                peer.setOption(StandardSocketOptions.SO_LINGER, 0);
                peer.close(); // RST
                Throwable e = catchThrowable(reading::await);
                assertThat(e).isInstanceOf(SocketException.class).hasMessageContaining("reset");
                assertThat(catchThrowable(() -> c.reader().readline())).isSameAs(e);
                assertThat(catchThrowable(() -> c.writer().drain())).isSameAs(e);
                assertThat(catchThrowable(() -> c.writer().waitClosed())).isSameAs(e);
                assertThat(c.writer().isClosing()).isTrue();
            }
        });
    }

    @Test
    void aHalfClosingClientGetsItsReplyAfterWriteEof() {
        bounded(() -> {
            Server server = Streams.startServer((reader, writer) -> {
                byte[] request = reader.read(); // to the client's EOF
                assertThat(reader.atEof()).isTrue();
                writer.write(b("got " + request.length + " bytes: " + s(request)));
                writer.close();
                writer.waitClosed();
            }, "127.0.0.1", 0);
            StreamConnection c = Streams.openConnection("127.0.0.1", port(server));
            assertThat(c.writer().canWriteEof()).isTrue();
            c.writer().write(b("question"));
            c.writer().writeEof();
            assertThat(s(c.reader().read())).isEqualTo("got 8 bytes: question");
            assertThat(c.reader().atEof()).isTrue();
            c.writer().close();
            c.writer().waitClosed();
            server.close();
            server.waitClosed();
        });
    }

    @Test
    void aPeerClosingMidLineEndsTheReadWithTheBytesThatCame() {
        bounded(() -> {
            try (ServerSocketChannel listener = listen()) {
                Task<SocketChannel> accepting = createTask(() -> Sockets.sockAccept(listener));
                StreamConnection c = Streams.openConnection("127.0.0.1", port(listener));
                try (SocketChannel peer = accepting.await()) {
                    Sockets.sockSendall(peer, b("partial"));
                    peer.shutdownOutput();
                    Throwable e = catchThrowable(() -> c.reader().readexactly(100));
                    assertThat(e).isInstanceOf(IncompleteReadError.class);
                    assertThat(s(((IncompleteReadError) e).partial())).isEqualTo("partial");
                    assertThat(((IncompleteReadError) e).expected()).isEqualTo(100);
                }
                c.writer().close();
                c.writer().waitClosed();
            }
        });
    }

    // ---- cancellation, limits, raw channels ----

    @Test
    void aReadCancelledMidWayOverASocketLosesNoBytes() {
        bounded(() -> {
            try (ServerSocketChannel listener = listen()) {
                Task<SocketChannel> accepting = createTask(() -> Sockets.sockAccept(listener));
                StreamConnection c = Streams.openConnection("127.0.0.1", port(listener));
                try (SocketChannel peer = accepting.await()) {
                    Task<byte[]> reading = createTask(() -> c.reader().readexactly(10));
                    Sockets.sockSendall(peer, b("01234"));
                    until(() -> c.reader().buffered() == 5);
                    reading.cancel();
                    assertThat(catchThrowable(reading::await)).isInstanceOf(CancelledError.class);
                    Sockets.sockSendall(peer, b("56789"));
                    assertThat(s(c.reader().readexactly(10))).isEqualTo("0123456789");
                }
                c.writer().close();
            }
        });
    }

    @Test
    void aServerReaderLimitDropsAnOverlongLineAndGoesOn() {
        bounded(() -> {
            List<String> seen = new ArrayList<>();
            Server server = Streams.startServer((reader, writer) -> {
                while (true) {
                    try {
                        byte[] line = reader.readline();
                        if (line.length == 0) {
                            break;
                        }
                        seen.add(s(line));
                        writer.write(line);
                    } catch (LimitOverrunError e) {
                        seen.add("overrun: " + e.getMessage());
                        writer.write(b("too long\n"));
                    }
                }
                writer.close();
            }, "127.0.0.1", 0, 16);
            StreamConnection c = Streams.openConnection("127.0.0.1", port(server));
            c.writer().write(b("x".repeat(40) + "\n"));
            assertThat(s(c.reader().readline())).isEqualTo("too long\n");
            c.writer().write(b("ok\n"));
            assertThat(s(c.reader().readline())).isEqualTo("ok\n");
            c.writer().writeEof();
            assertThat(c.reader().read()).isEmpty();
            c.writer().close();
            c.writer().waitClosed();
            server.close();
            server.waitClosed();
            assertThat(seen).hasSize(2);
            assertThat(seen.get(1)).isEqualTo("ok\n");
        });
    }

    @Test
    void streamsOnAnAcceptedChannelAndLinesInAForLoop() {
        bounded(() -> {
            try (ServerSocketChannel listener = listen()) {
                Task<SocketChannel> accepting = createTask(() -> Sockets.sockAccept(listener));
                StreamConnection client = Streams.openConnection("127.0.0.1", port(listener));
                try (StreamConnection server = Streams.openConnection(accepting.await(), Streams.DEFAULT_LIMIT)) {
                    client.writer().writelines(b("one\n"), b("two\n"), b("three"));
                    client.writer().writeEof();
                    List<String> lines = new ArrayList<>();
                    for (byte[] line : server.reader()) {
                        lines.add(s(line));
                    }
                    assertThat(lines).containsExactly("one\n", "two\n", "three");
                    assertThat(server.writer().getExtraInfo("peername"))
                            .isEqualTo(client.writer().getExtraInfo("sockname"));
                }
                assertThat(client.reader().read()).isEmpty(); // the server side closed
                client.close();
                client.writer().waitClosed();
            }
        });
    }

    @Test
    void aBadLimitIsRefusedBeforeConnecting() {
        bounded(() -> {
            assertThat(catchThrowable(() -> Streams.openConnection("127.0.0.1", 9, 0)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Limit");
            assertThat(catchThrowable(() -> Streams.startServer((r, w) -> {}, "127.0.0.1", 0, -1)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Limit");
        });
    }
}
