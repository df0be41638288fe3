package io.jasyncio.net;

import static io.jasyncio.Asyncio.*;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.jasyncio.CancelledError;
import io.jasyncio.Future;
import io.jasyncio.Queue;
import io.jasyncio.Task;
import io.jasyncio.testing.AsyncioExtension;
import io.jasyncio.testing.ExceptionRecorder;
import io.jasyncio.testing.RealTime;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * UDP endpoints over loopback (127.0.0.1 only): CPython's test_selector_events.py
 * (SelectorDatagramTransportTests) and the datagram tests of test_base_events.py / test_events.py,
 * on real sockets; a loopback UDP socket never blocks, so the buffering tests make it "block"
 * through the transport's sender seam, as CPython's tests do with a mock socket.
 */
@ExtendWith(AsyncioExtension.class)
@RealTime
@Timeout(60)
class DatagramTest {

    private static final InetSocketAddress ANY_LOCAL = new InetSocketAddress("127.0.0.1", 0);

    /** A datagram as the protocol saw it. */
    record Received(String text, SocketAddress from) {}

    /** Queues what arrives and logs the callbacks. */
    static class Recorder implements DatagramProtocol {
        final List<String> log = new ArrayList<>();
        final Queue<Received> datagrams = new Queue<>();
        final Queue<IOException> errors = new Queue<>();
        final Future<Throwable> lost = getRunningLoop().createFuture();
        DatagramTransport transport;

        @Override
        public void connectionMade(BaseTransport t) {
            transport = (DatagramTransport) t;
            log.add("made");
        }

        @Override
        public void datagramReceived(ByteBuffer data, SocketAddress addr) {
            String text = UTF_8.decode(data).toString();
            log.add("got " + text);
            datagrams.putNowait(new Received(text, addr));
        }

        @Override
        public void errorReceived(IOException exc) {
            log.add("error " + exc.getClass().getSimpleName());
            errors.putNowait(exc);
        }

        @Override
        public void pauseWriting() {
            log.add("pause");
        }

        @Override
        public void resumeWriting() {
            log.add("resume");
        }

        @Override
        public void connectionLost(Throwable exc) {
            log.add("lost " + exc);
            lost.setResult(exc);
        }
    }

    /** Sends every datagram back where it came from. */
    static final class Echo extends Recorder {
        @Override
        public void datagramReceived(ByteBuffer data, SocketAddress addr) {
            ByteBuffer copy = ByteBuffer.allocate(data.remaining()).put(data.duplicate()).flip();
            super.datagramReceived(data, addr);
            transport.sendto(copy, addr);
        }
    }

    /** A sender that reports "would block" while {@code blocked}, like a socket with a full send buffer. */
    static final class Blockable implements DatagramSocketTransport.Sender {
        boolean blocked = true;
        int attempts;

        @Override
        public boolean send(DatagramChannel channel, ByteBuffer data, SocketAddress addr) throws IOException {
            attempts++;
            return !blocked && DatagramSocketTransport.SOCKET.send(channel, data, addr);
        }
    }

    private static InetSocketAddress sockname(DatagramEndpoint<?> e) {
        return (InetSocketAddress) e.transport().getExtraInfo("sockname");
    }

    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(UTF_8));
    }

    // ---- echo, unconnected and connected ----

    @Test
    void unconnectedEndpointsEchoWithSendtoAndAnAddress() throws Exception {
        DatagramEndpoint<Echo> server = Datagrams.createDatagramEndpoint(Echo::new, ANY_LOCAL, null);
        DatagramEndpoint<Recorder> client = Datagrams.createDatagramEndpoint(Recorder::new, ANY_LOCAL, null);
        assertThat(server.protocol().log).containsExactly("made"); // connectionMade ran before the endpoint was returned
        assertThat(client.transport().getExtraInfo("peername")).isNull();

        client.transport().sendto(bytes("hello"), sockname(server));
        client.transport().sendto("world".getBytes(UTF_8), sockname(server));
        assertThat(client.protocol().datagrams.get()).isEqualTo(new Received("hello", sockname(server)));
        assertThat(client.protocol().datagrams.get()).isEqualTo(new Received("world", sockname(server)));
        assertThat(server.protocol().datagrams.get()).isEqualTo(new Received("hello", sockname(client)));

        client.transport().close();
        server.transport().close();
        assertThat(client.transport().isClosing()).isTrue();
        assertThat(client.protocol().lost.await()).isNull();
        assertThat(server.protocol().lost.await()).isNull();
        assertThat(server.protocol().log).containsExactly("made", "got hello", "got world", "lost null");
        assertThat(((DatagramChannel) client.transport().getExtraInfo("socket")).isOpen()).isFalse();
    }

    @Test
    void aConnectedEndpointSendsToItsRemoteAddressAndRefusesAnother() throws Exception {
        DatagramEndpoint<Echo> server = Datagrams.createDatagramEndpoint(Echo::new, ANY_LOCAL, null);
        DatagramEndpoint<Recorder> client = Datagrams.createDatagramEndpoint(Recorder::new, null, sockname(server));
        assertThat(client.transport().getExtraInfo("peername")).isEqualTo(sockname(server));
        assertThat(sockname(client).getPort()).isNotZero();

        client.transport().sendto("one".getBytes(UTF_8));
        client.transport().sendto(bytes("two"), sockname(server)); // its own remote address is fine
        assertThat(client.protocol().datagrams.get()).isEqualTo(new Received("one", sockname(server)));
        assertThat(client.protocol().datagrams.get()).isEqualTo(new Received("two", sockname(server)));

        InetSocketAddress elsewhere = new InetSocketAddress("127.0.0.1", sockname(server).getPort() == 9 ? 10 : 9);
        assertThatThrownBy(() -> client.transport().sendto(bytes("x"), elsewhere))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Invalid address: must be null or " + sockname(server));
        client.transport().close();
        server.transport().close();
        client.protocol().lost.await();
        server.protocol().lost.await();
    }

    @Test
    void aConnectedEndpointHearsPortUnreachableAsAnErrorAndStaysOpen() throws Exception {
        DatagramChannel probe = DatagramChannel.open(StandardProtocolFamily.INET).bind(ANY_LOCAL);
        InetSocketAddress nobody = (InetSocketAddress) probe.getLocalAddress();
        probe.close(); // nothing listens there now: the kernel answers with ICMP port unreachable
        DatagramEndpoint<Recorder> client = Datagrams.createDatagramEndpoint(Recorder::new, null, nobody);
        client.transport().sendto(bytes("anyone?"));
        IOException error = client.protocol().errors.get();
        assertThat(error).isInstanceOf(PortUnreachableException.class);
        assertThat(client.transport().isClosing()).isFalse();
        assertThat(client.protocol().lost.done()).isFalse();
        client.transport().close();
        assertThat(client.protocol().lost.await()).isNull();
    }

    @Test
    void aSendTheSystemRejectsGoesToErrorReceived() throws Exception {
        DatagramEndpoint<Recorder> client = Datagrams.createDatagramEndpoint(Recorder::new, ANY_LOCAL, null);
        client.transport().sendto(bytes("x"), new InetSocketAddress("127.0.0.1", 0));
        assertThat(client.protocol().errors.get()).isInstanceOf(SocketException.class).hasMessageContaining("port 0");
        assertThat(client.transport().isClosing()).isFalse();
        client.transport().close();
        client.protocol().lost.await();
    }

    @Test
    void emptyDatagramsGoUnconnectedAndAreRefusedConnected() throws Exception {
        DatagramEndpoint<Echo> server = Datagrams.createDatagramEndpoint(Echo::new, ANY_LOCAL, null);
        DatagramEndpoint<Recorder> client = Datagrams.createDatagramEndpoint(Recorder::new, ANY_LOCAL, null);
        client.transport().sendto(new byte[0], sockname(server)); // gh-113812: a zero-length datagram is sent
        assertThat(server.protocol().datagrams.get()).isEqualTo(new Received("", sockname(client)));
        assertThat(client.protocol().datagrams.get()).isEqualTo(new Received("", sockname(server)));

        DatagramEndpoint<Recorder> connected = Datagrams.createDatagramEndpoint(Recorder::new, null, sockname(server));
        assertThatThrownBy(() -> connected.transport().sendto(new byte[0]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty datagram cannot be sent on a connected endpoint");
        for (var e : List.of(server, client, connected)) {
            e.transport().close();
            e.protocol().lost.await();
        }
    }

    @Test
    void sendtoNeedsAResolvedAddressOnAnUnconnectedEndpoint() throws Exception {
        DatagramEndpoint<Recorder> client = Datagrams.createDatagramEndpoint(Recorder::new, ANY_LOCAL, null);
        assertThatThrownBy(() -> client.transport().sendto(bytes("x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs an address");
        assertThatThrownBy(() -> client.transport().sendto(bytes("x"), InetSocketAddress.createUnresolved("example.invalid", 9)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unresolved address");
        assertThatThrownBy(() -> client.transport().sendto(bytes("x"), new InetSocketAddress("::1", 9)))
                .isInstanceOf(IllegalArgumentException.class); // an IPv6 address on an IPv4 socket
        assertThatThrownBy(() -> client.transport().sendto((ByteBuffer) null, sockname(client)))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("data");
        client.transport().close();
        client.protocol().lost.await();
    }

    // ---- buffering and flow control ----

    @Test
    void datagramsTheSocketDoesNotTakeAreBufferedInOrderAndTheProtocolPaused() throws Exception {
        DatagramEndpoint<Recorder> server = Datagrams.createDatagramEndpoint(Recorder::new, ANY_LOCAL, null);
        DatagramEndpoint<Recorder> client = Datagrams.createDatagramEndpoint(Recorder::new, null, sockname(server));
        Blockable sender = new Blockable();
        ((DatagramSocketTransport) client.transport()).setSender(sender);
        client.transport().setWriteBufferLimits(40, 20);

        client.transport().sendto(bytes("0123456789"));
        assertThat(client.transport().getWriteBufferSize()).isEqualTo(10 + 8); // asyncio counts 8 bytes of header
        client.transport().sendto(bytes("abcdefghij"));
        assertThat(sender.attempts).isEqualTo(1); // with a buffer, sendto only appends
        assertThat(client.protocol().log).containsExactly("made");
        client.transport().sendto(bytes("ABCDEFGHIJ"));
        assertThat(client.transport().getWriteBufferSize()).isEqualTo(3 * 18);
        assertThat(client.protocol().log).containsExactly("made", "pause"); // 54 > 40
        assertThat(client.transport().toString()).contains("write=<polling, bufsize=54>");

        sender.blocked = false; // the socket is writable again: the writer drains the buffer in order
        assertThat(server.protocol().datagrams.get().text()).isEqualTo("0123456789");
        assertThat(server.protocol().datagrams.get().text()).isEqualTo("abcdefghij");
        assertThat(server.protocol().datagrams.get().text()).isEqualTo("ABCDEFGHIJ");
        assertThat(client.transport().getWriteBufferSize()).isZero();
        assertThat(client.protocol().log).containsExactly("made", "pause", "resume");
        client.transport().close();
        server.transport().close();
        client.protocol().lost.await();
        server.protocol().lost.await();
    }

    @Test
    void closeSendsWhatIsBufferedBeforeTheConnectionIsLost() throws Exception {
        DatagramEndpoint<Recorder> server = Datagrams.createDatagramEndpoint(Recorder::new, ANY_LOCAL, null);
        DatagramEndpoint<Recorder> client = Datagrams.createDatagramEndpoint(Recorder::new, ANY_LOCAL, null);
        Blockable sender = new Blockable();
        ((DatagramSocketTransport) client.transport()).setSender(sender);
        client.transport().sendto(bytes("first"), sockname(server));
        client.transport().sendto(bytes("second"), sockname(server));
        client.transport().close();
        assertThat(client.transport().isClosing()).isTrue();
        sleep(0);
        sleep(0);
        assertThat(client.protocol().lost.done()).isFalse(); // still two datagrams to send
        client.transport().sendto(bytes("third"), sockname(server)); // asyncio: sendto still buffers while closing
        sender.blocked = false;
        assertThat(client.protocol().lost.await()).isNull();
        assertThat(server.protocol().datagrams.get().text()).isEqualTo("first");
        assertThat(server.protocol().datagrams.get().text()).isEqualTo("second");
        assertThat(server.protocol().datagrams.get().text()).isEqualTo("third");
        server.transport().close();
        server.protocol().lost.await();
    }

    @Test
    void abortDropsTheBufferAndSendsAfterTheEndAreDropped() throws Exception {
        DatagramEndpoint<Recorder> client = Datagrams.createDatagramEndpoint(Recorder::new, ANY_LOCAL,
                new InetSocketAddress("127.0.0.1", 9));
        ((DatagramSocketTransport) client.transport()).setSender(new Blockable());
        client.transport().sendto(bytes("never"));
        assertThat(client.transport().getWriteBufferSize()).isEqualTo(13);
        client.transport().abort();
        assertThat(client.transport().getWriteBufferSize()).isZero();
        assertThat(client.transport().isClosing()).isTrue();
        assertThat(client.protocol().lost.await()).isNull();
        client.transport().sendto(bytes("late")); // asyncio: counted and dropped, warned about from the fifth
        assertThat(client.transport().getWriteBufferSize()).isZero();
        assertThat(client.protocol().log).containsExactly("made", "lost null");
    }

    @Test
    void setWriteBufferLimitsChecksItsArgumentsAsAsyncio() throws Exception {
        DatagramEndpoint<Recorder> client = Datagrams.createDatagramEndpoint(Recorder::new, ANY_LOCAL, null);
        DatagramTransport t = client.transport();
        assertThat(List.of(t.getWriteBufferLimitHigh(), t.getWriteBufferLimitLow())).containsExactly(65536, 16384);
        t.setWriteBufferLimits(-1, 100);
        assertThat(List.of(t.getWriteBufferLimitHigh(), t.getWriteBufferLimitLow())).containsExactly(400, 100);
        t.setWriteBufferLimits(1000, -1);
        assertThat(List.of(t.getWriteBufferLimitHigh(), t.getWriteBufferLimitLow())).containsExactly(1000, 250);
        assertThatThrownBy(() -> t.setWriteBufferLimits(1, 2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("high (1) must be >= low (2) must be >= 0");
        t.close();
        client.protocol().lost.await();
    }

    // ---- reading ----

    @Test
    void pausedReadingDeliversNothingUntilResumed() throws Exception {
        DatagramEndpoint<Recorder> server = Datagrams.createDatagramEndpoint(Recorder::new, ANY_LOCAL, null);
        DatagramEndpoint<Recorder> client = Datagrams.createDatagramEndpoint(Recorder::new, null, sockname(server));
        server.transport().pauseReading();
        assertThat(server.transport().isReading()).isFalse();
        client.transport().sendto(bytes("held"));
        // The datagram is in the socket (a second selector says so) and still not delivered.
        DatagramChannel ch = (DatagramChannel) server.transport().getExtraInfo("socket");
        try (Selector side = Selector.open()) {
            ch.register(side, SelectionKey.OP_READ);
            assertThat(toThread(() -> side.select(30_000))).isEqualTo(1);
        }
        sleep(0);
        assertThat(server.protocol().datagrams.qsize()).isZero();
        server.transport().resumeReading();
        assertThat(server.transport().isReading()).isTrue();
        assertThat(server.protocol().datagrams.get().text()).isEqualTo("held");
        assertThat(ch.isOpen()).isTrue();
        client.transport().close();
        server.transport().close();
        client.protocol().lost.await();
        server.protocol().lost.await();
        assertThat(server.transport().isReading()).isFalse(); // closing
    }

    @Test
    void anExceptionFromTheProtocolGoesToTheLoopAndTheTransportStaysOpen(ExceptionRecorder recorder) throws Exception {
        DatagramEndpoint<Recorder> server = Datagrams.createDatagramEndpoint(() -> new Recorder() {
            @Override
            public void datagramReceived(ByteBuffer data, SocketAddress addr) {
                super.datagramReceived(data, addr);
                if (log.size() == 2) {
                    throw new IllegalStateException("boom");
                }
            }
        }, ANY_LOCAL, null);
        DatagramEndpoint<Recorder> client = Datagrams.createDatagramEndpoint(Recorder::new, null, sockname(server));
        client.transport().sendto(bytes("one"));
        assertThat(server.protocol().datagrams.get().text()).isEqualTo("one");
        client.transport().sendto(bytes("two"));
        assertThat(server.protocol().datagrams.get().text()).isEqualTo("two");
        assertThat(recorder.contexts()).hasSize(1);
        assertThat(recorder.contexts().get(0).exception()).hasMessage("boom");
        assertThat(server.transport().isClosing()).isFalse();
        client.transport().close();
        server.transport().close();
        client.protocol().lost.await();
        server.protocol().lost.await();
    }

    // ---- creation ----

    @Test
    void creationChecksItsArguments() {
        assertThatThrownBy(() -> Datagrams.createDatagramEndpoint(Recorder::new, null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unexpected address family");
        assertThatThrownBy(() -> Datagrams.createDatagramEndpoint(Recorder::new, ANY_LOCAL, new InetSocketAddress("::1", 9)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("can not get address information");
        assertThatThrownBy(() -> Datagrams.createDatagramEndpoint(Recorder::new, ANY_LOCAL, null,
                Datagrams.Options.DEFAULTS.withFamily(StandardProtocolFamily.INET6)))
                .isInstanceOf(IOException.class).hasMessageContaining("no INET6 address for /127.0.0.1:0");
        assertThatThrownBy(() -> Datagrams.createDatagramEndpoint(() -> null, ANY_LOCAL, null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("protocol factory returned null");
    }

    @Test
    void aFamilyAloneMakesAnUnboundEndpointThatBindsOnFirstSend() throws Exception {
        DatagramEndpoint<Echo> server = Datagrams.createDatagramEndpoint(Echo::new, ANY_LOCAL, null);
        DatagramEndpoint<Recorder> client = Datagrams.createDatagramEndpoint(Recorder::new, null, null,
                Datagrams.Options.DEFAULTS.withFamily(StandardProtocolFamily.INET));
        client.transport().sendto(bytes("hi"), sockname(server));
        assertThat(client.protocol().datagrams.get()).isEqualTo(new Received("hi", sockname(server)));
        client.transport().close();
        server.transport().close();
        client.protocol().lost.await();
        server.protocol().lost.await();
    }

    @Test
    void aHostNameIsResolvedOffTheLoop() throws Exception {
        DatagramEndpoint<Echo> server = Datagrams.createDatagramEndpoint(Echo::new, ANY_LOCAL, null);
        DatagramEndpoint<Recorder> client = Datagrams.createDatagramEndpoint(Recorder::new, null,
                InetSocketAddress.createUnresolved("localhost", sockname(server).getPort()),
                Datagrams.Options.DEFAULTS.withFamily(StandardProtocolFamily.INET));
        assertThat(client.transport().getExtraInfo("peername")).isEqualTo(sockname(server));
        client.transport().close();
        server.transport().close();
        client.protocol().lost.await();
        server.protocol().lost.await();
    }

    @Test
    void aBusyAddressIsNamedAndReusePortSharesIt() throws Exception {
        DatagramEndpoint<Recorder> first = Datagrams.createDatagramEndpoint(Recorder::new, ANY_LOCAL, null,
                Datagrams.Options.DEFAULTS.withReusePort(true));
        Throwable busy = catchThrowable(() -> Datagrams.createDatagramEndpoint(Recorder::new, sockname(first), null));
        assertThat(busy).isInstanceOf(BindException.class)
                .hasMessageContaining("error while attempting to bind on address " + sockname(first));
        DatagramEndpoint<Recorder> second = Datagrams.createDatagramEndpoint(Recorder::new, sockname(first), null,
                Datagrams.Options.DEFAULTS.withReusePort(true));
        assertThat(sockname(second)).isEqualTo(sockname(first));
        DatagramChannel ch = (DatagramChannel) second.transport().getExtraInfo("socket");
        assertThat(ch.getOption(StandardSocketOptions.SO_REUSEPORT)).isTrue();
        for (var e : List.of(first, second)) {
            e.transport().close();
            e.protocol().lost.await();
        }
    }

    @Test
    void allowBroadcastSetsTheOptionAndDoesNotConnect() throws Exception {
        DatagramEndpoint<Echo> server = Datagrams.createDatagramEndpoint(Echo::new, ANY_LOCAL, null);
        DatagramEndpoint<Recorder> client = Datagrams.createDatagramEndpoint(Recorder::new, null, sockname(server),
                Datagrams.Options.DEFAULTS.withAllowBroadcast(true));
        DatagramChannel ch = (DatagramChannel) client.transport().getExtraInfo("socket");
        assertThat(ch.getOption(StandardSocketOptions.SO_BROADCAST)).isTrue();
        assertThat(ch.isConnected()).isFalse();
        assertThat(client.transport().getExtraInfo("peername")).isNull();
        client.transport().sendto(bytes("to the remote")); // the remote address is the default destination
        assertThat(client.protocol().datagrams.get()).isEqualTo(new Received("to the remote", sockname(server)));
        client.transport().close();
        server.transport().close();
        client.protocol().lost.await();
        server.protocol().lost.await();
    }

    @Test
    void anExistingChannelCanBeWrapped() throws Exception {
        DatagramEndpoint<Echo> server = Datagrams.createDatagramEndpoint(Echo::new, ANY_LOCAL, null);
        DatagramChannel ch = DatagramChannel.open(StandardProtocolFamily.INET).bind(ANY_LOCAL).connect(sockname(server));
        DatagramEndpoint<Recorder> client = Datagrams.createDatagramEndpoint(Recorder::new, ch);
        assertThat(ch.isBlocking()).isFalse();
        client.transport().sendto(bytes("wrapped"));
        assertThat(client.protocol().datagrams.get().text()).isEqualTo("wrapped");
        client.transport().close();
        server.transport().close();
        client.protocol().lost.await();
        server.protocol().lost.await();
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void cancelledWhileWaitingForConnectionMadeClosesTheTransport() throws Exception {
        List<Recorder> made = new ArrayList<>();
        Task<DatagramEndpoint<Recorder>> creating = createTask(() -> Datagrams.createDatagramEndpoint(() -> {
            Recorder r = new Recorder();
            made.add(r);
            return r;
        }, ANY_LOCAL, null));
        sleep(0); // the task ran up to its wait for connectionMade
        assertThat(made).hasSize(1);
        creating.cancel();
        assertThat(catchThrowable(creating::await)).isInstanceOf(CancelledError.class);
        assertThat(made.get(0).lost.await()).isNull();
        assertThat(made.get(0).log).containsExactly("made", "lost null");
    }

    // ---- against a real peer: CPython's own asyncio ----

    private static final String PYTHON = "/usr/bin/python3";

    private static final String PY_ECHO_SERVER = """
            import asyncio, sys
            class Echo(asyncio.DatagramProtocol):
                def connection_made(self, t): self.t = t
                def datagram_received(self, data, addr):
                    self.t.sendto(data.upper(), addr)
                    if data == b'bye': done.set_result(None)
            async def main():
                global done
                loop = asyncio.get_running_loop()
                done = loop.create_future()
                t, _ = await loop.create_datagram_endpoint(Echo, local_addr=('127.0.0.1', 0))
                print(t.get_extra_info('sockname')[1], flush=True)
                await asyncio.wait_for(done, 30)
                t.close()
            asyncio.run(main())
            """;

    private static final String PY_CLIENT = """
            import asyncio, sys
            class Client(asyncio.DatagramProtocol):
                def connection_made(self, t): t.sendto(b'ping from python')
                def datagram_received(self, data, addr): got.set_result(data)
            async def main():
                global got
                loop = asyncio.get_running_loop()
                got = loop.create_future()
                t, _ = await loop.create_datagram_endpoint(Client, remote_addr=('127.0.0.1', int(sys.argv[1])))
                print((await asyncio.wait_for(got, 30)).decode(), flush=True)
                t.close()
            asyncio.run(main())
            """;

    @Test
    void aJasyncioClientTalksToCPythonsDatagramEndpoint() throws Exception {
        Process python = new ProcessBuilder(PYTHON, "-c", PY_ECHO_SERVER).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            var out = new BufferedReader(new InputStreamReader(python.getInputStream(), UTF_8));
            int port = Integer.parseInt(toThread(out::readLine));
            DatagramEndpoint<Recorder> client = Datagrams.createDatagramEndpoint(Recorder::new, null,
                    new InetSocketAddress("127.0.0.1", port));
            client.transport().sendto(bytes("hello python"));
            assertThat(client.protocol().datagrams.get()).isEqualTo(new Received("HELLO PYTHON", new InetSocketAddress("127.0.0.1", port)));
            client.transport().sendto(bytes("bye"));
            assertThat(client.protocol().datagrams.get().text()).isEqualTo("BYE");
            assertThat(toThread(() -> python.waitFor(30, TimeUnit.SECONDS) ? python.exitValue() : -1)).isZero();
            client.transport().close();
            client.protocol().lost.await();
        } finally {
            python.destroyForcibly();
        }
    }

    @Test
    void cPythonsDatagramEndpointTalksToAJasyncioServer() throws Exception {
        DatagramEndpoint<Echo> server = Datagrams.createDatagramEndpoint(Echo::new, ANY_LOCAL, null);
        Process python = new ProcessBuilder(PYTHON, "-c", PY_CLIENT, Integer.toString(sockname(server).getPort()))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            var out = new BufferedReader(new InputStreamReader(python.getInputStream(), UTF_8));
            assertThat(toThread(out::readLine)).isEqualTo("ping from python");
            assertThat(server.protocol().datagrams.get().text()).isEqualTo("ping from python");
            assertThat(toThread(() -> python.waitFor(30, TimeUnit.SECONDS) ? python.exitValue() : -1)).isZero();
        } finally {
            python.destroyForcibly();
        }
        server.transport().close();
        server.protocol().lost.await();
    }
}
