package io.jasyncio.http.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.jasyncio.http.protocol.HttpLimits;
import io.jasyncio.testing.AsyncioExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Strictness at the edge: malformed and over-limit requests, and request-smuggling patterns, get
 * the parser's status with Connection: close, and the connection is closed; the handler never runs.
 */
@ExtendWith(AsyncioExtension.class)
class LimitsTest {

    private static int handled;

    private static Application app() {
        handled = 0;
        Application app = new Application();
        app.router().route("*", "/{p:.*}", r -> {
            handled++;
            return Response.text("ok " + r.read().length);
        });
        return app;
    }

    private static RawClient.Reply sendRaw(TestServer s, String raw) throws Exception {
        RawClient c = s.connect();
        c.send(raw);
        RawClient.Reply r = c.read();
        assertThat(r.header("Connection")).isEqualTo("close");
        assertThat(c.closedByServer()).as("connection closed after %s", r.status()).isTrue();
        return r;
    }

    /** name | raw request (\\r \\n escaped) | status [| body: detected while the handler reads]. */
    private static final String[] CASES = {
        "CL and TE (smuggling)|POST / HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: 5\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n0\\r\\n\\r\\n|400",
        "conflicting Content-Length|POST / HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: 5\\r\\nContent-Length: 6\\r\\n\\r\\nhello!|400",
        "Content-Length list that differs|POST / HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: 5, 6\\r\\n\\r\\nhello!|400",
        "signed Content-Length|POST / HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: +5\\r\\n\\r\\nhello|400",
        "bad chunk size|POST / HTTP/1.1\\r\\nHost: x\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\nzz\\r\\nabc\\r\\n0\\r\\n\\r\\n|400|body",
        "chunk without CRLF after data|POST / HTTP/1.1\\r\\nHost: x\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n3\\r\\nabcX\\r\\n0\\r\\n\\r\\n|400|body",
        "obsolete line folding|GET / HTTP/1.1\\r\\nHost: x\\r\\nX-A: a\\r\\n b\\r\\n\\r\\n|400",
        "space before colon|GET / HTTP/1.1\\r\\nHost: x\\r\\nX-A : a\\r\\n\\r\\n|400",
        "bare CR in a header|GET / HTTP/1.1\\r\\nHost: x\\r\\nX-A: a\\rb\\r\\n\\r\\n|400",
        "no Host in HTTP/1.1|GET / HTTP/1.1\\r\\n\\r\\n|400",
        "two Host headers|GET / HTTP/1.1\\r\\nHost: a\\r\\nHost: b\\r\\n\\r\\n|400",
        "transfer coding other than chunked|POST / HTTP/1.1\\r\\nHost: x\\r\\nTransfer-Encoding: gzip\\r\\n\\r\\n|501",
        "chunked not last (RFC 9112 6.3)|POST / HTTP/1.1\\r\\nHost: x\\r\\nTransfer-Encoding: chunked, gzip\\r\\n\\r\\n|400",
        "HTTP/2.0|GET / HTTP/2.0\\r\\nHost: x\\r\\n\\r\\n|505",
        "garbage request line|HELLO\\r\\n\\r\\n|400",
    };

    @Test
    void malformedRequestsAreRefusedAndTheConnectionClosed() throws Exception {
        try (TestServer s = TestServer.start(app())) {
            for (String c : CASES) {
                String[] parts = c.split("\\|");
                RawClient.Reply r = sendRaw(s, parts[1].replace("\\r", "\r").replace("\\n", "\n"));
                assertThat(r.status()).as(parts[0]).isEqualTo(Integer.parseInt(parts[2]));
                // a bad head never reaches a handler; a bad body fails the handler's read
                assertThat(handled).as(parts[0]).isEqualTo(parts.length > 3 ? 1 : 0);
                handled = 0;
            }
        }
    }

    @Test
    void smuggledSecondRequestIsNeverServed() throws Exception {
        try (TestServer s = TestServer.start(app())) {
            RawClient c = s.connect();
            c.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 44\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "0\r\n\r\nGET /admin HTTP/1.1\r\nHost: x\r\n\r\n");
            String all = c.readAllText();
            assertThat(all).startsWith("HTTP/1.1 400 Bad Request\r\n");
            assertThat(all.split("HTTP/1.1 ", -1)).hasSize(2); // one response only
            assertThat(handled).isZero();
        }
    }

    @Test
    void longRequestLineIs414AndBigHeadersAre431() throws Exception {
        ServerOptions o = ServerOptions.defaults().withLimits(HttpLimits.defaults().withMaxLineSize(100)
                .withMaxHeaderSize(100).withMaxHeaderCount(5));
        try (TestServer s = TestServer.start(app(), o)) {
            assertThat(sendRaw(s, "GET /" + "a".repeat(200) + " HTTP/1.1\r\nHost: x\r\n\r\n").status()).isEqualTo(414);
            assertThat(sendRaw(s, "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(200) + "\r\n\r\n").status())
                    .isEqualTo(431);
            StringBuilder many = new StringBuilder("GET / HTTP/1.1\r\nHost: x\r\n");
            for (int i = 0; i < 10; i++) {
                many.append("X-").append(i).append(": v\r\n");
            }
            assertThat(sendRaw(s, many.append("\r\n").toString()).status()).isEqualTo(431);
            assertThat(handled).isZero();
        }
    }

    @Test
    void bodyOverTheParserLimitIs413BeforeTheHandlerRuns() throws Exception {
        ServerOptions o = ServerOptions.defaults().withLimits(HttpLimits.defaults().withMaxBodySize(10));
        try (TestServer s = TestServer.start(app(), o)) {
            RawClient.Reply r = sendRaw(s, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\n01234567890");
            assertThat(r.status()).isEqualTo(413);
            assertThat(handled).isZero();
        }
    }

    @Test
    void chunkedBodyOverTheParserLimitIs413WhileStreaming() throws Exception {
        ServerOptions o = ServerOptions.defaults().withLimits(HttpLimits.defaults().withMaxBodySize(10));
        try (TestServer s = TestServer.start(app(), o)) {
            RawClient.Reply r = sendRaw(s, "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "8\r\n01234567\r\n8\r\n01234567\r\n0\r\n\r\n");
            assertThat(r.status()).isEqualTo(413);
            assertThat(handled).isEqualTo(1); // the head was fine: the handler read, and got the 413
        }
    }

    @Test
    void clientMaxSizeBoundsWholeReads() throws Exception {
        Application app = app();
        app.clientMaxSize(4);
        try (TestServer s = TestServer.start(app)) {
            RawClient c = s.connect();
            c.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc");
            assertThat(c.read().text()).isEqualTo("ok 3");
            // refused on the Content-Length; the body was already in, so it is skipped and the connection kept
            c.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nabcde");
            RawClient.Reply r = c.read();
            assertThat(r.status()).isEqualTo(413);
            assertThat(r.text()).isEqualTo("Maximum request body size 4 exceeded, actual body size 5");
            c.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\na");
            assertThat(c.read().text()).isEqualTo("ok 1");
            RawClient.Reply chunked = sendRaw(s, "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "3\r\nabc\r\n3\r\ndef\r\n0\r\n\r\n");
            assertThat(chunked.status()).isEqualTo(413);
        }
    }
}
