package io.jasyncio.http.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.jasyncio.testing.AsyncioExtension;
import io.jasyncio.testing.RealTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * 1,000 concurrent keep-alive connections from a CPython asyncio client, each doing several
 * requests; every response is checked, nothing is lost. The client first opens every connection
 * (and proves the server holds them all at once), then runs the requests on all of them together.
 */
@ExtendWith(AsyncioExtension.class)
@RealTime
class ThousandConnectionsTest {

    private static final int CONNECTIONS = 1000;
    private static final int REQUESTS = 5;

    private static final String CLIENT = String.join("\n",
            "import asyncio, sys",
            "N, R, port = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])",
            "async def request(reader, writer, path):",
            "    writer.write(('GET %s HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n' % path).encode())",
            "    head = await reader.readuntil(b'\\r\\n\\r\\n')",
            "    status = int(head.split(b' ', 2)[1])",
            "    length = int([l for l in head.split(b'\\r\\n') if l.lower().startswith(b'content-length:')][0].split(b':')[1])",
            "    body = await reader.readexactly(length)",
            "    return status, body.decode()",
            "async def main():",
            "    sem = asyncio.Semaphore(100)",
            "    async def connect():",
            "        async with sem:",
            "            return await asyncio.open_connection('127.0.0.1', port)",
            "    conns = await asyncio.gather(*[connect() for _ in range(N)])",
            "    status, body = await request(*conns[0], '/count')",
            "    print('connections', body)",
            "    async def work(i, reader, writer):",
            "        ok = 0",
            "        for j in range(R):",
            "            status, body = await request(reader, writer, '/c/%d/r/%d' % (i, j))",
            "            if status == 200 and body == 'c%d r%d' % (i, j): ok += 1",
            "        writer.close()",
            "        return ok",
            "    oks = await asyncio.gather(*[work(i, r, w) for i, (r, w) in enumerate(conns)])",
            "    print('ok', sum(oks))",
            "asyncio.run(main())");

    @Test
    void thousandKeepAliveConnectionsLoseNothing() throws Exception {
        // Both processes hold a descriptor per connection (the child inherits this JVM's limit, which
        // the JVM raises to the hard limit at start).
        long fds = ((com.sun.management.UnixOperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getMaxFileDescriptorCount();
        assertThat(fds).as("open-file limit (ulimit -n) too low for %d connections: raise it", CONNECTIONS)
                .isGreaterThan(2L * CONNECTIONS + 200);
        Application app = new Application();
        AppRunner[] runner = new AppRunner[1];
        app.router().get("/count", r -> Response.text(String.valueOf(runner[0].server().connectionCount())));
        app.router().get("/c/{i}/r/{j}", r -> Response.text("c" + r.matchInfo("i") + " r" + r.matchInfo("j")));
        runner[0] = new AppRunner(app);
        runner[0].setup();
        TcpSite site = new TcpSite(runner[0], "127.0.0.1", 0, null, 1024);
        site.start();
        try {
            Peers.Result r = Peers.run(120, List.of("/usr/bin/python3", "-c", CLIENT, String.valueOf(CONNECTIONS),
                    String.valueOf(REQUESTS), String.valueOf(site.port())));
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).isEqualTo("connections " + CONNECTIONS + "\nok " + CONNECTIONS * REQUESTS + "\n");
            assertThat(runner[0].server().requestsCount()).isEqualTo(1 + CONNECTIONS * REQUESTS);
        } finally {
            runner[0].cleanup();
        }
    }
}
