package io.jasyncio.http.server;

import io.jasyncio.net.BaseProtocol;
import io.jasyncio.net.Server;
import io.jasyncio.net.UnixNet;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Serves an {@link AppRunner} on a Unix-domain socket (behind nginx, say): aiohttp's {@code UnixSite}.
 * {@link Request#remote()} is null for its requests.
 */
public final class UnixSite extends BaseSite {

    private final Path path;
    private Server server;

    /** A site listening on the socket file {@code path} (a stale socket file there is replaced). */
    public UnixSite(AppRunner runner, Path path) {
        super(runner);
        this.path = Objects.requireNonNull(path, "path");
    }

    @Override
    protected void listen(Supplier<BaseProtocol> protocols) throws IOException {
        server = UnixNet.createUnixServer(protocols, path);
    }

    @Override
    protected void closeListener() {
        if (server != null) {
            server.close();
        }
    }

    @Override
    protected void waitListenerClosed() {
        if (server != null) {
            server.waitClosed();
        }
    }

    @Override
    public List<SocketAddress> addresses() {
        return server == null || server.sockets().isEmpty() ? List.of() : List.of(UnixDomainSocketAddress.of(path));
    }

    /** {@code http://unix:/path/to/socket:}, as aiohttp names it. */
    @Override
    public String name() {
        return "http://unix:" + path + ":";
    }
}
