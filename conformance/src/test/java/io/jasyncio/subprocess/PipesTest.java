package io.jasyncio.subprocess;

import static io.jasyncio.Asyncio.*;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jasyncio.Future;
import io.jasyncio.net.BaseProtocol;
import io.jasyncio.net.BaseTransport;
import io.jasyncio.net.Connection;
import io.jasyncio.net.Protocol;
import io.jasyncio.net.StreamReader;
import io.jasyncio.net.StreamReaderProtocol;
import io.jasyncio.testing.AsyncioExtension;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** asyncio's connect_read_pipe / connect_write_pipe on blocking streams (the virtual clock waits for their threads). */
@ExtendWith(AsyncioExtension.class)
class PipesTest {

    /** Records the protocol's callbacks in order. */
    static final class Recorder implements Protocol {
        final List<String> events = new ArrayList<>();
        final ByteArrayOutputStream data = new ByteArrayOutputStream();
        final Future<Void> lost = getRunningLoop().createFuture();

        @Override
        public void connectionMade(BaseTransport transport) {
            events.add("made");
        }

        @Override
        public void dataReceived(ByteBuffer chunk) {
            if (events.isEmpty() || !events.getLast().equals("data")) {
                events.add("data");
            }
            byte[] b = new byte[chunk.remaining()];
            chunk.get(b);
            data.writeBytes(b);
        }

        @Override
        public boolean eofReceived() {
            events.add("eof");
            return false;
        }

        @Override
        public void connectionLost(Throwable exc) {
            events.add("lost " + exc);
            lost.setResult(null);
        }
    }

    @Test
    void aReadPipeDeliversEverythingThenEofThenLostAndClosesTheStream() {
        boolean[] closed = {false};
        InputStream in = new ByteArrayInputStream("hello, pipe".getBytes(UTF_8)) {
            @Override
            public void close() {
                closed[0] = true;
            }
        };
        Connection<Recorder> c = Pipes.connectReadPipe(Recorder::new, in);
        // connect_read_pipe returns once the protocol is connected, as asyncio's waiter.
        assertThat(c.protocol().events).containsExactly("made");
        c.protocol().lost.await();
        assertThat(c.protocol().events).containsExactly("made", "data", "eof", "lost null");
        assertThat(c.protocol().data.toString(UTF_8)).isEqualTo("hello, pipe");
        assertThat(closed[0]).isTrue();
        assertThatThrownBy(() -> c.transport().write(new byte[] {1}))
                .isInstanceOf(UnsupportedOperationException.class).hasMessage("a read pipe is read-only: connect a write pipe to write");
    }

    @Test
    void aStreamReaderReadsLinesFromAPipeAsPythonsStdinRecipe() {
        StreamReader reader = new StreamReader();
        Pipes.connectReadPipe(() -> new StreamReaderProtocol(reader), new ByteArrayInputStream("one\ntwo\n".getBytes(UTF_8)));
        List<String> lines = new ArrayList<>();
        for (byte[] line : reader) {
            lines.add(new String(line, UTF_8));
        }
        assertThat(lines).containsExactly("one\n", "two\n");
    }

    @Test
    void aWritePipeWritesInOrderAndCloseFlushesThenClosesTheStream() {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        boolean[] closed = {false};
        OutputStream out = new OutputStream() {
            @Override
            public void write(int b) {
                sink.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                sink.write(b, off, len);
            }

            @Override
            public void close() {
                closed[0] = true;
            }
        };
        Future<Throwable> lost = getRunningLoop().createFuture();
        Connection<BaseProtocol> c = Pipes.connectWritePipe(() -> new BaseProtocol() {
            @Override
            public void connectionLost(Throwable exc) {
                lost.setResult(exc);
            }
        }, out);
        c.transport().write("first ".getBytes(UTF_8));
        c.transport().write("second".getBytes(UTF_8));
        c.transport().close();
        assertThat(lost.await()).isNull();
        assertThat(sink.toString(UTF_8)).isEqualTo("first second");
        assertThat(closed[0]).isTrue();
        assertThat(c.transport().isReading()).isFalse();
        assertThatThrownBy(() -> c.transport().pauseReading())
                .isInstanceOf(UnsupportedOperationException.class).hasMessage("a write pipe is write-only: connect a read pipe to read");
    }

    @Test
    void aFailingWriteIsTheConnectionsLoss() {
        Future<Throwable> lost = getRunningLoop().createFuture();
        OutputStream broken = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("Broken pipe");
            }
        };
        Connection<BaseProtocol> c = Pipes.connectWritePipe(() -> new BaseProtocol() {
            @Override
            public void connectionLost(Throwable exc) {
                lost.setResult(exc);
            }
        }, broken);
        c.transport().write(new byte[] {1, 2, 3});
        assertThat(lost.await()).isInstanceOf(IOException.class).hasMessage("Broken pipe");
    }
}
