package io.jasyncio.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A transport still open when its loop closes: its socket is released, and debug mode reports it
 * (asyncio's "unclosed transport" ResourceWarning) with where it was created. Each test runs its
 * own loop, since the point is what that loop's close() does.
 */
class UnclosedTransportTest {

    private final List<String> warnings = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord r) {
            if (r.getMessage().startsWith("unclosed ")) {
                warnings.add(r.getMessage());
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    @BeforeEach
    void listen() {
        Logger.getLogger("jasyncio").addHandler(handler);
    }

    @AfterEach
    void stopListening() {
        Logger.getLogger("jasyncio").removeHandler(handler);
    }

    /** Opens a server and a client connection on {@code loop}; closes only the server. */
    private static Transport[] connectAndForget(EventLoop loop, boolean closeClient) {
        return loop.runUntilComplete(() -> {
            Transport[] accepted = new Transport[1];
            Server server = Net.createServer(() -> new Sink() {
                @Override
                public void connectionMade(BaseTransport t) {
                    accepted[0] = (Transport) t;
                }
            }, "127.0.0.1", 0);
            int port = ((InetSocketAddress) server.sockets().getFirst().getLocalAddress()).getPort();
            Connection<Sink> c = Net.createConnection(() -> new Sink(), "127.0.0.1", port);
            while (accepted[0] == null) {
                Asyncio.sleep(0);
            }
            server.close();
            if (closeClient) {
                c.transport().close(); // connectionLost is scheduled, never run: the loop stops first
            }
            return new Transport[] {c.transport(), accepted[0]};
        });
    }

    /** A protocol that ignores what it receives. */
    private static class Sink implements Protocol {
        @Override
        public void dataReceived(java.nio.ByteBuffer data) {}
    }

    private static SocketChannel socketOf(Transport t) {
        return (SocketChannel) t.getExtraInfo("socket");
    }

    @Test
    void inDebugModeEachOpenTransportIsReportedWithWhereItWasCreatedAndItsSocketClosed() {
        EventLoop loop = new EventLoop();
        loop.setDebug(true);
        Transport[] transports = connectAndForget(loop, false);
        assertThat(loop.trackedResources()).contains((io.jasyncio.LoopResource) transports[0],
                (io.jasyncio.LoopResource) transports[1]);
        loop.close();

        assertThat(warnings).hasSize(2).allSatisfy(w -> assertThat(w)
                .startsWith("unclosed <SocketTransport peer=/127.0.0.1:")
                .contains("at loop close (close it when done; released now)", "Created at:"));
        assertThat(warnings).anySatisfy(w -> assertThat(w).contains("Server.accept")); // the accepted side
        assertThat(warnings).anySatisfy(w -> assertThat(w).contains("UnclosedTransportTest.lambda$connectAndForget"));
        assertThat(socketOf(transports[0]).isOpen()).isFalse();
        assertThat(socketOf(transports[1]).isOpen()).isFalse();
        assertThat(loop.trackedResources()).isEmpty();
    }

    @Test
    void withoutDebugModeTheSocketsAreReleasedQuietly() {
        EventLoop loop = new EventLoop();
        Transport[] transports = connectAndForget(loop, false);
        loop.close();

        assertThat(warnings).isEmpty();
        assertThat(socketOf(transports[0]).isOpen()).isFalse();
        assertThat(socketOf(transports[1]).isOpen()).isFalse();
    }

    @Test
    void aTransportAlreadyClosingIsReleasedWithoutAReport() {
        EventLoop loop = new EventLoop();
        loop.setDebug(true);
        Transport[] transports = connectAndForget(loop, true);
        loop.close();

        // Only the accepted side is reported: the client's close() was called, its callback overtaken.
        assertThat(warnings).singleElement().asString().contains("Server.accept")
                .doesNotContain("UnclosedTransportTest.lambda$connectAndForget");
        assertThat(socketOf(transports[0]).isOpen()).isFalse();
        assertThat(socketOf(transports[1]).isOpen()).isFalse();
    }

    @Test
    void anUnclosedServerIsReportedAndStopsListening() {
        EventLoop loop = new EventLoop();
        loop.setDebug(true);
        Server server = loop.runUntilComplete(() -> Net.createServer(Sink::new, "127.0.0.1", 0));
        java.nio.channels.ServerSocketChannel listening = server.sockets().getFirst();
        loop.close();

        assertThat(warnings).singleElement().asString().startsWith("unclosed <Server sockets=[/127.0.0.1:")
                .contains("UnclosedTransportTest");
        assertThat(listening.isOpen()).isFalse();
        assertThat(server.sockets()).isEmpty();
    }

    @Test
    void aTransportClosedBeforeTheLoopIsNoLongerTracked() {
        EventLoop loop = new EventLoop();
        loop.setDebug(true);
        loop.runUntilComplete(() -> {
            Server server = Net.createServer(() -> new Sink(), "127.0.0.1", 0);
            int port = ((InetSocketAddress) server.sockets().getFirst().getLocalAddress()).getPort();
            Connection<Sink> c = Net.createConnection(() -> new Sink(), "127.0.0.1", port);
            c.transport().close();
            server.close();
            server.closeClients();
            server.waitClosed();
            Asyncio.sleep(0);
            assertThat(loop.trackedResources()).isEmpty();
        });
        loop.close();
        assertThat(warnings).isEmpty();
    }
}
