package io.jasyncio.testing;

import io.jasyncio.Asyncio;
import io.jasyncio.Context;
import io.jasyncio.EventLoop;
import io.jasyncio.Handle;
import io.jasyncio.net.BaseProtocol;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;

/**
 * A connected pair of in-memory transports: a TCP connection without sockets, for testing protocol
 * code (and the streams and HTTP built on it) on the loop, deterministically, under a
 * {@link VirtualClock}.
 *
 * <pre>{@code
 * EchoProtocol server = new EchoProtocol();
 * ClientProtocol client = new ClientProtocol();
 * MemoryPipe pipe = MemoryPipe.open(client, server, MemoryLink.DEFAULT.withMaxChunk(1).withLatency(0.01));
 * pipe.client().write("hello".getBytes());   // the server gets h, e, l, l, o at t = 0.01
 * }</pre>
 *
 * <p>Each end is a {@link MemoryTransport} with a socket transport's contract: data written on one
 * end reaches the other end's protocol ({@code Protocol.dataReceived} or {@code BufferedProtocol}'s
 * {@code getBuffer}/{@code bufferUpdated}) in a later loop callback, never inside {@code write};
 * {@code writeEof} becomes the peer's {@code eofReceived}; {@code close} delivers the buffered data,
 * then the peer's EOF; {@code pauseReading} keeps data queued, and what the reader has not consumed
 * counts in the writer's write buffer, so a reader that stops reading pauses the writer
 * ({@code pauseWriting}/{@code resumeWriting}). {@link MemoryLink}s set how each direction delivers:
 * in small pieces, late, slowly, or cut off by a reset; {@link #reset()} resets on demand.
 *
 * <p>Loop-affine: use the pipe and its transports from the loop thread.
 */
public final class MemoryPipe {
    /*
     * Overview
     *
     * A pipe is two MemoryTransports and two Flows, one per direction. A Flow holds what its writer
     * wrote and its reader has not consumed: a FIFO of segments, each with the loop time (clock
     * nanos) at which it "arrives", computed at write time from the link (latency, bandwidth), and
     * never earlier than the segment before it (TCP is in order). The last segment may be the FIN
     * (writeEof, close, or the writer's socket closing); data written after close() but before the
     * socket closed goes before it.
     *
     * Delivery is one loop callback per piece (Flow.deliver, scheduled with callSoon when the head
     * has arrived, callLater for its arrival time otherwise): at most maxChunk bytes of what has
     * arrived, as one socket read per readiness. A delivery waits while the reader has not started
     * reading (its connectionMade and start-reading callbacks come first, as a socket transport's)
     * or is paused; resumeReading schedules it again. A closing reader no longer reads: arriving
     * data is discarded, as a kernel receive buffer nobody reads, and remembered.
     *
     * The writer's write buffer is what its Flow holds beyond the link's socketBuffer; each
     * delivery or discard shrinks it, resumes the writer's protocol below the low-water mark and
     * completes a pending close() when it reaches 0 (connectionLost(null) in its own callback).
     *
     * When an end's "socket" closes (its callConnectionLost runs), the pipe plays the kernel: data
     * the end never read (still queued for it, or discarded while closing) resets the peer, as a
     * TCP RST; otherwise the peer gets the FIN after what is still in flight. A write to an end
     * whose socket is closed resets the writer at once. abort() resets the peer (its connectionLost
     * gets "Connection reset by peer"); the aborting end gets connectionLost(null), as asyncio's.
     * Resets drop everything in flight in both directions and are not delayed by the latency.
     */

    private final EventLoop loop;
    private final MemoryTransport client;
    private final MemoryTransport server;
    /** Client to server, and server to client. */
    private final Flow toServer;
    private final Flow toClient;
    /** Told when both ends are closed (the network forgets the pipe); null for a standalone pipe. */
    private final Runnable onClosed;

    MemoryPipe(EventLoop loop, BaseProtocol clientProtocol, BaseProtocol serverProtocol, MemoryLink toServerLink,
            MemoryLink toClientLink, InetSocketAddress clientAddress, InetSocketAddress serverAddress,
            MemoryServer owner, Runnable onClosed) {
        this.loop = loop;
        this.onClosed = onClosed;
        this.client = new MemoryTransport(loop, this, "client", clientProtocol, clientAddress, serverAddress, null,
                Context.copyCurrent());
        this.server = new MemoryTransport(loop, this, "server", serverProtocol, serverAddress, clientAddress, owner,
                owner != null ? owner.context().copy() : Context.copyCurrent());
        this.toServer = new Flow(client, server, Objects.requireNonNull(toServerLink, "toServer link"));
        this.toClient = new Flow(server, client, Objects.requireNonNull(toClientLink, "toClient link"));
        client.connect(server, toServer, toClient);
        server.connect(client, toClient, toServer);
        // As a socket transport: connectionMade, then reading starts, each in its own callback
        // (the server's side first, as if accepted before the client's connect returned).
        loop.callSoon(server::made, server.context);
        loop.callSoon(client::made, client.context);
        loop.callSoon(server::startReading, server.context);
        loop.callSoon(client::startReading, client.context);
    }

    /**
     * Connects {@code clientProtocol} and {@code serverProtocol} through a new pipe with
     * {@link MemoryLink#DEFAULT} both ways, and returns once both {@code connectionMade} calls ran.
     * Suspends (one loop turn): call from a task. The ends are named 127.0.0.1:49152 (the
     * client's) and 127.0.0.1:8080 (the server's); each end's callbacks run in a copy of the
     * caller's context.
     *
     * @throws IllegalArgumentException when a protocol is neither a {@code Protocol} nor a
     *     {@code BufferedProtocol}
     */
    public static MemoryPipe open(BaseProtocol clientProtocol, BaseProtocol serverProtocol) {
        return open(clientProtocol, serverProtocol, MemoryLink.DEFAULT, MemoryLink.DEFAULT);
    }

    /** Like {@link #open(BaseProtocol, BaseProtocol)} with {@code link} both ways. */
    public static MemoryPipe open(BaseProtocol clientProtocol, BaseProtocol serverProtocol, MemoryLink link) {
        return open(clientProtocol, serverProtocol, link, link);
    }

    /** Like {@link #open(BaseProtocol, BaseProtocol)} with a link for each direction. */
    public static MemoryPipe open(BaseProtocol clientProtocol, BaseProtocol serverProtocol, MemoryLink toServer,
            MemoryLink toClient) {
        EventLoop loop = Asyncio.getRunningLoop();
        MemoryPipe pipe = new MemoryPipe(loop, clientProtocol, serverProtocol, toServer, toClient,
                MemoryNetwork.address("127.0.0.1", 49152), MemoryNetwork.address("127.0.0.1", 8080), null, null);
        Asyncio.sleep(0); // the connectionMade callbacks run first
        return pipe;
    }

    /** The client's end (the one that connected). */
    public MemoryTransport client() {
        return client;
    }

    /** The server's end (the one that accepted). */
    public MemoryTransport server() {
        return server;
    }

    /** The link from the client to the server. */
    public MemoryLink clientToServer() {
        return toServer.link;
    }

    /** The link from the server to the client. */
    public MemoryLink serverToClient() {
        return toClient.link;
    }

    /**
     * Changes the link from the client to the server: its latency and bandwidth apply to data
     * written from now on, its chunk size to deliveries from now on, and its {@code resetAfter}
     * counts bytes delivered from now on.
     */
    public void setClientToServer(MemoryLink link) {
        toServer.setLink(Objects.requireNonNull(link, "link"));
    }

    /** Changes the link from the server to the client, as {@link #setClientToServer}. */
    public void setServerToClient(MemoryLink link) {
        toClient.setLink(Objects.requireNonNull(link, "link"));
    }

    /**
     * Resets the connection now: what is in flight both ways is dropped and each end still open
     * gets {@code connectionLost} with a {@link SocketException} "Connection reset by peer", the
     * client's first, in later loop callbacks.
     */
    public void reset() {
        client.resetByPeer();
        server.resetByPeer();
    }

    /** The total bytes the server's protocol has received from the client. */
    public long bytesToServer() {
        return toServer.delivered;
    }

    /** The total bytes the client's protocol has received from the server. */
    public long bytesToClient() {
        return toClient.delivered;
    }

    /** The end opposite {@code end}. */
    MemoryTransport peerOf(MemoryTransport end) {
        return end == client ? server : client;
    }

    /**
     * An end's socket closed (after its connectionLost): the peer gets a reset if the end left
     * data unread, else the FIN after the data still in flight. Then, once both ends are closed,
     * the owner forgets the pipe.
     */
    void endClosed(MemoryTransport end, Flow in, Flow out, boolean discardedUnread) {
        boolean unread = in.clear() > 0 || discardedUnread;
        MemoryTransport peer = peerOf(end);
        if (!peer.isLost()) {
            if (unread) {
                peer.resetByPeer();
            } else {
                out.sendFin();
            }
        } else if (onClosed != null) {
            onClosed.run();
        }
    }

    @Override
    public String toString() {
        return "<MemoryPipe " + client.getExtraInfo("sockname") + " <-> " + server.getExtraInfo("sockname")
                + " toServer=" + toServer.queued + "B toClient=" + toClient.queued + "B>";
    }

    /** A new "Connection reset by peer", what a socket raises on an RST. */
    static SocketException connectionReset() {
        return new SocketException("Connection reset by peer");
    }

    /** One direction: what {@code writer} wrote and {@code reader} has not consumed. */
    final class Flow {
        /** Written data, or the FIN (data null), and the clock nanos from which it can be delivered. */
        private static final class Segment {
            final ByteBuffer data;
            long arrival;

            Segment(ByteBuffer data, long arrival) {
                this.data = data;
                this.arrival = arrival;
            }
        }

        final MemoryTransport writer;
        final MemoryTransport reader;
        /** Undelivered data in order, possibly ending with the FIN. */
        private final ArrayDeque<Segment> segments = new ArrayDeque<>();
        /** Data bytes in {@code segments}. */
        long queued;
        /** How this direction delivers. */
        MemoryLink link;
        /** Bytes the reader may still get before the injected reset; -1: no reset. */
        private long budget;
        /** Clock nanos at which the link is free to carry the next packet (bandwidth). */
        private long linkFreeAt = Long.MIN_VALUE;
        /** The arrival of the last segment queued: later ones never arrive before it. */
        private long lastArrival = Long.MIN_VALUE;
        /** Whether the FIN was queued (and not dropped): the writer sends nothing more. */
        private boolean finSent;
        /** The scheduled {@link #deliver()}, or null. */
        private Handle pending;
        /** Bytes delivered to the reader's protocol so far. */
        long delivered;

        Flow(MemoryTransport writer, MemoryTransport reader, MemoryLink link) {
            this.writer = writer;
            this.reader = reader;
            setLink(link);
        }

        void setLink(MemoryLink link) {
            this.link = link;
            this.budget = link.resetAfter();
        }

        /** Queues the remaining bytes of {@code data} (copied; the buffer is consumed) and schedules delivery. */
        void send(ByteBuffer data) {
            Segment fin = segments.peekLast() != null && segments.peekLast().data == null ? segments.pollLast() : null;
            long now = loop.clock().nanoTime();
            boolean limited = !Double.isInfinite(link.bandwidth());
            while (data.hasRemaining()) {
                int n = limited ? Math.min(link.maxChunk(), data.remaining()) : data.remaining();
                ByteBuffer copy = ByteBuffer.allocate(n).put(data.slice(data.position(), n)).flip();
                data.position(data.position() + n);
                long done = Math.max(now, linkFreeAt) + link.transmitNanos(n);
                linkFreeAt = done;
                lastArrival = Math.max(done + link.latencyNanos(), lastArrival);
                segments.addLast(new Segment(copy, lastArrival));
                queued += n;
            }
            if (fin != null) {
                fin.arrival = Math.max(fin.arrival, lastArrival);
                lastArrival = fin.arrival;
                segments.addLast(fin);
            }
            schedule();
        }

        /** Queues the FIN after everything written; idempotent. */
        void sendFin() {
            if (finSent) {
                return;
            }
            finSent = true;
            long now = loop.clock().nanoTime();
            lastArrival = Math.max(Math.max(now, linkFreeAt) + link.latencyNanos(), lastArrival);
            segments.addLast(new Segment(null, lastArrival));
            schedule();
        }

        /** Drops everything queued; returns how many data bytes were dropped. */
        long clear() {
            long dropped = queued;
            if (!segments.isEmpty() && segments.peekLast().data == null) {
                finSent = false; // never reached the reader
            }
            segments.clear();
            queued = 0;
            if (pending != null) {
                pending.cancel();
                pending = null;
            }
            return dropped;
        }

        /** Schedules {@link #deliver()} for when the head of the queue arrives, unless already scheduled. */
        void schedule() {
            if (pending != null || segments.isEmpty()) {
                return;
            }
            long wait = segments.peekFirst().arrival - loop.clock().nanoTime();
            // In the reader's context (callLater has no context parameter: enter it explicitly).
            pending = wait <= 0 ? loop.callSoon(this::deliver, reader.context)
                    : loop.callLater(Duration.ofNanos(wait), () -> reader.context.run(this::deliver));
        }

        /** One delivery: a piece of what has arrived, or the FIN, or the injected reset. */
        private void deliver() {
            pending = null;
            Segment head = segments.peekFirst();
            if (head == null) {
                return;
            }
            long now = loop.clock().nanoTime();
            if (head.arrival > now) {
                schedule();
                return;
            }
            if (reader.isClosing()) {
                discardArrived(now);
                writer.outgoingConsumed();
                schedule();
                return;
            }
            if (!reader.receiving()) {
                return; // resumeReading (or the start of reading) schedules again
            }
            if (head.data == null) {
                segments.pollFirst();
                reader.eofArrived();
                return;
            }
            if (budget == 0) {
                reset();
                return;
            }
            long limit = budget < 0 ? link.maxChunk() : Math.min(link.maxChunk(), budget);
            int n = 0;
            for (Segment s : segments) {
                if (s.data == null || s.arrival > now || n >= limit) {
                    break;
                }
                n = (int) Math.min(limit, (long) n + s.data.remaining());
            }
            reader.receive(this, n);
            writer.outgoingConsumed();
            schedule();
        }

        /**
         * Moves {@code n} bytes from the head of the queue into {@code dst} (which has room), for
         * the reader's protocol.
         */
        void take(ByteBuffer dst, int n) {
            int left = n;
            while (left > 0) {
                ByteBuffer head = segments.peekFirst().data;
                int k = Math.min(left, head.remaining());
                dst.put(head.slice().limit(k));
                head.position(head.position() + k);
                if (!head.hasRemaining()) {
                    segments.pollFirst();
                }
                left -= k;
            }
            queued -= n;
            delivered += n;
            if (budget > 0) {
                budget -= n;
            }
        }

        /** A closing reader does not read: what has arrived is dropped, as unread data. */
        private void discardArrived(long now) {
            while (!segments.isEmpty() && segments.peekFirst().arrival <= now) {
                Segment s = segments.pollFirst();
                if (s.data != null) {
                    queued -= s.data.remaining();
                    reader.discardedUnread();
                }
            }
        }
    }
}
