package io.jasyncio.net;

import static io.jasyncio.Asyncio.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.jasyncio.Future;
import io.jasyncio.Task;
import io.jasyncio.testing.AsyncioExtension;
import io.jasyncio.testing.RealTime;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Transports, protocols, servers and socket operations over loopback (127.0.0.1 only). */
@ExtendWith(AsyncioExtension.class)
@RealTime
class TransportTest {

    /** Echoes what it receives, logging the callbacks. */
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
            log.add("server made");
            made.setResult(null);
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            log.add("server got " + StandardCharsets.UTF_8.decode(data.duplicate()));
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
        Transport transport;

        @Override
        public void connectionMade(BaseTransport t) {
            transport = (Transport) t;
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            got.append(StandardCharsets.UTF_8.decode(data));
        }

        @Override
        public boolean eofReceived() {
            return false; // the peer finished: close our side too
        }

        @Override
        public void connectionLost(Throwable exc) {
            done.setResult(got.toString());
        }
    }

    @Test
    void echoServerAndClientWithProtocolsInOrder() throws Exception {
        List<String> log = new ArrayList<>();
        try (Server server = Net.createServer(() -> new Echo(log), "127.0.0.1", 0)) {
            int port = ((InetSocketAddress) server.sockets().get(0).getLocalAddress()).getPort();
            Connection<Collect> c = Net.createConnection(Collect::new, "127.0.0.1", port);
            assertThat(c.transport().getExtraInfo("peername")).isEqualTo(new InetSocketAddress("127.0.0.1", port));
            c.transport().write("hello".getBytes(StandardCharsets.UTF_8));
            c.transport().writeEof();
            assertThat(c.protocol().done.await()).isEqualTo("hello");
            server.close();
            server.waitClosed();
        }
        assertThat(log).containsExactly("server made", "server got hello", "server eof", "server lost null");
    }

    @Test
    void aWriterToAPeerThatNeverReadsIsPausedAndTheBufferStaysBounded() throws Exception {
        List<String> events = new ArrayList<>();
        ServerSocketChannel listener = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        listener.configureBlocking(false);
        Task<SocketChannel> accepting = createTask(() -> Sockets.sockAccept(listener));
        int port = ((InetSocketAddress) listener.getLocalAddress()).getPort();
        Future<Void> paused = getRunningLoop().createFuture();
        Connection<Protocol> c = Net.createConnection(() -> new Protocol() {
            @Override
            public void dataReceived(ByteBuffer data) {}

            @Override
            public void pauseWriting() {
                events.add("paused");
                paused.setResult(null);
            }

            @Override
            public void resumeWriting() {
                events.add("resumed");
            }
        }, "127.0.0.1", port);
        SocketChannel peer = accepting.await();
        byte[] chunk = new byte[64 * 1024];
        while (!paused.done()) {
            c.transport().write(chunk);
            sleep(0);
        }
        assertThat(c.transport().getWriteBufferSize()).isGreaterThan(c.transport().getWriteBufferLimitHigh());
        // The peer starts reading: the buffer drains and the protocol resumes.
        ByteBuffer sink = ByteBuffer.allocate(1 << 20);
        while (!events.contains("resumed")) {
            sink.clear();
            Sockets.sockRecvInto(peer, sink);
        }
        assertThat(events).containsExactly("paused", "resumed");
        c.transport().abort();
        peer.close();
        listener.close();
    }

    @Test
    void aReadCancelledWhileWaitingLosesNoBytes() throws Exception {
        ServerSocketChannel listener = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        listener.configureBlocking(false);
        SocketChannel client = SocketChannel.open();
        client.configureBlocking(false);
        Task<SocketChannel> accepting = createTask(() -> Sockets.sockAccept(listener));
        Sockets.sockConnect(client, listener.getLocalAddress());
        SocketChannel server = accepting.await();
        Task<byte[]> reader = createTask(() -> Sockets.sockRecv(client, 100));
        sleep(0);
        reader.cancel();
        assertThat(catchThrowable(reader::await)).isInstanceOf(io.jasyncio.CancelledError.class);
        Sockets.sockSendall(server, "abc".getBytes(StandardCharsets.UTF_8));
        assertThat(new String(Sockets.sockRecv(client, 100), StandardCharsets.UTF_8)).isEqualTo("abc");
        server.close();
        assertThat(Sockets.sockRecv(client, 100)).isEmpty(); // end of stream
        client.close();
        listener.close();
    }

    @Test
    void aRefusedConnectionNamesTheAddress() throws Exception {
        ServerSocketChannel probe = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        int port = ((InetSocketAddress) probe.getLocalAddress()).getPort();
        probe.close(); // nothing listens there now
        Throwable e = catchThrowable(() -> Net.createConnection(Collect::new, "127.0.0.1", port));
        assertThat(e).isInstanceOf(java.net.ConnectException.class).hasMessageContaining("127.0.0.1:" + port);
    }

    @Test
    void waitClosedWaitsForTheLastConnectionAndCloseClientsEndsThem() throws Exception {
        List<String> log = new ArrayList<>();
        List<Echo> accepted = new ArrayList<>();
        Server server = Net.createServer(() -> {
            Echo e = new Echo(log);
            accepted.add(e);
            return e;
        }, "127.0.0.1", 0);
        int port = ((InetSocketAddress) server.sockets().get(0).getLocalAddress()).getPort();
        Connection<Collect> c = Net.createConnection(Collect::new, "127.0.0.1", port);
        while (accepted.isEmpty()) {
            sleep(0); // each turn polls the selector: the accept is a real socket event
        }
        accepted.get(0).made.await();
        server.close();
        Task<Void> waiting = createTask(() -> {
            server.waitClosed();
            return null;
        });
        sleep(0);
        assertThat(waiting.done()).isFalse(); // a connection is still open
        server.closeClients();
        waiting.await();
        assertThat(c.protocol().done.await()).isEmpty();
    }
}
