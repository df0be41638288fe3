package io.jasyncio.testing;

import static io.jasyncio.Asyncio.createTask;
import static io.jasyncio.Asyncio.getRunningLoop;
import static io.jasyncio.Asyncio.sleep;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jasyncio.Future;
import io.jasyncio.Task;
import io.jasyncio.net.BaseProtocol;
import io.jasyncio.net.BaseTransport;
import io.jasyncio.net.BufferedProtocol;
import io.jasyncio.net.Protocol;
import io.jasyncio.net.Transport;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link MemoryPipe} and {@link MemoryTransport}: the socket transport's contract over memory, and
 * the link knobs, asserted as logs of protocol callbacks (with virtual timestamps where time matters).
 */
@ExtendWith(AsyncioExtension.class)
class MemoryPipeTest {

    /** One log for both ends, in callback order; entries also kept with the loop time. */
    static final class Log {
        final List<String> entries = new ArrayList<>();
        final List<String> timed = new ArrayList<>();
        private Future<Void> changed;

        void add(String entry) {
            entries.add(entry);
            timed.add("@" + getRunningLoop().time() + " " + entry);
            if (changed != null && !changed.done()) {
                changed.setResult(null);
            }
        }

        /** Suspends until {@code condition} holds, re-checking after each logged callback. */
        void waitUntil(BooleanSupplier condition) {
            while (!condition.getAsBoolean()) {
                changed = getRunningLoop().createFuture();
                changed.await();
            }
        }

        void waitFor(String entry) {
            waitUntil(() -> entries.contains(entry));
        }
    }

    /** Logs every callback as "name event"; eofReceived returns {@link #keepOpen}. */
    static class Peer implements Protocol {
        final String name;
        final Log log;
        final StringBuilder got = new StringBuilder();
        Transport transport;
        boolean keepOpen;

        Peer(String name, Log log) {
            this.name = name;
            this.log = log;
        }

        @Override
        public void connectionMade(BaseTransport t) {
            transport = (Transport) t;
            log.add(name + " made");
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            String s = StandardCharsets.UTF_8.decode(data).toString();
            got.append(s);
            log.add(name + " got " + s);
        }

        @Override
        public boolean eofReceived() {
            log.add(name + " eof");
            return keepOpen;
        }

        @Override
        public void connectionLost(Throwable exc) {
            log.add(name + " lost " + (exc == null ? "null" : exc.getClass().getSimpleName() + ": " + exc.getMessage()));
        }

        @Override
        public void pauseWriting() {
            log.add(name + " pause writing");
        }

        @Override
        public void resumeWriting() {
            log.add(name + " resume writing");
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    // ---- connecting and callback order ----

    @Test
    void openReturnsAfterBothConnectionMadeCallbacksServerFirst() {
        Log log = new Log();
        Peer client = new Peer("client", log);
        Peer server = new Peer("server", log);
        MemoryPipe pipe = MemoryPipe.open(client, server);
        assertThat(log.entries).containsExactly("server made", "client made");
        assertThat(client.transport).isSameAs(pipe.client());
        assertThat(server.transport).isSameAs(pipe.server());
        assertThat(pipe.client().pipe()).isSameAs(pipe);
        assertThat(pipe.client().getExtraInfo("peername")).isEqualTo(pipe.server().getExtraInfo("sockname"))
                .isEqualTo(new InetSocketAddress("127.0.0.1", 8080));
        assertThat(pipe.server().getExtraInfo("peername")).isEqualTo(pipe.client().getExtraInfo("sockname"));
        assertThat(pipe.client().getExtraInfo("socket")).isNull();
        assertThat(pipe.client().getExtraInfo("socket", "none")).isEqualTo("none");
        assertThat(pipe.client().isReading()).isTrue();
        assertThat(pipe.client().isClosing()).isFalse();
        assertThat(pipe.client().canWriteEof()).isTrue();
        assertThat(pipe.client().getProtocol()).isSameAs(client);
        assertThat(pipe.client().toString())
                .isEqualTo("<MemoryTransport client peer=/127.0.0.1:8080 read=polling write=<idle, bufsize=0>>");
    }

    @Test
    void dataReachesThePeerInALaterCallbackNeverInsideWrite() {
        Log log = new Log();
        Steps steps = new Steps();
        Peer server = new Peer("server", log) {
            @Override
            public void dataReceived(ByteBuffer data) {
                steps.expect(2);
                super.dataReceived(data);
            }
        };
        MemoryPipe pipe = MemoryPipe.open(new Peer("client", log), server);
        steps.expect(1);
        pipe.client().write(bytes("ab"));
        pipe.client().write(ByteBuffer.wrap(bytes("cd")));
        assertThat(log.entries).doesNotContain("server got ab"); // nothing inside write
        assertThat(pipe.client().getWriteBufferSize()).isEqualTo(4); // not consumed yet
        sleep(0);
        steps.finish(3);
        // Two writes in one step arrive together, as one socket read would return them.
        assertThat(log.entries).containsExactly("server made", "client made", "server got abcd");
        assertThat(pipe.client().getWriteBufferSize()).isZero();
        assertThat(pipe.bytesToServer()).isEqualTo(4);
        assertThat(pipe.bytesToClient()).isZero();
    }

    @Test
    void theWriteConsumesTheCallersBufferAndTheDataIsCopied() {
        Log log = new Log();
        Peer server = new Peer("server", log);
        MemoryPipe pipe = MemoryPipe.open(new Peer("client", log), server);
        ByteBuffer data = ByteBuffer.wrap(bytes("xyz"));
        pipe.client().write(data);
        assertThat(data.hasRemaining()).isFalse();
        data.clear().put(bytes("!!!")); // the caller reuses its buffer at once
        pipe.client().write(ByteBuffer.allocate(0)); // an empty write is nothing
        log.waitFor("server got xyz");
    }

    @Test
    void dataReceivedGetsAReadOnlyViewValidDuringTheCall() {
        List<ByteBuffer> seen = new ArrayList<>();
        Log log = new Log();
        Peer server = new Peer("server", log) {
            @Override
            public void dataReceived(ByteBuffer data) {
                seen.add(data);
                super.dataReceived(data.duplicate());
            }
        };
        MemoryPipe pipe = MemoryPipe.open(new Peer("client", log), server);
        pipe.client().write(bytes("one"));
        log.waitFor("server got one");
        assertThat(seen.get(0).isReadOnly()).isTrue();
        assertThat(seen.get(0).remaining()).isEqualTo(3);
    }

    // ---- chunking, latency, bandwidth ----

    @Test
    void aSmallMaxChunkDeliversPieceByPieceOnePiecePerCallback() {
        Log log = new Log();
        MemoryPipe pipe = MemoryPipe.open(new Peer("client", log), new Peer("server", log),
                MemoryLink.DEFAULT.withMaxChunk(2));
        pipe.client().write(bytes("hello"));
        Task<Void> other = createTask(() -> {
            for (int i = 0; i < 3; i++) {
                log.add("other " + i);
                sleep(0);
            }
            return null;
        });
        other.await();
        log.waitFor("server got o");
        // Each piece is its own loop callback, interleaved with the other task's steps.
        assertThat(log.entries).containsExactly("server made", "client made", "server got he", "other 0",
                "server got ll", "other 1", "server got o", "other 2");
    }

    @Test
    void pauseReadingInsideDataReceivedStopsTheNextPiece() {
        Log log = new Log();
        Peer server = new Peer("server", log) {
            @Override
            public void dataReceived(ByteBuffer data) {
                super.dataReceived(data);
                transport.pauseReading();
            }
        };
        MemoryPipe pipe = MemoryPipe.open(new Peer("client", log), server, MemoryLink.DEFAULT.withMaxChunk(1));
        pipe.client().write(bytes("abc"));
        log.waitFor("server got a");
        sleep(10);
        assertThat(server.got).hasToString("a");
        assertThat(pipe.server().isReading()).isFalse();
        assertThat(pipe.client().getWriteBufferSize()).isEqualTo(2); // queued, not dropped
        pipe.server().resumeReading();
        log.waitFor("server got b");
        pipe.server().resumeReading();
        log.waitFor("server got c");
    }

    @Test
    void latencyDeliversAtAnExactVirtualTime(VirtualClock clock) {
        Log log = new Log();
        Peer server = new Peer("server", log) {
            @Override
            public void dataReceived(ByteBuffer data) {
                ByteBuffer echo = ByteBuffer.allocate(data.remaining()).put(data).flip();
                super.dataReceived(echo.duplicate());
                transport.write(echo);
            }
        };
        Peer client = new Peer("client", log);
        MemoryPipe pipe = MemoryPipe.open(client, server, MemoryLink.DEFAULT.withLatency(0.25));
        pipe.client().write(bytes("a"));
        sleep(0.1);
        pipe.client().write(bytes("b"));
        log.waitUntil(() -> client.got.length() == 2);
        assertThat(log.timed).containsExactly("@0.0 server made", "@0.0 client made", "@0.25 server got a",
                "@0.35 server got b", "@0.5 client got a", "@0.6 client got b");
        assertThat(clock.time()).isEqualTo(0.6);
    }

    @Test
    void aShorterLatencyLaterKeepsTheOrder() {
        Log log = new Log();
        MemoryPipe pipe = MemoryPipe.open(new Peer("client", log), new Peer("server", log),
                MemoryLink.DEFAULT.withLatency(1));
        pipe.client().write(bytes("slow"));
        pipe.setClientToServer(MemoryLink.DEFAULT);
        assertThat(pipe.clientToServer()).isEqualTo(MemoryLink.DEFAULT);
        assertThat(pipe.serverToClient().latency()).isEqualTo(1.0);
        pipe.client().write(bytes(" fast"));
        log.waitFor("server got slow fast");
        assertThat(log.timed).contains("@1.0 server got slow fast"); // TCP is in order
    }

    @Test
    void bandwidthCarriesPacketsOneAfterAnother() {
        Log log = new Log();
        Peer server = new Peer("server", log);
        MemoryLink link = MemoryLink.DEFAULT.withBandwidth(1000).withMaxChunk(100).withLatency(0.05);
        MemoryPipe pipe = MemoryPipe.open(new Peer("client", log), server, link);
        pipe.client().write(bytes("a".repeat(100) + "b".repeat(100) + "c".repeat(50)));
        log.waitUntil(() -> server.got.length() == 250);
        assertThat(log.timed).containsExactly("@0.0 server made", "@0.0 client made", "@0.15 server got " + "a".repeat(100),
                "@0.25 server got " + "b".repeat(100), "@0.3 server got " + "c".repeat(50));
    }

    @Test
    void theLinkIsBusyWhileItCarriesAnEarlierWrite() {
        Log log = new Log();
        Peer server = new Peer("server", log);
        MemoryPipe pipe = MemoryPipe.open(new Peer("client", log), server, MemoryLink.DEFAULT.withBandwidth(100));
        pipe.client().write(bytes("x".repeat(50))); // on the link until 0.5
        sleep(0.25);
        pipe.client().write(bytes("y".repeat(25))); // waits for the link, then 0.25 more
        log.waitUntil(() -> server.got.length() == 75);
        assertThat(log.timed).containsExactly("@0.0 server made", "@0.0 client made", "@0.5 server got " + "x".repeat(50),
                "@0.75 server got " + "y".repeat(25));
    }

    // ---- backpressure ----

    @Test
    void aReaderThatPausesPausesTheWriterAndResumingResumesIt() {
        Log log = new Log();
        Peer server = new Peer("server", log);
        MemoryPipe pipe = MemoryPipe.open(new Peer("client", log), server, MemoryLink.DEFAULT.withMaxChunk(4));
        MemoryTransport writer = pipe.client();
        writer.setWriteBufferLimits(10, 4);
        assertThat(writer.getWriteBufferLimitHigh()).isEqualTo(10);
        assertThat(writer.getWriteBufferLimitLow()).isEqualTo(4);
        pipe.server().pauseReading();
        writer.write(bytes("abcdefgh"));
        assertThat(log.entries).doesNotContain("client pause writing"); // 8 <= high
        writer.write(bytes("ijklm"));
        // Over the high-water mark: pauseWriting is called inside write, as asyncio does.
        assertThat(log.entries).endsWith("client pause writing");
        assertThat(writer.getWriteBufferSize()).isEqualTo(13);
        sleep(60);
        assertThat(writer.getWriteBufferSize()).isEqualTo(13); // the reader is paused: nothing moves
        assertThat(server.got).isEmpty();
        pipe.server().resumeReading();
        log.waitFor("server got m");
        // Resumed when the peer's consumption brought the buffer down to the low-water mark.
        assertThat(log.entries).containsExactly("server made", "client made", "client pause writing",
                "server got abcd", "server got efgh", "server got ijkl", "client resume writing", "server got m");
    }

    @Test
    void aProducerHonouringPauseWritingWaitsForTheReaderInVirtualTime() {
        Log log = new Log();
        Future<?>[] resumed = {null};
        Peer client = new Peer("client", log) {
            @Override
            public void resumeWriting() {
                super.resumeWriting();
                resumed[0].setResult(null);
            }

            @Override
            public void pauseWriting() {
                super.pauseWriting();
                resumed[0] = getRunningLoop().createFuture();
            }
        };
        Peer server = new Peer("server", log) {
            @Override
            public void dataReceived(ByteBuffer data) {
                got.append(StandardCharsets.UTF_8.decode(data));
                log.add("server got " + data.limit() + " bytes");
            }
        };
        MemoryPipe pipe = MemoryPipe.open(client, server);
        pipe.client().setWriteBufferLimits(1000, 100);
        pipe.server().pauseReading();
        getRunningLoop().callLater(5, () -> pipe.server().resumeReading());
        for (int i = 0; i < 30; i++) {
            pipe.client().write(bytes("x".repeat(100)));
            if (resumed[0] != null && !resumed[0].done()) {
                log.add("producer waits");
                resumed[0].await();
                log.add("producer goes on");
            }
        }
        log.waitUntil(() -> server.got.length() == 3000);
        assertThat(log.timed).containsExactly("@0.0 server made", "@0.0 client made", "@0.0 client pause writing",
                "@0.0 producer waits", "@5.0 server got 1100 bytes", "@5.0 client resume writing",
                "@5.0 producer goes on", "@5.0 client pause writing", "@5.0 producer waits", "@5.0 server got 1100 bytes",
                "@5.0 client resume writing", "@5.0 producer goes on", "@5.0 server got 800 bytes");
        assertThat(pipe.client().getWriteBufferSize()).isZero();
    }

    @Test
    void aSocketBufferHoldsBytesThatDoNotCountAgainstTheWriter() {
        Log log = new Log();
        MemoryPipe pipe = MemoryPipe.open(new Peer("client", log), new Peer("server", log),
                MemoryLink.DEFAULT.withSocketBuffer(10));
        pipe.client().setWriteBufferLimits(4, 0);
        pipe.server().pauseReading();
        pipe.client().write(bytes("0123456789"));
        assertThat(pipe.client().getWriteBufferSize()).isZero();
        pipe.client().write(bytes("abcde"));
        assertThat(pipe.client().getWriteBufferSize()).isEqualTo(5);
        assertThat(log.entries).endsWith("client pause writing");
        pipe.server().resumeReading();
        log.waitFor("client resume writing");
        assertThat(log.entries).endsWith("server got 0123456789abcde", "client resume writing");
    }

    @Test
    void writeBufferLimitsFollowAsyncio() {
        Log log = new Log();
        MemoryPipe pipe = MemoryPipe.open(new Peer("client", log), new Peer("server", log));
        MemoryTransport t = pipe.client();
        assertThat(t.getWriteBufferLimitHigh()).isEqualTo(64 * 1024);
        assertThat(t.getWriteBufferLimitLow()).isEqualTo(16 * 1024);
        t.setWriteBufferLimits(-1, 100);
        assertThat(t.getWriteBufferLimitHigh()).isEqualTo(400);
        t.setWriteBufferLimits(800, -1);
        assertThat(t.getWriteBufferLimitLow()).isEqualTo(200);
        assertThatThrownBy(() -> t.setWriteBufferLimits(1, 2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("high (1) must be >= low (2) must be >= 0");
        // Lowering the mark below what is buffered pauses at once.
        pipe.server().pauseReading();
        t.write(bytes("12345"));
        t.setWriteBufferLimits(2, 1);
        assertThat(log.entries).endsWith("client pause writing");
    }

    // ---- half-close, close, abort, reset ----

    @Test
    void writeEofIsThePeersEofReceivedAndAHalfClosedPeerMayStillAnswer() {
        Log log = new Log();
        Peer client = new Peer("client", log);
        Peer server = new Peer("server", log) {
            @Override
            public boolean eofReceived() {
                super.eofReceived();
                transport.write(bytes("answer to " + got));
                transport.close();
                return true;
            }
        };
        MemoryPipe pipe = MemoryPipe.open(client, server);
        pipe.client().write(bytes("question"));
        pipe.client().writeEof();
        assertThatThrownBy(() -> pipe.client().write(bytes("more"))).isInstanceOf(IllegalStateException.class)
                .hasMessage("Cannot call write() after writeEof()");
        pipe.client().writeEof(); // idempotent
        log.waitFor("client lost null");
        log.waitFor("server lost null");
        assertThat(log.entries).containsExactly("server made", "client made", "server got question", "server eof",
                "client got answer to question", "server lost null", "client eof", "client lost null");
    }

    @Test
    void closeDeliversTheBufferedDataThenEofThenConnectionLostOnBothEnds() {
        Log log = new Log();
        Peer server = new Peer("server", log);
        MemoryPipe pipe = MemoryPipe.open(new Peer("client", log), server);
        pipe.server().pauseReading();
        pipe.client().write(bytes("last words"));
        pipe.client().close();
        pipe.client().close(); // idempotent
        assertThat(pipe.client().isClosing()).isTrue();
        assertThat(pipe.client().isReading()).isFalse();
        sleep(30);
        assertThat(log.entries).containsExactly("server made", "client made"); // waiting for the reader
        pipe.server().resumeReading();
        log.waitFor("server lost null");
        assertThat(log.entries).containsExactly("server made", "client made", "server got last words",
                "client lost null", "server eof", "server lost null");
        assertThat(pipe.client().toString()).startsWith("<MemoryTransport client closed");
    }

    @Test
    void closeWithNothingBufferedIsLostInTheNextCallback() {
        Log log = new Log();
        MemoryPipe pipe = MemoryPipe.open(new Peer("client", log), new Peer("server", log));
        pipe.server().close();
        assertThat(log.entries).containsExactly("server made", "client made");
        log.waitFor("client lost null");
        assertThat(log.entries).containsExactly("server made", "client made", "server lost null", "client eof",
                "client lost null");
    }

    @Test
    void writesAfterTheConnectionIsLostAreDroppedQuietly() {
        Log log = new Log();
        MemoryPipe pipe = MemoryPipe.open(new Peer("client", log), new Peer("server", log));
        pipe.client().abort();
        log.waitFor("server lost SocketException: Connection reset by peer");
        for (int i = 0; i < 7; i++) {
            pipe.client().write(bytes("into the void")); // asyncio logs a warning from the 5th on
        }
        assertThat(pipe.client().getWriteBufferSize()).isZero();
    }

    @Test
    void abortDropsTheBufferAndResetsThePeer() {
        Log log = new Log();
        MemoryPipe pipe = MemoryPipe.open(new Peer("client", log), new Peer("server", log));
        pipe.server().pauseReading();
        pipe.client().write(bytes("never delivered"));
        pipe.client().abort();
        assertThat(pipe.client().getWriteBufferSize()).isZero();
        assertThat(pipe.client().isClosing()).isTrue();
        pipe.client().abort(); // idempotent
        log.waitFor("server lost SocketException: Connection reset by peer");
        assertThat(log.entries).containsExactly("server made", "client made", "client lost null",
                "server lost SocketException: Connection reset by peer");
    }

    @Test
    void resetOnDemandDropsWhatIsInFlightAndBothEndsSeeConnectionReset() {
        Log log = new Log();
        MemoryPipe pipe = MemoryPipe.open(new Peer("client", log), new Peer("server", log),
                MemoryLink.DEFAULT.withLatency(1));
        pipe.client().write(bytes("lost in flight"));
        pipe.server().write(bytes("this too"));
        sleep(0.5);
        pipe.reset();
        log.waitFor("server lost SocketException: Connection reset by peer");
        sleep(5);
        assertThat(log.entries).containsExactly("server made", "client made",
                "client lost SocketException: Connection reset by peer",
                "server lost SocketException: Connection reset by peer");
        assertThat(pipe.bytesToServer()).isZero();
    }

    @Test
    void resetAfterDeliversExactlyThatManyBytesThenResets() {
        Log log = new Log();
        Peer client = new Peer("client", log);
        MemoryPipe pipe = MemoryPipe.open(client, new Peer("server", log), MemoryLink.DEFAULT,
                MemoryLink.DEFAULT.withResetAfter(7).withMaxChunk(4));
        pipe.server().write(bytes("HTTP/1.1 200 OK"));
        log.waitFor("server lost SocketException: Connection reset by peer");
        assertThat(log.entries).containsExactly("server made", "client made", "client got HTTP", "client got /1.",
                "client lost SocketException: Connection reset by peer",
                "server lost SocketException: Connection reset by peer");
        assertThat(pipe.bytesToClient()).isEqualTo(7);
    }

    @Test
    void resetAfterExactlyWhatIsSentIsAnOrdinaryEnd() {
        Log log = new Log();
        MemoryPipe pipe = MemoryPipe.open(new Peer("client", log), new Peer("server", log), MemoryLink.DEFAULT,
                MemoryLink.DEFAULT.withResetAfter(5));
        pipe.server().write(bytes("hello"));
        pipe.server().close();
        log.waitFor("client lost null");
        assertThat(log.entries).containsExactly("server made", "client made", "client got hello", "server lost null",
                "client eof", "client lost null");
    }

    @Test
    void resetAfterCountsFromWhenTheLinkIsSet() {
        Log log = new Log();
        Peer server = new Peer("server", log);
        MemoryPipe pipe = MemoryPipe.open(new Peer("client", log), server);
        pipe.client().write(bytes("12345"));
        log.waitFor("server got 12345");
        pipe.setClientToServer(MemoryLink.DEFAULT.withResetAfter(2));
        pipe.client().write(bytes("abc"));
        log.waitFor("client lost SocketException: Connection reset by peer");
        assertThat(server.got).hasToString("12345ab");
    }

    @Test
    void writingToAPeerWhoseSocketClosedResetsTheWriter() {
        Log log = new Log();
        Peer server = new Peer("server", log);
        server.keepOpen = true; // half-closed: the server may still write after the client's EOF
        MemoryPipe pipe = MemoryPipe.open(new Peer("client", log), server);
        pipe.client().close();
        log.waitFor("server eof");
        assertThat(log.entries).contains("client lost null");
        pipe.server().write(bytes("too late"));
        log.waitFor("server lost SocketException: Connection reset by peer");
        assertThat(log.entries).containsExactly("server made", "client made", "client lost null", "server eof",
                "server lost SocketException: Connection reset by peer");
    }

    @Test
    void closingWithUnreadDataResetsThePeerAsTcpDoes() {
        Log log = new Log();
        MemoryPipe pipe = MemoryPipe.open(new Peer("client", log), new Peer("server", log));
        pipe.server().pauseReading();
        pipe.client().write(bytes("unread"));
        sleep(0);
        pipe.server().close();
        log.waitFor("client lost SocketException: Connection reset by peer");
        assertThat(log.entries).containsExactly("server made", "client made", "server lost null",
                "client lost SocketException: Connection reset by peer");
    }

    @Test
    void dataArrivingAtAClosingEndIsDroppedAndThenResetsItsWriter() {
        Log log = new Log();
        MemoryPipe pipe = MemoryPipe.open(new Peer("client", log), new Peer("server", log));
        pipe.client().pauseReading();
        pipe.server().pauseReading();
        pipe.client().write(bytes("to server"));
        pipe.server().write(bytes("to client"));
        // Both close with data pending for the other, which neither reads any more: no deadlock.
        pipe.client().close();
        pipe.server().close();
        log.waitFor("server lost null");
        log.waitFor("client lost null");
        assertThat(log.entries).containsExactly("server made", "client made", "client lost null", "server lost null");
    }

    // ---- protocols ----

    @Test
    void aBufferedProtocolGetsTheDataInItsOwnBuffer() {
        Log log = new Log();
        ByteBuffer mine = ByteBuffer.allocate(3);
        StringBuilder got = new StringBuilder();
        BufferedProtocol server = new BufferedProtocol() {
            @Override
            public ByteBuffer getBuffer(int sizeHint) {
                log.add("getBuffer " + sizeHint);
                return mine.clear();
            }

            @Override
            public void bufferUpdated(int nbytes) {
                got.append(new String(mine.array(), 0, nbytes, StandardCharsets.UTF_8));
                log.add("bufferUpdated " + nbytes + " " + got);
            }

            @Override
            public boolean eofReceived() {
                log.add("eof");
                return false;
            }
        };
        MemoryPipe pipe = MemoryPipe.open(new Peer("client", log), server);
        pipe.client().write(bytes("abcdefg"));
        pipe.client().writeEof();
        log.waitFor("eof");
        assertThat(log.entries).containsExactly("client made", "getBuffer 7", "bufferUpdated 3 abc", "getBuffer 4",
                "bufferUpdated 3 abcdef", "getBuffer 1", "bufferUpdated 1 abcdefg", "eof");
    }

    @Test
    void setProtocolSwitchesWhoReceives() {
        Log log = new Log();
        MemoryPipe pipe = MemoryPipe.open(new Peer("client", log), new Peer("server", log));
        Peer other = new Peer("other", log);
        pipe.server().setProtocol(other);
        assertThat(pipe.server().getProtocol()).isSameAs(other);
        pipe.client().write(bytes("hi"));
        log.waitFor("other got hi");
        assertThatThrownBy(() -> pipe.server().setProtocol(new BaseProtocol() {}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs a Protocol or a BufferedProtocol");
        assertThatThrownBy(() -> MemoryPipe.open(new Peer("client", log), new BaseProtocol() {}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aFailingDataReceivedIsReportedAndClosesThatEnd(ExceptionRecorder recorder) {
        Log log = new Log();
        Peer server = new Peer("server", log) {
            @Override
            public void dataReceived(ByteBuffer data) {
                throw new IllegalStateException("bad request");
            }
        };
        MemoryPipe pipe = MemoryPipe.open(new Peer("client", log), server);
        pipe.client().write(bytes("?"));
        log.waitFor("client lost null");
        assertThat(recorder.messages()).containsExactly("Fatal error: protocol.dataReceived() call failed.");
        assertThat(recorder.contexts().get(0).exception()).hasMessage("bad request");
        assertThat(log.entries).containsExactly("server made", "client made",
                "server lost IllegalStateException: bad request", "client eof", "client lost null");
    }

    @Test
    void anEmptyBufferFromGetBufferIsAFatalError(ExceptionRecorder recorder) {
        Log log = new Log();
        BufferedProtocol server = new BufferedProtocol() {
            @Override
            public ByteBuffer getBuffer(int sizeHint) {
                return ByteBuffer.allocate(0);
            }

            @Override
            public void bufferUpdated(int nbytes) {}

            @Override
            public void connectionLost(Throwable exc) {
                log.add("server lost " + exc.getMessage());
            }
        };
        MemoryPipe pipe = MemoryPipe.open(new Peer("client", log), server);
        pipe.client().write(bytes("x"));
        log.waitFor("server lost getBuffer() returned an empty buffer");
        assertThat(recorder.messages()).containsExactly("Fatal error: protocol.getBuffer() call failed.");
    }

    @Test
    void aReadOnlyBufferFromGetBufferIsAFatalError(ExceptionRecorder recorder) {
        Log log = new Log();
        BufferedProtocol server = new BufferedProtocol() {
            @Override
            public ByteBuffer getBuffer(int sizeHint) {
                return ByteBuffer.allocate(8).asReadOnlyBuffer();
            }

            @Override
            public void bufferUpdated(int nbytes) {}

            @Override
            public void connectionLost(Throwable exc) {
                log.add("server lost " + exc.getMessage());
            }
        };
        MemoryPipe pipe = MemoryPipe.open(new Peer("client", log), server);
        pipe.client().write(bytes("x"));
        log.waitFor("server lost getBuffer() returned a read-only buffer");
        assertThat(recorder.messages()).containsExactly("Fatal error: protocol.getBuffer() call failed.");
    }

    // ---- the link's knobs ----

    @Test
    void badKnobsSayWhichIsWrong() {
        assertThatThrownBy(() -> MemoryLink.DEFAULT.withMaxChunk(0)).hasMessage("maxChunk must be >= 1, got 0");
        assertThatThrownBy(() -> MemoryLink.DEFAULT.withLatency(-1))
                .hasMessage("latency must be finite and >= 0 seconds, got -1.0");
        assertThatThrownBy(() -> MemoryLink.DEFAULT.withLatency(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MemoryLink.DEFAULT.withBandwidth(0)).hasMessageStartingWith("bandwidth must be > 0");
        assertThatThrownBy(() -> MemoryLink.DEFAULT.withSocketBuffer(-1)).hasMessage("socketBuffer must be >= 0, got -1");
        assertThatThrownBy(() -> MemoryLink.DEFAULT.withResetAfter(-2))
                .hasMessage("resetAfter must be >= 0 bytes (or -1: never), got -2");
        assertThat(MemoryLink.DEFAULT).isEqualTo(new MemoryLink(256 * 1024, 0, Double.POSITIVE_INFINITY, 0, -1));
    }
}
