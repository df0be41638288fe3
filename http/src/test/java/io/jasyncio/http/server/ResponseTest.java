package io.jasyncio.http.server;

import static io.jasyncio.Asyncio.sleep;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jasyncio.testing.AsyncioExtension;
import io.jasyncio.testing.ExceptionRecorder;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Responses: whole bodies, streamed bodies (chunked or fixed), generated headers, HEAD and 204. */
@ExtendWith(AsyncioExtension.class)
class ResponseTest {

    @Test
    void wholeResponseHeadIsWrittenAsExpected() throws Exception {
        Application app = new Application();
        app.router().get("/", r -> Response.text("hello").setHeader("X-A", "1"));
        try (TestServer s = TestServer.start(app)) {
            RawClient c = s.connect();
            c.send("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            String raw = c.readAllText().replaceAll("Date: [^\r]*\r\n", "Date: *\r\n");
            assertThat(raw).isEqualTo("HTTP/1.1 200 OK\r\nServer: jasyncio\r\nDate: *\r\n"
                    + "Content-Type: text/plain; charset=utf-8\r\nContent-Length: 5\r\nConnection: close\r\nX-A: 1\r\n\r\nhello");
        }
    }

    @Test
    void dateHeaderIsAnImfFixdate() throws Exception {
        Application app = new Application();
        app.router().get("/", r -> new Response());
        try (TestServer s = TestServer.start(app, ServerOptions.defaults().withServerHeader(null))) {
            RawClient.Reply r = s.get("/");
            assertThat(r.header("Date")).matches("[A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT");
            assertThat(r.header("Server")).isNull();
            assertThat(r.header("Content-Type")).isEqualTo("application/octet-stream");
            assertThat(r.header("Content-Length")).isEqualTo("0");
        }
    }

    @Test
    void streamedResponseIsChunkedWithoutALength() throws Exception {
        Application app = new Application();
        app.router().get("/events", r -> {
            StreamResponse resp = new StreamResponse();
            resp.setContentType("text/event-stream");
            resp.prepare(r);
            for (int i = 0; i < 3; i++) {
                resp.write("data: " + i + "\n\n");
                sleep(1);
            }
            resp.writeEof();
            return resp;
        });
        try (TestServer s = TestServer.start(app)) {
            RawClient c = s.connect();
            c.send("GET /events HTTP/1.1\r\nHost: x\r\n\r\n");
            RawClient.Reply r = c.read();
            assertThat(r.header("Transfer-Encoding")).isEqualTo("chunked");
            assertThat(r.header("Content-Type")).isEqualTo("text/event-stream");
            assertThat(r.text()).isEqualTo("data: 0\n\ndata: 1\n\ndata: 2\n\n");
            c.send("GET /events HTTP/1.1\r\nHost: x\r\n\r\n"); // kept alive
            assertThat(c.read().text()).hasSize(27);
        }
    }

    @Test
    void streamedResponseWithALengthAndItsLimits(ExceptionRecorder recorder) throws Exception {
        Application app = new Application();
        app.router().get("/fixed", r -> {
            StreamResponse resp = new StreamResponse().setContentLength(6);
            resp.prepare(r);
            resp.write("abc");
            resp.writeEof("def".getBytes());
            return resp;
        });
        app.router().get("/over", r -> {
            StreamResponse resp = new StreamResponse().setContentLength(2);
            resp.prepare(r);
            resp.write("abc");
            return resp;
        });
        try (TestServer s = TestServer.start(app)) {
            RawClient.Reply r = s.get("/fixed");
            assertThat(r.header("Content-Length")).isEqualTo("6");
            assertThat(r.header("Transfer-Encoding")).isNull();
            assertThat(r.text()).isEqualTo("abcdef");
            RawClient c = s.connect();
            c.send("GET /over HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(c.readAllText()).endsWith("Content-Length: 2\r\n\r\n"); // head sent, then closed
        }
        assertThat(recorder.contexts().get(0).exception())
                .hasMessage("writing 3 bytes exceeds the Content-Length of 2 (0 already written)");
    }

    @Test
    void headOfAStreamedResponseHasNoBody() throws Exception {
        Application app = new Application();
        app.router().get("/s", r -> {
            StreamResponse resp = new StreamResponse();
            resp.prepare(r);
            resp.write("ignored for HEAD");
            resp.writeEof();
            return resp;
        });
        try (TestServer s = TestServer.start(app)) {
            RawClient c = s.connect();
            c.send("HEAD /s HTTP/1.1\r\nHost: x\r\n\r\nGET /s HTTP/1.1\r\nHost: x\r\n\r\n");
            RawClient.Reply h = c.read("HEAD");
            assertThat(h.header("Transfer-Encoding")).isEqualTo("chunked");
            assertThat(h.body()).isEmpty();
            assertThat(c.read().text()).isEqualTo("ignored for HEAD");
        }
    }

    @Test
    void noContentHasNoBodyHeaders() throws Exception {
        Application app = new Application();
        app.router().get("/204", r -> new Response(204));
        app.router().get("/304", r -> new Response(304).setHeader("ETag", "\"x\""));
        app.router().get("/204-write", r -> {
            StreamResponse resp = new StreamResponse(204);
            resp.prepare(r);
            assertThatThrownBy(() -> resp.write("x")).hasMessage("a 204 response has no body");
            resp.writeEof();
            return resp;
        });
        try (TestServer s = TestServer.start(app)) {
            RawClient.Reply a = s.get("/204");
            assertThat(a.header("Content-Length")).isNull();
            assertThat(a.header("Content-Type")).isNull();
            assertThat(a.header("Transfer-Encoding")).isNull();
            assertThat(s.get("/304").header("ETag")).isEqualTo("\"x\"");
            assertThat(s.get("/204-write").status()).isEqualTo(204);
        }
    }

    @Test
    void largeBodiesGoOutWhole() throws Exception {
        byte[] big = new byte[1 << 20];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) i;
        }
        Application app = new Application();
        app.router().get("/big", r -> Response.body(big));
        app.router().get("/bigstream", r -> {
            StreamResponse resp = new StreamResponse();
            resp.prepare(r);
            resp.write(big);
            resp.writeEof();
            return resp;
        });
        try (TestServer s = TestServer.start(app)) {
            assertThat(s.get("/big").body()).isEqualTo(big);
            assertThat(s.get("/bigstream").body()).isEqualTo(big);
        }
    }

    @Test
    void responseStateIsChecked() {
        StreamResponse r = new StreamResponse();
        assertThatThrownBy(() -> r.write("x")).hasMessage("Cannot call write() before prepare()");
        assertThatThrownBy(r::writeEof).hasMessage("Cannot call writeEof() before prepare()");
        assertThatThrownBy(() -> r.setStatus(99)).hasMessageContaining("100..999");
        assertThatThrownBy(() -> r.setStatus(200, "OK\r\nX-Injected: 1")).hasMessageContaining("control character");
        assertThatThrownBy(() -> r.setHeader("X", "a\r\nb")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new StreamResponse().setContentLength(5).enableChunkedEncoding())
                .hasMessageContaining("You can't enable chunked encoding");
        assertThatThrownBy(() -> Response.json(new Object())).hasMessageContaining("cannot serialise");
        assertThat(Response.json(Map.of("a", 1)).text()).isEqualTo("{\"a\":1}");
    }

    @Test
    void responsePreparedByTheHandlerStillSendsItsBody() throws Exception {
        Application app = new Application();
        app.router().get("/fixed", r -> {
            Response resp = Response.text("whole");
            resp.prepare(r);
            return resp;
        });
        app.router().get("/chunked", r -> {
            Response resp = Response.text("in chunks");
            resp.enableChunkedEncoding();
            resp.prepare(r);
            return resp;
        });
        try (TestServer s = TestServer.start(app)) {
            RawClient c = s.connect();
            c.send("GET /fixed HTTP/1.1\r\nHost: x\r\n\r\nGET /chunked HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(c.read().text()).isEqualTo("whole");
            RawClient.Reply ch = c.read();
            assertThat(ch.header("Transfer-Encoding")).isEqualTo("chunked");
            assertThat(ch.text()).isEqualTo("in chunks");
        }
    }

    @Test
    void bodyOfAFinishedRequestCannotBeRead() throws Exception {
        Request[] kept = new Request[1];
        Application app = new Application();
        app.router().post("/", r -> {
            kept[0] = r;
            return Response.text("ok");
        });
        try (TestServer s = TestServer.start(app)) {
            RawClient c = s.connect();
            c.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc");
            c.read("POST");
            assertThatThrownBy(() -> kept[0].content().readAny()).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("is finished");
        }
    }

    @Test
    void customReasonPhrase() throws Exception {
        Application app = new Application();
        app.router().get("/", r -> Response.text("x").setStatus(299, "Fine Indeed"));
        try (TestServer s = TestServer.start(app)) {
            RawClient.Reply r = s.get("/");
            assertThat(r.status()).isEqualTo(299);
            assertThat(r.reason()).isEqualTo("Fine Indeed");
        }
    }
}
