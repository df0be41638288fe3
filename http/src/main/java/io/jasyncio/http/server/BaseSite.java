package io.jasyncio.http.server;

import io.jasyncio.net.BaseProtocol;
import java.io.IOException;
import java.net.SocketAddress;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Where an {@link AppRunner} accepts connections: aiohttp's {@code BaseSite}. {@link TcpSite} and
 * {@link UnixSite} are the ones you use; a subclass plugs in any other listener (a test's
 * in-memory network) by implementing {@link #listen}, {@link #closeListener} and
 * {@link #waitListenerClosed}.
 *
 * <pre>{@code
 * // in a test, on the testing module's MemoryNetwork
 * class MemorySite extends BaseSite {
 *     MemoryServer listener;
 *     protected void listen(Supplier<BaseProtocol> protocols) throws IOException {
 *         listener = network.createServer(protocols, "127.0.0.1", 8080);
 *     }
 *     protected void closeListener() { listener.close(); }
 *     protected void waitListenerClosed() { listener.waitClosed(); }
 *     public String name() { return "memory://127.0.0.1:8080"; }
 * }
 * }</pre>
 */
public abstract class BaseSite {

    /** The runner this site serves. */
    protected final AppRunner runner;
    private boolean started;
    private boolean stopped;

    /**
     * A site of {@code runner}.
     *
     * @throws IllegalStateException when the runner is not set up (aiohttp: "Call runner.setup()
     *     before making a site")
     */
    protected BaseSite(AppRunner runner) {
        this.runner = Objects.requireNonNull(runner, "runner");
        if (runner.server() == null) {
            throw new IllegalStateException("Call runner.setup() before making a site");
        }
    }

    /** A URL-ish name for humans: {@code http://127.0.0.1:8080}. */
    public abstract String name();

    /** The addresses listened on (empty when not listening). */
    public List<SocketAddress> addresses() {
        return List.of();
    }

    /**
     * Starts listening; connections are served by the runner's server.
     *
     * @throws IllegalStateException when already started, or the runner was cleaned up
     * @throws IOException when the listener cannot be made (address in use ...)
     */
    public final void start() throws IOException {
        if (started) {
            throw new IllegalStateException("site " + name() + " was already started");
        }
        runner.register(this);
        try {
            listen(runner.server().protocolsFor(this));
        } catch (IOException | RuntimeException | Error e) {
            runner.unregister(this);
            throw e;
        }
        started = true;
    }

    /**
     * Stops this site: stops accepting, shuts its connections down gracefully (as
     * {@link AppRunner#cleanup()} does, for this site's connections only, without the application's
     * callbacks), and waits for the listener to close. Suspends.
     */
    public void stop() {
        if (!started || stopped) {
            return;
        }
        stopped = true;
        closeListener();
        HttpServer server = runner.server();
        if (server != null) {
            server.shutdown(this, runner.options().shutdownTimeout(), false);
        }
        waitListenerClosed();
        runner.unregister(this);
    }

    /**
     * Makes the listener: every accepted connection gets a protocol from {@code protocols}.
     *
     * @throws IOException when it cannot be made
     */
    protected abstract void listen(Supplier<BaseProtocol> protocols) throws IOException;

    /** Stops accepting (connections already made stay). */
    protected abstract void closeListener();

    /** Suspends until the listener is closed and its connections are gone. */
    protected abstract void waitListenerClosed();

    @Override
    public String toString() {
        return "<" + getClass().getSimpleName() + " " + name() + ">";
    }
}
