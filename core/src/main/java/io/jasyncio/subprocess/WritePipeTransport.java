package io.jasyncio.subprocess;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.ExceptionContext;
import io.jasyncio.Future;
import io.jasyncio.net.BaseProtocol;
import io.jasyncio.net.Transport;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The write end of a child's stdin: CPython's {@code _UnixWritePipeTransport}, on the blocking
 * {@link OutputStream} that {@link java.lang.Process} gives. Write-only: the read methods of {@link
 * Transport} throw {@link UnsupportedOperationException}.
 */
final class WritePipeTransport implements Transport {

    /*
     * Overview. A thread of its own (the writer) takes chunks from `queue` and writes them to the
     * blocking stream; after each batch it reports on the loop how many bytes left the buffer. The
     * loop's side is CPython's transport: write() never blocks, `buffered` counts the bytes queued
     * and not yet written, and the protocol is paused above the high-water mark and resumed below
     * the low one. close() (= writeEof()) queues CLOSE behind the data: the writer writes what is
     * left, closes the pipe, and connectionLost(null) follows. abort() drops what is queued.
     *
     * The stream's monitor: held by the writer for its whole life, as the read pump holds its
     * stream's (see ReadPipeTransport): otherwise the JDK's process reaper closes stdin when the
     * child exits, and a grandchild still reading it would see a premature EOF. It also means the
     * stream may only be touched by the writer: BufferedOutputStream.close() flushes under the same
     * monitor. The constructor waits until the writer holds it.
     *
     * In flight: the writer's `done` future, wrapped on the loop, from the start until the writer
     * ends or abort() is called.
     *
     * Unlike CPython, the loop cannot watch the pipe for its reader closing (a blocking stream has
     * no readiness): a child that closed its stdin is noticed at the next write, which fails with
     * "Broken pipe". The subprocess transport closes an idle stdin itself once the child has exited
     * and its output pipes are closed (see ProcessTransport).
     */

    private static final int DEFAULT_HIGH = 64 * 1024;
    /** CPython's LOG_THRESHOLD_FOR_CONNLOST_WRITES. */
    private static final int LOG_THRESHOLD_FOR_CONNLOST_WRITES = 5;
    private static final System.Logger LOG = System.getLogger("jasyncio");
    /** Queued after the data by close(): the writer closes the pipe when it gets there. */
    private static final byte[] CLOSE = new byte[0];

    private final EventLoop loop;
    private final OutputStream stream;
    private final Writer writer;
    private BaseProtocol protocol;
    /** Bytes queued and not yet written. */
    private int buffered;
    private int high = DEFAULT_HIGH;
    private int low = DEFAULT_HIGH / 4;
    private boolean protocolPaused;
    /** close(), writeEof(), abort() or a write error: no more writes are taken. */
    private boolean closing;
    /** abort() or a write error dropped the buffer: the writer's late reports are ignored. */
    private boolean dropped;
    /** Writes refused after the pipe broke or closed (CPython's _conn_lost). */
    private int connLost;
    /** The writer thread's name: tells a child's stdin from a pipe of {@link Pipes}, for messages. */
    private final String threadName;
    /** connectionLost was called (or is scheduled). */
    private boolean lost;

    /** Starts the writer on {@code stream} at once; the protocol is connected on the loop. */
    WritePipeTransport(EventLoop loop, OutputStream stream, BaseProtocol protocol, String threadName) {
        this.threadName = threadName;
        this.loop = loop;
        this.stream = stream;
        this.protocol = protocol;
        this.writer = new Writer(this, stream);
        Thread.ofPlatform().daemon().name(threadName).start(writer);
        ReadPipeTransport.awaitUninterruptibly(writer.holding);
        Future<Void> done = Asyncio.wrapFuture(writer.done);
        done.addDoneCallback(this::writerEnded);
        loop.callSoon(() -> this.protocol.connectionMade(this));
    }

    // ---- writing ----

    @Override
    public void write(ByteBuffer data) {
        Objects.requireNonNull(data, "data");
        if (!data.hasRemaining()) {
            return;
        }
        if (connLost > 0 || closing) {
            // CPython: dropped, with a warning once it keeps happening.
            if (connLost >= LOG_THRESHOLD_FOR_CONNLOST_WRITES) {
                LOG.log(System.Logger.Level.WARNING, "pipe closed by peer or os.write(pipe, data) raised exception.");
            }
            connLost++;
            data.position(data.limit());
            return;
        }
        byte[] copy = new byte[data.remaining()];
        data.get(copy);
        buffered += copy.length;
        writer.queue.add(copy);
        maybePauseProtocol();
    }

    /** {@code n} bytes left the buffer (from the writer). */
    private void written(int n) {
        if (dropped) {
            return;
        }
        buffered -= n;
        maybeResumeProtocol();
    }

    /** The writer ended: the pipe is closed after close(), or a write failed. */
    private void writerEnded(Future<Void> done) {
        Throwable exc = done.exception();
        if (lost || dropped) {
            return;
        }
        if (exc == null) {
            callConnectionLost(null);
            return;
        }
        if (exc.getMessage() != null && exc.getMessage().equals("Stream closed")) {
            // The JDK closed stdin when the child exited before the writer held the stream.
            IOException broken = new IOException("Broken pipe (the child has exited)");
            broken.initCause(exc);
            exc = broken;
        }
        connLost++;
        fatalError(exc, "Fatal write error on pipe transport");
    }

    private void fatalError(Throwable exc, String message) {
        // CPython: an OSError (a broken pipe) is only logged in debug mode; anything else is reported.
        if (!(exc instanceof IOException)) {
            loop.callExceptionHandler(ExceptionContext.builder(message).exception(exc).put("transport", this)
                    .put("protocol", protocol).build());
        } else if (loop.getDebug()) {
            LOG.log(System.Logger.Level.DEBUG, message + ": " + this, exc);
        }
        closeWith(exc);
    }

    @Override
    public void writeEof() {
        if (closing) {
            return;
        }
        closing = true;
        writer.queue.add(CLOSE);
    }

    /** Closes stdin once what is buffered is written (CPython: {@code write_eof}). */
    @Override
    public void close() {
        writeEof();
    }

    @Override
    public boolean canWriteEof() {
        return true;
    }

    /** Drops what is buffered and closes the pipe; {@code connectionLost(null)} follows. */
    @Override
    public void abort() {
        if (lost) {
            return;
        }
        closeWith(null);
    }

    private void closeWith(Throwable exc) {
        closing = true;
        dropped = true;
        buffered = 0;
        writer.stop();
        lost = true;
        loop.callSoon(() -> protocol.connectionLost(exc));
    }

    private void callConnectionLost(Throwable exc) {
        lost = true;
        protocol.connectionLost(exc);
    }

    // ---- flow control ----

    @Override
    public int getWriteBufferSize() {
        return buffered;
    }

    @Override
    public int getWriteBufferLimitLow() {
        return low;
    }

    @Override
    public int getWriteBufferLimitHigh() {
        return high;
    }

    @Override
    public void setWriteBufferLimits(int high, int low) {
        int h = high < 0 ? (low < 0 ? DEFAULT_HIGH : 4 * low) : high;
        int l = low < 0 ? h / 4 : low;
        if (!(h >= l && l >= 0)) {
            throw new IllegalArgumentException("high (" + h + ") must be >= low (" + l + ") must be >= 0");
        }
        this.high = h;
        this.low = l;
        maybePauseProtocol();
    }

    private void maybePauseProtocol() {
        if (buffered <= high || protocolPaused) {
            return;
        }
        protocolPaused = true;
        try {
            protocol.pauseWriting();
        } catch (RuntimeException | Error e) {
            loop.callExceptionHandler(ExceptionContext.builder("protocol.pauseWriting() failed").exception(e)
                    .put("transport", this).put("protocol", protocol).build());
        }
    }

    private void maybeResumeProtocol() {
        if (protocolPaused && buffered <= low) {
            protocolPaused = false;
            try {
                protocol.resumeWriting();
            } catch (RuntimeException | Error e) {
                loop.callExceptionHandler(ExceptionContext.builder("protocol.resumeWriting() failed").exception(e)
                        .put("transport", this).put("protocol", protocol).build());
            }
        }
    }

    // ---- Transport, read side: none ----

    private UnsupportedOperationException writeOnly() {
        return new UnsupportedOperationException(threadName.startsWith("jasyncio-write-pipe")
                ? "a write pipe is write-only: connect a read pipe to read"
                : "the stdin pipe is write-only: read the child's stdout or stderr pipe");
    }

    @Override
    public boolean isReading() {
        return false;
    }

    @Override
    public void pauseReading() {
        throw writeOnly();
    }

    @Override
    public void resumeReading() {
        throw writeOnly();
    }

    // ---- the rest ----

    @Override
    public boolean isClosing() {
        return closing;
    }

    /** {@code "pipe"}: the {@link OutputStream} (only the writer thread may use it). */
    @Override
    public Object getExtraInfo(String key) {
        return "pipe".equals(key) ? stream : null;
    }

    @Override
    public void setProtocol(BaseProtocol protocol) {
        this.protocol = Objects.requireNonNull(protocol, "protocol");
    }

    @Override
    public BaseProtocol getProtocol() {
        return protocol;
    }

    @Override
    public String toString() {
        String state = lost ? "closed" : closing ? "closing" : "open";
        return "<WritePipeTransport stdin " + state + " bufsize=" + buffered + ">";
    }

    /** The thread that writes the stream; see the overview. */
    private static final class Writer implements Runnable {
        /** How much one batch writes before it reports back. */
        private static final int BATCH = 256 * 1024;
        private final WritePipeTransport owner;
        private final OutputStream stream;
        /** Chunks to write, in order; CLOSE ends them. */
        final LinkedBlockingQueue<byte[]> queue = new LinkedBlockingQueue<>();
        /** Set by abort(): write no more. */
        private volatile boolean stopped;
        /** Counted down once the writer holds the stream's monitor. */
        final CountDownLatch holding = new CountDownLatch(1);
        /** Completed when the pipe is closed, failed with a write error; or by stop(). */
        final CompletableFuture<Void> done = new CompletableFuture<>();

        Writer(WritePipeTransport owner, OutputStream stream) {
            this.owner = owner;
            this.stream = stream;
        }

        /** From the loop: drop what is queued and close; the in-flight count ends now. */
        void stop() {
            stopped = true;
            queue.clear();
            queue.add(CLOSE);
            done.complete(null);
        }

        @Override
        public void run() {
            Throwable failure = null;
            synchronized (stream) { // keeps the JDK's processExited() from closing stdin (see the overview)
                holding.countDown();
                try {
                    boolean closing = false;
                    while (!closing) {
                        byte[] chunk = take();
                        int batch = 0;
                        while (chunk != null) {
                            if (chunk == CLOSE || stopped) {
                                closing = true;
                                break;
                            }
                            stream.write(chunk);
                            batch += chunk.length;
                            chunk = batch < BATCH ? queue.poll() : null;
                        }
                        if (batch > 0 && !stopped) {
                            stream.flush();
                            int n = batch;
                            if (!post(() -> owner.written(n))) {
                                break;
                            }
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    failure = e;
                } finally {
                    try {
                        stream.close();
                    } catch (IOException e) {
                        if (failure == null && !stopped) {
                            failure = e;
                        }
                    }
                }
            }
            if (failure != null) {
                done.completeExceptionally(failure);
            } else {
                done.complete(null);
            }
        }

        private byte[] take() {
            while (true) {
                try {
                    return queue.take();
                } catch (InterruptedException e) {
                    // Nobody interrupts this thread on purpose; stop() queues CLOSE instead.
                }
            }
        }

        private boolean post(Runnable action) {
            try {
                owner.loop.callSoonThreadsafe(action);
                return true;
            } catch (IllegalStateException closed) {
                return false;
            }
        }
    }
}
