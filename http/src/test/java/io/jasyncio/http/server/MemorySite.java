package io.jasyncio.http.server;

import io.jasyncio.net.BaseProtocol;
import io.jasyncio.testing.MemoryNetwork;
import io.jasyncio.testing.MemoryServer;
import java.io.IOException;
import java.net.SocketAddress;
import java.util.List;
import java.util.function.Supplier;

/** A site on the testing module's in-memory network: what the virtual-clock tests serve on. */
final class MemorySite extends BaseSite {
    private final MemoryNetwork network;
    private final String host;
    private final int port;
    MemoryServer listener;

    MemorySite(AppRunner runner, MemoryNetwork network, String host, int port) {
        super(runner);
        this.network = network;
        this.host = host;
        this.port = port;
    }

    @Override
    protected void listen(Supplier<BaseProtocol> protocols) throws IOException {
        listener = network.createServer(protocols, host, port);
    }

    @Override
    protected void closeListener() {
        listener.close();
    }

    @Override
    protected void waitListenerClosed() {
        listener.waitClosed();
    }

    @Override
    public List<SocketAddress> addresses() {
        return listener == null ? List.of() : List.of(listener.address());
    }

    @Override
    public String name() {
        return "memory://" + host + ":" + port;
    }
}
