package io.jasyncio.http.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.jasyncio.testing.AsyncioExtension;
import io.jasyncio.testing.MemoryNetwork;
import java.net.URI;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** RFC 6265 as aiohttp's CookieJar applies it: domain, path, secure, expiry, quoting, IP hosts. */
@ExtendWith(AsyncioExtension.class)
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CookieJarTest {
    /** A clock the test moves. */
    static final class TestClock implements InstantSource {
        Instant now = Instant.parse("2030-01-01T00:00:00Z");

        @Override
        public Instant instant() {
            return now;
        }
    }

    final TestClock clock = new TestClock();
    final CookieJar jar = new CookieJar(false, true, clock);

    List<String> names(String url) {
        return jar.filterCookies(URI.create(url)).stream().map(Cookie::name).toList();
    }

    @Test
    void hostOnlyAndDomainCookies() {
        jar.updateCookies(List.of("host=1", "dom=2; Domain=.example.com", "evil=3; Domain=other.com",
                "bad=4; Domain=ample.com"), URI.create("http://www.example.com/"));
        assertThat(names("http://www.example.com/")).containsExactlyInAnyOrder("host", "dom");
        assertThat(names("http://a.www.example.com/")).containsExactly("dom");
        assertThat(names("http://example.com/")).containsExactly("dom");
        assertThat(names("http://other.com/")).isEmpty();
        assertThat(names("http://xexample.com/")).isEmpty();
        assertThat(jar.size()).isEqualTo(2);
    }

    @Test
    void pathsMatchAsPrefixesOnSegmentBoundaries() {
        jar.updateCookies(List.of("a=1; Path=/docs", "b=2", "c=3; Path=/"), URI.create("http://h.test/docs/x/page"));
        assertThat(names("http://h.test/docs")).containsExactlyInAnyOrder("a", "c");
        assertThat(names("http://h.test/docs/x/other")).containsExactly("b", "a", "c"); // longest path first
        assertThat(names("http://h.test/docsets")).containsExactly("c");
        assertThat(names("http://h.test/")).containsExactly("c");
        assertThat(jar.filterCookies(URI.create("http://h.test/docs/x/1")).get(0).path()).isEqualTo("/docs/x");
    }

    @Test
    void secureCookiesGoOverHttpsOnly() {
        jar.updateCookies(List.of("s=1; Secure", "p=2"), URI.create("https://h.test/"));
        assertThat(names("https://h.test/")).containsExactlyInAnyOrder("s", "p");
        assertThat(names("http://h.test/")).containsExactly("p");
        jar.treatAsSecureOrigin("http://h.test");
        assertThat(names("http://h.test/")).containsExactlyInAnyOrder("s", "p");
    }

    @Test
    void maxAgeAndExpiresExpireOnTheJarsClock() {
        jar.updateCookies(List.of("short=1; Max-Age=10", "dated=2; Expires=Wed, 01 Jan 2030 01:00:00 GMT",
                "both=3; Expires=Wed, 01 Jan 2031 00:00:00 GMT; Max-Age=5", "session=4",
                "old=5; Expires=Thu, 01 Jan 1970 00:00:00 GMT"), URI.create("http://h.test/"));
        assertThat(names("http://h.test/")).containsExactlyInAnyOrder("short", "dated", "both", "session");
        clock.now = clock.now.plusSeconds(6);
        assertThat(names("http://h.test/")).containsExactlyInAnyOrder("short", "dated", "session");
        clock.now = clock.now.plusSeconds(5);
        assertThat(names("http://h.test/")).containsExactlyInAnyOrder("dated", "session");
        clock.now = clock.now.plusSeconds(3600);
        assertThat(names("http://h.test/")).containsExactly("session");
        jar.updateCookies(List.of("session=gone; Max-Age=0"), URI.create("http://h.test/"));
        assertThat(jar.size()).isZero();
    }

    @Test
    void cookieDatesParseLeniently() {
        assertThat(CookieJar.parseDate("Sun, 06 Nov 1994 08:49:37 GMT")).isEqualTo(Instant.parse("1994-11-06T08:49:37Z"));
        assertThat(CookieJar.parseDate("Sunday, 06-Nov-94 08:49:37 GMT")).isEqualTo(Instant.parse("1994-11-06T08:49:37Z"));
        assertThat(CookieJar.parseDate("Sun Nov  6 08:49:37 1994")).isEqualTo(Instant.parse("1994-11-06T08:49:37Z"));
        assertThat(CookieJar.parseDate("6 Nov 2040 8:9:7")).isEqualTo(Instant.parse("2040-11-06T08:09:07Z"));
        assertThat(CookieJar.parseDate("not a date")).isNull();
        assertThat(CookieJar.parseDate("31 Feb 2030 00:00:00")).isNull();
    }

    @Test
    void quotedValuesAreKeptAsSentAndUnquotedForTheUser() {
        jar.updateCookies(List.of("q=\"a b\\\"c\""), URI.create("http://h.test/"));
        Cookie c = jar.filterCookies(URI.create("http://h.test/")).getFirst();
        assertThat(c.value()).isEqualTo("a b\"c");
        assertThat(c.codedValue()).isEqualTo("\"a b\\\"c\"");
        assertThat(jar.cookieHeader(parse("http://h.test/"))).isEqualTo("q=\"a b\\\"c\"");
        jar.updateCookies(Map.of("plain", "v;w"), URI.create("http://h.test/"));
        assertThat(jar.cookieHeader(parse("http://h.test/"))).contains("plain=\"v;w\"");
    }

    @Test
    void ipHostsAreRefusedUnlessUnsafe() {
        jar.updateCookies(List.of("a=1"), URI.create("http://127.0.0.1/"));
        assertThat(jar.size()).isZero();
        CookieJar unsafe = new CookieJar(true, true, clock);
        unsafe.updateCookies(List.of("a=1"), URI.create("http://127.0.0.1/"));
        assertThat(unsafe.filterCookies(URI.create("http://127.0.0.1/x"))).extracting(Cookie::name).containsExactly("a");
        assertThat(unsafe.filterCookies(URI.create("http://127.0.0.2/x"))).isEmpty();
    }

    @Test
    void sharedCookiesGoEverywhereAndTheDummyJarKeepsNothing() {
        jar.updateCookies(Map.of("shared", "1"), null);
        assertThat(names("http://anything.test/deep/path")).containsExactly("shared");
        CookieJar dummy = CookieJar.dummy();
        dummy.updateCookies(List.of("a=1"), URI.create("http://h.test/"));
        assertThat(dummy.size()).isZero();
    }

    @Test
    void malformedSetCookieHeadersAreIgnored() {
        jar.updateCookies(List.of("noequals", "=novalue", "bad name=1", "ok=1; Max-Age=abc"), URI.create("http://h.test/"));
        assertThat(names("http://h.test/")).containsExactly("ok");
    }

    @Test
    void theSessionStoresAndSendsCookies() throws Exception {
        MemoryNetwork network = new MemoryNetwork();
        TestServer server = TestServer.serving(network, "shop.test", 80, (c, r) -> {
            if (r.head().target().equals("/login")) {
                c.respond(200, "OK", "", "Set-Cookie: sid=abc; Path=/; HttpOnly", "Set-Cookie: lang=en; Path=/docs");
            } else {
                c.respond(200, "OK", "");
            }
        });
        try (ClientSession session = ClientSession.builder()
                .connector(TcpConnector.builder().opener(new MemoryOpener(network)).build()).build()) {
            ClientResponse login = session.get("http://shop.test/login");
            assertThat(login.cookies()).containsEntry("sid", "abc").containsEntry("lang", "en");
            session.get("http://shop.test/cart").close();
            session.get("http://shop.test/docs/a", RequestOptions.create().cookie("extra", "x y")).close();
            assertThat(session.cookieJar().size()).isEqualTo(2);
        }
        assertThat(server.requests.get(0).header("Cookie")).isNull();
        assertThat(server.requests.get(1).header("Cookie")).isEqualTo("sid=abc");
        assertThat(server.requests.get(2).header("Cookie")).isEqualTo("lang=en; sid=abc; extra=\"x y\"");
    }

    static HttpUrl parse(String url) {
        try {
            return HttpUrl.parse(url);
        } catch (InvalidUrl e) {
            throw new AssertionError(e);
        }
    }
}
