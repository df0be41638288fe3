package io.jasyncio.http.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HttpParserSmokeTest {

    static List<HttpEvent> all(HttpParser p) throws HttpParseException {
        List<HttpEvent> events = new ArrayList<>();
        for (;;) {
            HttpEvent e = p.next();
            if (e == HttpEvent.NeedData.INSTANCE) {
                return events;
            }
            events.add(e);
        }
    }

    @Test
    void pipelinedRequests() throws Exception {
        HttpParser p = HttpParser.forRequests(HttpLimits.defaults());
        p.feed(("GET / HTTP/1.1\r\nHost: a\r\n\r\n"
                + "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello"
                + "PUT /y HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\nT: 1\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        List<HttpEvent> ev = all(p);
        assertThat(ev).hasSize(9);
        assertThat(ev.get(0)).isEqualTo(new RequestHead("GET", "/", HttpVersion.HTTP_1_1, Headers.of("Host", "a")));
        assertThat(ev.get(3)).isEqualTo(new HttpEvent.Data("hello".getBytes(), 0, 5));
        assertThat(ev.get(8)).isEqualTo(new HttpEvent.End(Headers.of("T", "1")));
        assertThat(p.atMessageBoundary()).isTrue();
    }
}
