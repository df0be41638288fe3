package io.jasyncio.http.protocol;

import static io.jasyncio.http.protocol.Wire.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The serializer; the first cases are h11's {@code test_writers_simple} and {@code test_ChunkedWriter}. */
class HttpWriterTest {

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    @Test
    void heads() {
        assertThat(text(HttpWriter.encodeRequestHead(Wire.request("GET", "/a", "Host", "foo", "Connection", "close"))))
                .isEqualTo("GET /a HTTP/1.1\r\nHost: foo\r\nConnection: close\r\n\r\n");
        assertThat(text(HttpWriter.encodeResponseHead(Wire.response(200, "OK", "Connection", "close"))))
                .isEqualTo("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n");
        assertThat(text(HttpWriter.encodeResponseHead(Wire.response(200, "OK"))))
                .isEqualTo("HTTP/1.1 200 OK\r\n\r\n");
        assertThat(text(HttpWriter.encodeResponseHead(Wire.response(101, "Upgrade", "Upgrade", "websocket"))))
                .isEqualTo("HTTP/1.1 101 Upgrade\r\nUpgrade: websocket\r\n\r\n");
        assertThat(text(HttpWriter.encodeResponseHead(new ResponseHead(HttpVersion.HTTP_1_0, 404, null, new Headers()))))
                .isEqualTo("HTTP/1.0 404 Not Found\r\n\r\n");
        assertThat(text(HttpWriter.encodeResponseHead(Wire.response(299, ""))))
                .isEqualTo("HTTP/1.1 299 \r\n\r\n");
    }

    @Test
    void textBeyondAsciiIsLatin1OrUtf8() {
        byte[] latin = HttpWriter.encodeRequestHead(Wire.request("GET", "/caf\u00e9", "X", "caf\u00e9"));
        assertThat(latin).isEqualTo(bytes("GET /caf\u00c3\u00a9 HTTP/1.1\r\nX: caf\u00e9\r\n\r\n"));
        byte[] euro = HttpWriter.encodeResponseHead(Wire.response(200, "OK", "X", "5 \u20ac"));
        assertThat(new String(euro, StandardCharsets.UTF_8)).isEqualTo("HTTP/1.1 200 OK\r\nX: 5 \u20ac\r\n\r\n");
    }

    @Test
    void chunks() {
        assertThat(text(HttpWriter.encodeChunk(bytes("aaa"), 0, 3))).isEqualTo("3\r\naaa\r\n");
        assertThat(text(HttpWriter.encodeChunk(bytes("a".repeat(20)), 0, 20))).isEqualTo("14\r\n" + "a".repeat(20) + "\r\n");
        assertThat(text(HttpWriter.encodeChunk(bytes("xhelloy"), 1, 5))).isEqualTo("5\r\nhello\r\n");
        byte[] big = new byte[0x12345];
        assertThat(text(HttpWriter.encodeChunk(big, 0, big.length))).startsWith("12345\r\n\u0000");
        assertThat(text(HttpWriter.lastChunk(null))).isEqualTo("0\r\n\r\n");
        assertThat(text(HttpWriter.lastChunk(new Headers()))).isEqualTo("0\r\n\r\n");
        assertThat(text(HttpWriter.lastChunk(Headers.of("Etag", "asdf", "a", "b")))).isEqualTo("0\r\nEtag: asdf\r\na: b\r\n\r\n");
        assertThatThrownBy(() -> HttpWriter.encodeChunk(new byte[1], 0, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("use HttpWriter.lastChunk");
        assertThatThrownBy(() -> HttpWriter.encodeChunk(new byte[1], 0, 2)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void refusesWhatWouldInjectLines() {
        assertThatThrownBy(() -> HttpWriter.encodeRequestHead(Wire.request("GET /x", "/")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("request method \"GET /x\" has an invalid character space");
        assertThatThrownBy(() -> HttpWriter.encodeRequestHead(Wire.request("", "/"))).hasMessage("request method is empty");
        assertThatThrownBy(() -> HttpWriter.encodeRequestHead(Wire.request("GET", "/a b")))
                .hasMessageContaining("has a space at index 2 (percent-encode it)");
        assertThatThrownBy(() -> HttpWriter.encodeRequestHead(Wire.request("GET", "/a\r\nX: y")))
                .hasMessageContaining("control character 0x0d at index 2");
        assertThatThrownBy(() -> HttpWriter.encodeRequestHead(Wire.request("GET", ""))).hasMessageContaining("empty");
        assertThatThrownBy(() -> HttpWriter.encodeResponseHead(Wire.response(200, "OK\r\nX: y")))
                .hasMessageContaining("reason phrase \"OK\\x0d\\x0aX: y\" has a control character 0x0d at index 2");
        assertThatThrownBy(() -> new ResponseHead(HttpVersion.HTTP_1_1, 42, "x", new Headers()))
                .hasMessageContaining("three-digit code from 100 to 999, got 42");
    }

    @Test
    void reasonPhrases() {
        assertThat(HttpWriter.reasonPhrase(200)).isEqualTo("OK");
        assertThat(HttpWriter.reasonPhrase(404)).isEqualTo("Not Found");
        assertThat(HttpWriter.reasonPhrase(413)).isEqualTo("Content Too Large");
        assertThat(HttpWriter.reasonPhrase(431)).isEqualTo("Request Header Fields Too Large");
        assertThat(HttpWriter.reasonPhrase(299)).isEmpty();
    }

    @Test
    void roundTripThroughTheParser() throws HttpParseException {
        RequestHead req = Wire.request("PATCH", "/x?y=%20", "Host", "h", "Transfer-Encoding", "chunked", "X", "caf\u00e9");
        HttpParser p = HttpParser.forRequests(HttpLimits.defaults());
        p.feed(HttpWriter.encodeRequestHead(req));
        p.feed(HttpWriter.encodeChunk(bytes("hello"), 0, 5));
        p.feed(HttpWriter.lastChunk(Headers.of("Checksum", "abc")));
        assertThat(p.next()).isEqualTo(req);
        assertThat(p.next()).isEqualTo(Wire.data("hello"));
        assertThat(p.next()).isEqualTo(Wire.end("Checksum", "abc"));
        assertThat(p.atMessageBoundary()).isTrue();
    }
}
