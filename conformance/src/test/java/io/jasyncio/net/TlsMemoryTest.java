package io.jasyncio.net;

import static io.jasyncio.Asyncio.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.offset;

import io.jasyncio.Task;
import io.jasyncio.net.TlsTest.Peer;
import io.jasyncio.testing.AsyncioExtension;
import io.jasyncio.testing.MemoryLink;
import io.jasyncio.testing.MemoryPipe;
import io.jasyncio.testing.VirtualClock;
import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * TLS over the testing module's in-memory connections, on virtual time: the timeouts at their
 * exact deadlines, the handshake's round trips at their exact times, and hostile links (a byte at a
 * time, a reset) without sockets. TLS runs over any {@link Transport}: each end starts plain and
 * is upgraded with {@link Tls#startTls}.
 */
@ExtendWith(AsyncioExtension.class)
class TlsMemoryTest {
    static TlsTestCertificates certs;
    static TlsServerOptions serverOptions;
    static TlsClientOptions clientOptions;

    @BeforeAll
    static void makeCertificates() throws Exception {
        certs = TlsTestCertificates.get();
        serverOptions = TlsServerOptions.fromPem(certs.chain, certs.key);
        clientOptions = TlsClientOptions.defaults().withTrustedCertificates(certs.ca).withServerHostname("localhost");
    }

    record Pair(MemoryPipe pipe, Peer client, Peer server, TlsTransport clientTls, TlsTransport serverTls) {}

    /** A pipe with a plain Peer at each end, both upgraded to TLS (the server's upgrade runs in a task). */
    static Pair tlsPair(List<String> log, MemoryLink link, TlsServerOptions server, TlsClientOptions client) throws IOException {
        Peer c = new Peer("client", log, false);
        Peer s = new Peer("server", log, true);
        MemoryPipe pipe = MemoryPipe.open(c, s, link);
        c.made.await();
        s.made.await();
        Task<TlsTransport> serverUpgrade = createTask(() -> Tls.startTls(pipe.server(), s, server));
        TlsTransport clientTls = Tls.startTls(pipe.client(), c, client);
        TlsTransport serverTls = serverUpgrade.await();
        s.transport = serverTls; // the echo writes through TLS from now on
        return new Pair(pipe, c, s, clientTls, serverTls);
    }

    @Test
    void theTls13HandshakeTakesTheClientOneRoundTripAndTheServerOneAndAHalf(VirtualClock clock) throws Exception {
        List<String> log = new ArrayList<>();
        Peer c = new Peer("client", log, false);
        Peer s = new Peer("server", log, true);
        MemoryPipe pipe = MemoryPipe.open(c, s, MemoryLink.DEFAULT.withLatency(0.010));
        c.made.await();
        s.made.await();
        double start = clock.time();
        double[] serverDone = new double[1];
        Task<TlsTransport> serverUpgrade = createTask(() -> {
            TlsTransport t = Tls.startTls(pipe.server(), s, serverOptions);
            serverDone[0] = clock.time();
            return t;
        });
        TlsTransport clientTls = Tls.startTls(pipe.client(), c, clientOptions);
        assertThat(clock.time() - start).isEqualTo(0.020, offset(1e-9)); // ClientHello, server's flight
        s.transport = serverUpgrade.await();
        assertThat(serverDone[0] - start).isEqualTo(0.030, offset(1e-9)); // ... client's Finished
        clientTls.write(TlsTest.bytes("ping")); // at 0.030, echoed by the server at 0.040
        assertThat(TlsTest.str(c.awaitBytes(4))).isEqualTo("ping");
        assertThat(clock.time() - start).isEqualTo(0.050, offset(1e-9));
        clientTls.close();
        c.lost.await();
    }

    @Test
    void aLinkThatDeliversOneByteAtATimeCarriesTheHandshakeAndTheData() throws Exception {
        List<String> log = new ArrayList<>();
        Pair p = tlsPair(log, MemoryLink.DEFAULT.withMaxChunk(1), serverOptions, clientOptions);
        p.client().logData = false;
        p.server().logData = false;
        byte[] payload = new byte[40_000];
        Arrays.fill(payload, (byte) 'x');
        p.clientTls().write(payload);
        assertThat(p.client().awaitBytes(payload.length)).isEqualTo(payload);
        p.clientTls().close();
        assertThat(p.client().lost.await()).isNull();
        assertThat(p.server().lost.await()).isNull();
        // (MemoryPipe.open makes the server's end first.)
        assertThat(log).containsExactly("server made", "client made", "server eof", "client eof", "server lost null",
                "client lost null");
    }

    @Test
    void theHandshakeTimesOutAtExactlyItsTimeout(VirtualClock clock) throws Exception {
        List<String> log = new ArrayList<>();
        Peer c = new Peer("client", log, false);
        Peer silent = new Peer("server", log, false); // reads the ClientHello as data and never answers
        silent.logData = false;
        MemoryPipe pipe = MemoryPipe.open(c, silent);
        c.made.await();
        double start = clock.time();
        Throwable e = catchThrowable(() -> Tls.startTls(pipe.client(), c, clientOptions));
        assertThat(clock.time() - start).isEqualTo(TlsClientOptions.DEFAULT_HANDSHAKE_TIMEOUT);
        assertThat(e).isInstanceOf(SocketTimeoutException.class)
                .hasMessage("SSL handshake is taking longer than 60.0 seconds: aborting the connection");
        assertThat(silent.data.size()).isPositive();
        silent.lost.await();
    }

    @Test
    void closeWaitsForThePeersCloseNotifyUntilTheShutdownTimeout(VirtualClock clock) throws Exception {
        List<String> log = new ArrayList<>();
        Pair p = tlsPair(log, MemoryLink.DEFAULT, serverOptions, clientOptions);
        p.serverTls().pauseReading(); // the server's TLS layer never gets to our close_notify
        double start = clock.time();
        p.clientTls().close();
        assertThat(p.client().lost.await()).isInstanceOf(SocketTimeoutException.class).hasMessage("SSL shutdown timed out");
        assertThat(clock.time() - start).isEqualTo(TlsClientOptions.DEFAULT_SHUTDOWN_TIMEOUT);
        p.server().lost.await();
    }

    @Test
    void aResetDuringTheHandshakeFailsIt() throws Exception {
        List<String> log = new ArrayList<>();
        Peer c = new Peer("client", log, false);
        Peer s = new Peer("server", log, true);
        MemoryPipe pipe = MemoryPipe.open(c, s, MemoryLink.DEFAULT.withResetAfter(100)); // mid-ClientHello
        c.made.await();
        s.made.await();
        Task<TlsTransport> serverUpgrade = createTask(() -> Tls.startTls(pipe.server(), s, serverOptions));
        Throwable e = catchThrowable(() -> Tls.startTls(pipe.client(), c, clientOptions));
        assertThat(e).isInstanceOf(SocketException.class);
        assertThat(catchThrowable(serverUpgrade::await)).isInstanceOf(IOException.class);
        assertThat(log).containsExactly("server made", "client made"); // no connectionLost: the upgrade failed
    }

    @Test
    void tlsOverAMemoryPipeReportsTheMemoryTransportsKeys() throws Exception {
        Pair p = tlsPair(new ArrayList<>(), MemoryLink.DEFAULT, serverOptions, clientOptions);
        assertThat(p.clientTls().getExtraInfo("peername")).isEqualTo(p.pipe().client().getExtraInfo("peername"));
        assertThat(p.serverTls().getExtraInfo("server_hostname")).isEqualTo("localhost");
        p.clientTls().abort();
        assertThat(p.client().lost.await()).isNull();
        p.server().lost.await();
    }
}
