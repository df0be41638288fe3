package io.jasyncio.net;

import io.jasyncio.EventLoop;
import io.jasyncio.ExceptionContext;
import io.jasyncio.Future;
import java.io.IOException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A listening server: asyncio's {@code Server}, made by {@link Net#createServer}.
 *
 * <p>{@link #close()} stops accepting; connections already made go on until they close
 * themselves, or {@link #closeClients()} / {@link #abortClients()} closes them. {@link #waitClosed()}
 * returns once the server is closed and its last connection is gone (asyncio 3.12+). Use it with
 * try-with-resources: closing the block closes the server (not its connections).
 */
public final class Server implements AutoCloseable {
    private final EventLoop loop;
    private final List<ServerSocketChannel> channels;
    private final Supplier<? extends BaseProtocol> protocolFactory;
    private final int backlog;
    private final Set<SocketTransport> clients = new LinkedHashSet<>();
    private final List<Future<Void>> closeWaiters = new ArrayList<>();
    private boolean serving;
    private boolean closed;
    /** Run once by close(), after the listening channels are closed (asyncio's loop._stop_serving override). */
    private final List<Runnable> closeHooks = new ArrayList<>();
    private Future<Void> servingForever;

    Server(EventLoop loop, List<ServerSocketChannel> channels, Supplier<? extends BaseProtocol> protocolFactory, int backlog) {
        this.loop = loop;
        this.channels = channels;
        this.protocolFactory = protocolFactory;
        this.backlog = backlog;
        loop.trackResource(listening);
    }

    /** The listening sockets as a loop resource: closed with the loop if the server was not. */
    private final io.jasyncio.LoopResource listening = new io.jasyncio.LoopResource() {
        @Override
        public boolean isClosing() {
            return closed;
        }

        @Override
        public void release() {
            closed = true;
            serving = false;
            for (ServerSocketChannel ch : channels) {
                closeQuietly(ch);
            }
        }

        @Override
        public String toString() {
            return Server.this.toString();
        }
    };

    /** The loop the server runs on. */
    public EventLoop getLoop() {
        return loop;
    }

    /** The listening channels (empty once closed). */
    public List<ServerSocketChannel> sockets() {
        return closed ? List.of() : List.copyOf(channels);
    }

    /** Whether the server is accepting connections. */
    public boolean isServing() {
        return serving;
    }

    /** Starts accepting connections (done by {@code createServer} unless {@code startServing} was false). */
    public void startServing() {
        if (serving || closed) {
            return;
        }
        serving = true;
        for (ServerSocketChannel ch : channels) {
            loop.addReader(ch, () -> accept(ch));
        }
    }

    /** Accepts what is pending, up to the backlog per readiness, as asyncio does. */
    private void accept(ServerSocketChannel ch) {
        for (int i = 0; i < backlog; i++) {
            SocketChannel conn;
            try {
                conn = ch.accept();
            } catch (IOException e) {
                // Too many open files and similar: asyncio logs and pauses accepting for a second.
                loop.callExceptionHandler(ExceptionContext.builder("socket.accept() out of system resource")
                        .exception(e).put("socket", ch).build());
                loop.removeReader(ch);
                loop.callLater(1.0, () -> {
                    if (serving && !closed) {
                        loop.addReader(ch, () -> accept(ch));
                    }
                });
                return;
            }
            if (conn == null) {
                return;
            }
            try {
                conn.configureBlocking(false);
            } catch (IOException e) {
                closeQuietly(conn);
                continue;
            }
            BaseProtocol protocol;
            try {
                protocol = protocolFactory.get();
            } catch (RuntimeException | Error e) {
                loop.callExceptionHandler(ExceptionContext.builder("Error on transport creation for incoming connection")
                        .exception(e).put("socket", conn).build());
                closeQuietly(conn);
                continue;
            }
            new SocketTransport(loop, conn, protocol, this);
        }
    }

    /**
     * Runs {@code hook} when the server closes, once its listening channels are closed: how
     * {@code UnixNet} removes the socket file (asyncio 3.13's {@code cleanup_socket}). What it
     * throws goes to the loop's exception handler.
     */
    void addCloseHook(Runnable hook) {
        closeHooks.add(java.util.Objects.requireNonNull(hook, "hook"));
    }

    void attach(SocketTransport t) {
        clients.add(t);
    }

    void detach(SocketTransport t) {
        clients.remove(t);
        if (clients.isEmpty() && closed) {
            wakeCloseWaiters();
        }
    }

    /** Stops listening; connections already accepted stay open. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        serving = false;
        loop.untrackResource(listening);
        for (ServerSocketChannel ch : channels) {
            loop.unregister(ch);
            closeQuietly(ch);
        }
        for (Runnable hook : closeHooks) {
            try {
                hook.run();
            } catch (RuntimeException e) {
                loop.callExceptionHandler(ExceptionContext.builder("Error while closing server " + this)
                        .exception(e).build());
            }
        }
        closeHooks.clear();
        if (servingForever != null && !servingForever.done()) {
            servingForever.cancel();
        }
        if (clients.isEmpty()) {
            wakeCloseWaiters();
        }
    }

    /** Closes every connection gracefully (buffered data is written first): asyncio 3.13. */
    public void closeClients() {
        for (SocketTransport t : List.copyOf(clients)) {
            t.close();
        }
    }

    /** Closes every connection at once, dropping buffered data: asyncio 3.13. */
    public void abortClients() {
        for (SocketTransport t : List.copyOf(clients)) {
            t.abort();
        }
    }

    /** Suspends until the server is closed and its last connection is gone. */
    public void waitClosed() {
        if (closed && clients.isEmpty()) {
            return;
        }
        Future<Void> f = loop.createFuture();
        closeWaiters.add(f);
        f.await();
    }

    private void wakeCloseWaiters() {
        for (Future<Void> f : closeWaiters) {
            if (!f.done()) {
                f.setResult(null);
            }
        }
        closeWaiters.clear();
    }

    /**
     * Accepts connections until the calling task is cancelled, then closes the server: asyncio's
     * {@code serve_forever()}.
     *
     * @throws IllegalStateException when already serving forever or closed
     */
    public void serveForever() {
        if (servingForever != null) {
            throw new IllegalStateException("server " + this + " is already being awaited on serveForever()");
        }
        if (closed) {
            throw new IllegalStateException("server " + this + " is closed");
        }
        startServing();
        servingForever = loop.createFuture();
        try {
            servingForever.await();
        } finally {
            close();
            servingForever = null;
        }
    }

    private static void closeQuietly(java.nio.channels.Channel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            // nothing to report
        }
    }

    @Override
    public String toString() {
        List<Object> addrs = new ArrayList<>();
        for (ServerSocketChannel ch : channels) {
            try {
                addrs.add(ch.getLocalAddress());
            } catch (IOException e) {
                addrs.add("?");
            }
        }
        return "<Server sockets=" + (closed ? "()" : addrs.toString()) + ">";
    }
}
