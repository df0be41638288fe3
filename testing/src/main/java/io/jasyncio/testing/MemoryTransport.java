package io.jasyncio.testing;

import io.jasyncio.Context;
import io.jasyncio.EventLoop;
import io.jasyncio.ExceptionContext;
import io.jasyncio.net.BaseProtocol;
import io.jasyncio.net.BufferedProtocol;
import io.jasyncio.net.Protocol;
import io.jasyncio.net.Transport;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * One end of a {@link MemoryPipe}: a {@link Transport} with the socket transport's contract
 * (asyncio's {@code _SelectorSocketTransport}), over memory instead of a socket.
 *
 * <ul>
 *   <li>The protocol's {@code connectionMade} runs in a loop callback after the pipe is made; every
 *       later callback too runs in its own loop callback, never inside a call on the transport,
 *       except {@code pauseWriting}, which {@link #write} calls when the buffer goes over the
 *       high-water mark, as asyncio does.
 *   <li>{@link #getWriteBufferSize()} is what the peer's protocol has not yet received (beyond the
 *       link's {@link MemoryLink#socketBuffer()}): a peer that pauses reading pauses this writer.
 *   <li>{@link #close()}: reading stops, the buffered data and then the EOF still reach the peer,
 *       and {@code connectionLost(null)} follows once the peer has the data. The peer's protocol
 *       gets {@code eofReceived}; returning false closes its side too.
 *   <li>{@link #abort()}: buffered data is dropped, this end gets {@code connectionLost(null)} and
 *       the peer a reset ({@link java.net.SocketException} "Connection reset by peer").
 *   <li>{@link #getExtraInfo(String)}: {@code "peername"} and {@code "sockname"} are fake
 *       {@link InetSocketAddress}es; there is no {@code "socket"}.
 * </ul>
 *
 * <p>Loop-affine: call it from the loop's tasks and callbacks.
 */
public final class MemoryTransport implements Transport {
    /*
     * State, as the socket transport's (and asyncio's) fields:
     *   closing      close(), abort() or an error: no more reading; set once.
     *   connLost     > 0 once the connection is declared lost and connectionLost is scheduled
     *                (asyncio's _conn_lost; it also counts writes after that).
     *   lost         connectionLost ran: the end's "socket" is closed (the pipe was told).
     *   eof          writeEof(): the FIN is queued, writing is over.
     *   paused       pauseReading(); started: the start-reading callback ran.
     * A close() with buffered data leaves connLost at 0 until the peer consumed it (outgoingConsumed).
     */
    private static final int DEFAULT_HIGH = 64 * 1024;
    private static final System.Logger LOG = System.getLogger("jasyncio");

    private final EventLoop loop;
    private final MemoryPipe pipe;
    /** "client" or "server", for toString. */
    private final String side;
    private final InetSocketAddress sockname;
    private final InetSocketAddress peername;
    /** The server that accepted this end, told when it closes; null on the client's end. */
    private final MemoryServer server;
    /**
     * The context every protocol callback of this end runs in, as a socket transport's run in the
     * context its reader was registered in: the connecting task's (a copy) on the client's end,
     * the server's creator's on the server's end. So neither side sees the other's context variables.
     */
    final Context context;
    private BaseProtocol protocol;
    /** The other end, and the flows this end writes to and reads from (set by the pipe). */
    private MemoryTransport peer;
    private MemoryPipe.Flow out;
    private MemoryPipe.Flow in;
    private int high = DEFAULT_HIGH;
    private int low = DEFAULT_HIGH / 4;
    /** pauseWriting() was called and resumeWriting() not yet. */
    private boolean protocolPaused;
    private boolean paused;
    private boolean started;
    private boolean closing;
    private boolean eof;
    private int connLost;
    private boolean lost;
    /** connectionMade ran: connectionLost may be called. */
    private boolean protocolConnected;
    /** Data arrived while closing and nobody read it: the peer gets a reset when this end closes. */
    private boolean discardedUnread;
    /** Lent to {@code dataReceived}, reused for every delivery. */
    private ByteBuffer readBuffer;

    MemoryTransport(EventLoop loop, MemoryPipe pipe, String side, BaseProtocol protocol, InetSocketAddress sockname,
            InetSocketAddress peername, MemoryServer server, Context context) {
        this.loop = loop;
        this.context = context;
        this.pipe = pipe;
        this.side = side;
        this.protocol = checkProtocol(protocol);
        this.sockname = sockname;
        this.peername = peername;
        this.server = server;
        if (server != null) {
            server.attach(this);
        }
    }

    void connect(MemoryTransport peer, MemoryPipe.Flow out, MemoryPipe.Flow in) {
        this.peer = peer;
        this.out = out;
        this.in = in;
    }

    private static BaseProtocol checkProtocol(BaseProtocol protocol) {
        Objects.requireNonNull(protocol, "protocol");
        if (!(protocol instanceof Protocol) && !(protocol instanceof BufferedProtocol)) {
            throw new IllegalArgumentException("a stream transport needs a Protocol or a BufferedProtocol, got "
                    + protocol.getClass().getName());
        }
        return protocol;
    }

    /** The pipe this end belongs to: its links, {@link MemoryPipe#reset()}, the other end. */
    public MemoryPipe pipe() {
        return pipe;
    }

    // ---- lifecycle, driven by the pipe ----

    void made() {
        protocolConnected = true;
        protocol.connectionMade(this);
    }

    void startReading() {
        started = true;
        in.schedule();
    }

    /** Whether a delivery may go to the protocol now. */
    boolean receiving() {
        return started && !paused && !closing;
    }

    boolean isLost() {
        return lost;
    }

    // ---- reading ----

    /** Hands {@code n} arrived bytes of {@code flow} to the protocol. */
    void receive(MemoryPipe.Flow flow, int n) {
        if (protocol instanceof BufferedProtocol bp) {
            ByteBuffer buf;
            try {
                buf = bp.getBuffer(n);
                if (buf == null || !buf.hasRemaining()) {
                    throw new IllegalStateException("getBuffer() returned an empty buffer");
                }
                if (buf.isReadOnly()) {
                    throw new IllegalStateException("getBuffer() returned a read-only buffer");
                }
            } catch (RuntimeException | Error e) {
                fatalError(e, "Fatal error: protocol.getBuffer() call failed.");
                return;
            }
            int k = Math.min(n, buf.remaining());
            flow.take(buf, k);
            try {
                bp.bufferUpdated(k);
            } catch (RuntimeException | Error e) {
                fatalError(e, "Fatal error: protocol.bufferUpdated() call failed.");
            }
            return;
        }
        if (readBuffer == null || readBuffer.capacity() < n) {
            readBuffer = ByteBuffer.allocate(Math.max(n, 8192));
        }
        readBuffer.clear();
        flow.take(readBuffer, n);
        readBuffer.flip();
        try {
            ((Protocol) protocol).dataReceived(readBuffer.asReadOnlyBuffer());
        } catch (RuntimeException | Error e) {
            fatalError(e, "Fatal error: protocol.dataReceived() call failed.");
        }
    }

    /** The peer's FIN arrived: asyncio's {@code _read_ready__on_eof}. */
    void eofArrived() {
        if (loop.getDebug()) {
            LOG.log(System.Logger.Level.DEBUG, "{0} received EOF", this);
        }
        boolean keepOpen;
        try {
            keepOpen = protocol instanceof Protocol p ? p.eofReceived() : ((BufferedProtocol) protocol).eofReceived();
        } catch (RuntimeException | Error e) {
            fatalError(e, "Fatal error: protocol.eofReceived() call failed.");
            return;
        }
        if (!keepOpen) {
            close();
        }
        // Kept open: this end may still write; nothing more can arrive.
    }

    void discardedUnread() {
        discardedUnread = true;
    }

    @Override
    public boolean isReading() {
        return !paused && !closing;
    }

    @Override
    public void pauseReading() {
        if (closing || paused) {
            return;
        }
        paused = true;
    }

    @Override
    public void resumeReading() {
        if (closing || !paused) {
            return;
        }
        paused = false;
        in.schedule();
    }

    // ---- writing ----

    @Override
    public void write(ByteBuffer data) {
        Objects.requireNonNull(data, "data");
        if (eof) {
            throw new IllegalStateException("Cannot call write() after writeEof()");
        }
        if (!data.hasRemaining()) {
            return;
        }
        if (connLost > 0) {
            if (connLost >= 5) {
                LOG.log(System.Logger.Level.WARNING, "socket.send() raised exception.");
            }
            connLost++;
            data.position(data.limit());
            return;
        }
        if (peer.lost) {
            // The peer's socket is closed: it answers with a reset, as a TCP peer does.
            data.position(data.limit());
            resetByPeer();
            return;
        }
        out.send(data);
        maybePauseProtocol();
    }

    /** The peer consumed (or discarded) some of what this end wrote. */
    void outgoingConsumed() {
        if (connLost > 0) {
            return;
        }
        maybeResumeProtocol();
        if (closing && getWriteBufferSize() == 0) {
            connLost++;
            loop.callSoon(() -> callConnectionLost(null), context);
        }
    }

    @Override
    public void writeEof() {
        if (closing || eof) {
            return;
        }
        eof = true;
        out.sendFin();
    }

    @Override
    public boolean canWriteEof() {
        return true;
    }

    @Override
    public int getWriteBufferSize() {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(0, out.queued - out.link.socketBuffer()));
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
        if (getWriteBufferSize() <= high || protocolPaused) {
            return;
        }
        protocolPaused = true;
        try {
            protocol.pauseWriting();
        } catch (RuntimeException | Error e) {
            report("protocol.pauseWriting() failed", e);
        }
    }

    private void maybeResumeProtocol() {
        if (protocolPaused && getWriteBufferSize() <= low) {
            protocolPaused = false;
            try {
                protocol.resumeWriting();
            } catch (RuntimeException | Error e) {
                report("protocol.resumeWriting() failed", e);
            }
        }
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
        in.schedule(); // what arrived and was not read is discarded now
        if (getWriteBufferSize() == 0) {
            connLost++;
            loop.callSoon(() -> callConnectionLost(null), context);
        }
        // After the connectionLost callback, as a socket's FIN leaves when it closes.
        out.sendFin();
    }

    @Override
    public void abort() {
        if (connLost > 0) {
            return;
        }
        forceClose(null);
        peer.resetByPeer();
    }

    /** The peer reset the connection (or the test did): connectionLost gets "Connection reset by peer". */
    void resetByPeer() {
        if (connLost > 0) {
            return;
        }
        if (loop.getDebug()) {
            LOG.log(System.Logger.Level.DEBUG, "{0}: connection reset by peer", this);
        }
        forceClose(MemoryPipe.connectionReset());
    }

    /** A protocol callback failed: reported, then the connection closed with that exception. */
    private void fatalError(Throwable exc, String message) {
        report(message, exc);
        forceClose(exc);
    }

    private void report(String message, Throwable e) {
        loop.callExceptionHandler(ExceptionContext.builder(message).exception(e).put("transport", this)
                .put("protocol", protocol).build());
    }

    /** asyncio's {@code _force_close}: drops the buffer, stops reading, connectionLost(exc) soon. */
    private void forceClose(Throwable exc) {
        if (connLost > 0) {
            return;
        }
        out.clear();
        closing = true;
        connLost++;
        loop.callSoon(() -> callConnectionLost(exc), context);
    }

    private void callConnectionLost(Throwable exc) {
        if (lost) {
            return;
        }
        lost = true;
        try {
            if (protocolConnected) {
                protocol.connectionLost(exc);
            }
        } finally {
            pipe.endClosed(this, in, out, discardedUnread);
            if (server != null) {
                server.detach(this);
            }
        }
    }

    // ---- the rest ----

    /** {@code "peername"} and {@code "sockname"}: fake addresses; null for anything else. */
    @Override
    public Object getExtraInfo(String name) {
        return switch (name) {
            case "peername" -> peername;
            case "sockname" -> sockname;
            default -> null;
        };
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException when {@code protocol} is neither a {@code Protocol} nor a
     *     {@code BufferedProtocol}
     */
    @Override
    public void setProtocol(BaseProtocol protocol) {
        this.protocol = checkProtocol(protocol);
    }

    @Override
    public BaseProtocol getProtocol() {
        return protocol;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("<MemoryTransport ").append(side);
        if (lost) {
            b.append(" closed");
        } else if (closing) {
            b.append(" closing");
        }
        b.append(" peer=").append(peername);
        b.append(" read=").append(isReading() ? "polling" : "idle");
        b.append(" write=<").append(getWriteBufferSize() > 0 ? "polling" : "idle").append(", bufsize=")
                .append(getWriteBufferSize()).append(">");
        return b.append('>').toString();
    }
}
