package io.jasyncio.http.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.AbstractMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** URL parsing, normalization, RFC 3986 reference resolution, and query encoding. */
class HttpUrlTest {

    static HttpUrl url(String s) throws InvalidUrl {
        return HttpUrl.parse(s);
    }

    @Test
    void parsesAndNormalizes() throws Exception {
        HttpUrl u = url("HTTP://User:Pa%20ss@Example.COM:8080/a b/ü?x=1 2#frag");
        assertThat(u.scheme).isEqualTo("http");
        assertThat(u.host).isEqualTo("example.com");
        assertThat(u.port).isEqualTo(8080);
        assertThat(u.user).isEqualTo("User");
        assertThat(u.password).isEqualTo("Pa ss");
        assertThat(u.requestTarget()).isEqualTo("/a%20b/%C3%BC?x=1%202");
        assertThat(u.hostHeader()).isEqualTo("example.com:8080");
        assertThat(u.toString()).isEqualTo("http://example.com:8080/a%20b/%C3%BC?x=1%202#frag");
        assertThat(url("https://h").requestTarget()).isEqualTo("/");
        assertThat(url("https://h:443/").hostHeader()).isEqualTo("h");
        assertThat(url("http://[::1]:81/x").hostHeader()).isEqualTo("[::1]:81");
        assertThat(url("http://[::1]/").host).isEqualTo("::1");
        assertThat(url("http://bücher.example/").host).isEqualTo("xn--bcher-kva.example");
        assertThat(url("http://under_score.test/").toUri().toString()).isEqualTo("http://under_score.test/");
        assertThat(url("http://h/a/./b/../c/%2e%2E/d").rawPath).isEqualTo("/a/d");
        assertThat(url("http://h/100%/x%41").rawPath).isEqualTo("/100%25/x%41");
    }

    @Test
    void refusesWhatIsNotAnHttpUrl() {
        assertThat(catchThrowable(() -> url("example.com/x"))).isInstanceOf(InvalidUrl.class);
        assertThat(catchThrowable(() -> url("mailto:a@b"))).isInstanceOf(InvalidUrl.class);
        assertThat(catchThrowable(() -> url("http:///path"))).hasMessageContaining("no host");
        assertThat(catchThrowable(() -> url("http://h:0/"))).hasMessageContaining("port");
        assertThat(catchThrowable(() -> url("http://h:x/"))).hasMessageContaining("port");
        assertThat(catchThrowable(() -> url("http://a b/"))).hasMessageContaining("bad character");
        assertThat(catchThrowable(() -> url("http://[::1/"))).hasMessageContaining("']'");
    }

    @Test
    void resolvesReferencesAsRfc3986Section5() throws Exception {
        // RFC 3986 5.4.1, with an http base
        HttpUrl base = url("http://a/b/c/d;p?q");
        Map<String, String> cases = Map.ofEntries(
                Map.entry("g", "http://a/b/c/g"), Map.entry("./g", "http://a/b/c/g"), Map.entry("g/", "http://a/b/c/g/"),
                Map.entry("/g", "http://a/g"), Map.entry("//g", "http://g/"), Map.entry("?y", "http://a/b/c/d;p?y"),
                Map.entry("g?y", "http://a/b/c/g?y"), Map.entry("#s", "http://a/b/c/d;p?q#s"),
                Map.entry("g#s", "http://a/b/c/g#s"), Map.entry(";x", "http://a/b/c/;x"), Map.entry("", "http://a/b/c/d;p?q"),
                Map.entry(".", "http://a/b/c/"), Map.entry("..", "http://a/b/"), Map.entry("../g", "http://a/b/g"),
                Map.entry("../..", "http://a/"), Map.entry("../../../g", "http://a/g"), Map.entry("/./g", "http://a/g"),
                Map.entry("g.", "http://a/b/c/g."), Map.entry("https://x/y", "https://x/y"));
        for (Map.Entry<String, String> c : cases.entrySet()) {
            assertThat(base.resolve(c.getKey()).toString()).as(c.getKey()).isEqualTo(c.getValue());
        }
    }

    @Test
    void paramsAreFormEncodedAndAppended() throws Exception {
        HttpUrl u = url("http://h/p?a=1").withParams(List.of(new AbstractMap.SimpleImmutableEntry<>("q", "x y&z=é/~"),
                new AbstractMap.SimpleImmutableEntry<>("e", "")));
        assertThat(u.requestTarget()).isEqualTo("/p?a=1&q=x+y%26z%3D%C3%A9%2F~&e=");
        assertThat(u.absoluteTarget()).isEqualTo("http://h/p?a=1&q=x+y%26z%3D%C3%A9%2F~&e=");
        assertThat(u.sameOrigin(url("http://h:80/other"))).isTrue();
        assertThat(u.sameOrigin(url("https://h/"))).isFalse();
    }
}
