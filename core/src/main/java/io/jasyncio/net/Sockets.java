package io.jasyncio.net;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Objects;

/**
 * Low-level socket operations that suspend the calling task until the socket is ready: asyncio's
 * {@code loop.sock_recv}, {@code sock_recv_into}, {@code sock_sendall}, {@code sock_accept} and
 * {@code sock_connect}, on non-blocking {@code java.nio} channels.
 *
 * <p>Each operation tries the socket first and waits for readiness only when it would block; the
 * I/O itself runs in the task after the wait, so a task cancelled while waiting has read or written
 * nothing: no byte is lost for a later read.
 */
public final class Sockets {
    private Sockets() {}

    /** Reads up to {@code n} bytes; an empty array at end of stream. Suspends until data arrives. */
    public static byte[] sockRecv(SocketChannel channel, int n) throws IOException {
        if (n < 0) {
            throw new IllegalArgumentException("n must be >= 0, got " + n);
        }
        ByteBuffer buf = ByteBuffer.allocate(n);
        int got = sockRecvInto(channel, buf);
        byte[] out = new byte[Math.max(got, 0)];
        buf.flip().get(out);
        return out;
    }

    /** Reads into {@code buffer} from its position; returns the count, 0 at end of stream (as asyncio). */
    public static int sockRecvInto(SocketChannel channel, ByteBuffer buffer) throws IOException {
        checkNonBlocking(channel);
        if (!buffer.hasRemaining()) {
            return 0;
        }
        while (true) {
            int n = channel.read(buffer);
            if (n != 0) {
                return Math.max(n, 0);
            }
            awaitReady(channel, true);
        }
    }

    /** Writes all of {@code data}, suspending while the socket's send buffer is full. */
    public static void sockSendall(SocketChannel channel, ByteBuffer data) throws IOException {
        checkNonBlocking(channel);
        while (true) {
            channel.write(data);
            if (!data.hasRemaining()) {
                return;
            }
            awaitReady(channel, false);
        }
    }

    /** Writes all of {@code data}. */
    public static void sockSendall(SocketChannel channel, byte[] data) throws IOException {
        sockSendall(channel, ByteBuffer.wrap(data));
    }

    /**
     * Sends {@code file} from {@code offset} ({@code count} bytes, or to its end when {@code
     * count} is null) with the kernel's zero-copy path ({@link FileChannel#transferTo}, which is
     * {@code sendfile(2)} on Linux): asyncio's {@code loop.sock_sendfile}. Suspends while the
     * socket's send buffer is full; returns the bytes sent, fewer than asked only at the file's
     * end. The file's position is left after the last byte sent, also when it fails or is
     * cancelled, as asyncio leaves it (so {@code file.position()} tells how far it got).
     *
     * @throws IllegalArgumentException for a negative offset, a count not positive, or a blocking socket
     */
    public static long sockSendfile(SocketChannel channel, FileChannel file, long offset, Long count) throws IOException {
        checkNonBlocking(channel);
        checkSendfileParams(file, offset, count);
        return transferFile(channel, file, offset, count, () -> awaitReady(channel, false));
    }

    /** How {@link #transferFile} waits for the socket to take more: returns when writable, or throws. */
    interface WritableWait {
        void await() throws IOException;
    }

    /**
     * The loop of {@link #sockSendfile}, with the wait for writability supplied: a transport waits
     * in a way its close() can end.
     */
    static long transferFile(SocketChannel channel, FileChannel file, long offset, Long count, WritableWait writable)
            throws IOException {
        long total = 0;
        try {
            while (true) {
                long size = file.size();
                long want = count != null ? Math.min(count - total, size - (offset + total)) : size - (offset + total);
                if (want <= 0) {
                    return total; // done, or the file ended before count
                }
                long sent = file.transferTo(offset + total, want, channel);
                total += sent;
                if (sent < want) {
                    // The socket is full: go on when it is writable; the loop runs meanwhile
                    // (asyncio too does one sendfile per readiness: other tasks get turns).
                    writable.await();
                }
            }
        } finally {
            file.position(offset + total);
        }
    }

    static void checkSendfileParams(FileChannel file, long offset, Long count) {
        Objects.requireNonNull(file, "file");
        if (offset < 0) {
            throw new IllegalArgumentException("offset must be a non-negative integer (got " + offset + ")");
        }
        if (count != null && count <= 0) {
            throw new IllegalArgumentException("count must be a positive integer (got " + count + ")");
        }
    }

    /** Accepts a connection, suspending until one arrives; the new channel is non-blocking. */
    public static SocketChannel sockAccept(ServerSocketChannel channel) throws IOException {
        checkNonBlocking(channel);
        while (true) {
            SocketChannel c = channel.accept();
            if (c != null) {
                c.configureBlocking(false);
                return c;
            }
            awaitReady(channel, true);
        }
    }

    /**
     * Connects {@code channel} to {@code address}, suspending until the connection is made.
     *
     * @throws java.net.ConnectException naming the address when it is refused or unreachable
     */
    public static void sockConnect(SocketChannel channel, SocketAddress address) throws IOException {
        checkNonBlocking(channel);
        try {
            if (channel.connect(address)) {
                return;
            }
            while (!channel.finishConnect()) {
                awaitReady(channel, false);
            }
        } catch (java.net.ConnectException e) {
            java.net.ConnectException named = new java.net.ConnectException(
                    "Connect call failed " + address + ": " + e.getMessage());
            named.initCause(e);
            throw named;
        }
    }

    /** Suspends until {@code channel} is readable ({@code read}) or writable; cleans up on cancel. */
    static void awaitReady(SelectableChannel channel, boolean read) {
        EventLoop loop = Asyncio.getRunningLoop();
        Future<Void> ready = loop.createFuture();
        Runnable wake = () -> {
            if (!ready.done()) {
                ready.setResult(null);
            }
        };
        if (read) {
            loop.addReader(channel, wake);
        } else {
            loop.addWriter(channel, wake);
        }
        try {
            ready.await();
        } finally {
            if (read) {
                loop.removeReader(channel);
            } else {
                loop.removeWriter(channel);
            }
        }
    }

    private static void checkNonBlocking(SelectableChannel channel) {
        if (channel.isBlocking()) {
            throw new IllegalArgumentException("the socket must be non-blocking: call configureBlocking(false)");
        }
    }

    static UncheckedIOException unchecked(IOException e) {
        return new UncheckedIOException(e.getMessage(), e);
    }
}
