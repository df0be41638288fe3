package io.jasyncio.net;

import static io.jasyncio.Asyncio.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.jasyncio.testing.AsyncioExtension;
import io.jasyncio.testing.RealTime;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Staggered connection attempts and address interleaving (asyncio's happy_eyeballs_delay, interleave). */
@ExtendWith(AsyncioExtension.class)
@RealTime
class HappyEyeballsTest {

    private static int refusedPort() throws Exception {
        try (ServerSocketChannel probe = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            return ((InetSocketAddress) probe.getLocalAddress()).getPort();
        }
    }

    @Test
    void aFailedAttemptStartsTheNextAtOnceAndTheFirstConnectionWins() throws Exception {
        try (ServerSocketChannel listener = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            InetSocketAddress good = (InetSocketAddress) listener.getLocalAddress();
            InetSocketAddress refused = new InetSocketAddress("127.0.0.1", refusedPort());
            // A delay far longer than the test: only the refusal can start the second attempt.
            try (SocketChannel ch = HappyEyeballs.race(getRunningLoop(), List.of(refused, good), 3600)) {
                assertThat(ch.getRemoteAddress()).isEqualTo(good);
            }
        }
    }

    @Test
    void whenEveryAttemptFailsEachAddressIsNamed() throws Exception {
        InetSocketAddress a = new InetSocketAddress("127.0.0.1", refusedPort());
        InetSocketAddress b = new InetSocketAddress("127.0.0.1", refusedPort());
        Throwable e = org.assertj.core.api.Assertions.catchThrowable(
                () -> HappyEyeballs.race(getRunningLoop(), List.of(a, b), 0.25));
        assertThat(e).isInstanceOf(java.net.ConnectException.class).hasMessageContaining("Multiple exceptions")
                .hasMessageContaining(":" + a.getPort()).hasMessageContaining(":" + b.getPort());
    }

    @Test
    void interleavingAlternatesFamiliesAsAsyncioDoes() throws Exception {
        InetSocketAddress v6a = new InetSocketAddress(InetAddress.getByName("::1"), 1);
        InetSocketAddress v6b = new InetSocketAddress(InetAddress.getByName("::2"), 1);
        InetSocketAddress v4a = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 1);
        InetSocketAddress v4b = new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 1);
        assertThat(Net.interleaveFamilies(List.of(v6a, v6b, v4a, v4b), 1)).containsExactly(v6a, v4a, v6b, v4b);
        assertThat(Net.interleaveFamilies(List.of(v6a, v6b, v4a, v4b), 2)).containsExactly(v6a, v6b, v4a, v4b);
    }

    @Test
    void createConnectionWithADelayConnectsAndTheProtocolIsWired() throws Exception {
        try (Server server = Net.createServer(() -> new Protocol() {
            @Override
            public void dataReceived(java.nio.ByteBuffer data) {}
        }, "127.0.0.1", 0)) {
            int port = ((InetSocketAddress) server.sockets().get(0).getLocalAddress()).getPort();
            Connection<Protocol> c = Net.createConnection(() -> data -> {}, "127.0.0.1", port, 0.25, 0);
            assertThat(c.transport().getExtraInfo("peername")).isEqualTo(new InetSocketAddress("127.0.0.1", port));
            c.transport().close();
        }
    }
}
