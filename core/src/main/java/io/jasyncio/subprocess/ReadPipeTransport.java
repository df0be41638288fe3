package io.jasyncio.subprocess;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.ExceptionContext;
import io.jasyncio.Future;
import io.jasyncio.net.BaseProtocol;
import io.jasyncio.net.Protocol;
import io.jasyncio.net.Transport;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;

/**
 * The read end of a child's stdout or stderr: CPython's {@code _UnixReadPipeTransport}, on the
 * blocking {@link InputStream} that {@link java.lang.Process} gives. Read-only: the write methods
 * of {@link Transport} throw {@link UnsupportedOperationException}.
 */
final class ReadPipeTransport implements Transport {

    /*
     * Overview. A java.lang.Process pipe is a blocking stream, not a selectable channel, so a
     * thread of its own (the pump) reads it and hands each chunk to the loop through
     * callSoonThreadsafe. The loop's side is CPython's transport: connectionMade, then
     * dataReceived per chunk, then eofReceived and connectionLost.
     *
     * Demand. The pump reads only when the loop asks: one permit of `demand` per chunk. The loop
     * gives the next permit after the protocol has had the previous chunk and only while reading
     * is not paused, so at most one chunk is ever buffered outside the pipe (pauseReading while a
     * read is under way: its chunk is kept in `pending` and delivered on resumeReading; no
     * dataReceived while paused). The child then blocks on a full pipe: backpressure.
     *
     * The stream's monitor. The pump holds it for its whole life. When the child exits, the JDK's
     * process reaper calls ProcessPipeInputStream.processExited(), a synchronized method that
     * drains what the pipe holds into memory and closes the descriptor: a grandchild that still
     * writes to the pipe would then lose its output, and whether it did would depend on whether
     * the pump happened to be inside read() at the exit. Holding the monitor keeps the pipe open
     * until EOF or close(), as CPython keeps it; the reaper thread waits meanwhile (after
     * recording the exit status, so waitFor() is not delayed). The pump closes the stream itself,
     * always: closing a descriptor that another thread may be about to read races with its reuse.
     * The constructor waits until the pump holds the monitor (a thread start: microseconds), so the
     * pipe is safe from then on; a child that exits before that, within the first instants after
     * ProcessBuilder.start(), has its pipes closed by the JDK at its exit: its own output is kept
     * (the JDK drains the pipe first), but a grandchild it left behind loses stdout and stderr.
     *
     * In flight. The pump's `done` future, wrapped on the loop, is in flight from the start until
     * the pump ends or close() is called: a VirtualClock does not jump and the stall detector
     * stays quiet while the pipe may still deliver.
     *
     * A pump blocked in read() cannot be woken: after close() it ends at the next chunk or EOF
     * (a grandchild that holds the pipe open and never writes keeps it, and the reaper, waiting).
     */

    /** The most read at once: a Linux pipe holds 64 KiB (CPython reads up to 256 KiB). */
    static final int CHUNK = 64 * 1024;
    private static final System.Logger LOG = System.getLogger("jasyncio");

    private final EventLoop loop;
    private final InputStream stream;
    /** "stdout" or "stderr", for messages. */
    private final String name;
    private final Pump pump;
    private Protocol protocol;
    /** EOF was seen, or close() or a fatal error: nothing more is delivered. */
    private boolean closing;
    /** pauseReading() is in force. */
    private boolean paused;
    /** A chunk that arrived while paused, delivered on resume; or null. */
    private byte[] pending;
    /** The pump reached EOF while paused: reported on resume. */
    private boolean eofPending;
    /** The pump holds a permit or is reading: a chunk (or the end) is on its way. */
    private boolean demanded;
    /** connectionLost was called. */
    private boolean lost;

    /** Starts the pump on {@code stream} at once (see the overview); the protocol is connected on the loop. */
    ReadPipeTransport(EventLoop loop, InputStream stream, Protocol protocol, String name, String threadName) {
        this(loop, stream, protocol, name, threadName, true);
    }

    /**
     * As above; {@code processPipe} false for any other stream ({@link Pipes}): its pump does not
     * hold the stream's monitor, which only a {@link java.lang.Process} pipe needs, and which a
     * closed transport's pump still blocked in read() would keep from the next transport (the
     * constructor waits, on the loop thread, until its pump holds it).
     */
    ReadPipeTransport(EventLoop loop, InputStream stream, Protocol protocol, String name, String threadName,
            boolean processPipe) {
        this.loop = loop;
        this.stream = stream;
        this.protocol = protocol;
        this.name = name;
        this.pump = new Pump(this, stream, processPipe);
        Thread.ofPlatform().daemon().name(threadName).start(pump);
        awaitUninterruptibly(pump.holding); // microseconds: see the overview
        Future<Boolean> done = Asyncio.wrapFuture(pump.done);
        done.addDoneCallback(this::pumpEnded);
        // As CPython: connectionMade, then reading starts, each in its own callback.
        loop.callSoon(() -> this.protocol.connectionMade(this));
        loop.callSoon(this::askForMore);
    }

    // ---- the loop's side of the pump ----

    /** Lets the pump read one more chunk, unless one is on its way or reading is off. */
    private void askForMore() {
        if (closing || paused || demanded || eofPending || pending != null) {
            return;
        }
        demanded = true;
        pump.demand.release();
    }

    /** A chunk from the pump. */
    private void chunkArrived(byte[] chunk) {
        demanded = false;
        if (closing) {
            return;
        }
        if (paused) {
            pending = chunk;
            return;
        }
        deliver(chunk);
    }

    private void deliver(byte[] chunk) {
        try {
            protocol.dataReceived(ByteBuffer.wrap(chunk).asReadOnlyBuffer());
        } catch (RuntimeException | Error e) {
            fatalError(e, "Fatal error: protocol.dataReceived() call failed.");
            return;
        }
        askForMore();
    }

    /** The pump ended: EOF (true), stopped by close (false), or a read error. */
    private void pumpEnded(Future<Boolean> done) {
        demanded = false;
        Throwable exc = done.exception();
        if (closing) {
            return;
        }
        if (exc != null) {
            fatalError(exc, "Fatal read error on pipe transport");
        } else if (paused) {
            eofPending = true;
        } else {
            readEof();
        }
    }

    private void readEof() {
        if (loop.getDebug()) {
            LOG.log(System.Logger.Level.INFO, "{0} was closed by peer", this);
        }
        closing = true;
        loop.callSoon(() -> protocol.eofReceived());
        loop.callSoon(() -> callConnectionLost(null));
    }

    // ---- Transport, read side ----

    @Override
    public boolean isReading() {
        return !paused && !closing;
    }

    @Override
    public void pauseReading() {
        if (!isReading()) {
            return;
        }
        paused = true;
        if (loop.getDebug()) {
            LOG.log(System.Logger.Level.DEBUG, "{0} pauses reading", this);
        }
    }

    @Override
    public void resumeReading() {
        if (closing || !paused) {
            return;
        }
        paused = false;
        if (loop.getDebug()) {
            LOG.log(System.Logger.Level.DEBUG, "{0} resumes reading", this);
        }
        // As CPython's add_reader: what is waiting arrives in a later iteration, not inside this call.
        loop.callSoon(this::resumed);
    }

    private void resumed() {
        if (closing || paused) {
            return;
        }
        if (pending != null) {
            byte[] chunk = pending;
            pending = null;
            deliver(chunk);
        } else if (eofPending) {
            eofPending = false;
            readEof();
        } else {
            askForMore();
        }
    }

    @Override
    public boolean isClosing() {
        return closing;
    }

    @Override
    public void close() {
        if (!closing) {
            closeWith(null);
        }
    }

    /** As {@link #close()}: a read pipe has no buffer to drop. */
    @Override
    public void abort() {
        close();
    }

    private void fatalError(Throwable exc, String message) {
        loop.callExceptionHandler(ExceptionContext.builder(message).exception(exc).put("transport", this)
                .put("protocol", protocol).build());
        closeWith(exc);
    }

    private void closeWith(Throwable exc) {
        closing = true;
        pending = null;
        pump.stop();
        loop.callSoon(() -> callConnectionLost(exc));
    }

    private void callConnectionLost(Throwable exc) {
        lost = true;
        protocol.connectionLost(exc);
    }

    // ---- Transport, write side: none ----

    private UnsupportedOperationException readOnly() {
        return new UnsupportedOperationException(name.equals("stdout") || name.equals("stderr")
                ? "the " + name + " pipe is read-only: write to the child's stdin pipe"
                : "a read pipe is read-only: connect a write pipe to write");
    }

    @Override
    public void write(ByteBuffer data) {
        throw readOnly();
    }

    @Override
    public void writeEof() {
        throw readOnly();
    }

    @Override
    public boolean canWriteEof() {
        return false;
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
    public void setWriteBufferLimits(int high, int low) {
        throw readOnly();
    }

    // ---- the rest ----

    /** {@code "pipe"}: the {@link InputStream}. */
    @Override
    public Object getExtraInfo(String key) {
        return "pipe".equals(key) ? stream : null;
    }

    /**
     * @throws IllegalArgumentException unless {@code protocol} is a {@link Protocol} (a pipe
     *     delivers through {@code dataReceived})
     */
    @Override
    public void setProtocol(BaseProtocol protocol) {
        if (!(Objects.requireNonNull(protocol, "protocol") instanceof Protocol p)) {
            throw new IllegalArgumentException("a read pipe needs a Protocol, got " + protocol);
        }
        this.protocol = p;
    }

    @Override
    public BaseProtocol getProtocol() {
        return protocol;
    }

    @Override
    public String toString() {
        String state = lost ? "closed" : closing ? "closing" : paused ? "paused" : "reading";
        return "<ReadPipeTransport " + name + " " + state + ">";
    }

    /** The thread that reads the stream; see the overview. */
    private static final class Pump implements Runnable {
        private final ReadPipeTransport owner;
        private final InputStream stream;
        /** One permit per chunk the loop wants. */
        final Semaphore demand = new Semaphore(0);
        /** Set by the loop's close(): read no more. */
        private volatile boolean stopped;
        /** Counted down once the pump holds the stream's monitor. */
        final CountDownLatch holding = new CountDownLatch(1);
        /** True at EOF, false when stopped; failed with a read error. Completed by the pump or by stop(). */
        final CompletableFuture<Boolean> done = new CompletableFuture<>();

        /** Hold the stream's monitor while pumping: for a java.lang.Process pipe only (see the overview). */
        private final boolean holdStream;

        Pump(ReadPipeTransport owner, InputStream stream, boolean holdStream) {
            this.owner = owner;
            this.stream = stream;
            this.holdStream = holdStream;
        }

        /** From the loop: read no more, and end the in-flight count now (the thread may linger in a read). */
        void stop() {
            stopped = true;
            demand.release();
            done.complete(false);
        }

        @Override
        public void run() {
            if (holdStream) {
                synchronized (stream) { // keeps the JDK's processExited() from closing the pipe (see the overview)
                    holding.countDown();
                    pump();
                }
            } else {
                holding.countDown();
                pump();
            }
        }

        private void pump() {
            boolean eof = false;
            Throwable failure = null;
            try {
                byte[] buffer = new byte[CHUNK];
                while (true) {
                    demand.acquireUninterruptibly();
                    if (stopped) {
                        break;
                    }
                    int n = stream.read(buffer, 0, buffer.length);
                    if (n < 0) {
                        eof = true;
                        break;
                    }
                    if (stopped) {
                        break;
                    }
                    byte[] chunk = Arrays.copyOf(buffer, n);
                    if (!post(() -> owner.chunkArrived(chunk))) {
                        break;
                    }
                }
            } catch (IOException | RuntimeException e) {
                failure = e;
            } finally {
                try {
                    stream.close();
                } catch (IOException e) {
                    // the pipe is gone either way
                }
            }
            if (failure != null) {
                done.completeExceptionally(failure);
            } else {
                done.complete(eof);
            }
        }

        private boolean post(Runnable action) {
            try {
                owner.loop.callSoonThreadsafe(action);
                return true;
            } catch (IllegalStateException closed) {
                return false; // the loop is closed: nobody is left to deliver to
            }
        }
    }

    /** Waits for {@code latch}, keeping an interrupt for later. */
    static void awaitUninterruptibly(CountDownLatch latch) {
        boolean interrupted = false;
        while (true) {
            try {
                latch.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
