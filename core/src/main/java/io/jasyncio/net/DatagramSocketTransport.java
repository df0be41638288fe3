package io.jasyncio.net;

import io.jasyncio.EventLoop;
import io.jasyncio.LoopResource;
import io.jasyncio.ExceptionContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayDeque;
import java.util.Objects;

/**
 * A UDP transport on the loop's selector: CPython's {@code _SelectorDatagramTransport}.
 *
 * <p>Each readiness receives one datagram into a direct buffer per loop thread, lent to the protocol
 * for the duration of {@code datagramReceived}. A datagram is sent at once when nothing is
 * buffered; one the socket does not take is copied into the buffer, which is sent in order when the
 * socket is writable, the protocol being paused above the high-water mark.
 */
final class DatagramSocketTransport implements DatagramTransport, LoopResource {

    /*
     * Overview.
     *
     * States (asyncio's): open -> closing (close(): no more reading; the buffer still drains) ->
     * lost (connLost > 0: connectionLost is scheduled or done, the channel closed after it). abort()
     * and a fatal error go from open or closing to lost at once, dropping the buffer.
     *
     * Invariant: the channel has a writer registered on the loop exactly while the buffer is not
     * empty (between a send that would block and the send that empties the buffer), except for one
     * readiness after an error dropped the buffer's last datagram, as in asyncio.
     *
     * An exception from the protocol's datagramReceived or errorReceived is not caught here: it
     * leaves the reader or writer callback and goes to the loop's exception handler, and the
     * transport stays open (asyncio: the same, through the Handle that ran the callback).
     */

    /** The most one datagram can carry over UDP (IPv4 65,507 bytes, IPv6 65,527): larger ones are truncated. */
    static final int MAX_DATAGRAM = 64 * 1024;
    private static final ThreadLocal<ByteBuffer> RECEIVE_BUFFER =
            ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(MAX_DATAGRAM));
    /** What asyncio counts per buffered datagram beside its bytes (gh-135444's accounting). */
    static final int HEADER_SIZE = 8;
    /** asyncio's LOG_THRESHOLD_FOR_CONNLOST_WRITES. */
    private static final int CONNLOST_WARN_THRESHOLD = 5;
    private static final System.Logger LOG = System.getLogger("jasyncio");

    /** Sends one datagram; returns false when the socket would block (a seam for tests: a loopback UDP socket never blocks). */
    @FunctionalInterface
    interface Sender {
        /** {@code addr} is null on a connected channel. */
        boolean send(DatagramChannel channel, ByteBuffer data, SocketAddress addr) throws IOException;
    }

    /** The real sender. An empty datagram reports 0 bytes either way: it counts as sent (UDP sends never block in practice). */
    static final Sender SOCKET = (channel, data, addr) -> {
        boolean empty = !data.hasRemaining();
        int n = addr == null ? channel.write(data) : channel.send(data, addr);
        return n > 0 || empty;
    };

    /** A datagram waiting in the buffer: its bytes (a private copy) and where it goes. */
    private record Pending(ByteBuffer data, SocketAddress addr) {
        int size() {
            return data.remaining() + HEADER_SIZE;
        }
    }

    private final EventLoop loop;
    private final DatagramChannel channel;
    /** Where sendto without an address goes (asyncio's _address): the remote address given at creation, or null. */
    private final SocketAddress address;
    /** The channel's connected peer at creation (asyncio's extra "peername"): sends use write(), not send(addr). */
    private final SocketAddress peername;
    private BaseProtocol protocol;
    /** Datagrams not yet sent, in order. */
    private final ArrayDeque<Pending> buffer = new ArrayDeque<>();
    /** The buffered bytes plus HEADER_SIZE per datagram. */
    private int bufferSize;
    private final WriteFlowControl flow = new WriteFlowControl();
    /** Whether pauseWriting() was called and resumeWriting() not yet. */
    /** Whether pauseReading() holds reading off. */
    private boolean readingPaused;
    /** Set by close(): no more reading; the buffer still drains. */
    private boolean closing;
    /** How many times the connection was declared lost or written to after (asyncio's _conn_lost). */
    private int connLost;
    /** Whether connectionMade ran: connectionLost is called only after it. */
    private boolean protocolConnected;
    private Sender sender = SOCKET;
    private final Runnable onReadable = this::readReady;
    private final Runnable onWritable = this::sendtoReady;

    DatagramSocketTransport(EventLoop loop, DatagramChannel channel, DatagramProtocol protocol, SocketAddress address) {
        this.loop = loop;
        this.channel = channel;
        this.protocol = protocol;
        this.address = address;
        SocketAddress peer;
        try {
            peer = channel.getRemoteAddress();
        } catch (IOException e) {
            peer = null;
        }
        this.peername = peer;
        loop.trackResource(this);
        // As asyncio: connectionMade, then reading starts, each in its own callback.
        loop.callSoon(() -> {
            protocolConnected = true;
            protocol.connectionMade(this);
        });
        loop.callSoon(() -> {
            if (isReading()) {
                loop.addReader(channel, onReadable);
            }
        });
    }

    /** Replaces how datagrams are sent (tests make the socket "block"). */
    void setSender(Sender sender) {
        this.sender = Objects.requireNonNull(sender, "sender");
    }

    private DatagramProtocol datagramProtocol() {
        return (DatagramProtocol) protocol;
    }

    // ---- receiving ----

    private void readReady() {
        if (connLost > 0) {
            return;
        }
        ByteBuffer buf = RECEIVE_BUFFER.get();
        buf.clear();
        SocketAddress from;
        try {
            from = channel.receive(buf);
        } catch (IOException e) {
            datagramProtocol().errorReceived(e);
            return;
        } catch (RuntimeException e) {
            fatalError(e, "Fatal read error on datagram transport");
            return;
        }
        if (from == null) {
            return; // nothing after all (asyncio: BlockingIOError)
        }
        buf.flip();
        datagramProtocol().datagramReceived(buf.asReadOnlyBuffer(), from);
    }

    @Override
    public boolean isReading() {
        return !closing && !readingPaused;
    }

    @Override
    public void pauseReading() {
        if (!isReading()) {
            return;
        }
        readingPaused = true;
        loop.removeReader(channel);
    }

    @Override
    public void resumeReading() {
        if (closing || !readingPaused) {
            return;
        }
        readingPaused = false;
        loop.addReader(channel, onReadable);
    }

    // ---- sending ----

    @Override
    public void sendto(ByteBuffer data, SocketAddress addr) {
        Objects.requireNonNull(data, "data");
        if (address != null) {
            if (addr != null && !addr.equals(address)) {
                throw new IllegalArgumentException("Invalid address: must be null or " + address + ", got " + addr);
            }
            addr = address;
        } else if (addr == null) {
            throw new IllegalArgumentException("sendto() needs an address: this endpoint has no remote address");
        }
        if (addr instanceof InetSocketAddress isa && isa.isUnresolved()) {
            throw new IllegalArgumentException("unresolved address " + addr + ": resolve it first (Net.resolve)");
        }
        if (peername != null && !data.hasRemaining()) {
            throw new IllegalArgumentException("an empty datagram cannot be sent on a connected endpoint:"
                    + " java.nio skips zero-length writes; use an unconnected endpoint with sendto(data, addr)");
        }
        if (connLost > 0) {
            // asyncio drops only on a connected endpoint and sends on a closed socket otherwise; dropped
            // either way here, with the same warning.
            if (connLost >= CONNLOST_WARN_THRESHOLD) {
                LOG.log(System.Logger.Level.WARNING, "socket.send() raised exception.");
            }
            connLost++;
            return;
        }
        if (buffer.isEmpty()) {
            try {
                if (sender.send(channel, data, peername != null ? null : addr)) {
                    return;
                }
                loop.addWriter(channel, onWritable);
            } catch (IOException e) {
                datagramProtocol().errorReceived(e);
                return;
            } catch (IllegalArgumentException e) {
                throw e; // the caller's address does not fit this socket (another family, port 0 ...)
            } catch (RuntimeException e) {
                fatalError(e, "Fatal write error on datagram transport");
                return;
            }
        }
        ByteBuffer copy = ByteBuffer.allocate(data.remaining());
        copy.put(data).flip();
        Pending p = new Pending(copy, addr);
        buffer.add(p);
        bufferSize += p.size();
        maybePauseProtocol();
    }

    private void sendtoReady() {
        while (!buffer.isEmpty()) {
            Pending p = buffer.pollFirst();
            bufferSize -= p.size();
            try {
                if (!sender.send(channel, p.data(), peername != null ? null : p.addr())) {
                    buffer.addFirst(p); // try again later
                    bufferSize += p.size();
                    break;
                }
            } catch (IOException e) {
                datagramProtocol().errorReceived(e);
                return;
            } catch (RuntimeException e) {
                fatalError(e, "Fatal write error on datagram transport");
                return;
            }
        }
        maybeResumeProtocol(); // may add to the buffer
        if (buffer.isEmpty()) {
            loop.removeWriter(channel);
            if (closing) {
                connLost++;
                callConnectionLost(null);
            }
        }
    }

    @Override
    public int getWriteBufferSize() {
        return bufferSize;
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
        flow.maybePause(bufferSize, protocol, this::report);
    }

    private void maybeResumeProtocol() {
        flow.maybeResume(bufferSize, protocol, this::report);
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
        if (buffer.isEmpty()) {
            connLost++;
            loop.removeWriter(channel);
            loop.callSoon(() -> callConnectionLost(null));
        }
    }

    @Override
    public void abort() {
        forceClose(null);
    }

    /** An error that is not the operating system's broke the transport: report it (asyncio logs OSError only in debug mode). */
    private void fatalError(Throwable exc, String message) {
        if (exc instanceof IOException) {
            if (loop.getDebug()) {
                LOG.log(System.Logger.Level.DEBUG, this + ": " + message, exc);
            }
        } else {
            report(message, exc);
        }
        forceClose(exc);
    }

    private void report(String message, Throwable e) {
        loop.callExceptionHandler(ExceptionContext.builder(message).exception(e).put("transport", this)
                .put("protocol", protocol).build());
    }

    private void forceClose(Throwable exc) {
        if (connLost > 0) {
            return;
        }
        if (!buffer.isEmpty()) {
            buffer.clear();
            bufferSize = 0;
            loop.removeWriter(channel);
        }
        if (!closing) {
            closing = true;
            loop.removeReader(channel);
        }
        connLost++;
        loop.callSoon(() -> callConnectionLost(exc));
    }

    private void callConnectionLost(Throwable exc) {
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
                case "peername" -> peername;
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
        if (!(Objects.requireNonNull(protocol, "protocol") instanceof DatagramProtocol)) {
            throw new IllegalArgumentException("a datagram transport needs a DatagramProtocol, got " + protocol);
        }
        this.protocol = protocol;
    }

    @Override
    public BaseProtocol getProtocol() {
        return protocol;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("<DatagramSocketTransport");
        if (!channel.isOpen()) {
            b.append(" closed");
        } else if (closing) {
            b.append(" closing");
        }
        Object local = getExtraInfo("sockname");
        if (local != null) {
            b.append(" local=").append(local);
        }
        if (peername != null) {
            b.append(" peer=").append(peername);
        }
        b.append(" read=").append(channel.isOpen() && isReading() ? "polling" : "idle");
        b.append(" write=<").append(buffer.isEmpty() ? "idle" : "polling").append(", bufsize=").append(bufferSize).append(">");
        return b.append('>').toString();
    }
}
