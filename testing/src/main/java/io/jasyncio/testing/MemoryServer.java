package io.jasyncio.testing;

import io.jasyncio.Context;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.net.BaseProtocol;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A server listening on a {@link MemoryNetwork}: what {@link MemoryNetwork#createServer} returns,
 * with the API of {@link io.jasyncio.net.Server}. Each {@link MemoryNetwork#createConnection} to
 * its address makes a protocol from its factory and connects it to the client through a
 * {@link MemoryPipe}.
 *
 * <p>{@link #close()} stops accepting (connections to the address are refused); connections already
 * made go on until they close, or {@link #closeClients()} / {@link #abortClients()} closes them.
 * {@link #waitClosed()} returns once the server is closed and its last connection is gone (asyncio
 * 3.12+).
 */
public final class MemoryServer implements AutoCloseable {
    private final EventLoop loop;
    private final MemoryNetwork network;
    private final InetSocketAddress address;
    /** The host it listens on, null: every host name. */
    private final String host;
    private final Supplier<? extends BaseProtocol> protocolFactory;
    /** The context of the server's creator, copied: its connections' protocols run in copies of it. */
    private final Context context = Context.copyCurrent();
    /** The server ends of the connections still open, in the order they were made. */
    private final Set<MemoryTransport> clients = new LinkedHashSet<>();
    private final List<Future<Void>> closeWaiters = new ArrayList<>();
    private boolean closed;
    private Future<Void> servingForever;

    MemoryServer(EventLoop loop, MemoryNetwork network, String host, InetSocketAddress address,
            Supplier<? extends BaseProtocol> protocolFactory) {
        this.loop = loop;
        this.network = network;
        this.host = host;
        this.address = address;
        this.protocolFactory = protocolFactory;
    }

    /** The loop the server runs on. */
    public EventLoop getLoop() {
        return loop;
    }

    /** The address it listens on (its port is the one assigned when 0 was asked for). */
    public InetSocketAddress address() {
        return address;
    }

    /** The port it listens on. */
    public int port() {
        return address.getPort();
    }

    String host() {
        return host;
    }

    /** Whether the server accepts connections (until {@link #close()}). */
    public boolean isServing() {
        return !closed;
    }

    /** The server ends of the open connections, oldest first (a snapshot). */
    public List<MemoryTransport> clients() {
        return List.copyOf(clients);
    }

    Context context() {
        return context;
    }

    BaseProtocol newProtocol() {
        return protocolFactory.get();
    }

    void attach(MemoryTransport t) {
        clients.add(t);
    }

    void detach(MemoryTransport t) {
        clients.remove(t);
        if (clients.isEmpty() && closed) {
            wakeCloseWaiters();
        }
    }

    /** Stops accepting: later connections to the address are refused. Open connections stay. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        network.unbind(this);
        if (servingForever != null && !servingForever.done()) {
            servingForever.cancel();
        }
        if (clients.isEmpty()) {
            wakeCloseWaiters();
        }
    }

    /** Closes every connection gracefully (buffered data is delivered first). */
    public void closeClients() {
        for (MemoryTransport t : List.copyOf(clients)) {
            t.close();
        }
    }

    /** Closes every connection at once, dropping buffered data (the clients see a reset). */
    public void abortClients() {
        for (MemoryTransport t : List.copyOf(clients)) {
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
     * Serves until the calling task is cancelled, then closes the server: asyncio's
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
        servingForever = loop.createFuture();
        try {
            servingForever.await();
        } finally {
            close();
            servingForever = null;
        }
    }

    @Override
    public String toString() {
        return "<MemoryServer " + (closed ? "closed" : address) + " clients=" + clients.size() + ">";
    }
}
