package io.jasyncio.net;

import io.jasyncio.Asyncio;
import io.jasyncio.AsyncIterable;
import io.jasyncio.AsyncIterator;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.StopAsyncIteration;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Buffered reads from a stream: asyncio's {@code StreamReader}. A protocol feeds it
 * ({@link #feedData}, {@link #feedEof}, {@link #setException}); tasks read from it, suspending while
 * the data they need has not arrived.
 *
 * <pre>{@code
 * StreamConnection c = Streams.openConnection("127.0.0.1", 8888);
 * byte[] header = c.reader().readexactly(4);          // suspends until 4 bytes arrived
 * for (byte[] line : c.reader()) {                     // line by line until the end of the stream
 *     ...
 * }
 * }</pre>
 *
 * <p><b>The limit</b> (64 KiB by default) bounds what {@link #readline()} and {@link #readuntil}
 * return and, doubled, how much is buffered: above {@code 2 * limit} bytes the reader pauses its
 * transport's reading, and resumes it once a read brings the buffer to {@code limit} or below (so a
 * peer that floods is slowed down by TCP). {@link #read(int)} and {@link #readexactly(int)} are not
 * limited: waiting for more data always resumes reading.
 *
 * <p><b>Cancellation loses nothing.</b> A read takes its bytes out of the buffer only once it has
 * all it needs, so a read cancelled while it waits (a timeout, a cancelled task) leaves every byte
 * buffered for the next read. {@link #read()} (to the end of the stream) puts back what it had
 * collected.
 *
 * <p><b>One reader at a time.</b> One task may wait for data at a time; a second read that would have
 * to wait throws {@link IllegalStateException} (as asyncio raises {@code RuntimeError}). Loop thread
 * only, like every future.
 *
 * <p><b>Errors.</b> Once {@link #setException} was called (the connection broke: a reset is a
 * {@link java.net.SocketException}), every read throws that exception, the object itself; the read
 * methods declare {@link IOException}, and an exception of another type set there is thrown as it
 * is, unchecked or not (docs/adr/0003-checked-exceptions.md).
 */
public final class StreamReader implements AsyncIterable<byte[]> {

    /*
     * Overview. The buffered bytes are buf[head, tail). An empty buffer holds no array (buf is
     * EMPTY, head == tail == 0), so an idle connection costs nothing; data fed into an empty buffer
     * gets an array of exactly its size, which a read of all of it hands out without a copy (the
     * common case of an echo: one copy from the transport's buffer and none on the way out). Data
     * fed into a non-empty buffer is appended, compacting when the consumed prefix is at least as
     * large as what must move (so compaction is amortised by the reads), otherwise growing to twice
     * the content.
     *
     * Every read method follows one shape: check for the sticky exception; loop { if the buffer
     * satisfies the read, break; if at EOF, fail or return; waitForData() }; then take the bytes.
     * Bytes leave the buffer only after the last wait, which is what makes cancellation lossless.
     * readuntil keeps `offset`, the prefix already known to hold no separator, so a peer sending one
     * byte at a time costs a linear scan in total, not a quadratic one.
     *
     * `waiter` is the one future a read suspends on; feedData/feedEof complete it, setException
     * fails it. `paused` says this reader paused the transport (and must resume it): CPython's
     * _paused.
     */

    /** asyncio's default limit: 64 KiB. */
    public static final int DEFAULT_LIMIT = 1 << 16;

    private static final byte[] EMPTY = new byte[0];
    private static final byte[][] NEWLINE = {{'\n'}};

    private final EventLoop loop;
    /** The line length limit; twice it bounds the buffer. */
    private final int limit;
    /** The buffer's storage; EMPTY when the buffer is empty. */
    private byte[] buf = EMPTY;
    /** Index of the first buffered byte. */
    private int head;
    /** Index after the last buffered byte. */
    private int tail;
    /** feedEof() was called: no more data will come. */
    private boolean eof;
    /** The future the one waiting read suspends on, or null. */
    private Future<Void> waiter;
    /** The exception every read throws from now on, or null. */
    private Throwable exception;
    /** The transport this reader pauses and resumes, or null. */
    private Transport transport;
    /** Whether this reader paused the transport's reading. */
    private boolean paused;

    /** A reader on the running loop with the default limit (64 KiB). */
    public StreamReader() {
        this(DEFAULT_LIMIT);
    }

    /**
     * A reader on the running loop with the given limit.
     *
     * @throws IllegalArgumentException when {@code limit <= 0}
     * @throws IllegalStateException when no loop is running in this thread
     */
    public StreamReader(int limit) {
        this(limit, Asyncio.getRunningLoop());
    }

    /**
     * A reader on {@code loop} with the given limit.
     *
     * @throws IllegalArgumentException when {@code limit <= 0}
     */
    public StreamReader(int limit, EventLoop loop) {
        if (limit <= 0) {
            throw new IllegalArgumentException("Limit cannot be <= 0, got " + limit);
        }
        this.limit = limit;
        this.loop = Objects.requireNonNull(loop, "loop");
    }

    // ---- the protocol's side ----

    /** The exception set by {@link #setException}, or null. */
    public Throwable exception() {
        return exception;
    }

    /**
     * Makes every read from now on throw {@code exc}; a read waiting for data throws it at once.
     * Called by the protocol when the connection breaks.
     */
    public void setException(Throwable exc) {
        exception = Objects.requireNonNull(exc, "exc");
        Future<Void> w = waiter;
        if (w != null) {
            waiter = null;
            if (!w.cancelled()) {
                w.setException(exc);
            }
        }
    }

    /**
     * Sets the transport whose reading this reader pauses while its buffer is over twice the limit.
     *
     * @throws IllegalStateException when a transport was already set
     */
    public void setTransport(Transport transport) {
        if (this.transport != null) {
            throw new IllegalStateException("Transport already set");
        }
        this.transport = Objects.requireNonNull(transport, "transport");
    }

    /** No more data will come: reads return what is buffered, then the end of the stream. */
    public void feedEof() {
        eof = true;
        wakeupWaiter();
    }

    /** Whether the buffer is empty and {@link #feedEof()} was called. */
    public boolean atEof() {
        return eof && head == tail;
    }

    /**
     * The number of bytes buffered and not yet read; never suspends. An HTTP client's pool uses it
     * to refuse an idle connection on which the server sent something unasked (a 408 before it
     * closes), which would otherwise be read as the answer to the next request.
     */
    public int buffered() {
        return tail - head;
    }

    /**
     * Appends {@code data} (copied) and wakes a waiting read.
     *
     * @throws IllegalStateException after {@link #feedEof()}
     */
    public void feedData(byte[] data) {
        feedData(ByteBuffer.wrap(Objects.requireNonNull(data, "data")));
    }

    /**
     * Appends the remaining bytes of {@code data} (copied; the buffer is consumed, its position
     * advanced to its limit) and wakes a waiting read. Pauses the transport's reading when the
     * buffer goes over twice the limit.
     *
     * @throws IllegalStateException after {@link #feedEof()}
     */
    public void feedData(ByteBuffer data) {
        if (eof) {
            throw new IllegalStateException("feedData after feedEof");
        }
        int n = Objects.requireNonNull(data, "data").remaining();
        if (n == 0) {
            return;
        }
        if (head == tail) {
            buf = new byte[n];
            head = 0;
            tail = 0;
        } else {
            makeRoom(n);
        }
        data.get(buf, tail, n);
        tail += n;
        wakeupWaiter();
        if (transport != null && !paused && tail - head > 2L * limit) {
            try {
                transport.pauseReading();
                paused = true;
            } catch (UnsupportedOperationException e) {
                // The transport cannot pause: buffer everything, and stop trying (asyncio does so).
                transport = null;
            }
        }
    }

    /** Makes room for {@code n} more bytes after tail (the buffer is not empty). */
    private void makeRoom(int n) {
        int size = tail - head;
        if ((long) tail + n <= buf.length) {
            return;
        }
        if ((long) size + n <= buf.length && head >= size) {
            System.arraycopy(buf, head, buf, 0, size);
        } else {
            long want = Math.max((long) size + n, 2L * size);
            if (want > Integer.MAX_VALUE - 8) {
                want = (long) size + n;
                if (want > Integer.MAX_VALUE - 8) {
                    throw new OutOfMemoryError("a StreamReader buffer over 2 GiB");
                }
            }
            byte[] bigger = new byte[(int) want];
            System.arraycopy(buf, head, bigger, 0, size);
            buf = bigger;
        }
        head = 0;
        tail = size;
    }

    private void wakeupWaiter() {
        Future<Void> w = waiter;
        if (w != null) {
            waiter = null;
            if (!w.cancelled()) {
                w.setResult(null);
            }
        }
    }

    /** asyncio's _maybe_resume_transport: resumes reading once the buffer is back within the limit. */
    private void maybeResumeTransport() {
        if (paused && tail - head <= limit) {
            paused = false;
            transport.resumeReading();
        }
    }

    /** Suspends until data or EOF is fed or an exception set; resumes a paused transport first. */
    private void waitForData(String funcName) {
        // Two reads waiting at once could not know which gets the next data.
        if (waiter != null) {
            throw new IllegalStateException(funcName
                    + "() called while another coroutine is already waiting for incoming data");
        }
        assert !eof : "waitForData after EOF";
        // Waiting while paused would deadlock (readexactly(n) with n > limit, for one).
        if (paused) {
            paused = false;
            transport.resumeReading();
        }
        Future<Void> w = loop.createFuture();
        waiter = w;
        try {
            w.await();
        } finally {
            if (waiter == w) {
                waiter = null;
            }
            if (w.done() && !w.cancelled()) {
                // Failed, then this task was cancelled before it resumed: the exception stays
                // with the reader; do not report the waiter as never retrieved.
                w.exception();
            }
        }
    }

    // ---- reads ----

    /**
     * Reads up to {@code n} bytes: suspends until at least one byte is buffered (or the end of the
     * stream), then returns what is there, at most {@code n} bytes. An empty array at the end of the
     * stream, or for {@code n == 0}. A negative {@code n} reads to the end of the stream
     * ({@link #read()}). Not limited by the reader's limit.
     *
     * @throws IOException the reader's exception (the connection broke)
     * @throws IllegalStateException when another task is already waiting on this reader
     */
    public byte[] read(int n) throws IOException {
        throwIfFailed();
        if (n == 0) {
            return EMPTY;
        }
        if (n < 0) {
            return readAll();
        }
        if (head == tail && !eof) {
            waitForData("read");
        }
        return take(n);
    }

    /**
     * Reads until the end of the stream and returns all of it (asyncio's {@code read()} and
     * {@code read(-1)}). Reads in chunks of the limit, so the transport is never left paused. If the
     * read is cancelled or fails, what it had collected goes back into the buffer.
     *
     * @throws IOException the reader's exception (the connection broke)
     */
    public byte[] read() throws IOException {
        return read(-1);
    }

    private byte[] readAll() throws IOException {
        List<byte[]> blocks = new ArrayList<>();
        boolean complete = false;
        try {
            while (true) {
                byte[] block = read(limit);
                if (block.length == 0) {
                    break;
                }
                blocks.add(block);
            }
            complete = true;
        } finally {
            if (!complete) {
                unread(blocks);
            }
        }
        if (blocks.size() == 1) {
            return blocks.get(0);
        }
        return concat(blocks, EMPTY, 0, 0);
    }

    /** Puts {@code blocks} back in front of the buffer (read() was cancelled or failed). */
    private void unread(List<byte[]> blocks) {
        if (blocks.isEmpty()) {
            return;
        }
        byte[] all = concat(blocks, buf, head, tail - head);
        buf = all;
        head = 0;
        tail = all.length;
    }

    private static byte[] concat(List<byte[]> blocks, byte[] rest, int restFrom, int restLength) {
        long total = restLength;
        for (byte[] b : blocks) {
            total += b.length;
        }
        if (total > Integer.MAX_VALUE - 8) {
            throw new OutOfMemoryError("a stream of more than 2 GiB read into one array");
        }
        byte[] out = new byte[(int) total];
        int at = 0;
        for (byte[] b : blocks) {
            System.arraycopy(b, 0, out, at, b.length);
            at += b.length;
        }
        System.arraycopy(rest, restFrom, out, at, restLength);
        return out;
    }

    /**
     * Reads one line: the bytes up to and including {@code '\n'}. At the end of the stream, returns
     * the last line without its newline, then empty arrays. The line without its newline may be at
     * most the limit long.
     *
     * @throws LimitOverrunError when the line is longer than the limit; the line has been
     *     discarded (with its newline if it had arrived; otherwise the whole buffer), so the next
     *     read starts after it (asyncio raises {@code ValueError} with the same message)
     * @throws IOException the reader's exception (the connection broke)
     */
    public byte[] readline() throws IOException {
        try {
            return readuntil(NEWLINE, 1, 1);
        } catch (IncompleteReadError e) {
            return e.partial();
        } catch (LimitOverrunError e) {
            int consumed = e.consumed();
            if (tail - head > consumed && buf[head + consumed] == '\n') {
                head += consumed + 1;
                if (head == tail) {
                    release();
                }
            } else {
                release();
            }
            maybeResumeTransport();
            throw e;
        }
    }

    /** {@link #readuntil(byte[]...)} with {@code '\n'}. */
    public byte[] readuntil() throws IOException {
        return readuntil(NEWLINE, 1, 1);
    }

    /**
     * Reads up to and including a separator. With several separators, returns the shortest data
     * that ends with any of them (asyncio 3.13); for the limit, the separator that matched counts.
     * The data before the separator may be at most the limit long.
     *
     * @throws IncompleteReadError when the stream ends before a separator; its {@code partial()}
     *     holds the bytes, which are no longer buffered
     * @throws LimitOverrunError when no separator is found within the limit, or the one found is
     *     too far; the bytes stay buffered
     * @throws IllegalArgumentException when no separator is given or one is empty
     * @throws IOException the reader's exception (the connection broke)
     */
    public byte[] readuntil(byte[]... separators) throws IOException {
        Objects.requireNonNull(separators, "separators");
        byte[][] seps = separators.clone();
        for (byte[] s : seps) {
            Objects.requireNonNull(s, "separator");
        }
        if (seps.length == 0) {
            throw new IllegalArgumentException("Separator should contain at least one element");
        }
        Arrays.sort(seps, Comparator.comparingInt(s -> s.length)); // stable: the shortest match wins
        int minLength = seps[0].length;
        if (minLength == 0) {
            throw new IllegalArgumentException("Separator should be at least one-byte string");
        }
        return readuntil(seps, minLength, seps[seps.length - 1].length);
    }

    /** readuntil on separators sorted by length. */
    private byte[] readuntil(byte[][] seps, int minLength, int maxLength) throws IOException {
        throwIfFailed();
        // `offset` bytes from head hold no separator (asyncio's comment explains why a partial
        // separator at the end costs a rescan of maxLength - 1 bytes).
        int offset = 0;
        int matchStart;
        int matchEnd;
        while (true) {
            int buflen = tail - head;
            if (buflen - offset >= minLength) {
                matchStart = -1;
                matchEnd = -1;
                for (byte[] sep : seps) {
                    int i = indexOf(sep, offset);
                    if (i != -1) {
                        int end = i + sep.length;
                        if (matchEnd == -1 || end < matchEnd) {
                            matchEnd = end;
                            matchStart = i;
                        }
                    }
                }
                if (matchEnd != -1) {
                    break;
                }
                offset = Math.max(0, buflen + 1 - maxLength);
                if (offset > limit) {
                    throw new LimitOverrunError("Separator is not found, and chunk exceed the limit", offset);
                }
            }
            // A last chunk may complete a separator: EOF is checked after the buffer.
            if (eof) {
                throw new IncompleteReadError(takeAll(), null);
            }
            waitForData("readuntil");
        }
        if (matchStart > limit) {
            throw new LimitOverrunError("Separator is found, but chunk is longer than limit", matchStart);
        }
        return take(matchEnd);
    }

    /** Where {@code sep} starts at or after {@code from} (relative to head), or -1. */
    private int indexOf(byte[] sep, int from) {
        byte first = sep[0];
        int last = tail - sep.length;
        for (int i = head + from; i <= last; i++) {
            if (buf[i] != first) {
                continue;
            }
            int j = 1;
            while (j < sep.length && buf[i + j] == sep[j]) {
                j++;
            }
            if (j == sep.length) {
                return i - head;
            }
        }
        return -1;
    }

    /**
     * Reads exactly {@code n} bytes, suspending until they have all arrived. Not limited by the
     * reader's limit.
     *
     * @throws IncompleteReadError when the stream ends first; its {@code partial()} holds the bytes
     *     that arrived (no longer buffered) and {@code expected()} is {@code n}
     * @throws IllegalArgumentException when {@code n < 0}
     * @throws IOException the reader's exception (the connection broke)
     */
    public byte[] readexactly(int n) throws IOException {
        if (n < 0) {
            throw new IllegalArgumentException("readexactly size can not be less than zero");
        }
        throwIfFailed();
        if (n == 0) {
            return EMPTY;
        }
        while (tail - head < n) {
            if (eof) {
                throw new IncompleteReadError(takeAll(), n);
            }
            waitForData("readexactly");
        }
        return take(n);
    }

    /**
     * The lines of the stream, as {@link #readline()} returns them, until the end of the stream
     * (asyncio's {@code async for line in reader}). {@code for (byte[] line : reader)} inside a task.
     * {@code anext()} throws what {@code readline()} throws (an {@link IOException} unchecked: the
     * iterator protocol declares none).
     */
    @Override
    public AsyncIterator<byte[]> aiter() {
        return () -> {
            byte[] line;
            try {
                line = readline();
            } catch (IOException e) {
                throw Streams.sneaky(e);
            }
            if (line.length == 0) {
                throw new StopAsyncIteration();
            }
            return line;
        };
    }

    // ---- the buffer ----

    private void throwIfFailed() throws IOException {
        if (exception != null) {
            throw Streams.sneaky(exception);
        }
    }

    /** Takes min(n, size) bytes from the front; resumes the transport if the buffer is small enough. */
    private byte[] take(int n) {
        int size = tail - head;
        int k = Math.min(n, size);
        byte[] out;
        if (k == size && head == 0 && tail == buf.length) {
            out = buf; // the whole array: hand it out, no copy
            release();
        } else {
            out = Arrays.copyOfRange(buf, head, head + k);
            head += k;
            if (head == tail) {
                release();
            }
        }
        maybeResumeTransport();
        return out;
    }

    private byte[] takeAll() {
        return take(tail - head);
    }

    private void release() {
        buf = EMPTY;
        head = 0;
        tail = 0;
    }

    /** A copy of the buffered bytes (tests: asyncio's tests read {@code stream._buffer}). */
    byte[] bufferCopy() {
        return Arrays.copyOfRange(buf, head, tail);
    }

    /** Whether this reader paused its transport (tests). */
    boolean isPaused() {
        return paused;
    }

    /**
     * asyncio's repr: {@code <StreamReader 4 bytes eof limit=123 waiter=... exception=...
     * transport=... paused>}, each part only when it applies.
     */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("<StreamReader");
        if (tail > head) {
            b.append(' ').append(tail - head).append(" bytes");
        }
        if (eof) {
            b.append(" eof");
        }
        if (limit != DEFAULT_LIMIT) {
            b.append(" limit=").append(limit);
        }
        if (waiter != null) {
            b.append(" waiter=").append(waiter);
        }
        if (exception != null) {
            b.append(" exception=").append(exception);
        }
        if (transport != null) {
            b.append(" transport=").append(transport);
        }
        if (paused) {
            b.append(" paused");
        }
        return b.append('>').toString();
    }
}
