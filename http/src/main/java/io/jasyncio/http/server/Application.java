package io.jasyncio.http.server;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.KeyboardInterrupt;
import io.jasyncio.Task;
import io.jasyncio.http.protocol.HttpVersion;
import io.jasyncio.signal.Signals;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A web application: routes, middlewares, lifecycle callbacks and shared values. aiohttp's
 * {@code web.Application}.
 *
 * <pre>{@code
 * Application app = new Application();
 * app.router().get("/", request -> Response.text("Hello, world"));
 * app.router().get("/users/{id}", request -> Response.json(users.get(request.matchInfo("id"))));
 * app.middlewares().add((request, handler) -> {
 *     StreamResponse r = handler.handle(request);
 *     r.headers().set("X-Frame-Options", "DENY");
 *     return r;
 * });
 * app.runApp("127.0.0.1", 8080);       // serves until Ctrl-C or SIGTERM, then shuts down gracefully
 * }</pre>
 *
 * <p>Inside a running loop, {@link #serve} serves until its task is cancelled; {@link AppRunner}
 * and the sites ({@link TcpSite}, {@link UnixSite}) give full control (several listeners, a test's
 * in-memory network). Routes, middlewares and callbacks are set before the application starts;
 * then it is frozen.
 */
public final class Application {

    private final Router router = new Router();
    private final List<Middleware> middlewares = new ArrayList<>();
    private final List<AppCallback> onStartup = new ArrayList<>();
    private final List<AppCallback> onShutdown = new ArrayList<>();
    private final List<AppCallback> onCleanup = new ArrayList<>();
    private final Map<String, Object> values = new HashMap<>();
    private long clientMaxSize = 1024 * 1024;
    private boolean frozen;
    /** The middlewares, outermost first, once frozen. */
    private Middleware[] chain;

    /** An empty application. */
    public Application() {}

    /** The router (aiohttp's {@code app.router}). */
    public Router router() {
        return router;
    }

    /**
     * The middlewares, outermost first (aiohttp's {@code middlewares=}); add to this list before the
     * application starts (it is unmodifiable afterwards).
     */
    public List<Middleware> middlewares() {
        return frozen ? Collections.unmodifiableList(middlewares) : middlewares;
    }

    /** Callbacks run when the application starts, in order (aiohttp's {@code on_startup}). */
    public List<AppCallback> onStartup() {
        return frozen ? Collections.unmodifiableList(onStartup) : onStartup;
    }

    /** Callbacks run at the start of a graceful shutdown, before connections are drained (aiohttp's {@code on_shutdown}). */
    public List<AppCallback> onShutdown() {
        return frozen ? Collections.unmodifiableList(onShutdown) : onShutdown;
    }

    /** Callbacks run after the server stopped, to release resources (aiohttp's {@code on_cleanup}). */
    public List<AppCallback> onCleanup() {
        return frozen ? Collections.unmodifiableList(onCleanup) : onCleanup;
    }

    /**
     * The most bytes {@link Request#read()}, {@code text()}, {@code json()} and {@code post()} accept
     * (aiohttp's {@code client_max_size}, 1 MiB by default); larger bodies get a 413.
     */
    public long clientMaxSize() {
        return clientMaxSize;
    }

    /**
     * Sets {@link #clientMaxSize()}.
     *
     * @return this application
     * @throws IllegalArgumentException for a negative size
     * @throws IllegalStateException once started
     */
    public Application clientMaxSize(long bytes) {
        checkNotFrozen();
        if (bytes < 0) {
            throw new IllegalArgumentException("clientMaxSize must be >= 0, got " + bytes);
        }
        clientMaxSize = bytes;
        return this;
    }

    /** A value shared by the application's handlers (aiohttp's {@code app["db"]}), or null. */
    @SuppressWarnings("unchecked")
    public <T> T get(String key) {
        return (T) values.get(key);
    }

    /** Stores a shared value (a connection pool, configuration ...). */
    public void put(String key, Object value) {
        values.put(key, value);
    }

    /** Whether the application has started (routes and middlewares are fixed). */
    public boolean frozen() {
        return frozen;
    }

    // ---- lifecycle (AppRunner) ----

    /**
     * Runs the {@link #onStartup()} callbacks and freezes the application: aiohttp's
     * {@code startup()}. {@link AppRunner#setup()} calls it.
     *
     * @throws IllegalStateException when already started
     * @throws Exception what a callback threw (the application stays unstarted)
     */
    public void startup() throws Exception {
        checkNotFrozen();
        for (AppCallback cb : List.copyOf(onStartup)) {
            cb.run(this);
        }
        freeze();
    }

    /** Freezes routes, middlewares and callbacks, and builds each route's middleware chain. */
    void freeze() {
        if (frozen) {
            return;
        }
        frozen = true;
        router.freeze();
        chain = middlewares.toArray(new Middleware[0]);
        for (Route r : router.routes()) {
            r.chain = wrap(r.handler());
        }
    }

    /** Runs the {@link #onShutdown()} callbacks; the first exception is thrown after all ran. */
    void shutdown() throws Exception {
        runAll(onShutdown);
    }

    /** Runs the {@link #onCleanup()} callbacks; the first exception is thrown after all ran. */
    void cleanup() throws Exception {
        runAll(onCleanup);
    }

    private void runAll(List<AppCallback> callbacks) throws Exception {
        Exception first = null;
        for (AppCallback cb : List.copyOf(callbacks)) {
            try {
                cb.run(this);
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private Handler wrap(Handler handler) {
        Handler h = handler;
        for (int i = chain.length - 1; i >= 0; i--) {
            Middleware m = chain[i];
            Handler next = h;
            h = request -> m.handle(request, next);
        }
        return h;
    }

    /**
     * Serves one request: resolves the route, runs the expect handler for
     * {@code Expect: 100-continue}, then the middlewares and the handler (aiohttp's {@code _handle}).
     * A 404 or 405 is thrown inside the middleware chain, so middlewares see it.
     */
    StreamResponse handle(Request request) throws Exception {
        Router.Match m = router.match(request.method(), request.rawPath());
        request.match = m;
        if (m.error() != null) {
            HttpException error = m.error();
            return wrap(r -> {
                throw error;
            }).handle(request);
        }
        Route route = m.route();
        if (request.version() == HttpVersion.HTTP_1_1) {
            String expect = request.header("Expect");
            if (expect != null) {
                if (!expect.trim().equalsIgnoreCase("100-continue")) {
                    throw new HttpException(417, "Unknown Expect: " + expect);
                }
                ExpectHandler eh = route.expectHandler();
                if (eh != null) {
                    StreamResponse r = eh.check(request);
                    if (r != null) {
                        return r;
                    }
                }
            }
        }
        return route.chain.handle(request);
    }

    private void checkNotFrozen() {
        if (frozen) {
            throw new IllegalStateException("the application has started: it can no longer be changed");
        }
    }

    // ---- running ----

    /**
     * Serves on {@code host:port} until the calling task is cancelled, then shuts down gracefully
     * (aiohttp's {@code _run_app} inside a loop). Suspends; call from a task.
     *
     * @throws IOException when the address cannot be bound
     */
    public void serve(String host, int port) throws Exception {
        serve(host, port, ServerOptions.defaults(), null);
    }

    /** Like {@link #serve(String, int)} with options. */
    public void serve(String host, int port, ServerOptions options) throws Exception {
        serve(host, port, options, null);
    }

    private void serve(String host, int port, ServerOptions options, PrintStream banner) throws Exception {
        AppRunner runner = new AppRunner(this, options);
        runner.setup();
        try {
            TcpSite site = new TcpSite(runner, host, port);
            site.start();
            if (banner != null) {
                banner.println("======== Running on " + site.name() + " ========");
                banner.println("(Press CTRL+C to quit)");
            }
            Asyncio.getRunningLoop().createFuture().await();
        } finally {
            runner.cleanup();
        }
    }

    /**
     * Runs the application on {@code host:port} in a new event loop until Ctrl-C or SIGTERM, then
     * shuts down gracefully and returns: aiohttp's {@code web.run_app(app, host=, port=)}. Prints
     * aiohttp's banner on stdout. Call from {@code main}, outside any loop.
     */
    public void runApp(String host, int port) {
        runApp(host, port, ServerOptions.defaults());
    }

    /** Like {@link #runApp(String, int)} with options. */
    public void runApp(String host, int port, ServerOptions options) {
        Objects.requireNonNull(options, "options");
        try {
            Asyncio.run(() -> {
                Task<?> main = Asyncio.currentTask();
                boolean term = false;
                try {
                    Signals.addSignalHandler("SIGTERM", () -> main.cancel("SIGTERM"));
                    term = true;
                } catch (IllegalStateException | UnsupportedOperationException e) {
                    // SIGTERM is ignored by this process, or signals are unavailable: Ctrl-C only
                }
                try {
                    serve(host, port, options, System.out);
                } finally {
                    if (term) {
                        Signals.removeSignalHandler("SIGTERM");
                    }
                }
            });
        } catch (KeyboardInterrupt | CancelledError e) {
            // Ctrl-C or SIGTERM: the server has shut down gracefully
        }
    }

    @Override
    public String toString() {
        return "<Application " + router.routes().size() + " routes, " + middlewares.size() + " middlewares"
                + (frozen ? ", started" : "") + ">";
    }
}
