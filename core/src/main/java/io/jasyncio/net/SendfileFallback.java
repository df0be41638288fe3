package io.jasyncio.net;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * asyncio's {@code _sendfile_fallback} and {@code _SendfileFallbackProtocol}: sends a file through
 * a transport's {@code write} (for TLS and in-memory transports, which cannot use the kernel's
 * zero-copy path), reading it in chunks off the loop thread and honouring the transport's flow
 * control. While it runs, this object stands in as the transport's protocol to see {@code
 * pauseWriting}/{@code resumeWriting}; reading is paused; the original protocol is put back after.
 */
final class SendfileFallback implements Protocol {
    /** asyncio reads 16 KiB at a time; a larger chunk halves the thread hops per megabyte. */
    static final int CHUNK = 64 * 1024;

    private final Transport transport;
    private final BaseProtocol original;
    private final boolean resumeReading;
    /** The original protocol was paused when we took over: it is resumed when we hand back. */
    private boolean resumeWriting;
    private final EventLoop loop;
    /** Done while writing may go on; pending while the transport has paused us. */
    private Future<Void> writable;
    private Throwable lost;
    private boolean connectionLost;

    private SendfileFallback(Transport transport, EventLoop loop) {
        this.transport = transport;
        this.loop = loop;
        this.original = transport.getProtocol();
        this.resumeReading = transport.isReading();
        // asyncio reads the transport's _protocol_paused. The buffer's size alone cannot tell: a
        // protocol paused above the high mark stays paused until the buffer is down to the low one.
        this.resumeWriting = original instanceof FlowControlProtocol fc ? fc.writingPaused()
                : transport.getWriteBufferSize() > transport.getWriteBufferLimitHigh();
        this.writable = loop.createFuture();
        if (!resumeWriting) {
            writable.setResult(null);
        }
        transport.pauseReading();
        transport.setProtocol(this);
    }

    static long send(Transport transport, FileChannel file, long offset, Long count) throws IOException {
        EventLoop loop = Asyncio.getRunningLoop();
        SendfileFallback proto = new SendfileFallback(transport, loop);
        long total = 0;
        try {
            ByteBuffer buf = ByteBuffer.allocate(count != null ? (int) Math.min(count, CHUNK) : CHUNK);
            while (true) {
                int want = count != null ? (int) Math.min(count - total, buf.capacity()) : buf.capacity();
                if (want <= 0) {
                    return total;
                }
                buf.clear().limit(want);
                long position = offset + total;
                // Shielded: cancelling must not interrupt the worker, as toThread's cancellation does:
                // an interrupt inside FileChannel.read closes the caller's file.
                int read = Asyncio.shield(loop.runInExecutor(null, () -> file.read(buf, position))).await();
                if (read <= 0) {
                    return total; // EOF
                }
                proto.drain();
                buf.flip();
                transport.write(buf);
                total += read;
            }
        } finally {
            proto.restore();
            file.position(offset + total);
        }
    }

    /** Waits while the transport has paused writing; fails if the connection was lost. */
    private void drain() throws IOException {
        if (connectionLost || transport.isClosing()) {
            throw lostError(); // asyncio: is_closing() -> ConnectionError("Connection closed by peer")
        }
        writable.await();
    }

    private IOException lostError() {
        return lost instanceof IOException io ? io : new java.net.SocketException("Connection closed by peer");
    }

    /** Puts the original protocol back, and its reading and writing state. */
    private void restore() {
        transport.setProtocol(original);
        if (resumeReading) {
            transport.resumeReading();
        }
        if (resumeWriting && !connectionLost) {
            original.resumeWriting();
        }
        if (writable.done() && !writable.cancelled()) {
            writable.exception(); // a loss nobody waited for: the sender raised its own error, not a lost one
        }
    }

    @Override
    public void pauseWriting() {
        if (writable.done()) {
            writable = loop.createFuture();
        }
    }

    @Override
    public void resumeWriting() {
        if (!writable.done()) {
            writable.setResult(null);
        } else {
            // The transport had paused the original protocol before we took over: it is the one to resume.
            resumeWriting = true;
        }
    }

    @Override
    public void connectionLost(Throwable exc) {
        connectionLost = true;
        lost = exc;
        if (!writable.done()) {
            writable.setException(lostError());
        }
        original.connectionLost(exc);
    }

    @Override
    public void dataReceived(ByteBuffer data) {
        throw new IllegalStateException("Invalid state: reading should be paused during sendfile");
    }

    @Override
    public boolean eofReceived() {
        throw new IllegalStateException("Invalid state: reading should be paused during sendfile");
    }
}
