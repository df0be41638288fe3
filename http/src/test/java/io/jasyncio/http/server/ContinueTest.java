package io.jasyncio.http.server;

import static io.jasyncio.Asyncio.sleep;
import static org.assertj.core.api.Assertions.assertThat;

import io.jasyncio.testing.AsyncioExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Expect: 100-continue: the 100 goes out only when the handler reads the body. */
@ExtendWith(AsyncioExtension.class)
class ContinueTest {

    private static final String UPLOAD = "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n";

    private static Application app() {
        Application app = new Application();
        app.router().post("/upload", r -> Response.text("got " + r.text()));
        app.router().post("/reject", r -> {
            throw HttpException.forbidden();
        });
        app.router().post("/guarded", r -> Response.text("guarded " + r.text())).expectHandler(r ->
                "secret".equals(r.header("X-Token")) ? null : Response.text(401, "no token"));
        return app;
    }

    @Test
    void continueIsSentWhenTheHandlerReadsTheBody() throws Exception {
        try (TestServer s = TestServer.start(app())) {
            RawClient c = s.connect();
            c.send(UPLOAD);
            RawClient.Reply interim = c.read("POST");
            assertThat(interim.status()).isEqualTo(100);
            assertThat(interim.interim()).isTrue();
            c.send("hello");
            RawClient.Reply r = c.readNext();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.text()).isEqualTo("got hello");
            c.send("GET /upload HTTP/1.1\r\nHost: x\r\n\r\n"); // kept alive
            assertThat(c.read().status()).isEqualTo(405);
        }
    }

    @Test
    void handlerAnsweringWithoutReadingSendsNoContinueAndCloses() throws Exception {
        try (TestServer s = TestServer.start(app())) {
            RawClient c = s.connect();
            c.send(UPLOAD.replace("/upload", "/reject"));
            RawClient.Reply r = c.read("POST");
            assertThat(r.status()).isEqualTo(403); // no 100 before it
            assertThat(r.header("Connection")).isEqualTo("close");
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void expectHandlerCanRefuseBeforeTheBody() throws Exception {
        try (TestServer s = TestServer.start(app())) {
            RawClient c = s.connect();
            c.send(UPLOAD.replace("/upload", "/guarded"));
            RawClient.Reply r = c.read("POST");
            assertThat(r.status()).isEqualTo(401);
            assertThat(r.text()).isEqualTo("no token");
            assertThat(c.closedByServer()).isTrue();

            RawClient ok = s.connect();
            ok.send(UPLOAD.replace("/upload", "/guarded").replace("Host: x\r\n", "Host: x\r\nX-Token: secret\r\n"));
            assertThat(ok.read("POST").status()).isEqualTo(100);
            ok.send("12345");
            assertThat(ok.readNext().text()).isEqualTo("guarded 12345");
        }
    }

    @Test
    void clientThatSendsTheBodyAnywayIsServed() throws Exception {
        try (TestServer s = TestServer.start(app())) {
            RawClient c = s.connect();
            c.send(UPLOAD + "howdy");
            sleep(0.1);
            RawClient.Reply first = c.read("POST");
            // the server read the body it already had: a 100 may precede the answer, never follow it
            RawClient.Reply r = first.interim() ? c.readNext() : first;
            assertThat(r.text()).isEqualTo("got howdy");
        }
    }

    @Test
    void unknownExpectationIs417() throws Exception {
        try (TestServer s = TestServer.start(app())) {
            RawClient c = s.connect();
            c.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: teapot\r\n\r\nhello");
            assertThat(c.read("POST").status()).isEqualTo(417);
        }
    }

    @Test
    void http10ExpectIsIgnored() throws Exception {
        try (TestServer s = TestServer.start(app())) {
            RawClient c = s.connect();
            c.send("POST /upload HTTP/1.0\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\nhello");
            RawClient.Reply r = c.read("POST");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.text()).isEqualTo("got hello");
        }
    }
}
