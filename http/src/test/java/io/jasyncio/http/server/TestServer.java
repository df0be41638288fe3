package io.jasyncio.http.server;

import io.jasyncio.testing.MemoryLink;
import io.jasyncio.testing.MemoryNetwork;
import java.io.IOException;

/**
 * An application served on a fresh in-memory network (virtual clock friendly): {@link #connect()}
 * opens raw client connections to it; {@link #close()} is the runner's graceful cleanup.
 */
final class TestServer implements AutoCloseable {
    static final String HOST = "127.0.0.1";
    static final int PORT = 8080;

    final MemoryNetwork network;
    final AppRunner runner;
    final MemorySite site;

    private TestServer(MemoryNetwork network, AppRunner runner, MemorySite site) {
        this.network = network;
        this.runner = runner;
        this.site = site;
    }

    static TestServer start(Application app) throws Exception {
        return start(app, ServerOptions.defaults());
    }

    static TestServer start(Application app, ServerOptions options) throws Exception {
        return start(app, options, MemoryLink.DEFAULT);
    }

    static TestServer start(Application app, ServerOptions options, MemoryLink link) throws Exception {
        MemoryNetwork network = new MemoryNetwork(link);
        AppRunner runner = new AppRunner(app, options);
        runner.setup();
        MemorySite site = new MemorySite(runner, network, HOST, PORT);
        site.start();
        return new TestServer(network, runner, site);
    }

    RawClient connect() throws IOException {
        return new RawClient(network.openConnection(HOST, PORT));
    }

    RawClient connect(MemoryLink toServer, MemoryLink toClient) throws IOException {
        return new RawClient(network.openConnection(HOST, PORT, toServer, toClient, 1 << 16));
    }

    /** One GET on a new connection; returns the reply. */
    RawClient.Reply get(String target) throws IOException {
        RawClient c = connect();
        c.send("GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n");
        RawClient.Reply r = c.read();
        c.close();
        return r;
    }

    @Override
    public void close() throws Exception {
        runner.cleanup();
    }
}
