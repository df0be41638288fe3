package io.jasyncio.http.protocol;

import static io.jasyncio.http.protocol.Wire.bytes;
import static io.jasyncio.http.protocol.Wire.data;
import static io.jasyncio.http.protocol.Wire.end;
import static io.jasyncio.http.protocol.Wire.request;
import static io.jasyncio.http.protocol.Wire.response;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Valid messages: the events they give, fed whole, a byte at a time, in random pieces, and followed
 * by trailing bytes; framing rules for requests and responses; keep-alive, pipelining, protocol
 * switches and end of input.
 */
class HttpParserMessagesTest {

    static Stream<Corpus.Sample> corpus() {
        return Corpus.all().stream();
    }

    private static HttpParser parserFor(Corpus.Sample s) {
        HttpParser p = s.requests() ? HttpParser.forRequests(HttpLimits.defaults()) : HttpParser.forResponses(HttpLimits.defaults());
        s.methods().forEach(p::expectResponseTo);
        return p;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void sameEventsWhateverThePieces(Corpus.Sample s) {
        byte[] raw = bytes(s.raw());
        Wire.Outcome whole = Wire.feedWhole(parserFor(s), raw, true);
        assertThat(whole.error()).isNull();
        assertThat(whole.events()).containsExactlyElementsOf(s.events());
        assertThat(Wire.feedBytewise(parserFor(s), raw, true).summary()).isEqualTo(whole.summary());
        Random random = new Random(s.name().hashCode());
        for (int i = 0; i < 20; i++) {
            assertThat(Wire.feedRandom(parserFor(s), raw, random, 1 + random.nextInt(64), true).summary())
                    .isEqualTo(whole.summary());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void selfDelimitedMessagesLeaveTrailingBytesAlone(Corpus.Sample s) throws HttpParseException {
        boolean untilClose = s.events().stream().anyMatch(e -> e instanceof ResponseHead h && !h.keepAlive()
                && h.status() >= 200 && h.status() != 204 && h.status() != 304 && !s.methods().contains("HEAD"));
        if (untilClose) {
            return;
        }
        HttpParser p = parserFor(s);
        p.feed(bytes(s.raw() + "trailing"));
        List<HttpEvent> events = new java.util.ArrayList<>();
        long ends = s.events().stream().filter(e -> e instanceof HttpEvent.End).count();
        while (events.stream().filter(e -> e instanceof HttpEvent.End).count() < ends) {
            HttpEvent e = p.next();
            assertThat(e).isNotEqualTo(HttpEvent.NeedData.INSTANCE);
            events.add(e);
        }
        assertThat(Wire.merge(events)).containsExactlyElementsOf(s.events());
        assertThat(p.buffered()).isEqualTo("trailing".length());
        assertThat(p.atMessageBoundary()).isFalse();
    }

    @Test
    void atMessageBoundaryOnlyBetweenMessagesWithNothingBuffered() throws HttpParseException {
        HttpParser p = HttpParser.forRequests(HttpLimits.defaults());
        assertThat(p.atMessageBoundary()).isTrue();
        p.feed(bytes("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\no"));
        assertThat(p.atMessageBoundary()).isFalse();
        assertThat(p.next()).isInstanceOf(RequestHead.class);
        assertThat(p.next()).isEqualTo(data("o"));
        assertThat(p.next()).isEqualTo(HttpEvent.NeedData.INSTANCE);
        assertThat(p.atMessageBoundary()).isFalse();
        p.feed(bytes("k"));
        assertThat(p.next()).isEqualTo(data("k"));
        assertThat(p.atMessageBoundary()).isFalse();
        assertThat(p.next()).isEqualTo(end());
        assertThat(p.atMessageBoundary()).isTrue();
        assertThat(p.buffered()).isZero();
    }

    @Test
    void endOfInputBetweenMessagesIsClean() throws HttpParseException {
        HttpParser p = HttpParser.forRequests(HttpLimits.defaults());
        p.feed(bytes("GET / HTTP/1.1\r\nHost: a\r\n\r\n"));
        assertThat(p.next()).isInstanceOf(RequestHead.class);
        assertThat(p.next()).isEqualTo(end());
        p.feedEof();
        assertThat(p.next()).isEqualTo(HttpEvent.NeedData.INSTANCE);
        assertThat(p.next()).isEqualTo(HttpEvent.NeedData.INSTANCE);
        assertThat(p.atMessageBoundary()).isTrue();
        p.feedEof();
        assertThatThrownBy(() -> p.feed(bytes("x"))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("feed after feedEof");
    }

    @Test
    void requestsWithoutLengthHaveNoBody() throws HttpParseException {
        HttpParser p = HttpParser.forRequests(HttpLimits.defaults());
        p.feed(bytes("POST / HTTP/1.1\r\nHost: a\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n"));
        assertThat(p.next()).isEqualTo(request("POST", "/", "Host", "a"));
        assertThat(p.next()).isEqualTo(end());
        assertThat(p.next()).isEqualTo(request("GET", "/", "Host", "a"));
    }

    @Test
    void commonMethodsAndNamesAreSharedStrings() throws HttpParseException {
        HttpParser p = HttpParser.forRequests(HttpLimits.defaults());
        p.feed(bytes(Corpus.BROWSER_GET));
        RequestHead head = (RequestHead) p.next();
        assertThat(head.method()).isSameAs("GET");
        assertThat(head.headers().name(0)).isSameAs("Host");
        assertThat(head.headers().name(1)).isSameAs("User-Agent");
    }

    @Test
    void keepAliveAndExpectContinue() throws HttpParseException {
        assertThat(head("GET / HTTP/1.1\r\nHost: a\r\n\r\n").keepAlive()).isTrue();
        assertThat(head("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n").keepAlive()).isFalse();
        assertThat(head("GET / HTTP/1.1\r\nHost: a\r\nConnection: Upgrade, CLOSE\r\n\r\n").keepAlive()).isFalse();
        assertThat(head("GET / HTTP/1.0\r\n\r\n").keepAlive()).isFalse();
        assertThat(head("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n").keepAlive()).isTrue();
        assertThat(head("PUT / HTTP/1.1\r\nHost: a\r\nExpect: 100-Continue\r\n\r\n").expectsContinue()).isTrue();
        assertThat(head("PUT / HTTP/1.0\r\nExpect: 100-continue\r\n\r\n").expectsContinue()).isFalse();
        assertThat(head("PUT / HTTP/1.1\r\nHost: a\r\n\r\n").expectsContinue()).isFalse();

        assertThat(response(200, "OK", "Content-Length", "0").keepAlive()).isTrue();
        assertThat(response(200, "OK", "Transfer-Encoding", "chunked").keepAlive()).isTrue();
        assertThat(response(200, "OK").keepAlive()).as("read until close").isFalse();
        assertThat(response(200, "OK", "Transfer-Encoding", "chunked, gzip").keepAlive()).isFalse();
        assertThat(response(204, "No Content").keepAlive()).isTrue();
        assertThat(response(200, "OK", "Content-Length", "0", "Connection", "close").keepAlive()).isFalse();
        assertThat(new ResponseHead(HttpVersion.HTTP_1_0, 200, "OK", Headers.of("Content-Length", "0")).keepAlive()).isFalse();
        assertThat(new ResponseHead(HttpVersion.HTTP_1_0, 200, "OK",
                Headers.of("Content-Length", "0", "Connection", "keep-alive")).keepAlive()).isTrue();
    }

    private static RequestHead head(String raw) throws HttpParseException {
        HttpParser p = HttpParser.forRequests(HttpLimits.defaults());
        p.feed(bytes(raw));
        return (RequestHead) p.next();
    }

    @Test
    void connectRequestSwitchesProtocols() throws HttpParseException {
        HttpParser p = HttpParser.forRequests(HttpLimits.defaults());
        p.feed(bytes("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n\u0016\u0003\u0001hello"));
        assertThat(p.next()).isEqualTo(request("CONNECT", "example.com:443", "Host", "example.com:443"));
        assertThat(p.switchedProtocols()).isFalse();
        assertThat(p.next()).isEqualTo(end());
        assertThat(p.switchedProtocols()).isTrue();
        assertThat(p.atMessageBoundary()).isFalse();
        assertThatThrownBy(p::next).isInstanceOf(IllegalStateException.class).hasMessageContaining("takeBuffered()");
        assertThat(p.takeBuffered()).isEqualTo(bytes("\u0016\u0003\u0001hello"));
        assertThat(p.buffered()).isZero();
    }

    @Test
    void connectResponseSwitchesOnlyOn2xx() throws HttpParseException {
        HttpParser refused = HttpParser.forResponses(HttpLimits.defaults());
        refused.expectResponseTo("CONNECT");
        refused.feed(bytes("HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 2\r\n\r\nno"));
        assertThat(Wire.merge(List.of(refused.next(), refused.next(), refused.next())))
                .containsExactly(response(407, "Proxy Authentication Required", "Content-Length", "2"), data("no"), end());
        assertThat(refused.switchedProtocols()).isFalse();

        HttpParser accepted = HttpParser.forResponses(HttpLimits.defaults());
        accepted.expectResponseTo("CONNECT");
        accepted.feed(bytes("HTTP/1.1 200 Connection established\r\nContent-Length: 99\r\n\r\n\u0016\u0003\u0003tls"));
        assertThat(accepted.next()).isEqualTo(response(200, "Connection established", "Content-Length", "99"));
        assertThat(accepted.next()).isEqualTo(end());
        assertThat(accepted.switchedProtocols()).isTrue();
        assertThat(accepted.takeBuffered()).isEqualTo(bytes("\u0016\u0003\u0003tls"));
    }

    @Test
    void switchingProtocolsResponse() throws HttpParseException {
        HttpParser p = HttpParser.forResponses(HttpLimits.defaults());
        p.expectResponseTo("GET");
        p.feed(bytes("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n\u0081\u0005hello"));
        assertThat(p.next()).isEqualTo(response(101, "Switching Protocols", "Upgrade", "websocket", "Connection", "Upgrade"));
        assertThat(p.next()).isEqualTo(end());
        assertThat(p.switchedProtocols()).isTrue();
        assertThat(p.takeBuffered()).isEqualTo(bytes("\u0081\u0005hello"));
    }

    @Test
    void readUntilCloseEndsAtEof() throws HttpParseException {
        HttpParser p = HttpParser.forResponses(HttpLimits.defaults());
        p.expectResponseTo("GET");
        p.feed(bytes("HTTP/1.1 200 OK\r\n\r\nab"));
        assertThat(p.next()).isInstanceOf(ResponseHead.class);
        assertThat(p.next()).isEqualTo(data("ab"));
        assertThat(p.next()).isEqualTo(HttpEvent.NeedData.INSTANCE);
        p.feed(bytes("cd"));
        assertThat(p.next()).isEqualTo(data("cd"));
        assertThat(p.next()).isEqualTo(HttpEvent.NeedData.INSTANCE);
        p.feedEof();
        assertThat(p.next()).isEqualTo(end());
        assertThat(p.next()).isEqualTo(HttpEvent.NeedData.INSTANCE);
    }

    @Test
    void responseWithoutExpectedMethodIsFramedAsForGet() throws HttpParseException {
        HttpParser p = HttpParser.forResponses(HttpLimits.defaults());
        p.feed(bytes("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx"));
        assertThat(Wire.merge(List.of(p.next(), p.next(), p.next())))
                .containsExactly(response(200, "OK", "Content-Length", "1"), data("x"), end());
    }

    @Test
    void expectResponseToIsForResponseParsers() {
        assertThatThrownBy(() -> HttpParser.forRequests(HttpLimits.defaults()).expectResponseTo("GET"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("forResponses");
    }

    @Test
    void bodyFedInOnePieceIsNotCopied() throws HttpParseException {
        HttpParser p = HttpParser.forRequests(HttpLimits.defaults());
        p.feed(bytes("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n"));
        assertThat(p.next()).isInstanceOf(RequestHead.class);
        byte[] body = bytes("0123456789");
        p.feed(body);
        HttpEvent.Data d = (HttpEvent.Data) p.next();
        assertThat(d.bytes()).isSameAs(body);
        assertThat(d.toByteArray()).isEqualTo(body);
    }

    @Test
    void leftoverBytesAreCopiedOutOfTheParsersBuffer() throws HttpParseException {
        HttpParser p = HttpParser.forRequests(HttpLimits.defaults());
        p.feed(bytes("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 6\r\n\r\nabc"));
        p.feed(bytes("def"));
        assertThat(p.next()).isInstanceOf(RequestHead.class);
        HttpEvent.Data first = (HttpEvent.Data) p.next();
        p.feed(bytes("GET / HTTP/1.1\r\nHost: a\r\n\r\n"));
        assertThat(p.next()).isEqualTo(end());
        assertThat(p.next()).isInstanceOf(RequestHead.class);
        assertThat(first).isEqualTo(data("abcdef"));
    }

    @Test
    void hugeLimitsDoNotOverflow() {
        HttpLimits unlimited = new HttpLimits(Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE,
                Long.MAX_VALUE, Integer.MAX_VALUE);
        Corpus.Sample chunked = Corpus.all().get(2);
        Wire.Outcome out = Wire.feedBytewise(HttpParser.forRequests(unlimited), bytes(chunked.raw()), true);
        assertThat(out.error()).isNull();
        assertThat(out.events()).containsExactlyElementsOf(chunked.events());
    }

    @Test
    void limitsAreValidated() {
        assertThatThrownBy(() -> HttpLimits.defaults().withMaxLineSize(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxLineSize must be positive, got 0");
        assertThatThrownBy(() -> HttpLimits.defaults().withMaxBodySize(-1)).hasMessage("maxBodySize must be >= 0, got -1");
        assertThat(HttpLimits.defaults().withMaxHeaderCount(5).maxHeaderCount()).isEqualTo(5);
        assertThat(HttpLimits.defaults()).isEqualTo(new HttpLimits(8190, 8190, 65536, 100, Long.MAX_VALUE, 16384));
    }

    @Test
    void toStringShowsState() {
        HttpParser p = HttpParser.forRequests(HttpLimits.defaults());
        p.feed(bytes("GET"));
        assertThat(p.toString()).isEqualTo("HttpParser[requests, state=START_LINE, buffered=3]");
        assertThat(data("hello").toString()).isEqualTo("Data[length=5, \"hello\"]");
    }

    /**
     * Parsing a typical browser request head (371 bytes, 9 fields) allocates about what it returns:
     * the RequestHead, its Headers and the value Strings (about 800 bytes), whether the head
     * arrives whole or one byte at a time. Counted with the JVM's per-thread allocation counter,
     * which does not depend on timing.
     */
    @Test
    void typicalHeadAllocatesLittleBeyondWhatItReturns() throws HttpParseException {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        byte[] head = bytes(Corpus.BROWSER_GET);
        byte[][] single = new byte[head.length][];
        for (int i = 0; i < head.length; i++) {
            single[i] = new byte[] {head[i]};
        }
        HttpParser whole = HttpParser.forRequests(HttpLimits.defaults());
        HttpParser bytewise = HttpParser.forRequests(HttpLimits.defaults());
        int rounds = 1000;
        long[] perRequest = new long[2];
        for (int pass = 0; pass < 2; pass++) {
            long wholeBytes = 0;
            long bytewiseBytes = 0;
            for (int r = 0; r < rounds; r++) {
                long a0 = mx.getCurrentThreadAllocatedBytes();
                whole.feed(head);
                HttpEvent h = whole.next();
                HttpEvent e = whole.next();
                long a1 = mx.getCurrentThreadAllocatedBytes();
                wholeBytes += a1 - a0;
                assertThat(h).isInstanceOf(RequestHead.class);
                assertThat(e).isInstanceOf(HttpEvent.End.class);

                long b0 = mx.getCurrentThreadAllocatedBytes();
                HttpEvent last = null;
                for (byte[] one : single) {
                    bytewise.feed(one);
                    for (HttpEvent x = bytewise.next(); x != HttpEvent.NeedData.INSTANCE; x = bytewise.next()) {
                        last = x;
                    }
                }
                long b1 = mx.getCurrentThreadAllocatedBytes();
                bytewiseBytes += b1 - b0;
                assertThat(last).isInstanceOf(HttpEvent.End.class);
            }
            perRequest[0] = wholeBytes / rounds;
            perRequest[1] = bytewiseBytes / rounds;
        }
        assertThat(perRequest[0]).as("bytes allocated per head fed whole").isLessThan(1200);
        assertThat(perRequest[1]).as("bytes allocated per head fed a byte at a time").isLessThan(1200);
    }
}
