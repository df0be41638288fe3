package io.jasyncio.http.server;

import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Starts and stops an {@link Application}: aiohttp's {@code AppRunner}. {@link #setup()} runs the
 * startup callbacks and makes the {@link HttpServer}; sites ({@link TcpSite}, {@link UnixSite})
 * listen; {@link #cleanup()} shuts everything down gracefully.
 *
 * <pre>{@code
 * AppRunner runner = new AppRunner(app, ServerOptions.defaults().withShutdownTimeout(10));
 * runner.setup();
 * TcpSite site = new TcpSite(runner, "127.0.0.1", 8080);
 * site.start();
 * try {
 *     stopRequested.await();              // whatever ends the service
 * } finally {
 *     runner.cleanup();
 * }
 * }</pre>
 *
 * <p><b>Graceful shutdown</b> ({@link #cleanup()}), in order: every site stops accepting (new
 * connections are refused); the {@code onShutdown} callbacks run; idle keep-alive connections are
 * closed at once; requests in flight have {@link ServerOptions#shutdownTimeout()} seconds to finish
 * (their responses carry {@code Connection: close}), after which their tasks are cancelled and
 * their connections aborted; the listeners are closed; the {@code onCleanup} callbacks run.
 */
public final class AppRunner {

    private final Application app;
    private final ServerOptions options;
    private HttpServer server;
    private final List<BaseSite> sites = new ArrayList<>();

    /** A runner with {@link ServerOptions#defaults()}. */
    public AppRunner(Application app) {
        this(app, ServerOptions.defaults());
    }

    /** A runner with {@code options}. */
    public AppRunner(Application app, ServerOptions options) {
        this.app = Objects.requireNonNull(app, "app");
        this.options = Objects.requireNonNull(options, "options");
    }

    /** The application. */
    public Application app() {
        return app;
    }

    /** The options. */
    public ServerOptions options() {
        return options;
    }

    /** The server, once {@link #setup()} ran; null before and after {@link #cleanup()}. */
    public HttpServer server() {
        return server;
    }

    /** The started sites (a snapshot). */
    public List<BaseSite> sites() {
        return List.copyOf(sites);
    }

    /** The addresses the sites listen on. */
    public List<SocketAddress> addresses() {
        List<SocketAddress> all = new ArrayList<>();
        for (BaseSite s : sites) {
            all.addAll(s.addresses());
        }
        return all;
    }

    /**
     * Runs the application's startup callbacks, freezes it and makes the server (aiohttp's
     * {@code setup()}). Suspends while the callbacks do. Call from a task.
     *
     * @throws IllegalStateException when already set up
     * @throws Exception what a startup callback threw
     */
    public void setup() throws Exception {
        if (server != null) {
            throw new IllegalStateException("the runner is already set up");
        }
        app.startup();
        server = new HttpServer(app, options);
    }

    /**
     * Graceful shutdown (see the class comment). Suspends until it is done; a callback's exception
     * is thrown at the end, after everything else ran.
     */
    public void cleanup() throws Exception {
        if (server == null) {
            return;
        }
        List<BaseSite> stopping = List.copyOf(sites);
        for (BaseSite s : stopping) {
            s.closeListener();
        }
        Exception failure = null;
        try {
            app.shutdown();
        } catch (Exception e) {
            failure = e;
        }
        server.shutdown(null, options.shutdownTimeout(), true);
        for (BaseSite s : stopping) {
            s.waitListenerClosed();
            sites.remove(s);
        }
        try {
            app.cleanup();
        } catch (Exception e) {
            if (failure == null) {
                failure = e;
            } else {
                failure.addSuppressed(e);
            }
        }
        server = null;
        if (failure != null) {
            throw failure;
        }
    }

    void register(BaseSite site) {
        if (server == null) {
            throw new IllegalStateException("Call runner.setup() before starting a site");
        }
        if (sites.contains(site)) {
            throw new IllegalStateException("site " + site + " is already started");
        }
        sites.add(site);
    }

    void unregister(BaseSite site) {
        sites.remove(site);
    }

    @Override
    public String toString() {
        return "<AppRunner " + app + " sites=" + sites.size() + (server == null ? " (not set up)" : "") + ">";
    }
}
