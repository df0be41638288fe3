package io.jasyncio.net;

import static io.jasyncio.Asyncio.*;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.jasyncio.Future;
import io.jasyncio.testing.AsyncioExtension;
import io.jasyncio.testing.RealTime;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Unix-domain stream sockets: CPython's test_unix_events.py (SelectorEventLoopUnixSocketTests) and
 * the Unix cases of test_events.py, with the same transports and protocols as TCP.
 */
@ExtendWith(AsyncioExtension.class)
@RealTime
@Timeout(60)
class UnixSocketTest {

    private Path dir;

    @BeforeEach
    void makeDirectory() throws Exception {
        dir = Files.createTempDirectory("jasyncio-unix"); // short: a socket path has at most 107 bytes
    }

    @AfterEach
    void removeDirectory() throws Exception {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Echoes what it receives, logging the callbacks (as TransportTest.Echo). */
    static final class Echo implements Protocol {
        final List<String> log;
        final Future<Void> made = getRunningLoop().createFuture();
        Transport transport;

        Echo(List<String> log) {
            this.log = log;
        }

        @Override
        public void connectionMade(BaseTransport t) {
            transport = (Transport) t;
            log.add("server made, peer '" + t.getExtraInfo("peername") + "'");
            made.setResult(null);
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            log.add("server got " + UTF_8.decode(data.duplicate()));
            transport.write(data);
        }

        @Override
        public boolean eofReceived() {
            log.add("server eof");
            return false;
        }

        @Override
        public void connectionLost(Throwable exc) {
            log.add("server lost " + exc);
        }
    }

    /** Collects what it receives until the connection is lost. */
    static final class Collect implements Protocol {
        final StringBuilder got = new StringBuilder();
        final Future<String> done = getRunningLoop().createFuture();

        @Override
        public void dataReceived(ByteBuffer data) {
            got.append(UTF_8.decode(data));
        }

        @Override
        public void connectionLost(Throwable exc) {
            done.setResult(got.toString());
        }
    }

    @Test
    void echoServerAndClientOverAUnixSocket() throws Exception {
        Path path = dir.resolve("echo.sock");
        List<String> log = new ArrayList<>();
        try (Server server = UnixNet.createUnixServer(() -> new Echo(log), path)) {
            assertThat(server.isServing()).isTrue();
            assertThat(server.sockets().get(0).getLocalAddress()).isEqualTo(UnixDomainSocketAddress.of(path));
            Connection<Collect> c = UnixNet.createUnixConnection(Collect::new, path.toString());
            assertThat(c.transport().getExtraInfo("peername")).isEqualTo(UnixDomainSocketAddress.of(path));
            assertThat(c.transport().canWriteEof()).isTrue();
            c.transport().write("hello over unix".getBytes(UTF_8));
            c.transport().writeEof();
            assertThat(c.protocol().done.await()).isEqualTo("hello over unix");
            server.close();
            server.waitClosed();
        }
        // An accepted connection's peer is unnamed: an empty path, as asyncio's ''.
        assertThat(log).containsExactly("server made, peer ''", "server got hello over unix", "server eof", "server lost null");
    }

    @Test
    void aStaleSocketFileIsRemovedBeforeBinding() throws Exception {
        Path path = dir.resolve("stale.sock");
        ServerSocketChannel old = ServerSocketChannel.open(StandardProtocolFamily.UNIX).bind(UnixDomainSocketAddress.of(path));
        old.close(); // as a crashed server leaves it: the file stays, nothing listens
        assertThat(Files.exists(path)).isTrue();
        Throwable refused = catchThrowable(() -> UnixNet.createUnixConnection(Collect::new, path));
        assertThat(refused).isInstanceOf(ConnectException.class).hasMessageContaining(path.toString());

        List<String> log = new ArrayList<>();
        try (Server server = UnixNet.createUnixServer(() -> new Echo(log), path)) {
            Connection<Collect> c = UnixNet.createUnixConnection(Collect::new, path);
            c.transport().write("still works".getBytes(UTF_8));
            c.transport().writeEof();
            assertThat(c.protocol().done.await()).isEqualTo("still works");
        }
    }

    @Test
    void aFileThatIsNotASocketIsLeftAloneAndTheBindFailsNamingIt() throws Exception {
        Path path = dir.resolve("precious.txt");
        Files.writeString(path, "keep me");
        Throwable e = catchThrowable(() -> UnixNet.createUnixServer(() -> new Echo(new ArrayList<>()), path));
        assertThat(e).isInstanceOf(BindException.class).hasMessage("Address '" + path + "' is already in use");
        assertThat(Files.readString(path)).isEqualTo("keep me");
    }

    @Test
    void connectingToAMissingPathNamesIt() {
        Path path = dir.resolve("nobody.sock");
        Throwable e = catchThrowable(() -> UnixNet.createUnixConnection(Collect::new, path));
        assertThat(e).isInstanceOf(SocketException.class).hasMessageContaining(path.toString())
                .hasMessageContaining("No such file");
    }

    @Test
    void anExistingBoundChannelCanServeAndATcpOneIsRefused() throws Exception {
        Path path = dir.resolve("given.sock");
        ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX).bind(UnixDomainSocketAddress.of(path));
        List<String> log = new ArrayList<>();
        try (Server server = UnixNet.createUnixServer(() -> new Echo(log), ch, 10, true, false)) {
            Connection<Collect> c = UnixNet.createUnixConnection(Collect::new, path);
            c.transport().write("given".getBytes(UTF_8));
            c.transport().writeEof();
            assertThat(c.protocol().done.await()).isEqualTo("given");
        }
        try (ServerSocketChannel tcp = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            assertThatThrownBy(() -> UnixNet.createUnixServer(() -> new Echo(log), tcp, 10, true, false))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("UNIX Domain Stream Socket was expected");
        }
        assertThatThrownBy(() -> UnixNet.createUnixServer(() -> new Echo(log), dir.resolve("x.sock"), 0, true, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("backlog must be > 0, got 0");
    }

    @Test
    void aServerNotYetServingAcceptsOnceStarted() throws Exception {
        Path path = dir.resolve("later.sock");
        List<String> log = new ArrayList<>();
        try (Server server = UnixNet.createUnixServer(() -> new Echo(log), path, 10, false, true)) {
            assertThat(server.isServing()).isFalse();
            server.startServing();
            Connection<Collect> c = UnixNet.createUnixConnection(Collect::new, path);
            c.transport().write("late".getBytes(UTF_8));
            c.transport().writeEof();
            assertThat(c.protocol().done.await()).isEqualTo("late");
        }
    }

    @Test
    void closingTheServerRemovesItsSocketFileButNotAReplacement() throws Exception {
        Path path = dir.resolve("clean.sock");
        Server server = UnixNet.createUnixServer(() -> new Echo(new ArrayList<>()), path);
        assertThat(Files.exists(path)).isTrue();
        server.close();
        assertThat(Files.exists(path)).isFalse(); // cleanup_socket=True (asyncio 3.13)

        Server kept = UnixNet.createUnixServer(() -> new Echo(new ArrayList<>()), path, 10, true, false);
        kept.close();
        assertThat(Files.exists(path)).isTrue(); // cleanupSocket=false leaves it

        Server replaced = UnixNet.createUnixServer(() -> new Echo(new ArrayList<>()), path);
        Path other = Files.writeString(dir.resolve("other"), "someone else's file");
        Files.move(other, path, java.nio.file.StandardCopyOption.REPLACE_EXISTING); // another inode (both existed at once)
        replaced.close();
        assertThat(Files.readString(path)).isEqualTo("someone else's file");
    }

    // ---- against a real peer: CPython's asyncio streams ----

    private static final String PY_UNIX_CLIENT = """
            import asyncio, sys
            async def main():
                r, w = await asyncio.wait_for(asyncio.open_unix_connection(sys.argv[1]), 30)
                w.write(b'from python over unix')
                w.write_eof()
                print((await asyncio.wait_for(r.read(), 30)).decode(), flush=True)
                w.close()
                await w.wait_closed()
            asyncio.run(main())
            """;

    @Test
    void cPythonsUnixStreamsTalkToAJasyncioServer() throws Exception {
        Path path = dir.resolve("py.sock");
        List<String> log = new ArrayList<>();
        try (Server server = UnixNet.createUnixServer(() -> new Echo(log), path)) {
            Process python = new ProcessBuilder("/usr/bin/python3", "-c", PY_UNIX_CLIENT, path.toString())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            try {
                var out = new BufferedReader(new InputStreamReader(python.getInputStream(), UTF_8));
                assertThat(toThread(() -> out.readLine())).isEqualTo("from python over unix");
                assertThat(toThread(() -> python.waitFor(30, TimeUnit.SECONDS) ? python.exitValue() : -1)).isZero();
            } finally {
                python.destroyForcibly();
            }
            server.close();
            server.waitClosed();
        }
        assertThat(log).contains("server eof");
    }
}
