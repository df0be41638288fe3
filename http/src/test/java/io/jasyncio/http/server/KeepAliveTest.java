package io.jasyncio.http.server;

import static io.jasyncio.Asyncio.sleep;
import static org.assertj.core.api.Assertions.assertThat;

import io.jasyncio.Event;
import io.jasyncio.testing.AsyncioExtension;
import io.jasyncio.testing.VirtualClock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Persistent connections: reuse, Connection: close, HTTP/1.0, pipelining, the idle timeout. */
@ExtendWith(AsyncioExtension.class)
class KeepAliveTest {

    private static Application echoPath() {
        Application app = new Application();
        app.router().route("*", "/{p:.*}", r -> Response.text(r.method() + " " + r.path()));
        return app;
    }

    @Test
    void http11ConnectionServesManyRequests() throws Exception {
        try (TestServer s = TestServer.start(echoPath())) {
            RawClient c = s.connect();
            for (int i = 0; i < 5; i++) {
                c.send("GET /r" + i + " HTTP/1.1\r\nHost: x\r\n\r\n");
                RawClient.Reply r = c.read();
                assertThat(r.text()).isEqualTo("GET /r" + i);
                assertThat(r.header("Connection")).isNull();
            }
            assertThat(s.runner.server().requestsCount()).isEqualTo(5);
            assertThat(s.runner.server().connectionCount()).isEqualTo(1);
        }
    }

    @Test
    void connectionCloseIsAnsweredAndHonoured() throws Exception {
        try (TestServer s = TestServer.start(echoPath())) {
            RawClient c = s.connect();
            c.send("GET /bye HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            RawClient.Reply r = c.read();
            assertThat(r.text()).isEqualTo("GET /bye");
            assertThat(r.header("Connection")).isEqualTo("close");
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void http10ClosesUnlessKeepAliveIsAsked() throws Exception {
        try (TestServer s = TestServer.start(echoPath())) {
            RawClient c = s.connect();
            c.send("GET /old HTTP/1.0\r\n\r\n");
            RawClient.Reply r = c.read();
            assertThat(r.text()).isEqualTo("GET /old");
            assertThat(r.header("Connection")).isEqualTo("close");
            assertThat(c.closedByServer()).isTrue();

            RawClient k = s.connect();
            k.send("GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
            RawClient.Reply a = k.read();
            assertThat(a.header("Connection")).isEqualTo("keep-alive");
            k.send("GET /b HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
            assertThat(k.read().text()).isEqualTo("GET /b");
        }
    }

    @Test
    void http10StreamResponseWithoutLengthEndsWithTheConnection() throws Exception {
        Application app = new Application();
        app.router().get("/s", r -> {
            StreamResponse resp = new StreamResponse();
            resp.prepare(r);
            resp.write("one ");
            resp.write("two");
            resp.writeEof();
            return resp;
        });
        try (TestServer s = TestServer.start(app)) {
            RawClient c = s.connect();
            c.send("GET /s HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
            String all = c.readAllText();
            assertThat(all).startsWith("HTTP/1.1 200 OK\r\n").contains("Connection: close\r\n")
                    .doesNotContain("Transfer-Encoding").endsWith("\r\n\r\none two");
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        Application app = new Application();
        // the first request is the slowest: its answer must still come first
        app.router().get("/{n}", r -> {
            int n = Integer.parseInt(r.matchInfo("n"));
            sleep(0.1 * (5 - n));
            return Response.text("answer " + n);
        });
        app.router().post("/echo", r -> Response.body(r.read()));
        try (TestServer s = TestServer.start(app)) {
            RawClient c = s.connect();
            StringBuilder all = new StringBuilder();
            for (int i = 0; i < 5; i++) {
                all.append("GET /").append(i).append(" HTTP/1.1\r\nHost: x\r\n\r\n");
                if (i == 2) {
                    all.append("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
                }
            }
            c.send(all.toString());
            List<String> answers = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                answers.add(c.read().text());
            }
            assertThat(answers).containsExactly("answer 0", "answer 1", "answer 2", "abc", "answer 3", "answer 4");
        }
    }

    @Test
    void idleConnectionIsClosedAtTheKeepAliveTimeout(VirtualClock clock) throws Exception {
        try (TestServer s = TestServer.start(echoPath(), ServerOptions.defaults().withKeepaliveTimeout(30))) {
            RawClient c = s.connect();
            c.send("GET /1 HTTP/1.1\r\nHost: x\r\n\r\n");
            c.read();
            double answered = clock.time();
            sleep(29.9);
            c.send("GET /2 HTTP/1.1\r\nHost: x\r\n\r\n"); // activity restarts the idle time
            c.read();
            double second = clock.time();
            assertThat(c.closedByServer()).isTrue();
            assertThat(clock.time() - second).isEqualTo(30.0);
            assertThat(second - answered).isGreaterThan(29.8);
        }
    }

    @Test
    void unreadSmallBodyIsSkippedAndTheConnectionKept() throws Exception {
        Application app = new Application();
        app.router().post("/ignore", r -> Response.text("ignored"));
        app.router().get("/next", r -> Response.text("next"));
        try (TestServer s = TestServer.start(app)) {
            RawClient c = s.connect();
            c.send("POST /ignore HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n01234");
            RawClient.Reply r = c.read();
            assertThat(r.text()).isEqualTo("ignored");
            assertThat(r.header("Connection")).isNull();
            c.send("56789GET /next HTTP/1.1\r\nHost: x\r\n\r\n"); // the rest of the body, then the next request
            assertThat(c.read().text()).isEqualTo("next");
        }
    }

    @Test
    void clientHalfCloseAfterItsRequestStillGetsTheAnswer() throws Exception {
        Event release = new Event();
        Application app = new Application();
        app.router().get("/slow", r -> {
            release.await();
            return Response.text("late");
        });
        try (TestServer s = TestServer.start(app)) {
            RawClient c = s.connect();
            c.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
            c.c.writer().writeEof();
            sleep(1);
            release.set();
            assertThat(c.read().text()).isEqualTo("late");
            assertThat(c.closedByServer()).isTrue();
        }
    }
}
