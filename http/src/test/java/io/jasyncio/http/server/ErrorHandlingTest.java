package io.jasyncio.http.server;

import static io.jasyncio.Asyncio.sleep;
import static org.assertj.core.api.Assertions.assertThat;

import io.jasyncio.CancelledError;
import io.jasyncio.Event;
import io.jasyncio.TimeoutError;
import io.jasyncio.testing.AsyncioExtension;
import io.jasyncio.testing.ExceptionRecorder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Handler failures: 500 without details and a report, HttpException as the response, disconnects. */
@ExtendWith(AsyncioExtension.class)
class ErrorHandlingTest {

    @Test
    void handlerExceptionIs500WithoutDetailsAndReported(ExceptionRecorder recorder) throws Exception {
        Application app = new Application();
        app.router().get("/boom", r -> {
            throw new IllegalStateException("secret database password is hunter2");
        });
        try (TestServer s = TestServer.start(app)) {
            RawClient c = s.connect();
            c.send("GET /boom HTTP/1.1\r\nHost: x\r\n\r\n");
            RawClient.Reply r = c.read();
            assertThat(r.status()).isEqualTo(500);
            assertThat(r.text()).isEqualTo("500 Internal Server Error\n\nServer got itself in trouble")
                    .doesNotContain("hunter2");
            assertThat(r.header("Connection")).isEqualTo("close");
            assertThat(c.closedByServer()).isTrue();
        }
        assertThat(recorder.messages()).containsExactly("Error handling request");
        assertThat(recorder.contexts().get(0).exception()).hasMessageContaining("hunter2");
        assertThat(recorder.contexts().get(0).get("request").toString()).isEqualTo("<Request GET /boom >");
    }

    @Test
    void handlerReturningNullIsAReportedBug(ExceptionRecorder recorder) throws Exception {
        Application app = new Application();
        app.router().get("/null", r -> null);
        try (TestServer s = TestServer.start(app)) {
            assertThat(s.get("/null").status()).isEqualTo(500);
        }
        assertThat(recorder.contexts().get(0).exception()).hasMessageContaining("returned null");
    }

    @Test
    void httpExceptionIsTheResponseAndNotReported() throws Exception {
        Application app = new Application();
        app.router().get("/teapot", r -> {
            throw new HttpException(418, "short and stout").header("X-Why", "tea");
        });
        app.router().get("/go", r -> {
            throw HttpException.found("/there");
        });
        try (TestServer s = TestServer.start(app)) {
            RawClient c = s.connect();
            c.send("GET /teapot HTTP/1.1\r\nHost: x\r\n\r\n");
            RawClient.Reply r = c.read();
            assertThat(r.status()).isEqualTo(418);
            assertThat(r.reason()).isEqualTo("I'm a teapot");
            assertThat(r.text()).isEqualTo("short and stout");
            assertThat(r.header("X-Why")).isEqualTo("tea");
            c.send("GET /go HTTP/1.1\r\nHost: x\r\n\r\n"); // the connection is kept
            RawClient.Reply g = c.read();
            assertThat(g.status()).isEqualTo(302);
            assertThat(g.header("Location")).isEqualTo("/there");
        }
    }

    @Test
    void timeoutErrorIs504() throws Exception {
        Application app = new Application();
        app.router().get("/slow", r -> {
            throw new TimeoutError();
        });
        try (TestServer s = TestServer.start(app)) {
            assertThat(s.get("/slow").status()).isEqualTo(504);
        }
    }

    @Test
    void failureAfterTheHeadWasSentClosesTheConnection(ExceptionRecorder recorder) throws Exception {
        Application app = new Application();
        app.router().get("/half", r -> {
            StreamResponse resp = new StreamResponse();
            resp.prepare(r);
            resp.write("partial");
            throw new IllegalStateException("died midway");
        });
        try (TestServer s = TestServer.start(app)) {
            RawClient c = s.connect();
            c.send("GET /half HTTP/1.1\r\nHost: x\r\n\r\n");
            String all = c.readAllText();
            assertThat(all).startsWith("HTTP/1.1 200 OK\r\n").contains("Transfer-Encoding: chunked")
                    .endsWith("7\r\npartial\r\n"); // no last chunk: the client sees a truncated body
        }
        assertThat(recorder.contexts()).hasSize(1);
        assertThat(recorder.contexts().get(0).exception()).hasMessage("died midway");
    }

    @Test
    void shortFixedLengthBodyIsAReportedBugAndCloses(ExceptionRecorder recorder) throws Exception {
        Application app = new Application();
        app.router().get("/short", r -> {
            StreamResponse resp = new StreamResponse();
            resp.setContentLength(10);
            resp.prepare(r);
            resp.write("12345");
            return resp;
        });
        try (TestServer s = TestServer.start(app)) {
            RawClient c = s.connect();
            c.send("GET /short HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(c.readAllText()).endsWith("\r\n\r\n12345");
        }
        assertThat(recorder.contexts().get(0).exception())
                .hasMessage("the Content-Length of 10 was announced but only 5 bytes were written");
    }

    @Test
    void disconnectDoesNotCancelTheHandlerByDefault() throws Exception {
        Event started = new Event();
        List<String> log = new ArrayList<>();
        Application app = new Application();
        app.router().get("/work", r -> {
            started.set();
            sleep(5);
            log.add("finished");
            return Response.text("done");
        });
        try (TestServer s = TestServer.start(app)) {
            RawClient c = s.connect();
            c.send("GET /work HTTP/1.1\r\nHost: x\r\n\r\n");
            started.await();
            c.c.writer().transport().abort();
            sleep(10);
            assertThat(log).containsExactly("finished");
        }
    }

    @Test
    void disconnectCancelsTheHandlerWithHandlerCancellation() throws Exception {
        Event started = new Event();
        List<String> log = new ArrayList<>();
        Application app = new Application();
        app.router().get("/work", r -> {
            started.set();
            try {
                sleep(5);
                log.add("finished");
            } catch (CancelledError e) {
                log.add("cancelled");
                throw e;
            }
            return Response.text("done");
        });
        try (TestServer s = TestServer.start(app, ServerOptions.defaults().withHandlerCancellation(true))) {
            RawClient c = s.connect();
            c.send("GET /work HTTP/1.1\r\nHost: x\r\n\r\n");
            started.await();
            c.c.writer().transport().abort();
            sleep(10);
            assertThat(log).containsExactly("cancelled");
            assertThat(s.runner.server().connectionCount()).isZero();
        }
    }
}
