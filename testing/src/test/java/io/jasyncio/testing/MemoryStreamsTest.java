package io.jasyncio.testing;

import static io.jasyncio.Asyncio.createTask;
import static io.jasyncio.Asyncio.getRunningLoop;
import static io.jasyncio.Asyncio.sleep;
import static io.jasyncio.Asyncio.waitFor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.jasyncio.Task;
import io.jasyncio.TimeoutError;
import io.jasyncio.net.IncompleteReadError;
import io.jasyncio.net.StreamConnection;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Streams over memory: {@link MemoryStreams}, {@link MemoryNetwork#openConnection} and {@link MemoryNetwork#startServer}. */
@ExtendWith(AsyncioExtension.class)
class MemoryStreamsTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void linesArriveWholeThoughTheBytesCrossOneAtATime(VirtualClock clock) throws Exception {
        MemoryStreams s = MemoryStreams.open(MemoryLink.DEFAULT.withMaxChunk(1).withLatency(0.5));
        s.client().writer().write(bytes("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
        assertThat(text(s.server().reader().readline())).isEqualTo("GET / HTTP/1.1\r\n");
        assertThat(clock.time()).isEqualTo(0.5);
        assertThat(text(s.server().reader().readline())).isEqualTo("Host: x\r\n");
        assertThat(text(s.server().reader().readline())).isEqualTo("\r\n");
        assertThat(s.pipe().bytesToServer()).isEqualTo(27);
        assertThat(s.client().writer().getExtraInfo("peername")).isEqualTo(s.pipe().server().getExtraInfo("sockname"));
    }

    @Test
    void drainWaitsWhileTheReaderDoesNotReadAndReturnsWhenItDoes() throws Exception {
        // A small limit: the server's reader pauses its transport above 32 buffered bytes.
        MemoryStreams s = MemoryStreams.open(MemoryLink.DEFAULT, MemoryLink.DEFAULT, 16);
        s.client().writer().transport().setWriteBufferLimits(64, 16);
        Task<Double> producer = createTask(() -> {
            for (int i = 0; i < 10; i++) {
                s.client().writer().write(bytes(String.valueOf(i).repeat(50)));
                s.client().writer().drain();
            }
            return getRunningLoop().time();
        });
        sleep(5);
        assertThat(producer.done()).isFalse();
        assertThat(s.pipe().server().isReading()).isFalse(); // paused by the server's StreamReader
        assertThat(s.client().writer().transport().getWriteBufferSize()).isGreaterThan(64); // and bounded:
        assertThat(s.client().writer().transport().getWriteBufferSize()).isLessThanOrEqualTo(64 + 50);
        byte[] all = s.server().reader().readexactly(500);
        assertThat(producer.await()).isEqualTo(5.0);
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            expected.append(String.valueOf(i).repeat(50));
        }
        assertThat(text(all)).isEqualTo(expected.toString());
    }

    @Test
    void aResetMidResponseFailsTheReadAndTheWritersDrain() throws Exception {
        MemoryStreams s = MemoryStreams.open(MemoryLink.DEFAULT, MemoryLink.DEFAULT.withResetAfter(4),
                1024);
        s.server().writer().write(bytes("HTTP/1.1 200 OK\r\n"));
        Throwable e = catchThrowable(() -> s.client().reader().readexactly(17));
        assertThat(e).isInstanceOf(SocketException.class).hasMessage("Connection reset by peer");
        assertThatThrownBy(() -> s.server().writer().drain()).isInstanceOf(SocketException.class);
        assertThat(s.pipe().bytesToClient()).isEqualTo(4);
    }

    @Test
    void anEofBeforeTheWholeMessageIsAnIncompleteRead() throws Exception {
        MemoryStreams s = MemoryStreams.open();
        s.server().writer().write(bytes("abc"));
        s.server().writer().close();
        IncompleteReadError e = (IncompleteReadError) catchThrowable(() -> s.client().reader().readexactly(5));
        assertThat(text(e.partial())).isEqualTo("abc");
        s.server().writer().waitClosed();
        assertThat(s.client().reader().atEof()).isTrue();
    }

    @Test
    void aTimeoutFiresAtItsVirtualTimeWhenTheDataIsLate(VirtualClock clock) throws Exception {
        MemoryStreams s = MemoryStreams.open(MemoryLink.DEFAULT.withLatency(1));
        s.server().writer().write(bytes("late\n"));
        assertThatThrownBy(() -> waitFor(() -> s.client().reader().readline(), 0.5)).isInstanceOf(TimeoutError.class);
        assertThat(clock.time()).isEqualTo(0.5);
        assertThat(text(s.client().reader().readline())).isEqualTo("late\n"); // nothing lost
        assertThat(clock.time()).isEqualTo(1.0);
    }

    @Test
    void anEchoServerWithStartServerAndOpenConnection(VirtualClock clock) throws Exception {
        MemoryNetwork network = new MemoryNetwork(MemoryLink.DEFAULT.withLatency(0.01));
        List<String> served = new ArrayList<>();
        MemoryServer server = network.startServer((reader, writer) -> {
            for (byte[] line = reader.readline(); line.length > 0; line = reader.readline()) {
                served.add(text(line).strip() + " @" + getRunningLoop().time());
                writer.write(line);
                writer.drain();
            }
            writer.close();
        }, "127.0.0.1", 8888);
        StreamConnection c = network.openConnection("127.0.0.1", 8888);
        c.writer().write(bytes("one\n"));
        assertThat(text(c.reader().readline())).isEqualTo("one\n");
        assertThat(clock.time()).isEqualTo(0.02);
        c.writer().write(bytes("two\n"));
        c.writer().writeEof();
        assertThat(text(c.reader().readline())).isEqualTo("two\n");
        assertThat(c.reader().readline()).isEmpty(); // the server closed
        c.writer().close();
        c.writer().waitClosed();
        server.close();
        server.waitClosed();
        assertThat(served).containsExactly("one @0.01", "two @0.03");
        assertThat(catchThrowable(() -> network.startServer((r, w) -> {}, "127.0.0.1", 1, 0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("Limit cannot be <= 0, got 0");
    }
}
