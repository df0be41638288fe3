package io.jasyncio.testing;

import static io.jasyncio.Asyncio.createTask;
import static io.jasyncio.Asyncio.sleep;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.jasyncio.CancelledError;
import io.jasyncio.ContextVar;
import io.jasyncio.Task;
import io.jasyncio.net.Connection;
import io.jasyncio.testing.MemoryPipeTest.Log;
import io.jasyncio.testing.MemoryPipeTest.Peer;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@link MemoryNetwork} and {@link MemoryServer}: servers and connections without sockets. */
@ExtendWith(AsyncioExtension.class)
class MemoryNetworkTest {

    /** Echoes what it receives (and logs it). */
    static class Echo extends Peer {
        Echo(Log log) {
            super("server", log);
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            ByteBuffer copy = ByteBuffer.allocate(data.remaining()).put(data).flip();
            super.dataReceived(copy.duplicate());
            transport.write(copy);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void anEchoServerAndAClientWithLatencyInVirtualTime(VirtualClock clock) throws Exception {
        Log log = new Log();
        MemoryNetwork network = new MemoryNetwork(MemoryLink.DEFAULT.withLatency(0.01));
        try (MemoryServer server = network.createServer(() -> new Echo(log), "127.0.0.1", 8080)) {
            assertThat(server.address()).isEqualTo(new InetSocketAddress("127.0.0.1", 8080));
            assertThat(server.isServing()).isTrue();
            Connection<Peer> c = network.createConnection(() -> new Peer("client", log), "127.0.0.1", 8080);
            assertThat(log.entries).containsExactly("server made", "client made");
            assertThat(c.protocol().transport).isSameAs(c.transport());
            assertThat(c.transport().getExtraInfo("peername")).isEqualTo(new InetSocketAddress("127.0.0.1", 8080));
            assertThat(c.transport().getExtraInfo("sockname")).isEqualTo(new InetSocketAddress("127.0.0.1", 49152));
            assertThat(server.clients()).hasSize(1);
            assertThat(server.clients().get(0).getExtraInfo("peername")).isEqualTo(c.transport().getExtraInfo("sockname"));
            c.transport().write(bytes("ping"));
            c.transport().writeEof();
            log.waitFor("client lost null");
            assertThat(log.timed).containsExactly("@0.0 server made", "@0.0 client made", "@0.01 server got ping",
                    "@0.01 server eof", "@0.02 client got ping", "@0.02 server lost null", "@0.02 client eof",
                    "@0.02 client lost null"); // the FIN travels right behind the data
            assertThat(clock.time()).isEqualTo(0.02);
            assertThat(server.clients()).isEmpty();
            assertThat(network.pipes()).isEmpty();
        }
    }

    @Test
    void connectingWhereNobodyListensIsRefusedNamingTheAddress() throws Exception {
        MemoryNetwork network = new MemoryNetwork();
        Throwable e = catchThrowable(() -> network.createConnection(() -> new Peer("client", new Log()), "db", 5432));
        assertThat(e).isInstanceOf(ConnectException.class).hasMessageContaining("db:5432");
        MemoryServer server = network.createServer(() -> new Echo(new Log()), "db", 5432);
        assertThat(network.servers()).containsExactly(server);
        server.close();
        assertThat(server.isServing()).isFalse();
        assertThat(network.servers()).isEmpty();
        assertThat(catchThrowable(() -> network.createConnection(() -> new Peer("client", new Log()), "db", 5432)))
                .isInstanceOf(ConnectException.class);
        assertThat(server.toString()).isEqualTo("<MemoryServer closed clients=0>");
    }

    @Test
    void portZeroPicksAFreePortAndATakenAddressCannotBeBound() throws Exception {
        MemoryNetwork network = new MemoryNetwork();
        MemoryServer a = network.createServer(() -> new Echo(new Log()), "127.0.0.1", 0);
        MemoryServer b = network.createServer(() -> new Echo(new Log()), "127.0.0.1", 0);
        assertThat(a.port()).isEqualTo(49152);
        assertThat(b.port()).isEqualTo(49153);
        assertThatThrownBy(() -> network.createServer(() -> new Echo(new Log()), "127.0.0.1", 49152))
                .isInstanceOf(BindException.class).hasMessageContaining("127.0.0.1:49152").hasMessageContaining("in use");
        assertThatThrownBy(() -> network.createServer(() -> new Echo(new Log()), null, 49153))
                .isInstanceOf(BindException.class);
        assertThatThrownBy(() -> network.createServer(() -> new Echo(new Log()), "127.0.0.1", 65536))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("port out of range: 65536");
        // Another name on the same port is another address.
        network.createServer(() -> new Echo(new Log()), "localhost", 49152);
    }

    @Test
    void aServerOnEveryNameAcceptsAnyHostOnItsPort() throws Exception {
        Log log = new Log();
        MemoryNetwork network = new MemoryNetwork();
        network.createServer(() -> new Echo(log), null, 443);
        Connection<Peer> c = network.createConnection(() -> new Peer("client", log), "example.com", 443);
        assertThat(c.transport().getExtraInfo("peername")).isEqualTo(InetSocketAddress.createUnresolved("example.com", 443));
        c.transport().write(bytes("hi"));
        log.waitFor("client got hi");
    }

    @Test
    void waitClosedWaitsForTheLastConnectionAndCloseClientsEndsThem() throws Exception {
        Log log = new Log();
        MemoryNetwork network = new MemoryNetwork();
        MemoryServer server = network.createServer(() -> new Echo(log), "127.0.0.1", 7);
        Connection<Peer> c = network.createConnection(() -> new Peer("client", log), "127.0.0.1", 7);
        server.close();
        Task<Void> waiting = createTask(() -> {
            server.waitClosed();
            return null;
        });
        sleep(100);
        assertThat(waiting.done()).isFalse(); // a connection is still open
        assertThat(c.transport().isClosing()).isFalse();
        server.closeClients();
        waiting.await();
        log.waitFor("client lost null");
        assertThat(log.entries).containsExactly("server made", "client made", "server lost null", "client eof",
                "client lost null");
        server.waitClosed(); // at once now
    }

    @Test
    void abortClientsResetsTheClients() throws Exception {
        Log log = new Log();
        MemoryNetwork network = new MemoryNetwork();
        MemoryServer server = network.createServer(() -> new Echo(log), "127.0.0.1", 7);
        network.createConnection(() -> new Peer("client", log), "127.0.0.1", 7);
        server.abortClients();
        log.waitFor("client lost SocketException: Connection reset by peer");
        assertThat(log.entries).containsExactly("server made", "client made", "server lost null",
                "client lost SocketException: Connection reset by peer");
    }

    @Test
    void serveForeverServesUntilCancelledThenCloses() throws Exception {
        MemoryNetwork network = new MemoryNetwork();
        MemoryServer server = network.createServer(() -> new Echo(new Log()), "127.0.0.1", 7);
        Task<Void> serving = createTask(() -> {
            server.serveForever();
            return null;
        });
        sleep(1);
        assertThat(catchThrowable(server::serveForever)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already being awaited");
        assertThat(server.isServing()).isTrue();
        serving.cancel();
        assertThat(catchThrowable(serving::await)).isInstanceOf(CancelledError.class);
        assertThat(server.isServing()).isFalse();
        assertThat(catchThrowable(server::serveForever)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is closed");
    }

    @Test
    void eachConnectionIsAPipeTheTestCanReachForFaults() throws Exception {
        Log log = new Log();
        MemoryNetwork network = new MemoryNetwork();
        network.createServer(() -> new Echo(log), "127.0.0.1", 7);
        Connection<Peer> c = network.createConnection(() -> new Peer("client", log), "127.0.0.1", 7,
                MemoryLink.DEFAULT.withMaxChunk(1), MemoryLink.DEFAULT);
        assertThat(network.pipes()).hasSize(1);
        MemoryPipe pipe = network.pipes().get(0);
        assertThat(((MemoryTransport) c.transport()).pipe()).isSameAs(pipe);
        assertThat(pipe.clientToServer().maxChunk()).isEqualTo(1);
        c.transport().write(bytes("ab"));
        log.waitFor("client got b");
        // One piece per loop callback: the echo of "a" is on its way before "b" arrives.
        assertThat(log.entries).containsExactly("server made", "client made", "server got a", "client got a",
                "server got b", "client got b");
        pipe.reset();
        log.waitFor("server lost SocketException: Connection reset by peer");
        assertThat(network.pipes()).isEmpty();
    }

    @Test
    void eachEndRunsInTheContextOfWhoMadeItAsASocketTransportDoes() throws Exception {
        ContextVar<String> who = new ContextVar<>("who", "nobody");
        Log log = new Log();
        MemoryNetwork network = new MemoryNetwork();
        who.set("the server's creator");
        network.createServer(() -> new Echo(log) {
            @Override
            public void dataReceived(ByteBuffer data) {
                log.add("server sees " + who.get());
                super.dataReceived(data);
            }
        }, "127.0.0.1", 7);
        who.set("the client");
        Connection<Peer> c = network.createConnection(() -> new Peer("client", log) {
            @Override
            public void dataReceived(ByteBuffer data) {
                log.add("client sees " + who.get());
                who.set("changed in a callback"); // stays within the client's end
            }
        }, "127.0.0.1", 7, MemoryLink.DEFAULT.withLatency(1), MemoryLink.DEFAULT.withLatency(1));
        c.transport().write(bytes("x"));
        log.waitFor("client sees the client");
        c.transport().write(bytes("y"));
        log.waitFor("client sees changed in a callback");
        assertThat(log.entries).containsExactly("server made", "client made", "server sees the server's creator",
                "server got x", "client sees the client", "server sees the server's creator", "server got y",
                "client sees changed in a callback");
        assertThat(who.get()).isEqualTo("the client");
    }

    @Test
    void aFailingServerProtocolFactoryIsReportedAndTheConnectionRefused(ExceptionRecorder recorder) throws Exception {
        MemoryNetwork network = new MemoryNetwork();
        List<String> made = new ArrayList<>();
        network.createServer(() -> {
            throw new IllegalStateException("no protocol today");
        }, "127.0.0.1", 7);
        Throwable e = catchThrowable(() -> network.createConnection(() -> new Peer("client", new Log()) {
            {
                made.add("client protocol");
            }
        }, "127.0.0.1", 7));
        assertThat(e).isInstanceOf(ConnectException.class).hasCauseInstanceOf(IllegalStateException.class);
        assertThat(recorder.messages()).containsExactly("Error on transport creation for incoming connection");
        assertThat(network.pipes()).isEmpty();
        assertThat(made).containsExactly("client protocol");
    }
}
