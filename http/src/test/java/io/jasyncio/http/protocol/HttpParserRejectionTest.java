package io.jasyncio.http.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every rule of the strict parser with the status it yields, for requests and responses: request
 * smuggling patterns, malformed lines, limits, truncation. Cases marked (llhttp) or (h11) are ports
 * of those projects' tests ({@code llhttp/test/request/*.md}, {@code h11/tests/test_io.py}). Each
 * case is also fed one byte at a time and in random pieces, which must fail with the same status.
 */
class HttpParserRejectionTest {

    private static final String H = "GET / HTTP/1.1\r\nHost: a\r\n";
    private static final String POST = "POST / HTTP/1.1\r\nHost: a\r\n";
    private static final String CHUNKED = POST + "Transfer-Encoding: chunked\r\n\r\n";

    static Stream<Arguments> requests() {
        return Stream.of(
                // request line
                bad("garbage version (llhttp ICE)", "GET /music ICE/1.0\r\nHost: a\r\n\r\n", 400, "malformed HTTP version \"ICE/1.0\""),
                bad("IHTTP (llhttp)", "GET /music IHTTP/1.0\r\nHost: a\r\n\r\n", 400, "malformed HTTP version"),
                bad("lower-case http", "GET / http/1.1\r\nHost: a\r\n\r\n", 400, "malformed HTTP version"),
                bad("HTTP/2.0", "GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505, "unsupported HTTP version \"HTTP/2.0\""),
                bad("HTTP/5.6 (llhttp)", "GET / HTTP/5.6\r\nHost: a\r\n\r\n", 505, "unsupported HTTP version"),
                bad("HTTP/0.9 style, no version", "GET /\r\n\r\n", 400, "request line without an HTTP version"),
                bad("only a method", "GET\r\n\r\n", 400, "only a method"),
                bad("two spaces after method", "GET  / HTTP/1.1\r\nHost: a\r\n\r\n", 400, "empty request target"),
                bad("garbage after version (h11)", "HEAD /foo HTTP/1.1 xxxxxx\r\nHost: a\r\n\r\n", 400, "malformed HTTP version"),
                bad("trailing space after version", "GET / HTTP/1.1 \r\nHost: a\r\n\r\n", 400, "malformed HTTP version"),
                bad("tab after method", "GET\t/ HTTP/1.1\r\nHost: a\r\n\r\n", 400, "invalid character 0x09 after the method"),
                bad("space before method", " GET / HTTP/1.1\r\nHost: a\r\n\r\n", 400, "does not start with a method"),
                bad("NUL in target (h11)", "HEAD /\u0000 HTTP/1.1\r\nHost: a\r\n\r\n", 400, "invalid character 0x00 in the request target"),
                bad("DEL in target (h11)", "HEAD /\u007f HTTP/1.1\r\nHost: a\r\n\r\n", 400, "invalid character 0x7f in the request target"),
                bad("invalid UTF-8 in target (h11 \\xee)", "HEAD /\u00ee HTTP/1.1\r\nHost: a\r\n\r\n", 400, "not valid UTF-8"),
                bad("bare CR in target", "GET /\r HTTP/1.1\r\nHost: a\r\n\r\n", 400, "bare CR in the request target"),
                bad("bare CR in version", "GET / HTTP/1.1\rX\r\nHost: a\r\n\r\n", 400, "bare CR in the HTTP version"),
                bad("TLS ClientHello on a plain port", "\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001\u00fc\u0003\u0003", 400, "not HTTP?"),
                bad("request line over the limit", "GET /" + "a".repeat(8200) + " HTTP/1.1\r\n\r\n", 414, "request line longer than 8190 bytes"),
                bad("request line over the limit, no LF yet", "GET /" + "a".repeat(8200), 414, "request line longer than 8190"),
                bad("endless empty lines", "\r\n".repeat(5000), 400, "empty lines before the request line"),
                // header fields
                bad("obs-fold (h11, llhttp)", H + "Some: multi-line\r\n header\r\n\r\n", 400, "obsolete line folding"),
                bad("obs-fold with tab", H + "Some: multi-line\r\n\theader\r\n\r\n", 400, "obsolete line folding"),
                bad("space after start line (llhttp)", "GET / HTTP/1.1\r\n Host: foo\r\n\r\n", 400, "obsolete line folding"),
                bad("spaces before headers (llhttp)", "POST /hello HTTP/1.1\r\nHost: localhost\r\nFoo: bar\r\n Content-Length: 38\r\n\r\n", 400, "obsolete line folding"),
                bad("obs-fold after chunked (llhttp)", "PUT /url HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n  abc\r\n\r\n", 400, "obsolete line folding"),
                bad("space before colon (h11)", "HEAD /foo HTTP/1.1\r\nHost: a\r\nfoo  : line\r\n\r\n", 400, "whitespace between header name and colon"),
                bad("tab before colon (h11)", "HEAD /foo HTTP/1.1\r\nHost: a\r\nfoo\t: line\r\n\r\n", 400, "whitespace between header name and colon"),
                bad("smuggling: Transfer-Encoding with space before colon", POST + "Transfer-Encoding : chunked\r\n\r\n0\r\n\r\n", 400, "whitespace between header name and colon"),
                bad("empty name (h11, llhttp)", "HEAD /foo HTTP/1.1\r\nHost: a\r\n: line\r\n\r\n", 400, "empty header name"),
                bad("invalid token in name (llhttp)", H + "Fo@: Failure\r\n\r\n", 400, "invalid character '@' in header name"),
                bad("control in name (llhttp)", H + "Foo\u0001test: Bar\r\n\r\n", 400, "invalid character 0x01 in header name"),
                bad("line without colon", H + "Foo\r\n\r\n", 400, "header line without a colon"),
                bad("name line folding (llhttp)", H + "name\r\n : value\r\n\r\n", 400, "header line without a colon"),
                bad("headers separated by CR (llhttp)", H + "Foo: 1\rBar: 2\r\n\r\n", 400, "bare CR in the value of header \"Foo\""),
                bad("CR then dummy character (llhttp)", "GET / HTTP/1.1\r\nConnection: close\r\nHost: a\r\n\rZGET /evil: HTTP/1.1\r\nHost: a\r\n\r\n", 400, "bare CR"),
                bad("empty header then CR (llhttp)", POST + "x:\rTransfer-Encoding: chunked\r\n\r\n1\r\nA\r\n0\r\n\r\n", 400, "bare CR in the value of header \"x\""),
                bad("corrupted Connection header (llhttp)", H + "Connection\r\u001b\u0035\u00d5eep-Alive\r\nAccept-Encoding: gzip\r\n\r\n", 400, "bare CR"),
                bad("NUL in value (h11)", "HEAD /foo HTTP/1.1\r\nHost: foo\u0000bar\r\n\r\n", 400, "invalid character 0x00 in the value of header \"Host\""),
                bad("DEL in value", H + "X: a\u007fb\r\n\r\n", 400, "invalid character 0x7f"),
                bad("control character in a cookie (h11 allows; strict here)", H + "Cookie: a=b\u0001c\r\n\r\n", 400, "invalid character 0x01"),
                bad("header field over maxHeaderSize", H + "X: " + "v".repeat(8200) + "\r\n\r\n", 431, "header field longer than 8190 bytes"),
                bad("header field over maxHeaderSize, no LF yet", H + "X: " + "v".repeat(8200), 431, "header field longer than 8190"),
                bad("more than maxHeaderCount fields", H + "X: y\r\n".repeat(100) + "\r\n", 431, "more than 100 header fields"),
                bad("header section over maxHeadersTotal", H + ("X: " + "v".repeat(8000) + "\r\n").repeat(9) + "\r\n", 431, "header section longer than 65536 bytes"),
                // Host
                bad("HTTP/1.1 without Host", "GET / HTTP/1.1\r\n\r\n", 400, "HTTP/1.1 request without a Host header field"),
                bad("two Host fields", H + "Host: b\r\n\r\n", 400, "2 Host header fields"),
                bad("two Host fields in HTTP/1.0", "GET / HTTP/1.0\r\nHost: a\r\nhost: b\r\n\r\n", 400, "2 Host header fields"),
                // Content-Length
                bad("conflicting Content-Length fields", POST + "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", 400, "conflicting Content-Length values 5 and 6"),
                bad("conflicting Content-Length list", POST + "Content-Length: 5, 6\r\n\r\nhello!", 400, "conflicting Content-Length values 5 and 6"),
                bad("Content-Length with a plus sign", POST + "Content-Length: +5\r\n\r\nhello", 400, "invalid Content-Length \"+5\""),
                bad("negative Content-Length", POST + "Content-Length: -1\r\n\r\n", 400, "invalid Content-Length \"-1\""),
                bad("hex Content-Length", POST + "Content-Length: 0x5\r\n\r\nhello", 400, "invalid Content-Length"),
                bad("Content-Length with inner space (llhttp)", POST + "Content-Length: 4 2\r\n\r\n", 400, "invalid Content-Length \"4 2\""),
                bad("empty Content-Length", POST + "Content-Length:\r\n\r\n", 400, "invalid Content-Length \"\""),
                bad("Content-Length list with an empty element", POST + "Content-Length: 5,\r\n\r\nhello", 400, "an empty value"),
                bad("Content-Length overflow (llhttp)", POST + "Content-Length: 1000000000000000000000\r\n\r\n", 400, "is too large"),
                bad("Content-Length over maxBodySize", POST + "Content-Length: 11\r\n\r\nhello world", HttpLimits.defaults().withMaxBodySize(10), 413, "Content-Length 11 is over the limit of 10 bytes"),
                // Transfer-Encoding
                bad("CL and TE (smuggling)", POST + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400, "both Content-Length (5) and Transfer-Encoding"),
                bad("TE and CL (smuggling, llhttp)", POST + "Transfer-Encoding: identity\r\nContent-Length: 5\r\n\r\nWorld", 400, "both Content-Length"),
                bad("empty TE with CL (llhttp)", POST + "Transfer-Encoding:\r\nContent-Length: 5\r\n\r\nhello", 400, "both Content-Length"),
                bad("empty TE", POST + "Transfer-Encoding:\r\n\r\n", 400, "empty Transfer-Encoding"),
                bad("TE pigeons (llhttp)", POST + "Transfer-Encoding: pigeons\r\n\r\n", 501, "unsupported transfer-coding \"pigeons\""),
                bad("TE chunkedchunked (llhttp)", POST + "Transfer-Encoding: chunkedchunked\r\n\r\n5\r\nWorld\r\n0\r\n\r\n", 501, "unsupported transfer-coding \"chunkedchunked\""),
                bad("TE gzip, chunked", POST + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 501, "unsupported transfer-coding \"gzip\""),
                bad("TE chunked before deflate (llhttp)", POST + "Transfer-Encoding: chunked, deflate\r\n\r\nWorld", 400, "chunked is not the final transfer-coding"),
                bad("TE chunked then a second TE field (llhttp)", POST + "Transfer-Encoding: chunked\r\nTransfer-Encoding: deflate\r\n\r\nWorld", 400, "chunked is not the final"),
                bad("TE chunked twice", POST + "Transfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n", 400, "chunked is applied more than once"),
                bad("TE chunked with parameters", POST + "Transfer-Encoding: chunked;q=1\r\n\r\n0\r\n\r\n", 400, "chunked takes no parameters"),
                bad("TE in HTTP/1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400, "Transfer-Encoding in an HTTP/1.0 request"),
                // chunked framing
                bad("chunk size not hex", CHUNKED + "zz\r\n", 400, "invalid chunk size \"zz\""),
                bad("negative chunk size", CHUNKED + "-1\r\n", 400, "invalid chunk size \"-1\""),
                bad("chunk size with 17 hex digits", CHUNKED + "00000000000000001\r\n", 400, "more than 16 hex digits"),
                bad("100 nines (h11)", CHUNKED + "9".repeat(100) + "\r\nxxx", 400, "more than 16 hex digits"),
                bad("chunk size overflow", CHUNKED + "ffffffffffffffff\r\n", 400, "overflows"),
                bad("chunk size 8000000000000000", CHUNKED + "8000000000000000\r\n", 400, "overflows"),
                bad("garbage in chunk size (h11)", CHUNKED + "10\u0000\r\nxxx", 400, "invalid character 0x00 after the chunk size"),
                bad("space after chunk size (llhttp)", CHUNKED + "a \r\n0123456789\r\n0\r\n\r\n", 400, "whitespace after the chunk size"),
                bad("trailing spaces on chunk size (llhttp)", CHUNKED + "25  \r\nThis is the data in the first chunk\r\n0\r\n\r\n", 400, "whitespace after the chunk size"),
                bad("no semicolon before extension (llhttp)", CHUNKED + "2 erfrferferf\r\naa\r\n0 rrrr\r\n\r\n", 400, "invalid character 'e' after the chunk size"),
                bad("no extension after semicolon (llhttp)", CHUNKED + "2;\r\naa\r\n0\r\n\r\n", 400, "chunk extension without a name"),
                bad("extension with '=' and no value", CHUNKED + "2;a=\r\naa\r\n0\r\n\r\n", 400, "without a value"),
                bad("unbalanced quote in extension (llhttp)", CHUNKED + "5;ilovew3=\"abc\";somuchlove=\"def; ghi\r\nhello\r\n0\r\n\r\n", 400, "unterminated quoted string"),
                bad("chunk-size line ended by bare LF", CHUNKED + "5\nhello\r\n0\r\n\r\n", 400, "chunk-size line ends with a bare LF"),
                bad("only LFs in the chunked body (llhttp)", CHUNKED + "1\nA\n0\n\n", 400, "bare LF"),
                bad("CR CR in chunk-size line (llhttp)", "GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked \r\n\r\n5\r\r;ABCD\r\n34\r\nE\r\n0\r\n\r\n", 400, "bare CR after the chunk size"),
                bad("chunk data not followed by CRLF (h11)", CHUNKED + "3\r\nxxx__1a\r\n", 400, "chunk data not followed by CRLF"),
                bad("chunk data followed by CR and junk (h11)", CHUNKED + "3\r\nxxx\r_1a\r\n", 400, "chunk data not followed by CRLF"),
                bad("chunk data followed by junk and LF (h11)", CHUNKED + "3\r\nxxx_\n1a\r\n", 400, "chunk data not followed by CRLF"),
                bad("chunk data not terminated (llhttp)", CHUNKED + "5\r\nABCDE0\r\n\r\n", 400, "chunk data not followed by CRLF"),
                bad("missing last chunk (llhttp)", CHUNKED + "3\r\nfoo\r\n\r\n", 400, "invalid chunk size \"\""),
                bad("chunked body over maxBodySize", CHUNKED + "6\r\nhello!\r\n5\r\nhello\r\n0\r\n\r\n", HttpLimits.defaults().withMaxBodySize(10), 413, "chunked body longer than 10 bytes"),
                bad("chunk extensions over maxChunkExtSize", CHUNKED + ("1;" + "e".repeat(100) + "\r\nx\r\n").repeat(3), HttpLimits.defaults().withMaxChunkExtSize(200), 413, "chunk extensions over the limit of 200 bytes"),
                bad("one endless chunk extension", CHUNKED + "1;" + "e".repeat(20_000), 413, "chunk extensions over the limit of 16384"),
                bad("bare CR in trailer", CHUNKED + "0\r\nX: a\rb\r\n\r\n", 400, "bare CR in the value of trailer \"X\""),
                bad("obs-fold in trailer", CHUNKED + "0\r\nX: a\r\n b\r\n\r\n", 400, "obsolete line folding"),
                bad("too many trailer fields", CHUNKED + "0\r\n" + "T: 1\r\n".repeat(101) + "\r\n", 431, "more than 100 trailer fields"),
                // truncation (EOF mid-message)
                bad("EOF in the request line", "GET / HT", 400, "connection closed in the middle of a request: in the request line (8 bytes received"),
                bad("EOF in the head", H + "Accept: x\r\n", 400, "in the request head (after 2 header fields)"),
                bad("EOF in a Content-Length body", POST + "Content-Length: 10\r\n\r\nhello", 400, "in the body: 5 of 10 bytes (Content-Length) received"),
                bad("EOF in a chunk", CHUNKED + "a\r\nhello", 400, "in a chunk: 5 of 10 bytes received"),
                bad("EOF after a chunk, before its CRLF", CHUNKED + "5\r\nhello\r", 400, "after a chunk of 5 bytes, before its CRLF"),
                bad("EOF where a chunk size was expected", CHUNKED + "5\r\nhello\r\n", 400, "where a chunk-size line was expected (after 5 body bytes"),
                bad("EOF in the trailers", CHUNKED + "0\r\nX: 1\r\n", 400, "in the trailer section (after 1 trailer fields)"));
    }

    static Stream<Arguments> responses() {
        return Stream.of(
                bad("not HTTP at all", "SSH-2.0-OpenSSH_9.2\r\n", 400, "malformed HTTP version \"SSH-2.0-OpenSSH_9.2\""),
                bad("not HTTP, no line end yet", "SSH-2.0-OpenSSH_9.2", 400, "a response must start with HTTP/"),
                bad("status line too short", "HTTP/1.1 20\r\n\r\n", 400, "without a three-digit status code"),
                bad("four-digit status", "HTTP/1.1 2000 OK\r\n\r\n", 400, "without a three-digit status code"),
                bad("letters for a status", "HTTP/1.1 abc OK\r\n\r\n", 400, "three-digit status code"),
                bad("status below 100", "HTTP/1.1 099 Odd\r\n\r\n", 400, "status code \"099\" out of range"),
                bad("HTTP/2.0 status line", "HTTP/2.0 200 OK\r\n\r\n", 505, "unsupported HTTP version"),
                bad("NUL in reason (h11)", "HTTP/1.0 200 OK\u0000xxxx\r\n\r\n", 400, "invalid character 0x00 in the reason phrase"),
                bad("status line over maxLineSize", "HTTP/1.1 200 " + "O".repeat(8200) + "\r\n\r\n", 400, "status line longer than 8190 bytes"),
                bad("CL and TE in a response", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400, "both Content-Length"),
                bad("empty TE with CL (llhttp response)", "HTTP/1.1 200 OK\r\nTransfer-Encoding:\r\nContent-Length: 5\r\n\r\nhello", 400, "both Content-Length"),
                bad("gzip before chunked in a response", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 501, "unsupported transfer-coding \"gzip\" before chunked"),
                bad("conflicting Content-Length in a response", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 50\r\n\r\nhello", 400, "conflicting Content-Length values 5 and 50"),
                bad("EOF in a response body", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello", 400, "connection closed in the middle of a response: in the body: 5 of 10"),
                bad("EOF in a response head", "HTTP/1.1 200 OK\r\nServer: x", 400, "in the response head (after 0 header fields, in \"Server: x\")"),
                bad("read-until-close body over maxBodySize", "HTTP/1.1 200 OK\r\n\r\n" + "x".repeat(20), HttpLimits.defaults().withMaxBodySize(10), 413, "body longer than 10 bytes (read until the connection closes)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("requests")
    void requestRejected(String name, String raw, HttpLimits limits, int status, String fragment) {
        checkRejected(true, raw, limits, status, fragment);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("responses")
    void responseRejected(String name, String raw, HttpLimits limits, int status, String fragment) {
        checkRejected(false, raw, limits, status, fragment);
    }

    private static void checkRejected(boolean requests, String raw, HttpLimits limits, int status, String fragment) {
        byte[] bytes = Wire.bytes(raw);
        Wire.Outcome whole = Wire.feedWhole(parser(requests, limits), bytes, true);
        assertThat(whole.error()).as("error for %s", Ascii.quote(raw)).isNotNull();
        assertThat(whole.error().getMessage()).contains(fragment);
        assertThat(whole.status()).as(whole.error().getMessage()).isEqualTo(status);

        // Sticky: the failed parser throws the same exception again.
        HttpParser p = parser(requests, limits);
        HttpParseException first = Wire.feedWhole(p, bytes, true).error();
        try {
            p.next();
            throw new AssertionError("no exception from a failed parser");
        } catch (HttpParseException again) {
            assertThat(again).isSameAs(first);
        }
        assertThat(p.atMessageBoundary()).isFalse();

        // Same verdict whatever the pieces.
        if (bytes.length <= 20_000) {
            Wire.Outcome bytewise = Wire.feedBytewise(parser(requests, limits), bytes, true);
            assertThat(bytewise.summary()).isEqualTo(whole.summary());
        }
        Random random = new Random(raw.hashCode());
        for (int i = 0; i < 5; i++) {
            Wire.Outcome pieces = Wire.feedRandom(parser(requests, limits), bytes, random, 1 + random.nextInt(40), true);
            assertThat(pieces.summary()).isEqualTo(whole.summary());
        }
    }

    private static HttpParser parser(boolean requests, HttpLimits limits) {
        return requests ? HttpParser.forRequests(limits) : HttpParser.forResponses(limits);
    }

    private static Arguments bad(String name, String raw, int status, String fragment) {
        return Arguments.of(name, raw, HttpLimits.defaults(), status, fragment);
    }

    private static Arguments bad(String name, String raw, HttpLimits limits, int status, String fragment) {
        return Arguments.of(name, raw, limits, status, fragment);
    }
}
