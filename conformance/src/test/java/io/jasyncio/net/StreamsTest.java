package io.jasyncio.net;

import static io.jasyncio.Asyncio.*;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.jasyncio.CancelledError;
import io.jasyncio.EventLoop;
import io.jasyncio.Task;
import io.jasyncio.TimeoutError;
import io.jasyncio.testing.AsyncioExtension;
import io.jasyncio.testing.ExceptionRecorder;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * StreamReader, StreamReaderProtocol, FlowControlProtocol and StreamWriter without sockets, on
 * virtual time: CPython's test_asyncio/test_streams.py (the test each one ports is named in its
 * comment), then what jasyncio adds (lossless cancellation, flow control against a recording
 * transport). Over real sockets: {@link StreamsTestLoopbackTest} and {@link StreamsTestCPythonTest}.
 */
@ExtendWith(AsyncioExtension.class)
class StreamsTest {

    static final byte[] DATA = b("line1\nline2\nline3\n");

    static byte[] b(String s) {
        return s.getBytes(US_ASCII);
    }

    static String s(byte[] bytes) {
        return new String(bytes, US_ASCII);
    }

    /** A transport that records what a reader or writer asks of it. */
    static final class RecordingTransport implements Transport {
        final List<String> log = new ArrayList<>();
        final ByteArrayOutputStream written = new ByteArrayOutputStream();
        boolean reading = true;
        boolean closing;
        boolean canPause = true;
        BaseProtocol protocol;

        @Override
        public boolean isReading() {
            return reading;
        }

        @Override
        public void pauseReading() {
            if (!canPause) {
                throw new UnsupportedOperationException("cannot pause");
            }
            log.add("pause");
            reading = false;
        }

        @Override
        public void resumeReading() {
            log.add("resume");
            reading = true;
        }

        @Override
        public void write(ByteBuffer data) {
            byte[] copy = new byte[data.remaining()];
            data.get(copy);
            written.writeBytes(copy);
        }

        @Override
        public void writeEof() {
            log.add("writeEof");
        }

        @Override
        public boolean canWriteEof() {
            return true;
        }

        @Override
        public int getWriteBufferSize() {
            return 0;
        }

        @Override
        public int getWriteBufferLimitLow() {
            return 0;
        }

        @Override
        public int getWriteBufferLimitHigh() {
            return 0;
        }

        @Override
        public void setWriteBufferLimits(int high, int low) {}

        @Override
        public void abort() {
            log.add("abort");
            closing = true;
        }

        @Override
        public Object getExtraInfo(String name) {
            return name.equals("peername") ? "peer" : null;
        }

        @Override
        public boolean isClosing() {
            return closing;
        }

        @Override
        public void close() {
            log.add("close");
            closing = true;
        }

        @Override
        public void setProtocol(BaseProtocol protocol) {
            this.protocol = protocol;
        }

        @Override
        public BaseProtocol getProtocol() {
            return protocol;
        }

        @Override
        public String toString() {
            return "<Transport>";
        }
    }

    // ---- CPython's StreamTests, StreamReader part ----

    @Test
    void feedEmptyData() { // test_feed_empty_data
        StreamReader stream = new StreamReader();
        stream.feedData(b(""));
        assertThat(stream.bufferCopy()).isEmpty();
    }

    @Test
    void feedNonemptyData() { // test_feed_nonempty_data
        StreamReader stream = new StreamReader();
        stream.feedData(DATA);
        assertThat(stream.bufferCopy()).isEqualTo(DATA);
    }

    @Test
    void readZero() throws IOException { // test_read_zero
        StreamReader stream = new StreamReader();
        stream.feedData(DATA);
        assertThat(stream.read(0)).isEmpty();
        assertThat(stream.bufferCopy()).isEqualTo(DATA);
    }

    @Test
    void read() throws IOException { // test_read
        StreamReader stream = new StreamReader();
        Task<byte[]> readTask = createTask(() -> stream.read(30));
        getRunningLoop().callSoon(() -> stream.feedData(DATA));
        assertThat(readTask.await()).isEqualTo(DATA);
        assertThat(stream.bufferCopy()).isEmpty();
    }

    @Test
    void readLineBreaks() throws IOException { // test_read_line_breaks
        StreamReader stream = new StreamReader();
        stream.feedData(b("line1"));
        stream.feedData(b("line2"));
        assertThat(s(stream.read(5))).isEqualTo("line1");
        assertThat(s(stream.bufferCopy())).isEqualTo("line2");
    }

    @Test
    void readEof() { // test_read_eof
        StreamReader stream = new StreamReader();
        Task<byte[]> readTask = createTask(() -> stream.read(1024));
        getRunningLoop().callSoon(stream::feedEof);
        assertThat(readTask.await()).isEmpty();
        assertThat(stream.bufferCopy()).isEmpty();
    }

    @Test
    void readUntilEof() { // test_read_until_eof
        StreamReader stream = new StreamReader();
        Task<byte[]> readTask = createTask(() -> stream.read(-1));
        getRunningLoop().callSoon(() -> {
            stream.feedData(b("chunk1\n"));
            stream.feedData(b("chunk2"));
            stream.feedEof();
        });
        assertThat(s(readTask.await())).isEqualTo("chunk1\nchunk2");
        assertThat(stream.bufferCopy()).isEmpty();
    }

    @Test
    void readException() throws IOException { // test_read_exception
        StreamReader stream = new StreamReader();
        stream.feedData(b("line\n"));
        assertThat(s(stream.read(2))).isEqualTo("li");
        IllegalArgumentException exc = new IllegalArgumentException();
        stream.setException(exc);
        assertThat(catchThrowable(() -> stream.read(2))).isSameAs(exc);
    }

    @Test
    void invalidLimit() { // test_invalid_limit
        assertThatThrownBy(() -> new StreamReader(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("imit");
        assertThatThrownBy(() -> new StreamReader(-1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("imit");
    }

    @Test
    void readLimit() throws IOException { // test_read_limit
        StreamReader stream = new StreamReader(3);
        stream.feedData(b("chunk"));
        assertThat(s(stream.read(5))).isEqualTo("chunk");
        assertThat(stream.bufferCopy()).isEmpty();
    }

    @Test
    void readline() { // test_readline
        StreamReader stream = new StreamReader();
        stream.feedData(b("chunk1 "));
        Task<byte[]> readTask = createTask(stream::readline);
        getRunningLoop().callSoon(() -> {
            stream.feedData(b("chunk2 "));
            stream.feedData(b("chunk3 "));
            stream.feedData(b("\n chunk4"));
        });
        assertThat(s(readTask.await())).isEqualTo("chunk1 chunk2 chunk3 \n");
        assertThat(s(stream.bufferCopy())).isEqualTo(" chunk4");
    }

    @Test
    void readlineLimitWithExistingData() { // test_readline_limit_with_existing_data
        StreamReader stream = new StreamReader(3);
        stream.feedData(b("li"));
        stream.feedData(b("ne1\nline2\n"));
        assertThatThrownBy(stream::readline).isInstanceOf(LimitOverrunError.class); // asyncio: ValueError
        assertThat(s(stream.bufferCopy())).isEqualTo("line2\n"); // the rest stays

        StreamReader stream2 = new StreamReader(3);
        stream2.feedData(b("li"));
        stream2.feedData(b("ne1"));
        stream2.feedData(b("li"));
        assertThatThrownBy(stream2::readline).isInstanceOf(LimitOverrunError.class);
        // No newline, and more than the limit: the whole buffer is dropped.
        assertThat(stream2.bufferCopy()).isEmpty();
    }

    @Test
    void atEof() throws IOException { // test_at_eof
        StreamReader stream = new StreamReader();
        assertThat(stream.atEof()).isFalse();
        stream.feedData(b("some data\n"));
        assertThat(stream.atEof()).isFalse();
        stream.readline();
        assertThat(stream.atEof()).isFalse();
        stream.feedData(b("some data\n"));
        stream.feedEof();
        stream.readline();
        assertThat(stream.atEof()).isTrue();
    }

    @Test
    void readlineLimit() throws IOException { // test_readline_limit
        StreamReader stream = new StreamReader(7);
        getRunningLoop().callSoon(() -> {
            stream.feedData(b("chunk1"));
            stream.feedData(b("chunk2"));
            stream.feedData(b("chunk3\n"));
            stream.feedEof();
        });
        assertThatThrownBy(stream::readline).isInstanceOf(LimitOverrunError.class);
        assertThat(stream.bufferCopy()).isEmpty(); // one line, dropped

        StreamReader stream2 = new StreamReader(7);
        getRunningLoop().callSoon(() -> {
            stream2.feedData(b("chunk1"));
            stream2.feedData(b("chunk2\n"));
            stream2.feedData(b("chunk3\n"));
            stream2.feedEof();
        });
        assertThatThrownBy(stream2::readline).isInstanceOf(LimitOverrunError.class);
        assertThat(s(stream2.bufferCopy())).isEqualTo("chunk3\n");

        // the limit is strict
        StreamReader stream3 = new StreamReader(7);
        stream3.feedData(b("1234567\n"));
        assertThat(s(stream3.readline())).isEqualTo("1234567\n");
        assertThat(stream3.bufferCopy()).isEmpty();

        stream3.feedData(b("12345678\n"));
        assertThatThrownBy(stream3::readline).isInstanceOf(LimitOverrunError.class);
        assertThat(stream3.bufferCopy()).isEmpty();

        stream3.feedData(b("12345678"));
        assertThatThrownBy(stream3::readline).isInstanceOf(LimitOverrunError.class);
        assertThat(stream3.bufferCopy()).isEmpty();
    }

    @Test
    void readlineNolimitNowait() throws IOException { // test_readline_nolimit_nowait
        StreamReader stream = new StreamReader();
        stream.feedData(Arrays.copyOfRange(DATA, 0, 6));
        stream.feedData(Arrays.copyOfRange(DATA, 6, DATA.length));
        assertThat(s(stream.readline())).isEqualTo("line1\n");
        assertThat(s(stream.bufferCopy())).isEqualTo("line2\nline3\n");
    }

    @Test
    void readlineEof() throws IOException { // test_readline_eof
        StreamReader stream = new StreamReader();
        stream.feedData(b("some data"));
        stream.feedEof();
        assertThat(s(stream.readline())).isEqualTo("some data");
    }

    @Test
    void readlineEmptyEof() throws IOException { // test_readline_empty_eof
        StreamReader stream = new StreamReader();
        stream.feedEof();
        assertThat(stream.readline()).isEmpty();
    }

    @Test
    void readlineReadByteCount() throws IOException { // test_readline_read_byte_count
        StreamReader stream = new StreamReader();
        stream.feedData(DATA);
        stream.readline();
        assertThat(s(stream.read(7))).isEqualTo("line2\nl");
        assertThat(s(stream.bufferCopy())).isEqualTo("ine3\n");
    }

    @Test
    void readlineException() throws IOException { // test_readline_exception
        StreamReader stream = new StreamReader();
        stream.feedData(b("line\n"));
        assertThat(s(stream.readline())).isEqualTo("line\n");
        IllegalArgumentException exc = new IllegalArgumentException();
        stream.setException(exc);
        assertThat(catchThrowable(stream::readline)).isSameAs(exc);
        assertThat(stream.bufferCopy()).isEmpty();
    }

    @Test
    void readuntilSeparator() { // test_readuntil_separator
        StreamReader stream = new StreamReader();
        assertThatThrownBy(() -> stream.readuntil(b(""))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Separator should be");
        assertThatThrownBy(() -> stream.readuntil(new byte[][] {b("")})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Separator should be");
        assertThatThrownBy(() -> stream.readuntil(new byte[0][])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Separator should contain");
    }

    @Test
    void readuntilMultiChunks() throws IOException { // test_readuntil_multi_chunks
        StreamReader stream = new StreamReader();
        stream.feedData(b("lineAAA"));
        assertThat(s(stream.readuntil(b("AAA")))).isEqualTo("lineAAA");
        assertThat(stream.bufferCopy()).isEmpty();

        stream.feedData(b("lineAAA"));
        assertThat(s(stream.readuntil(b("AAA")))).isEqualTo("lineAAA");
        assertThat(stream.bufferCopy()).isEmpty();

        stream.feedData(b("lineAAAxxx"));
        assertThat(s(stream.readuntil(b("AAA")))).isEqualTo("lineAAA");
        assertThat(s(stream.bufferCopy())).isEqualTo("xxx");
    }

    @Test
    void readuntilMultiChunks1() throws IOException { // test_readuntil_multi_chunks_1
        StreamReader stream = new StreamReader();
        stream.feedData(b("QWEaa"));
        stream.feedData(b("XYaa"));
        stream.feedData(b("a"));
        assertThat(s(stream.readuntil(b("aaa")))).isEqualTo("QWEaaXYaaa");
        assertThat(stream.bufferCopy()).isEmpty();

        stream.feedData(b("QWEaa"));
        stream.feedData(b("XYa"));
        stream.feedData(b("aa"));
        assertThat(s(stream.readuntil(b("aaa")))).isEqualTo("QWEaaXYaaa");
        assertThat(stream.bufferCopy()).isEmpty();

        stream.feedData(b("aaa"));
        assertThat(s(stream.readuntil(b("aaa")))).isEqualTo("aaa");
        assertThat(stream.bufferCopy()).isEmpty();

        stream.feedData(b("Xaaa"));
        assertThat(s(stream.readuntil(b("aaa")))).isEqualTo("Xaaa");
        assertThat(stream.bufferCopy()).isEmpty();

        stream.feedData(b("XXX"));
        stream.feedData(b("a"));
        stream.feedData(b("a"));
        stream.feedData(b("a"));
        assertThat(s(stream.readuntil(b("aaa")))).isEqualTo("XXXaaa");
        assertThat(stream.bufferCopy()).isEmpty();
    }

    @Test
    void readuntilEof() { // test_readuntil_eof
        StreamReader stream = new StreamReader();
        byte[] data = b("some dataAA");
        stream.feedData(data);
        stream.feedEof();
        Throwable e = catchThrowable(() -> stream.readuntil(b("AAA")));
        assertThat(e).isInstanceOf(IncompleteReadError.class).hasMessageContaining("undefined expected bytes");
        assertThat(((IncompleteReadError) e).partial()).isEqualTo(data);
        assertThat(((IncompleteReadError) e).expected()).isNull();
        assertThat(stream.bufferCopy()).isEmpty();
    }

    @Test
    void readuntilLimitFoundSep() { // test_readuntil_limit_found_sep
        StreamReader stream = new StreamReader(3);
        stream.feedData(b("some dataAA"));
        assertThatThrownBy(() -> stream.readuntil(b("AAA"))).isInstanceOf(LimitOverrunError.class)
                .hasMessageContaining("not found");
        assertThat(s(stream.bufferCopy())).isEqualTo("some dataAA");

        stream.feedData(b("A"));
        Throwable e = catchThrowable(() -> stream.readuntil(b("AAA")));
        assertThat(e).isInstanceOf(LimitOverrunError.class).hasMessageContaining("is found");
        assertThat(((LimitOverrunError) e).consumed()).isEqualTo(9);
        assertThat(s(stream.bufferCopy())).isEqualTo("some dataAAA");
    }

    @Test
    void readuntilMultiSeparator() throws IOException { // test_readuntil_multi_separator
        StreamReader stream = new StreamReader();
        stream.feedData(b("line 1\nline 2\r"));
        assertThat(s(stream.readuntil(b("\r"), b("\n")))).isEqualTo("line 1\n");
        assertThat(s(stream.readuntil(b("\r"), b("\n")))).isEqualTo("line 2\r");
        assertThat(stream.bufferCopy()).isEmpty();

        // the first end position wins, even if it is the longer separator
        stream.feedData(b("ABCDEFG"));
        assertThat(s(stream.readuntil(b("DEF"), b("BCDE")))).isEqualTo("ABCDE");
        assertThat(s(stream.bufferCopy())).isEqualTo("FG");
    }

    @Test
    void readuntilMultiSeparatorLimit() { // test_readuntil_multi_separator_limit
        StreamReader stream = new StreamReader(3);
        stream.feedData(b("some dataA"));
        assertThatThrownBy(() -> stream.readuntil(b("A"), b("ome dataA"))).isInstanceOf(LimitOverrunError.class)
                .hasMessageContaining("is found");
        assertThat(s(stream.bufferCopy())).isEqualTo("some dataA");
    }

    @Test
    void readuntilMultiSeparatorNegativeOffset() { // test_readuntil_multi_separator_negative_offset
        StreamReader stream = new StreamReader();
        stream.feedData(b("data"));
        Task<byte[]> readuntilTask = createTask(() -> stream.readuntil(b("A"), b("long sep")));
        getRunningLoop().callSoon(() -> stream.feedData(b("Z")));
        getRunningLoop().callSoon(() -> stream.feedData(b("Aaaa")));
        assertThat(s(readuntilTask.await())).isEqualTo("dataZA");
        assertThat(s(stream.bufferCopy())).isEqualTo("aaa");
    }

    @Test
    void readexactlyZeroOrLess() throws IOException { // test_readexactly_zero_or_less
        StreamReader stream = new StreamReader();
        stream.feedData(DATA);
        assertThat(stream.readexactly(0)).isEmpty();
        assertThat(stream.bufferCopy()).isEqualTo(DATA);
        assertThatThrownBy(() -> stream.readexactly(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("less than zero");
        assertThat(stream.bufferCopy()).isEqualTo(DATA);
    }

    @Test
    void readexactly() { // test_readexactly
        StreamReader stream = new StreamReader();
        int n = 2 * DATA.length;
        Task<byte[]> readTask = createTask(() -> stream.readexactly(n));
        getRunningLoop().callSoon(() -> {
            stream.feedData(DATA);
            stream.feedData(DATA);
            stream.feedData(DATA);
        });
        assertThat(s(readTask.await())).isEqualTo(s(DATA) + s(DATA));
        assertThat(stream.bufferCopy()).isEqualTo(DATA);
    }

    @Test
    void readexactlyLimit() throws IOException { // test_readexactly_limit
        StreamReader stream = new StreamReader(3);
        stream.feedData(b("chunk"));
        assertThat(s(stream.readexactly(5))).isEqualTo("chunk");
        assertThat(stream.bufferCopy()).isEmpty();
    }

    @Test
    void readexactlyEof() { // test_readexactly_eof
        StreamReader stream = new StreamReader();
        int n = 2 * DATA.length;
        Task<byte[]> readTask = createTask(() -> stream.readexactly(n));
        getRunningLoop().callSoon(() -> {
            stream.feedData(DATA);
            stream.feedEof();
        });
        Throwable e = catchThrowable(readTask::await);
        assertThat(e).isInstanceOf(IncompleteReadError.class).hasMessage("18 bytes read on a total of 36 expected bytes");
        assertThat(((IncompleteReadError) e).partial()).isEqualTo(DATA);
        assertThat(((IncompleteReadError) e).expected()).isEqualTo(n);
        assertThat(stream.bufferCopy()).isEmpty();
    }

    @Test
    void readexactlyException() throws IOException { // test_readexactly_exception
        StreamReader stream = new StreamReader();
        stream.feedData(b("line\n"));
        assertThat(s(stream.readexactly(2))).isEqualTo("li");
        IllegalArgumentException exc = new IllegalArgumentException();
        stream.setException(exc);
        assertThat(catchThrowable(() -> stream.readexactly(2))).isSameAs(exc);
    }

    @Test
    void exception() { // test_exception
        StreamReader stream = new StreamReader();
        assertThat(stream.exception()).isNull();
        IllegalArgumentException exc = new IllegalArgumentException();
        stream.setException(exc);
        assertThat(stream.exception()).isSameAs(exc);
    }

    @Test
    void exceptionWaiter() { // test_exception_waiter
        StreamReader stream = new StreamReader();
        Task<byte[]> t1 = createTask(stream::readline);
        IllegalArgumentException exc = new IllegalArgumentException();
        Task<Void> t2 = createTask(() -> stream.setException(exc));
        t2.await();
        assertThat(catchThrowable(t1::await)).isSameAs(exc);
    }

    @Test
    void exceptionCancel() { // test_exception_cancel
        StreamReader stream = new StreamReader();
        Task<byte[]> t = createTask(stream::readline);
        sleep(0);
        t.cancel();
        sleep(0);
        // fails if setException() is not careful with the cancelled waiter
        stream.setException(new IllegalStateException("message"));
        sleep(0);
        assertThat(stream.toString()).doesNotContain("waiter");
        assertThat(t.cancelled()).isTrue();
    }

    @Test
    void streamreaderConstructorWithoutLoop() { // test_streamreader_constructor_without_loop
        Throwable e = catchThrowable(() -> toThread(() -> {
            new StreamReader();
        }));
        assertThat(e).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void streamreaderConstructorUseRunningLoop(EventLoop loop) { // test_streamreader_constructor_use_running_loop
        StreamReaderProtocol protocol = new StreamReaderProtocol(new StreamReader());
        assertThat(protocol.getLoop()).isSameAs(loop);
    }

    @Test
    void multipleDrain() { // test_multiple_drain
        int[] drained = {0};
        StreamReaderProtocol stream = new StreamReaderProtocol(null);
        stream.pauseWriting();
        getRunningLoop().callLater(0.1, stream::resumeWriting);
        List<Task<Void>> drainers = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            drainers.add(createTask(() -> {
                stream.drainHelper();
                drained[0]++;
            }));
        }
        gatherAll(false, drainers);
        assertThat(drained[0]).isEqualTo(10);
    }

    @Test
    void reprs() { // test___repr__, _nondefault_limit, _eof, _data, _exception, _waiter, _transport
        assertThat(new StreamReader()).hasToString("<StreamReader>");
        assertThat(new StreamReader(123)).hasToString("<StreamReader limit=123>");
        StreamReader eof = new StreamReader();
        eof.feedEof();
        assertThat(eof).hasToString("<StreamReader eof>");
        StreamReader data = new StreamReader();
        data.feedData(b("data"));
        assertThat(data).hasToString("<StreamReader 4 bytes>");
        StreamReader exc = new StreamReader();
        exc.setException(new IllegalStateException());
        assertThat(exc).hasToString("<StreamReader exception=java.lang.IllegalStateException>");
        StreamReader waiting = new StreamReader();
        Task<byte[]> t = createTask(waiting::readline);
        sleep(0);
        assertThat(waiting.toString()).matches("<StreamReader waiter=<Future pending.*>>");
        waiting.feedEof();
        t.await();
        assertThat(waiting).hasToString("<StreamReader eof>");
        StreamReader withTransport = new StreamReader();
        withTransport.setTransport(new RecordingTransport());
        assertThat(withTransport).hasToString("<StreamReader transport=<Transport>>");
    }

    @Test
    void exceptionsSerializeWithTheirFields() throws Exception { // test_IncompleteReadError_pickleable, test_LimitOverrunError_pickleable
        IncompleteReadError e = roundTrip(new IncompleteReadError(b("abc"), 10));
        assertThat(e).hasMessage("3 bytes read on a total of 10 expected bytes");
        assertThat(e.partial()).isEqualTo(b("abc"));
        assertThat(e.expected()).isEqualTo(10);
        LimitOverrunError l = roundTrip(new LimitOverrunError("message", 10));
        assertThat(l).hasMessage("message");
        assertThat(l.consumed()).isEqualTo(10);
    }

    @SuppressWarnings("unchecked")
    private static <T> T roundTrip(T object) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(object);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (T) in.readObject();
        }
    }

    // ---- one waiter, iteration ----

    @Test
    void aSecondReadThatWouldWaitIsRefusedAndOneThatNeedNotWaitIsServed() throws IOException {
        StreamReader stream = new StreamReader();
        stream.feedData(b("x"));
        Task<byte[]> line = createTask(stream::readline);
        sleep(0);
        assertThat(s(stream.read(1))).isEqualTo("x"); // asyncio too: the buffer had a byte
        assertThatThrownBy(() -> stream.readexactly(5)).isInstanceOf(IllegalStateException.class)
                .hasMessage("readexactly() called while another coroutine is already waiting for incoming data");
        stream.feedData(b("yz\n"));
        assertThat(s(line.await())).isEqualTo("yz\n");
    }

    @Test
    void forEachIteratesOverLinesUntilTheEnd() {
        StreamReader stream = new StreamReader();
        getRunningLoop().callSoon(() -> {
            stream.feedData(b("a\nbb\nc"));
            stream.feedData(b("cc\nlast"));
            stream.feedEof();
        });
        List<String> lines = new ArrayList<>();
        for (byte[] line : stream) {
            lines.add(s(line));
        }
        assertThat(lines).containsExactly("a\n", "bb\n", "ccc\n", "last");
    }

    @Test
    void iterationThrowsTheConnectionsExceptionItself() {
        StreamReader stream = new StreamReader();
        SocketException reset = new SocketException("Connection reset");
        stream.feedData(b("one\n"));
        getRunningLoop().callSoon(() -> stream.setException(reset));
        List<String> lines = new ArrayList<>();
        Throwable e = catchThrowable(() -> {
            for (byte[] line : stream) {
                lines.add(s(line));
            }
        });
        assertThat(e).isSameAs(reset);
        assertThat(lines).containsExactly("one\n");
    }

    // ---- cancellation loses no bytes (asyncio 3.13 checked: readexactly, readuntil keep the buffer) ----

    @Test
    void aCancelledReadexactlyLeavesWhatArrivedForTheNextRead() throws IOException {
        StreamReader stream = new StreamReader();
        stream.feedData(b("abcde"));
        Throwable e = catchThrowable(() -> timeout(1, () -> stream.readexactly(10)));
        assertThat(e).isInstanceOf(TimeoutError.class);
        assertThat(s(stream.bufferCopy())).isEqualTo("abcde");
        stream.feedData(b("fghij"));
        assertThat(s(stream.readexactly(10))).isEqualTo("abcdefghij");
    }

    @Test
    void aCancelledReaduntilLeavesWhatArrivedAndScansAgain() throws IOException {
        StreamReader stream = new StreamReader();
        Task<byte[]> t = createTask(() -> stream.readuntil(b("\r\n")));
        stream.feedData(b("abc\r"));
        sleep(0);
        t.cancel();
        assertThat(catchThrowable(t::await)).isInstanceOf(CancelledError.class);
        stream.feedData(b("\nrest"));
        assertThat(s(stream.readuntil(b("\r\n")))).isEqualTo("abc\r\n");
        assertThat(s(stream.bufferCopy())).isEqualTo("rest");
    }

    @Test
    void aCancelledReadToTheEndPutsBackWhatItHadCollected() throws IOException {
        // asyncio 3.13 loses these bytes (read() keeps its blocks in a local list); jasyncio does not.
        StreamReader stream = new StreamReader(4);
        stream.feedData(b("abcdefghij"));
        Task<byte[]> t = createTask(() -> stream.read());
        sleep(0);
        stream.feedData(b("klm"));
        sleep(0);
        t.cancel();
        assertThat(catchThrowable(t::await)).isInstanceOf(CancelledError.class);
        assertThat(s(stream.bufferCopy())).isEqualTo("abcdefghijklm");
        stream.feedData(b("n"));
        stream.feedEof();
        assertThat(s(stream.read())).isEqualTo("abcdefghijklmn");
    }

    @Test
    void aReadWokenThenCancelledBeforeItRunsTakesNothing() throws IOException {
        StreamReader stream = new StreamReader();
        Task<byte[]> t = createTask(() -> stream.read(100));
        sleep(0);
        stream.feedData(b("abc")); // wakes t
        t.cancel();                // before t runs
        assertThat(catchThrowable(t::await)).isInstanceOf(CancelledError.class);
        assertThat(s(stream.read(100))).isEqualTo("abc");
    }

    @Test
    void aWaiterFailedThenCancelledIsNotReportedAsNeverRetrieved() {
        // The extension fails the test if the loop reports anything, up to its close.
        StreamReader stream = new StreamReader();
        Task<byte[]> t = createTask(stream::readline);
        sleep(0);
        SocketException reset = new SocketException("Connection reset");
        stream.setException(reset); // fails the waiter
        t.cancel();                 // before t runs
        assertThat(catchThrowable(t::await)).isInstanceOf(CancelledError.class);
        assertThat(catchThrowable(stream::readline)).isSameAs(reset);
    }

    // ---- flow control ----

    @Test
    void theTransportIsPausedOverTwiceTheLimitAndResumedAtTheLimit() throws IOException {
        RecordingTransport transport = new RecordingTransport();
        StreamReader stream = new StreamReader(10);
        stream.setTransport(transport);
        stream.feedData(new byte[20]);
        assertThat(transport.log).isEmpty(); // 20 is not over 2 * limit
        stream.feedData(new byte[1]);
        assertThat(transport.log).containsExactly("pause");
        assertThat(stream.isPaused()).isTrue();
        stream.feedData(new byte[5]); // paused already: nothing more
        stream.read(15);              // 11 left: over the limit
        assertThat(transport.log).containsExactly("pause");
        stream.read(1);               // 10 left: at the limit
        assertThat(transport.log).containsExactly("pause", "resume");
        assertThat(stream).hasToString("<StreamReader 10 bytes limit=10 transport=<Transport>>");
    }

    @Test
    void aReadThatMustWaitResumesAPausedTransport() {
        // asyncio's _wait_for_data: readexactly(n) with n > 2 * limit would otherwise deadlock.
        RecordingTransport transport = new RecordingTransport();
        StreamReader stream = new StreamReader(4);
        stream.setTransport(transport);
        Task<byte[]> t = createTask(() -> stream.readexactly(30));
        sleep(0);
        for (int i = 0; i < 3; i++) {
            stream.feedData(new byte[9]); // each over 8: pause, then the waiting read resumes
            sleep(0);
        }
        stream.feedData(new byte[3]); // 30 bytes: paused again, until the read takes them
        assertThat(t.await()).hasSize(30);
        assertThat(transport.log).containsExactly("pause", "resume", "pause", "resume", "pause", "resume", "pause", "resume");
    }

    @Test
    void aTransportThatCannotPauseIsForgottenAndEverythingBuffered() throws IOException {
        RecordingTransport transport = new RecordingTransport();
        transport.canPause = false;
        StreamReader stream = new StreamReader(1);
        stream.setTransport(transport);
        stream.feedData(new byte[3]);
        stream.feedData(new byte[3]);
        assertThat(stream.buffered()).isEqualTo(6);
        assertThat(stream).hasToString("<StreamReader 6 bytes limit=1>");
        assertThat(stream.read(6)).hasSize(6);
    }

    @Test
    void setTransportTwiceIsRefused() {
        StreamReader stream = new StreamReader();
        stream.setTransport(new RecordingTransport());
        assertThatThrownBy(() -> stream.setTransport(new RecordingTransport())).isInstanceOf(IllegalStateException.class)
                .hasMessage("Transport already set");
    }

    @Test
    void feedDataAfterEofIsRefused() {
        StreamReader stream = new StreamReader();
        stream.feedEof();
        assertThatThrownBy(() -> stream.feedData(b("x"))).isInstanceOf(IllegalStateException.class)
                .hasMessage("feedData after feedEof");
    }

    // ---- the buffer ----

    @Test
    void aReturnedArrayIsNeverWrittenAgain() throws IOException {
        StreamReader stream = new StreamReader();
        stream.feedData(b("abc"));
        byte[] whole = stream.read(10); // the buffer's own array, handed out
        stream.feedData(b("xyz"));
        stream.feedData(b("123"));
        assertThat(s(whole)).isEqualTo("abc");
        assertThat(s(stream.read(10))).isEqualTo("xyz123");
    }

    @Test
    void feedDataByteBufferConsumesItsRemainingBytes() throws IOException {
        StreamReader stream = new StreamReader();
        ByteBuffer data = ByteBuffer.wrap(b("--payload--"));
        data.position(2).limit(9);
        stream.feedData(data.asReadOnlyBuffer());
        stream.feedData(data);
        assertThat(data.hasRemaining()).isFalse();
        assertThat(s(stream.read(100))).isEqualTo("payloadpayload");
    }

    @Test
    void randomFeedsAndReadsMatchAPlainByteModel() throws IOException {
        // Growth, compaction and hand-out against a model: every byte comes out once, in order.
        Random random = new Random(7);
        StreamReader stream = new StreamReader(1 << 20);
        byte[] model = new byte[1 << 16];
        int fed = 0;
        int consumed = 0;
        for (int step = 0; step < 5000; step++) {
            int size = fed - consumed;
            if (random.nextInt(3) > 0 || size == 0) {
                byte[] chunk = new byte[1 + random.nextInt(random.nextBoolean() ? 8 : 3000)];
                for (int i = 0; i < chunk.length; i++) {
                    int at = fed + i;
                    chunk[i] = (byte) (at % 251 == 0 ? '\n' : 'a' + at % 26);
                }
                stream.feedData(chunk);
                if (fed + chunk.length > model.length) {
                    model = Arrays.copyOf(model, 2 * (fed + chunk.length));
                }
                System.arraycopy(chunk, 0, model, fed, chunk.length);
                fed += chunk.length;
            } else {
                byte[] got;
                switch (random.nextInt(3)) {
                    case 0 -> got = stream.read(1 + random.nextInt(4000));
                    case 1 -> got = stream.readexactly(1 + random.nextInt(size));
                    default -> {
                        if (indexOf(model, (byte) '\n', consumed, fed) < 0) {
                            continue;
                        }
                        got = stream.readline();
                    }
                }
                assertThat(got).isEqualTo(Arrays.copyOfRange(model, consumed, consumed + got.length));
                consumed += got.length;
            }
            assertThat(stream.buffered()).isEqualTo(fed - consumed);
        }
        assertThat(stream.bufferCopy()).isEqualTo(Arrays.copyOfRange(model, consumed, fed));
    }

    private static int indexOf(byte[] a, byte b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (a[i] == b) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void oneByteAtATimeStillMakesLines() throws IOException {
        StreamReader stream = new StreamReader(8);
        Task<byte[]> t = createTask(() -> stream.readuntil(b("\r\n")));
        for (byte c : b("GET /\r\n")) {
            stream.feedData(new byte[] {c});
            sleep(0);
        }
        assertThat(s(t.await())).isEqualTo("GET /\r\n");
    }

    // ---- StreamReaderProtocol and StreamWriter on a recording transport ----

    @Test
    void theProtocolFeedsTheReaderAndKeepsAHalfClosedConnectionOpen() throws IOException {
        StreamReader reader = new StreamReader();
        StreamReaderProtocol protocol = new StreamReaderProtocol(reader);
        RecordingTransport transport = new RecordingTransport();
        protocol.connectionMade(transport);
        protocol.dataReceived(ByteBuffer.wrap(b("hello\n")));
        assertThat(protocol.eofReceived()).isTrue(); // keep the transport open: we may still write
        assertThat(s(reader.readline())).isEqualTo("hello\n");
        assertThat(reader.atEof()).isTrue();
        StreamWriter writer = new StreamWriter(transport, protocol, reader, getRunningLoop());
        writer.write(b("bye"));
        writer.writelines(b("!"), b("!"));
        writer.writelines(List.of(b("?")));
        writer.write(ByteBuffer.wrap(b("$")));
        assertThat(s(transport.written.toByteArray())).isEqualTo("bye!!?$");
        assertThat(writer.getExtraInfo("peername")).isEqualTo("peer");
        assertThat(writer.getExtraInfo("sockname", "none")).isEqualTo("none");
        assertThat(writer.canWriteEof()).isTrue();
        writer.writeEof();
        writer.close();
        assertThat(writer.isClosing()).isTrue();
        assertThat(transport.log).containsExactly("writeEof", "close");
        protocol.connectionLost(null);
        writer.waitClosed();
        assertThat(writer).hasToString("<StreamWriter transport=<Transport> reader=<StreamReader eof transport=<Transport>>>");
    }

    @Test
    void aConnectionLostWithAnErrorFailsReadsDrainAndWaitClosedWithIt() { // test_open_connection_error
        StreamReader reader = new StreamReader();
        StreamReaderProtocol protocol = new StreamReaderProtocol(reader);
        RecordingTransport transport = new RecordingTransport();
        protocol.connectionMade(transport);
        StreamWriter writer = new StreamWriter(transport, protocol, reader, getRunningLoop());
        ArithmeticException exc = new ArithmeticException("division by zero");
        protocol.connectionLost(exc);
        assertThat(catchThrowable(reader::read)).isSameAs(exc);
        assertThat(catchThrowable(writer::drain)).isSameAs(exc);
        assertThat(catchThrowable(writer::waitClosed)).isSameAs(exc);
    }

    @Test
    void drainWaitsWhilePausedAndWakesOnResume() throws IOException {
        StreamReader reader = new StreamReader();
        StreamReaderProtocol protocol = new StreamReaderProtocol(reader);
        RecordingTransport transport = new RecordingTransport();
        protocol.connectionMade(transport);
        StreamWriter writer = new StreamWriter(transport, protocol, reader, getRunningLoop());
        writer.drain(); // not paused: returns at once
        protocol.pauseWriting();
        Task<Void> draining = createTask(writer::drain);
        sleep(1);
        assertThat(draining.done()).isFalse();
        protocol.resumeWriting();
        draining.await();
    }

    @Test
    void aConnectionLostWhileDrainingWakesTheDrainWithTheError() {
        StreamReaderProtocol protocol = new StreamReaderProtocol(null);
        RecordingTransport transport = new RecordingTransport();
        protocol.connectionMade(transport);
        StreamWriter writer = new StreamWriter(transport, protocol, null, getRunningLoop());
        protocol.pauseWriting();
        Task<Void> d1 = createTask(writer::drain);
        Task<Void> d2 = createTask(writer::drain);
        sleep(0);
        SocketException reset = new SocketException("Connection reset");
        protocol.connectionLost(reset);
        assertThat(catchThrowable(d1::await)).isSameAs(reset);
        assertThat(catchThrowable(d2::await)).isSameAs(reset);
        // later: asyncio's ConnectionResetError('Connection lost')
        assertThat(catchThrowable(writer::drain)).isInstanceOf(SocketException.class).hasMessage("Connection lost");
    }

    @Test
    void aCancelledDrainLeavesNoWaiterBehind() {
        StreamReaderProtocol protocol = new StreamReaderProtocol(null);
        protocol.pauseWriting();
        Task<Void> d = createTask(protocol::drainHelper);
        sleep(0);
        d.cancel();
        assertThat(catchThrowable(d::await)).isInstanceOf(CancelledError.class);
        protocol.connectionLost(new SocketException("Connection reset")); // no waiter left to fail
    }

    @Test
    void drainOnAClosingTransportYieldsSoThatConnectionLostIsSeen() throws IOException {
        // bpo-25441 (test_drain_raises): write(); drain() in a loop must notice the closed connection.
        StreamReader reader = new StreamReader();
        StreamReaderProtocol protocol = new StreamReaderProtocol(reader);
        RecordingTransport transport = new RecordingTransport();
        protocol.connectionMade(transport);
        StreamWriter writer = new StreamWriter(transport, protocol, reader, getRunningLoop());
        writer.close();
        getRunningLoop().callSoon(() -> protocol.connectionLost(null));
        assertThatThrownBy(writer::drain).isInstanceOf(SocketException.class).hasMessage("Connection lost");
    }

    @Test
    void theClientConnectedTaskGetsTheStreamsAndItsFailureIsReportedAndClosesTheConnection(ExceptionRecorder recorder) {
        RecordingTransport transport = new RecordingTransport();
        IllegalStateException boom = new IllegalStateException("test");
        List<String> seen = new ArrayList<>();
        StreamReaderProtocol protocol = new StreamReaderProtocol(new StreamReader(), (reader, writer) -> {
            seen.add(reader.toString());
            seen.add(writer.getExtraInfo("peername").toString());
            throw boom;
        }, getRunningLoop());
        protocol.connectionMade(transport);
        sleep(0);
        sleep(0);
        assertThat(seen).containsExactly("<StreamReader transport=<Transport>>", "peer");
        assertThat(recorder.messages()).containsExactly("Unhandled exception in client_connected_cb");
        assertThat(recorder.contexts().get(0).exception()).isSameAs(boom);
        assertThat(recorder.contexts().get(0).get("transport")).isSameAs(transport);
        assertThat(transport.log).containsExactly("close");
    }

    @Test
    void aCancelledClientConnectedTaskClosesTheConnectionWithoutAReport() {
        RecordingTransport transport = new RecordingTransport();
        StreamReaderProtocol protocol = new StreamReaderProtocol(new StreamReader(), (reader, writer) -> {
            currentTask().cancel();
            sleep(0);
        }, getRunningLoop());
        protocol.connectionMade(transport);
        sleep(0);
        sleep(0);
        sleep(0);
        assertThat(transport.log).containsExactly("close");
    }
}
