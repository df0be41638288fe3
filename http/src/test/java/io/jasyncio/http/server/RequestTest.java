package io.jasyncio.http.server;

import static io.jasyncio.Asyncio.sleep;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.jasyncio.Event;
import io.jasyncio.testing.AsyncioExtension;
import io.jasyncio.testing.VirtualClock;
import io.jasyncio.testing.MemoryLink;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What a handler sees of a request: URL parts, headers, bodies whole and streamed, JSON, forms. */
@ExtendWith(AsyncioExtension.class)
class RequestTest {

    record User(String name, int age) {}

    private static RawClient.Reply post(TestServer s, String target, String contentType, byte[] body) throws Exception {
        RawClient c = s.connect();
        c.send("POST " + target + " HTTP/1.1\r\nHost: x\r\nContent-Type: " + contentType + "\r\nContent-Length: "
                + body.length + "\r\n\r\n");
        c.send(body);
        return c.read("POST");
    }

    @Test
    void urlPartsAndHeaders() throws Exception {
        Application app = new Application();
        app.router().get("/p/{x}", r -> Response.json(List.of(r.method(), r.path(), r.rawPath(), r.queryString(),
                r.query().toString(), String.valueOf(r.query("b")), r.queryAll("a").toString(), String.valueOf(r.header("x-custom")),
                r.host(), r.remote(), r.scheme(), r.version().text(), r.target())));
        try (TestServer s = TestServer.start(app)) {
            RawClient c = s.connect();
            c.send("GET /p/a%20b?a=1&b=x+y&a=%C3%A9&flag HTTP/1.1\r\nHost: example.com\r\nX-Custom: v\r\n\r\n");
            assertThat(c.read().text()).isEqualTo("[\"GET\",\"/p/a b\",\"/p/a%20b\",\"a=1&b=x+y&a=%C3%A9&flag\","
                    + "\"{a=[1, é], b=[x y], flag=[]}\",\"x y\",\"[1, é]\",\"v\",\"example.com\",\"127.0.0.1\",\"http\","
                    + "\"HTTP/1.1\",\"/p/a%20b?a=1&b=x+y&a=%C3%A9&flag\"]");
            c.send("GET http://example.com/p/abs?q=1 HTTP/1.1\r\nHost: example.com\r\n\r\n"); // absolute form
            assertThat(c.read().text()).contains("\"/p/abs\"", "\"q=1\"");
        }
    }

    @Test
    void cookiesUrlAndPathQs() throws Exception {
        Application app = new Application();
        app.router().get("/{p}", r -> Response.text(r.cookies() + " " + r.url() + " " + r.pathQs()));
        try (TestServer s = TestServer.start(app)) {
            RawClient c = s.connect();
            c.send("GET /a%20b?x=1 HTTP/1.1\r\nHost: example.com:8080\r\nCookie: a=1; b=\"two\"\r\nCookie: a=3; c=\r\n\r\n");
            assertThat(c.read().text()).isEqualTo("{a=1, b=two, c=} http://example.com:8080/a%20b?x=1 /a b?x=1");
        }
    }

    @Test
    void jsonBodiesBothWays() throws Exception {
        Application app = new Application();
        app.router().post("/users", r -> {
            User u = r.json(User.class);
            return Response.json(201, new User(u.name().toUpperCase(), u.age() + 1));
        });
        app.router().post("/tree", r -> {
            JsonNode n = r.json();
            return Response.text(n.get("k").asText());
        });
        try (TestServer s = TestServer.start(app)) {
            RawClient.Reply r = post(s, "/users", "application/json", "{\"name\":\"ann\",\"age\":41}".getBytes());
            assertThat(r.status()).isEqualTo(201);
            assertThat(r.header("Content-Type")).isEqualTo("application/json");
            assertThat(r.text()).isEqualTo("{\"name\":\"ANN\",\"age\":42}");
            assertThat(post(s, "/tree", "application/json", "{\"k\":\"v\"}".getBytes()).text()).isEqualTo("v");
            RawClient.Reply bad = post(s, "/tree", "application/json", "{nope".getBytes());
            assertThat(bad.status()).isEqualTo(400);
            assertThat(bad.text()).startsWith("Malformed JSON body");
        }
    }

    @Test
    void textUsesTheCharsetOfTheContentType() throws Exception {
        Application app = new Application();
        app.router().post("/t", r -> Response.text(r.text() + "|" + r.charset() + "|" + r.contentType()));
        try (TestServer s = TestServer.start(app)) {
            assertThat(post(s, "/t", "text/plain; charset=ISO-8859-1", new byte[] {'c', 'a', 'f', (byte) 0xE9}).text())
                    .isEqualTo("café|ISO-8859-1|text/plain");
            assertThat(post(s, "/t", "text/plain; charset=klingon", new byte[] {'x'}).status()).isEqualTo(415);
        }
    }

    @Test
    void urlencodedAndMultipartForms() throws Exception {
        Application app = new Application();
        app.router().post("/form", r -> {
            FormData f = r.post();
            FileField file = f.file("upload");
            return Response.text(f.fields() + (file == null ? "" : " " + file.filename() + ":" + file.contentType()
                    + ":" + new String(file.content(), StandardCharsets.UTF_8)));
        });
        try (TestServer s = TestServer.start(app)) {
            assertThat(post(s, "/form", "application/x-www-form-urlencoded", "a=1&b=two+words&a=%26".getBytes()).text())
                    .isEqualTo("{a=[1, &], b=[two words]}");
            String multipart = "--XyZ\r\nContent-Disposition: form-data; name=\"user\"\r\n\r\nann\r\n"
                    + "--XyZ\r\nContent-Disposition: form-data; name=\"upload\"; filename=\"a \\\"q\\\".txt\"\r\n"
                    + "Content-Type: text/plain\r\n\r\nline1\r\nline2\r\n--XyZ--\r\n";
            assertThat(post(s, "/form", "multipart/form-data; boundary=XyZ", multipart.getBytes()).text())
                    .isEqualTo("{user=[ann]} a \"q\".txt:text/plain:line1\r\nline2");
            assertThat(post(s, "/form", "multipart/form-data", "x".getBytes()).status()).isEqualTo(400);
            assertThat(post(s, "/form", "text/plain", "a=1".getBytes()).text()).isEqualTo("{}");
        }
    }

    @Test
    void streamedBodyArrivesInPiecesAndTrailersAreKept() throws Exception {
        List<Integer> pieces = new ArrayList<>();
        Application app = new Application();
        app.router().post("/stream", r -> {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            for (byte[] piece : r.content()) {
                pieces.add(piece.length);
                all.write(piece);
            }
            return Response.text(all.size() + " " + r.content().trailers().get("X-Sum"));
        });
        try (TestServer s = TestServer.start(app, ServerOptions.defaults(), MemoryLink.DEFAULT.withMaxChunk(7))) {
            RawClient c = s.connect();
            c.send("POST /stream HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
            for (int i = 0; i < 3; i++) {
                sleep(1);
                c.send("a\r\n0123456789\r\n");
            }
            c.send("0\r\nX-Sum: 30\r\n\r\n");
            assertThat(c.read("POST").text()).isEqualTo("30 30");
            assertThat(pieces.stream().mapToInt(Integer::intValue).sum()).isEqualTo(30);
            assertThat(pieces).hasSizeGreaterThan(3);
        }
    }

    @Test
    void readVariantsOnTheStream() throws Exception {
        Application app = new Application();
        app.router().post("/r", r -> {
            BodyReader body = r.content();
            String a = new String(body.read(3));
            String b = new String(body.readExactly(4));
            String rest = new String(body.readAll());
            return Response.text(a + "|" + b + "|" + rest + "|" + body.atEof() + "|" + body.bytesRead());
        });
        try (TestServer s = TestServer.start(app)) {
            assertThat(post(s, "/r", "text/plain", "0123456789".getBytes()).text()).isEqualTo("012|3456|789|true|10");
        }
    }

    @Test
    void gzipRequestBodyIsDecoded() throws Exception {
        ByteArrayOutputStream zipped = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(zipped)) {
            gz.write("hello compressed world".getBytes());
        }
        Application app = new Application();
        app.router().post("/z", r -> Response.text(r.text()));
        try (TestServer s = TestServer.start(app)) {
            RawClient c = s.connect();
            c.send("POST /z HTTP/1.1\r\nHost: x\r\nContent-Encoding: gzip\r\nContent-Length: " + zipped.size() + "\r\n\r\n");
            c.send(zipped.toByteArray());
            assertThat(c.read("POST").text()).isEqualTo("hello compressed world");
        }
    }

    @Test
    void aHandlerThatDoesNotReadYetSlowsTheUploaderDown(VirtualClock clock) throws Exception {
        Event reading = new Event();
        Application app = new Application();
        app.router().post("/slow", r -> {
            sleep(10); // not reading: the server stops reading from the socket once its buffer is full
            reading.set();
            long n = 0;
            for (byte[] b : r.content()) {
                n += b.length;
            }
            return Response.text(String.valueOf(n));
        });
        int size = 4 << 20;
        try (TestServer s = TestServer.start(app)) {
            RawClient c = s.connect();
            c.send("POST /slow HTTP/1.1\r\nHost: x\r\nContent-Length: " + size + "\r\n\r\n");
            c.send(new byte[size]);
            c.c.writer().drain(); // suspends until the server reads again
            assertThat(reading.isSet()).isTrue();
            assertThat(clock.time()).isGreaterThanOrEqualTo(10.0);
            assertThat(c.read("POST").text()).isEqualTo(String.valueOf(size));
        }
    }

    @Test
    void perRequestValuesAndAppValues() throws Exception {
        Application app = new Application();
        app.put("greeting", "hello");
        app.middlewares().add((r, h) -> {
            r.put("user", "ann");
            return h.handle(r);
        });
        app.router().get("/", r -> Response.text(r.app().<String>get("greeting") + " " + r.<String>get("user")));
        try (TestServer s = TestServer.start(app)) {
            assertThat(s.get("/").text()).isEqualTo("hello ann");
        }
    }
}
