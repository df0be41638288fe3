package io.jasyncio.http.server;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.ReturnWhen;
import io.jasyncio.Task;
import io.jasyncio.net.BaseProtocol;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The HTTP server of an application, independent of where connections come from: aiohttp's
 * low-level {@code web.Server}. It is a protocol factory: give it to anything that accepts
 * connections with a {@code Supplier<BaseProtocol>} ({@code Net.createServer},
 * {@code Tls.createServer}, {@code UnixNet.createUnixServer}, or the testing module's
 * {@code MemoryNetwork.createServer}). {@link AppRunner} makes one and the sites use it.
 *
 * <pre>{@code
 * AppRunner runner = new AppRunner(app);
 * runner.setup();
 * MemoryServer listener = network.createServer(runner.server(), "127.0.0.1", 8080);  // in a test
 * }</pre>
 *
 * <p>It tracks its connections for {@link #shutdown(double)}. Loop-affine: made on, and used from,
 * the loop it serves.
 */
public final class HttpServer implements Supplier<BaseProtocol> {

    private final Application app;
    private final ServerOptions options;
    private final EventLoop loop;
    /** Connections being served (open, or lost while their request still runs), oldest first. */
    private final Set<ServerConnection> connections = new LinkedHashSet<>();
    /** Where responses are encoded (shared: the loop runs one connection at a time). */
    private final Wire wire = new Wire();
    /** Requests received, all connections together. */
    long requestsCount;

    /**
     * A server for {@code app} on the running loop. The application must have been started (its
     * router frozen); {@link AppRunner#setup()} does both.
     *
     * @throws IllegalStateException outside a running loop, or when the application was not started
     */
    public HttpServer(Application app, ServerOptions options) {
        this.app = Objects.requireNonNull(app, "app");
        this.options = Objects.requireNonNull(options, "options");
        this.loop = Asyncio.getRunningLoop();
        if (!app.frozen()) {
            throw new IllegalStateException("the application has not started: use AppRunner.setup(), or app.startup()");
        }
    }

    /** A protocol for one new connection (not attributed to a site). */
    @Override
    public BaseProtocol get() {
        return new ServerConnection(this, null);
    }

    /** A protocol factory whose connections belong to {@code site} (a site's stop shuts down only its own). */
    Supplier<BaseProtocol> protocolsFor(BaseSite site) {
        return () -> new ServerConnection(this, site);
    }

    /** The application served. */
    public Application app() {
        return app;
    }

    /** The options. */
    public ServerOptions options() {
        return options;
    }

    EventLoop loop() {
        return loop;
    }

    Wire wire() {
        return wire;
    }

    /**
     * The number of connections being served: open ones, and lost ones whose request is still
     * running (a handler is not cancelled by a disconnect unless {@link ServerOptions#handlerCancellation()}).
     */
    public int connectionCount() {
        return connections.size();
    }

    /** The number of requests received so far (aiohttp's {@code requests_count}). */
    public long requestsCount() {
        return requestsCount;
    }

    void attach(ServerConnection c) {
        connections.add(c);
    }

    void detach(ServerConnection c) {
        connections.remove(c);
    }

    /**
     * Graceful shutdown of every connection: idle keep-alive connections are closed at once,
     * requests in flight may finish within {@code timeout} seconds (their responses say
     * {@code Connection: close}), then the rest are cancelled and their connections aborted.
     * Suspends until every connection task has ended. Stop accepting first (close the listener):
     * {@link AppRunner#cleanup()} does it all in order.
     */
    public void shutdown(double timeout) {
        shutdown(null, timeout, true);
    }

    /** Shuts down the connections of {@code site} (every connection when {@code all}). */
    void shutdown(BaseSite site, double timeout, boolean all) {
        List<ServerConnection> targets = new ArrayList<>();
        for (ServerConnection c : connections) {
            if (all || c.site == site) {
                targets.add(c);
            }
        }
        List<Future<Void>> tasks = new ArrayList<>();
        for (ServerConnection c : targets) {
            c.shutdown();
            Task<Void> t = c.task();
            if (t != null && !t.done()) {
                tasks.add(t);
            }
        }
        if (tasks.isEmpty()) {
            return;
        }
        var result = Asyncio.wait(tasks, timeout, ReturnWhen.ALL_COMPLETED);
        if (result.pending().isEmpty()) {
            return;
        }
        for (ServerConnection c : targets) {
            Task<Void> t = c.task();
            if (t != null && !t.done()) {
                c.abortNow();
            }
        }
        Asyncio.wait(result.pending(), null, ReturnWhen.ALL_COMPLETED);
    }

    @Override
    public String toString() {
        return "<HttpServer connections=" + connections.size() + " requests=" + requestsCount + ">";
    }
}
