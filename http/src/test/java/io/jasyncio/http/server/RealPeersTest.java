package io.jasyncio.http.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.jasyncio.testing.AsyncioExtension;
import io.jasyncio.testing.RealTime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server on a real socket against real clients: curl, wrk and CPython's aiohttp client. A
 * missing peer fails the test (the CI installs them).
 */
@ExtendWith(AsyncioExtension.class)
@RealTime
class RealPeersTest {

    private static final String CURL = "/usr/bin/curl";
    private static final String WRK = "/usr/bin/wrk";
    private static final String PYTHON = "/usr/bin/python3";

    record Item(int id, boolean ok) {}

    /** The peer ports seen, one per request, to tell reused connections from new ones. */
    private final List<Integer> peerPorts = new ArrayList<>();

    private Application app() {
        Application app = new Application();
        app.middlewares().add((r, h) -> {
            Object peer = r.getExtraInfo("peername");
            peerPorts.add(((java.net.InetSocketAddress) peer).getPort());
            return h.handle(r);
        });
        app.router().get("/", r -> Response.text("Hello, World!"));
        app.router().get("/a", r -> Response.text("A"));
        app.router().get("/b", r -> Response.text("B"));
        app.router().get("/json/{id}", r -> Response.json(new Item(Integer.parseInt(r.matchInfo("id")), true)));
        app.router().post("/form", r -> Response.text(r.post().fields().toString()));
        app.router().post("/echo", r -> Response.body(r.read(), r.header("Content-Type"))
                .setHeader("X-Chunked", String.valueOf(r.header("Transfer-Encoding"))));
        app.router().post("/json", r -> Response.json(r.json()));
        app.router().get("/stream", r -> {
            StreamResponse resp = new StreamResponse();
            resp.prepare(r);
            for (int i = 0; i < 5; i++) {
                resp.write("line " + i + "\n");
            }
            resp.writeEof();
            return resp;
        });
        app.clientMaxSize(8 << 20);
        return app;
    }

    private static int start(AppRunner runner) throws Exception {
        runner.setup();
        TcpSite site = new TcpSite(runner, "127.0.0.1", 0);
        site.start();
        return site.port();
    }

    @Test
    void curlReusesTheConnectionForTwoUrls() throws Exception {
        AppRunner runner = new AppRunner(app());
        int port = start(runner);
        try {
            Peers.Result r = Peers.run(20, List.of(CURL, "-sv", "http://127.0.0.1:" + port + "/a",
                    "http://127.0.0.1:" + port + "/b"));
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).isEqualTo("AB");
            assertThat(r.err()).containsPattern("Re-?using existing connection");
            assertThat(peerPorts).hasSize(2);
            assertThat(peerPorts.get(0)).isEqualTo(peerPorts.get(1));
        } finally {
            runner.cleanup();
        }
    }

    @Test
    void curlPostsFormsChunkedUploadsAndWaitsForContinue(@TempDir Path dir) throws Exception {
        AppRunner runner = new AppRunner(app());
        int port = start(runner);
        String base = "http://127.0.0.1:" + port;
        try {
            Peers.Result form = Peers.run(20, List.of(CURL, "-s", "-d", "a=1&b=two+words", base + "/form"));
            assertThat(form.out()).isEqualTo("{a=[1], b=[two words]}");

            byte[] data = new byte[300_000];
            for (int i = 0; i < data.length; i++) {
                data[i] = (byte) ('a' + i % 26);
            }
            Path file = dir.resolve("upload.bin");
            Files.write(file, data);
            Path got = dir.resolve("got.bin");
            Peers.Result chunked = Peers.run(20, List.of(CURL, "-s", "-D", "-", "-o", got.toString(),
                    "-H", "Transfer-Encoding: chunked", "-H", "Content-Type: application/x-test",
                    "--data-binary", "@" + file, base + "/echo"));
            assertThat(chunked.out()).contains("X-Chunked: chunked").contains("Content-Type: application/x-test");
            assertThat(Files.readAllBytes(got)).isEqualTo(data);

            Peers.Result cont = Peers.run(20, List.of(CURL, "-sv", "-o", got.toString(), "-H", "Expect: 100-continue",
                    "--data-binary", "@" + file, base + "/echo"));
            assertThat(cont.err()).contains("HTTP/1.1 100 Continue").contains("HTTP/1.1 200 OK");
            assertThat(Files.readAllBytes(got)).isEqualTo(data);
        } finally {
            runner.cleanup();
        }
    }

    @Test
    void httpsWithCurl(@TempDir Path dir) throws Exception {
        Peers.Result made = Peers.run(30, List.of("/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", dir.resolve("key.pem").toString(), "-out",
                dir.resolve("cert.pem").toString(), "-days", "2", "-subj", "/CN=localhost", "-addext",
                "subjectAltName=DNS:localhost,IP:127.0.0.1"));
        assertThat(made.code()).as(made.err()).isZero();
        Application app = app();
        app.router().get("/scheme", r -> Response.text(r.scheme() + " " + r.secure()));
        AppRunner runner = new AppRunner(app);
        runner.setup();
        TcpSite site = new TcpSite(runner, "127.0.0.1", 0,
                io.jasyncio.net.TlsServerOptions.fromPem(dir.resolve("cert.pem"), dir.resolve("key.pem")));
        site.start();
        try {
            assertThat(site.name()).startsWith("https://127.0.0.1:");
            String base = "https://127.0.0.1:" + site.port();
            Peers.Result r = Peers.run(20, List.of(CURL, "-sv", "--cacert", dir.resolve("cert.pem").toString(),
                    base + "/scheme", base + "/a"));
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).isEqualTo("https trueA");
            assertThat(peerPorts).hasSize(2);
            assertThat(peerPorts.get(0)).isEqualTo(peerPorts.get(1)); // kept alive over TLS
        } finally {
            runner.cleanup();
        }
    }

    @Test
    void unixSocketSiteWithCurl(@TempDir Path dir) throws Exception {
        Application app = new Application();
        app.router().get("/who", r -> Response.text("remote=" + r.remote()));
        AppRunner runner = new AppRunner(app);
        runner.setup();
        Path socket = dir.resolve("http.sock");
        UnixSite site = new UnixSite(runner, socket);
        site.start();
        try {
            assertThat(site.name()).isEqualTo("http://unix:" + socket + ":");
            Peers.Result r = Peers.run(20, List.of(CURL, "-s", "--unix-socket", socket.toString(), "http://x/who"));
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).isEqualTo("remote=null");
        } finally {
            runner.cleanup();
        }
        assertThat(Files.exists(socket)).isFalse();
    }

    @Test
    void wrkGetsOnlySuccessfulResponses() throws Exception {
        AppRunner runner = new AppRunner(app());
        int port = start(runner);
        try {
            Peers.Result r = Peers.run(30, List.of(WRK, "-t1", "-c50", "-d2s", "http://127.0.0.1:" + port + "/"));
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).doesNotContain("Non-2xx or 3xx responses").doesNotContain("Socket errors");
            Matcher m = Pattern.compile("(\\d+) requests in").matcher(r.out());
            assertThat(m.find()).as(r.out()).isTrue();
            long done = Long.parseLong(m.group(1));
            // wrk counts the responses it read; up to one request per connection was still in flight when it stopped
            assertThat(done).isPositive();
            assertThat(runner.server().requestsCount()).isBetween(done, done + 50);
        } finally {
            runner.cleanup();
        }
    }

    @Test
    void cpythonAiohttpClient() throws Exception {
        AppRunner runner = new AppRunner(app());
        int port = start(runner);
        String script = String.join("\n",
                "import asyncio, aiohttp, sys",
                "async def main(base):",
                "    out = []",
                "    async with aiohttp.ClientSession() as s:",
                "        for i in range(3):",
                "            async with s.get(base + '/json/%d' % i) as r:",
                "                out.append((r.status, await r.json()))",
                "        async with s.post(base + '/json', json={'x': [1, 2]}) as r:",
                "            out.append((r.status, await r.json()))",
                "        async with s.head(base + '/') as r:",
                "            out.append((r.status, r.headers['Content-Length'], await r.read()))",
                "        async with s.get(base + '/missing') as r:",
                "            out.append((r.status, await r.text()))",
                "        async with s.get(base + '/stream') as r:",
                "            out.append([line async for line in r.content])",
                "        async with s.post(base + '/form', data={'k': 'v w'}) as r:",
                "            out.append(await r.text())",
                "    for o in out: print(o)",
                "asyncio.run(main(sys.argv[1]))");
        try {
            Peers.Result r = Peers.run(30, List.of(PYTHON, "-c", script, "http://127.0.0.1:" + port));
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).isEqualTo(String.join("\n",
                    "(200, {'id': 0, 'ok': True})",
                    "(200, {'id': 1, 'ok': True})",
                    "(200, {'id': 2, 'ok': True})",
                    "(200, {'x': [1, 2]})",
                    "(200, '13', b'')",
                    "(404, '404: Not Found')",
                    "[b'line 0\\n', b'line 1\\n', b'line 2\\n', b'line 3\\n', b'line 4\\n']",
                    "{k=[v w]}", ""));
            assertThat(peerPorts.stream().distinct().count()).as("one pooled connection").isEqualTo(1);
        } finally {
            runner.cleanup();
        }
    }
}
