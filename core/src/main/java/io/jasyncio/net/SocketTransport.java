package io.jasyncio.net;

import io.jasyncio.EventLoop;
import io.jasyncio.ExceptionContext;
import io.jasyncio.LoopResource;
import java.io.IOException;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;

/**
 * A TCP (or Unix-domain) stream transport on the loop's selector: CPython's
 * {@code _SelectorSocketTransport}.
 *
 * <p>Reads go into one direct buffer per loop thread, lent to the protocol for the duration of
 * {@code dataReceived} (a {@link BufferedProtocol} supplies its own). Writes go to the socket at
 * once when nothing is buffered; the rest is buffered (copied) and written when the socket is
 * writable, with the protocol paused above the high-water mark.
 */
final class SocketTransport implements Transport, LoopResource {
    /** CPython's max_size: the most read per readiness. */
    static final int READ_SIZE = 256 * 1024;
    private static final ThreadLocal<ByteBuffer> READ_BUFFER =
            ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(READ_SIZE));
    private static final System.Logger LOG = System.getLogger("jasyncio");

    private final EventLoop loop;
    private final SocketChannel channel;
    private final Server server;
    private BaseProtocol protocol;
    private final ArrayDeque<ByteBuffer> buffer = new ArrayDeque<>();
    private int buffered;
    private final WriteFlowControl flow = new WriteFlowControl();
    private boolean reading;
    private boolean closing;
    private boolean eof;
    /** How many times the connection was declared lost (asyncio's _conn_lost). */
    private int connLost;
    private boolean protocolConnected;
    private final Runnable onReadable = this::readReady;
    /** While a sendfile runs: completed once the write buffer is empty (asyncio's _empty_waiter); else null. */
    private io.jasyncio.Future<Void> emptyWaiter;
    /** While a sendfile waits for the socket to take more: completed when it is writable; else null. */
    private io.jasyncio.Future<Void> sendfileWritable;
    private final Runnable onWritable = this::writeReady;

    SocketTransport(EventLoop loop, SocketChannel channel, BaseProtocol protocol, Server server) {
        this.loop = loop;
        this.channel = channel;
        this.protocol = protocol;
        this.server = server;
        if (server != null) {
            server.attach(this);
        }
        loop.trackResource(this);
        try {
            if (channel.getRemoteAddress() instanceof java.net.InetSocketAddress) {
                channel.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
            }
        } catch (IOException e) {
            // best effort, as asyncio's _set_nodelay
        }
        // As asyncio: connectionMade, then reading starts, each in its own callback.
        loop.callSoon(() -> {
            protocolConnected = true;
            protocol().connectionMade(this);
        });
        loop.callSoon(() -> {
            if (!closing) {
                reading = true;
                loop.addReader(channel, onReadable);
            }
        });
    }

    private BaseProtocol protocol() {
        return protocol;
    }

    // ---- reading ----

    private void readReady() {
        if (connLost > 0) {
            return;
        }
        if (protocol instanceof BufferedProtocol bp) {
            readIntoProtocol(bp);
            return;
        }
        ByteBuffer buf = READ_BUFFER.get();
        buf.clear();
        int n;
        try {
            n = channel.read(buf);
        } catch (IOException e) {
            fatalError(e, "Fatal read error on socket transport");
            return;
        }
        if (n < 0) {
            readEof();
            return;
        }
        if (n == 0) {
            return;
        }
        buf.flip();
        try {
            ((Protocol) protocol).dataReceived(buf.asReadOnlyBuffer());
        } catch (RuntimeException | Error e) {
            fatalError(e, "Fatal error: protocol.dataReceived() call failed.");
        }
    }

    private void readIntoProtocol(BufferedProtocol bp) {
        ByteBuffer buf;
        try {
            buf = bp.getBuffer(-1);
            if (buf == null || !buf.hasRemaining()) {
                throw new IllegalStateException("getBuffer() returned an empty buffer");
            }
        } catch (RuntimeException | Error e) {
            fatalError(e, "Fatal error: protocol.getBuffer() call failed.");
            return;
        }
        int n;
        try {
            n = channel.read(buf);
        } catch (IOException e) {
            fatalError(e, "Fatal read error on socket transport");
            return;
        }
        if (n < 0) {
            readEof();
            return;
        }
        if (n == 0) {
            return;
        }
        try {
            bp.bufferUpdated(n);
        } catch (RuntimeException | Error e) {
            fatalError(e, "Fatal error: protocol.bufferUpdated() call failed.");
        }
    }

    private void readEof() {
        if (loop.getDebug()) {
            LOG.log(System.Logger.Level.DEBUG, "{0} received EOF", this);
        }
        boolean keepOpen;
        try {
            keepOpen = protocol instanceof Protocol p ? p.eofReceived()
                    : protocol instanceof BufferedProtocol bp && bp.eofReceived();
        } catch (RuntimeException | Error e) {
            fatalError(e, "Fatal error: protocol.eofReceived() call failed.");
            return;
        }
        if (keepOpen) {
            // The peer will not send more: stop watching for reads (asyncio removes the reader).
            loop.removeReader(channel);
            reading = false;
        } else {
            close();
        }
    }

    @Override
    public boolean isReading() {
        return reading && !closing;
    }

    @Override
    public void pauseReading() {
        if (closing || !reading) {
            return;
        }
        reading = false;
        loop.removeReader(channel);
    }

    @Override
    public void resumeReading() {
        if (closing || reading) {
            return;
        }
        reading = true;
        loop.addReader(channel, onReadable);
    }

    // ---- writing ----

    @Override
    public void write(ByteBuffer data) {
        if (eof) {
            throw new IllegalStateException("Cannot call write() after writeEof()");
        }
        if (emptyWaiter != null) {
            throw new IllegalStateException("unable to write; sendfile is in progress");
        }
        if (!data.hasRemaining()) {
            return;
        }
        if (connLost > 0) {
            if (connLost >= 5) {
                LOG.log(System.Logger.Level.WARNING, "socket.send() raised exception.");
            }
            connLost++;
            return;
        }
        if (buffered == 0) {
            try {
                channel.write(data);
            } catch (IOException e) {
                fatalError(e, "Fatal write error on socket transport");
                return;
            }
            if (!data.hasRemaining()) {
                return;
            }
            loop.addWriter(channel, onWritable);
        }
        ByteBuffer copy = ByteBuffer.allocate(data.remaining());
        copy.put(data).flip();
        buffer.add(copy);
        buffered += copy.remaining();
        maybePauseProtocol();
    }

    private void writeReady() {
        if (connLost > 0) {
            return;
        }
        try {
            ByteBuffer[] bufs = buffer.toArray(new ByteBuffer[0]);
            long n = channel.write(bufs);
            buffered -= (int) n;
            while (!buffer.isEmpty() && !buffer.peekFirst().hasRemaining()) {
                buffer.pollFirst();
            }
        } catch (IOException e) {
            loop.removeWriter(channel);
            buffer.clear();
            buffered = 0;
            fatalError(e, "Fatal write error on socket transport");
            return;
        }
        maybeResumeProtocol();
        if (buffered == 0) {
            loop.removeWriter(channel);
            if (emptyWaiter != null && !emptyWaiter.done()) {
                emptyWaiter.setResult(null);
            }
            if (closing) {
                callConnectionLost(null);
            } else if (eof) {
                shutdownOutput();
            }
        }
    }

    private void shutdownOutput() {
        try {
            channel.shutdownOutput();
        } catch (IOException e) {
            fatalError(e, "Fatal error on shutdown of socket transport");
        }
    }

    @Override
    public void writeEof() {
        if (closing || eof) {
            return;
        }
        eof = true;
        if (buffered == 0) {
            shutdownOutput();
        }
    }

    @Override
    public boolean canWriteEof() {
        return true;
    }

    @Override
    public int getWriteBufferSize() {
        return buffered;
    }

    @Override
    public int getWriteBufferLimitLow() {
        return flow.low();
    }

    @Override
    public int getWriteBufferLimitHigh() {
        return flow.high();
    }

    @Override
    public void setWriteBufferLimits(int high, int low) {
        flow.setLimits(high, low);
        maybePauseProtocol();
    }

    private void maybePauseProtocol() {
        flow.maybePause(buffered, protocol, this::report);
    }

    private void maybeResumeProtocol() {
        flow.maybeResume(buffered, protocol, this::report);
    }

    // ---- closing ----

    @Override
    public boolean isClosing() {
        return closing;
    }

    @Override
    public void close() {
        if (closing) {
            return;
        }
        closing = true;
        loop.removeReader(channel);
        reading = false;
        if (buffered == 0) {
            connLost++;
            loop.removeWriter(channel);
            failEmptyWaiter(); // a sendfile waiting for the socket: its writer is gone with ours
            loop.callSoon(() -> callConnectionLost(null));
        }
    }

    @Override
    public void abort() {
        forceClose(null);
    }

    /** Called when an I/O or protocol error breaks the connection. */
    private void fatalError(Throwable exc, String message) {
        boolean quiet = exc instanceof IOException && !(exc instanceof SocketException s && s.getMessage() == null)
                && isConnectionError(exc);
        if (!quiet || loop.getDebug()) {
            loop.callExceptionHandler(ExceptionContext.builder(message).exception(exc).put("transport", this)
                    .put("protocol", protocol).build());
        }
        forceClose(exc);
    }

    private static boolean isConnectionError(Throwable e) {
        String m = String.valueOf(e.getMessage());
        return m.contains("reset") || m.contains("Broken pipe") || m.contains("aborted") || m.contains("closed");
    }

    private void report(String message, Throwable e) {
        loop.callExceptionHandler(ExceptionContext.builder(message).exception(e).put("transport", this)
                .put("protocol", protocol).build());
    }

    private void forceClose(Throwable exc) {
        if (connLost > 0) {
            return;
        }
        failEmptyWaiter();
        if (buffered > 0) {
            buffer.clear();
            buffered = 0;
            loop.removeWriter(channel);
        }
        if (!closing) {
            closing = true;
            loop.removeReader(channel);
            reading = false;
        }
        connLost++;
        loop.callSoon(() -> callConnectionLost(exc));
    }

    private void callConnectionLost(Throwable exc) {
        failEmptyWaiter();
        try {
            if (protocolConnected) {
                protocol.connectionLost(exc);
            }
        } finally {
            loop.unregister(channel);
            loop.untrackResource(this);
            try {
                channel.close();
            } catch (IOException e) {
                // nothing left to tell anyone
            }
            if (server != null) {
                server.detach(this);
            }
        }
    }

    // ---- sendfile ----

    /**
     * asyncio's {@code _sendfile_native}: waits until the write buffer is empty (writes are refused
     * meanwhile), pauses reading, sends the file with the kernel's zero-copy path, resumes reading.
     */
    long sendfile(java.nio.channels.FileChannel file, long offset, Long count) throws IOException {
        if (emptyWaiter != null) {
            throw new IllegalStateException("a sendfile is already in progress on " + this);
        }
        boolean resumeReading = isReading();
        pauseReading();
        emptyWaiter = loop.createFuture();
        if (buffered == 0) {
            emptyWaiter.setResult(null);
        }
        try {
            emptyWaiter.await();
            return Sockets.transferFile(channel, file, offset, count, this::awaitSendfileWritable);
        } finally {
            emptyWaiter = null;
            if (resumeReading) {
                resumeReading();
            }
        }
    }

    /**
     * The sendfile's wait for the socket: as Sockets.awaitReady, but a future this transport fails
     * when it closes (close() removes every writer of the socket, the sendfile's too).
     */
    private void awaitSendfileWritable() throws IOException {
        if (connLost > 0 || closing) {
            throw new java.net.SocketException("Connection is closed by peer");
        }
        io.jasyncio.Future<Void> ready = loop.createFuture();
        sendfileWritable = ready;
        loop.addWriter(channel, () -> {
            if (!ready.done()) {
                ready.setResult(null);
            }
        });
        try {
            ready.await();
        } finally {
            sendfileWritable = null;
            if (channel.isOpen()) {
                loop.removeWriter(channel);
            }
        }
    }

    private void failEmptyWaiter() {
        if (emptyWaiter != null && !emptyWaiter.done()) {
            emptyWaiter.setException(new java.net.SocketException("Connection is closed by peer"));
        }
        if (sendfileWritable != null && !sendfileWritable.done()) {
            sendfileWritable.setException(new java.net.SocketException("Connection is closed by peer"));
        }
    }

    /** The loop is closing with this transport still open: close the socket, no callbacks. */
    @Override
    public void release() throws IOException {
        channel.close();
    }

    // ---- the rest ----

    @Override
    public Object getExtraInfo(String name) {
        try {
            return switch (name) {
                case "peername" -> channel.getRemoteAddress();
                case "sockname" -> channel.getLocalAddress();
                case "socket" -> channel;
                default -> null;
            };
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public void setProtocol(BaseProtocol protocol) {
        this.protocol = java.util.Objects.requireNonNull(protocol, "protocol");
    }

    @Override
    public BaseProtocol getProtocol() {
        return protocol;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("<SocketTransport");
        if (!channel.isOpen()) {
            b.append(" closed");
        } else if (closing) {
            b.append(" closing");
        }
        Object peer = getExtraInfo("peername");
        if (peer != null) {
            b.append(" peer=").append(peer);
        }
        b.append(" read=").append(reading ? "polling" : "idle");
        b.append(" write=<").append(buffered > 0 ? "polling" : "idle").append(", bufsize=").append(buffered).append(">");
        return b.append('>').toString();
    }
}
