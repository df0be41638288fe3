package io.jasyncio.http.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.jasyncio.AsyncIterable;
import io.jasyncio.testing.AsyncioExtension;
import io.jasyncio.testing.MemoryNetwork;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Redirects: RFC 9110's method rules, the limit, history, credentials dropped across origins, and
 * the connection kept alive across hops.
 */
@ExtendWith(AsyncioExtension.class)
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RedirectTest {
    final MemoryNetwork network = new MemoryNetwork();
    final MemoryOpener opener = new MemoryOpener(network);

    ClientSession session() {
        return ClientSession.builder().connector(TcpConnector.builder().opener(opener).build()).build();
    }

    /** /redirect/STATUS/N redirects N times with STATUS, then /final echoes the method and body. */
    TestServer start(String host) throws Exception {
        return TestServer.serving(network, host, 80, (c, r) -> {
            String target = r.head().target();
            if (target.startsWith("/redirect/")) {
                String[] p = target.split("/");
                int status = Integer.parseInt(p[2]);
                int left = Integer.parseInt(p[3]);
                String next = left <= 1 ? "/final" : "/redirect/" + status + "/" + (left - 1);
                c.respond(status, "Moved", "moved body", "Location: " + next);
            } else if (target.startsWith("/elsewhere")) {
                c.respond(302, "Found", "", "Location: http://other.test/final");
            } else if (target.startsWith("/nolocation")) {
                c.respond(302, "Found", "");
            } else if (target.startsWith("/ftp")) {
                c.respond(302, "Found", "", "Location: ftp://x/");
            } else {
                c.respond(200, "OK", r.head().method() + " " + r.text());
            }
        });
    }

    @Test
    void theMethodRulesOfRfc9110() throws Exception {
        TestServer server = start("example.com");
        try (ClientSession session = session()) {
            for (int status : List.of(301, 302)) {
                assertThat(session.post("http://example.com/redirect/" + status + "/1", RequestOptions.create().data("b"))
                        .text()).as("POST after %d", status).isEqualTo("GET ");
                assertThat(session.put("http://example.com/redirect/" + status + "/1", RequestOptions.create().data("b"))
                        .text()).as("PUT after %d", status).isEqualTo("PUT b");
            }
            assertThat(session.put("http://example.com/redirect/303/1", RequestOptions.create().data("b")).text())
                    .isEqualTo("GET ");
            assertThat(session.head("http://example.com/redirect/303/1", RequestOptions.create()).status()).isEqualTo(200);
            for (int status : List.of(307, 308)) {
                assertThat(session.post("http://example.com/redirect/" + status + "/1", RequestOptions.create().data("b"))
                        .text()).isEqualTo("POST b");
            }
            assertThat(session.connector().statistics().created()).isEqualTo(1); // redirect bodies drained, kept alive
        }
        TestServer.Request afterGet = server.requests.get(1);
        assertThat(afterGet.header("Content-Length")).isNull();
        assertThat(afterGet.header("Content-Type")).isNull();
    }

    @Test
    void historyHoldsTheRedirectsAndTooManyRaises() throws Exception {
        start("example.com");
        try (ClientSession session = session()) {
            ClientResponse r = session.get("http://example.com/redirect/302/3");
            assertThat(r.url().toString()).isEqualTo("http://example.com/final");
            assertThat(r.history()).extracting(ClientResponse::status).containsExactly(302, 302, 302);
            assertThat(r.history().get(0).url().toString()).isEqualTo("http://example.com/redirect/302/3");
            r.close();
            assertThat(session.get("http://example.com/redirect/302/10").text()).isEqualTo("GET ");
            Throwable e = catchThrowable(() -> session.get("http://example.com/redirect/302/11"));
            assertThat(e).isInstanceOf(TooManyRedirects.class);
            assertThat(((TooManyRedirects) e).history()).hasSize(11);
            e = catchThrowable(() -> session.get("http://example.com/redirect/302/3",
                    RequestOptions.create().maxRedirects(2)));
            assertThat(((TooManyRedirects) e).history()).hasSize(3);
            ClientResponse notFollowed = session.get("http://example.com/redirect/302/3",
                    RequestOptions.create().allowRedirects(false));
            assertThat(notFollowed.status()).isEqualTo(302);
            assertThat(notFollowed.text()).isEqualTo("moved body");
            try (ClientResponse noLocation = session.get("http://example.com/nolocation")) {
                assertThat(noLocation.status()).isEqualTo(302);
            }
            assertThat(catchThrowable(() -> session.get("http://example.com/ftp"))).isInstanceOf(InvalidUrl.class)
                    .hasMessageContaining("must be http or https");
            assertThat(session.connector().statistics().acquired()).isZero();
        }
    }

    @Test
    void credentialsAndCookieHeadersStayWithTheirOrigin() throws Exception {
        TestServer first = start("example.com");
        TestServer other = start("other.test");
        try (ClientSession session = session()) {
            session.get("http://example.com/elsewhere", RequestOptions.create().auth(new BasicAuth("u", "p"))
                    .header("Cookie", "secret=1").header("X-Other", "kept")).read();
            session.get("http://example.com/redirect/302/1", RequestOptions.create().auth(new BasicAuth("u", "p"))).read();
        }
        assertThat(first.requests.get(0).header("Authorization")).isNotNull();
        assertThat(other.requests.get(0).header("Authorization")).isNull();
        assertThat(other.requests.get(0).header("Cookie")).isNull();
        assertThat(other.requests.get(0).header("X-Other")).isEqualTo("kept");
        assertThat(other.requests.get(0).header("Host")).isEqualTo("other.test");
        assertThat(first.requests.get(2).header("Authorization")).isNotNull(); // same origin: kept
    }

    @Test
    void aStreamBodyCannotBeSentAgainSoThe307IsReturned() throws Exception {
        start("example.com");
        try (ClientSession session = session(); ClientResponse r = session.post("http://example.com/redirect/307/1",
                RequestOptions.create().body(AsyncIterable.from(List.of("x".getBytes()))))) {
            assertThat(r.status()).isEqualTo(307);
            assertThat(r.headers().get("Location")).isEqualTo("/final");
        }
    }
}
