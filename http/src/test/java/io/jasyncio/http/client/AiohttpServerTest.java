package io.jasyncio.http.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.jasyncio.AsyncGenerator;
import io.jasyncio.testing.AsyncioExtension;
import io.jasyncio.testing.RealTime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The client against CPython's aiohttp server (Debian's python3-aiohttp): a chunked, gzip-compressed
 * streaming response, a chunked upload read back, JSON both ways, and cookies on a named host.
 */
@ExtendWith(AsyncioExtension.class)
@RealTime
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class AiohttpServerTest {
    static Path dir;
    static Process server;
    static int port;

    static final String APP = """
            import asyncio, sys
            from aiohttp import web

            async def stream(request):
                resp = web.StreamResponse()
                resp.enable_chunked_encoding()
                resp.enable_compression(web.ContentCoding.gzip)
                await resp.prepare(request)
                for i in range(50):
                    await resp.write(("piece %d " % i).encode() * 20)
                    await asyncio.sleep(0)
                await resp.write_eof()
                return resp

            async def echo(request):
                body = await request.read()
                return web.Response(body=body, headers={
                    "X-Transfer-Encoding": request.headers.get("Transfer-Encoding", ""),
                    "X-Chunked": str(request.body_exists and request.content_length is None)})

            async def json_echo(request):
                data = await request.json()
                data["seen"] = True
                return web.json_response(data)

            async def set_cookie(request):
                resp = web.Response(text="set")
                resp.set_cookie("flavour", "oat meal", path="/")
                return resp

            async def get_cookie(request):
                return web.Response(text=request.cookies.get("flavour", "none"))

            app = web.Application()
            app.add_routes([web.get("/stream", stream), web.post("/echo", echo), web.post("/json", json_echo),
                            web.get("/set", set_cookie), web.get("/get", get_cookie)])
            web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None, access_log=None)
            """;

    @BeforeAll
    static void startAiohttp() throws Exception {
        RealPeers.require("/usr/bin/python3", "python3-aiohttp");
        dir = Files.createTempDirectory("jasyncio-aiohttp");
        Files.writeString(dir.resolve("app.py"), APP);
        port = RealPeers.freePort();
        Path log = dir.resolve("server.log");
        server = RealPeers.start(List.of("/usr/bin/python3", dir.resolve("app.py").toString(), Integer.toString(port)),
                dir, log);
        RealPeers.awaitPort(port, server, log);
    }

    @AfterAll
    static void stopAiohttp() throws Exception {
        RealPeers.stop(server);
    }

    static String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    @Test
    void aChunkedGzipStreamIsDecodedAsItArrives() throws Exception {
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 50; i++) {
            expected.append(("piece " + i + " ").repeat(20));
        }
        try (ClientSession session = new ClientSession(); ClientResponse r = session.get(url("/stream"))) {
            assertThat(r.headers().get("Content-Encoding")).isEqualTo("gzip");
            assertThat(r.headers().get("Transfer-Encoding")).isEqualTo("chunked");
            StringBuilder got = new StringBuilder();
            int pieces = 0;
            for (byte[] chunk : r.content().iterAny()) {
                got.append(new String(chunk, UTF_8));
                pieces++;
            }
            assertThat(got.toString()).isEqualTo(expected.toString());
            assertThat(pieces).isGreaterThan(0);
            assertThat(r.isReleased()).isTrue();
        }
    }

    @Test
    void aChunkedUploadArrivesWhole() throws Exception {
        AsyncGenerator<byte[]> body = AsyncGenerator.of(y -> {
            for (int i = 0; i < 100; i++) {
                y.yield(("line " + i + "\n").getBytes(UTF_8));
            }
        });
        try (ClientSession session = new ClientSession();
                ClientResponse r = session.post(url("/echo"), RequestOptions.create().body(body))) {
            StringBuilder expected = new StringBuilder();
            for (int i = 0; i < 100; i++) {
                expected.append("line ").append(i).append('\n');
            }
            assertThat(r.text()).isEqualTo(expected.toString());
            assertThat(r.headers().get("X-Transfer-Encoding")).isEqualTo("chunked");
            assertThat(r.headers().get("X-Chunked")).isEqualTo("True");
        }
    }

    @Test
    void jsonBothWaysAndCookiesOnAKeptAliveConnection() throws Exception {
        // aiohttp's jar refuses IP hosts, so the cookie test names the host.
        try (ClientSession session = ClientSession.builder().cookieJar(new CookieJar(true, true,
                java.time.InstantSource.system())).build()) {
            var echoed = session.post(url("/json"), RequestOptions.create().json(Map.of("name", "widget", "n", 3))).json();
            assertThat(echoed.get("name").asText()).isEqualTo("widget");
            assertThat(echoed.get("seen").asBoolean()).isTrue();
            assertThat(session.get(url("/set")).text()).isEqualTo("set");
            assertThat(session.get(url("/get")).text()).isEqualTo("oat meal");
            List<String> sizes = new ArrayList<>();
            sizes.add(Long.toString(session.connector().statistics().created()));
            assertThat(sizes).containsExactly("1");
        }
    }
}
