package io.jasyncio.http.protocol;

import static io.jasyncio.http.protocol.Wire.data;
import static io.jasyncio.http.protocol.Wire.end;
import static io.jasyncio.http.protocol.Wire.request;
import static io.jasyncio.http.protocol.Wire.response;

import java.util.List;

/**
 * Valid messages with the events they must give: the seeds of the fuzz test and the input of the
 * feeding-pattern test. Requests and responses from browsers, curl, aiohttp, nginx, and the
 * unusual-but-valid corners (llhttp's and h11's samples).
 */
final class Corpus {

    private Corpus() {}

    /** A valid input and its events; for responses, the methods of the requests they answer. */
    record Sample(String name, boolean requests, String raw, List<String> methods, List<HttpEvent> events) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Sample req(String name, String raw, HttpEvent... events) {
        return new Sample(name, true, raw, List.of(), List.of(events));
    }

    static Sample resp(String name, List<String> methods, String raw, HttpEvent... events) {
        return new Sample(name, false, raw, methods, List.of(events));
    }

    static final String BROWSER_GET = "GET /index.html?q=1 HTTP/1.1\r\n"
            + "Host: www.example.com\r\n"
            + "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0\r\n"
            + "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n"
            + "Accept-Language: en-US,en;q=0.5\r\n"
            + "Accept-Encoding: gzip, deflate, br\r\n"
            + "Connection: keep-alive\r\n"
            + "Cookie: session=abc123; theme=dark\r\n"
            + "Upgrade-Insecure-Requests: 1\r\n"
            + "\r\n";

    static List<Sample> all() {
        return List.of(
                req("browser GET", BROWSER_GET,
                        request("GET", "/index.html?q=1",
                                "Host", "www.example.com",
                                "User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
                                "Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
                                "Accept-Language", "en-US,en;q=0.5",
                                "Accept-Encoding", "gzip, deflate, br",
                                "Connection", "keep-alive",
                                "Cookie", "session=abc123; theme=dark",
                                "Upgrade-Insecure-Requests", "1"),
                        end()),
                req("curl POST with Content-Length",
                        "POST /api/items HTTP/1.1\r\nHost: localhost:8080\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n"
                                + "Content-Type: application/json\r\nContent-Length: 13\r\n\r\n{\"a\":[1,2,3]}",
                        request("POST", "/api/items", "Host", "localhost:8080", "User-Agent", "curl/7.88.1", "Accept", "*/*",
                                "Content-Type", "application/json", "Content-Length", "13"),
                        data("{\"a\":[1,2,3]}"), end()),
                req("chunked with extensions and trailers (llhttp)",
                        "POST /chunked_w_trailing_headers HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                                + "5;ilovew3;somuchlove=aretheseparametersfor;another=withvalue\r\nhello\r\n"
                                + "6;blahblah;blah\r\n world\r\n"
                                + "0\r\nVary: *\r\nContent-Type: text/plain\r\n\r\n",
                        request("POST", "/chunked_w_trailing_headers", "Host", "a", "Transfer-Encoding", "chunked"),
                        data("hello world"), end("Vary", "*", "Content-Type", "text/plain")),
                req("quoted chunk extensions (llhttp)",
                        "POST /q HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                                + "5;ilovew3=\"I \\\"love\\\"; \\\\extensions\\\\\";somuchlove=\"aretheseparametersfor\";blah;foo=bar\r\n"
                                + "hello\r\n6 ; blahblah ; blah = x\r\n world\r\n0\r\n\r\n",
                        request("POST", "/q", "Host", "a", "Transfer-Encoding", "chunked"), data("hello world"), end()),
                req("two chunks and a triple-zero last chunk (llhttp)",
                        "POST /two_chunks_mult_zero_end HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                                + "5\r\nhello\r\n6\r\n world\r\n000\r\n\r\n",
                        request("POST", "/two_chunks_mult_zero_end", "Host", "a", "Transfer-Encoding", "chunked"),
                        data("hello world"), end()),
                req("upper- and lower-case hex (h11)",
                        "PUT /url HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\naA\r\n" + "x".repeat(0xaa)
                                + "\r\n0\r\n\r\n",
                        request("PUT", "/url", "Host", "a", "Transfer-Encoding", "chunked"), data("x".repeat(0xaa)), end()),
                req("chunked last in a list of two fields... as one coding",
                        "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: \r\n\r\n2\r\nhi\r\n0\r\n\r\n",
                        request("POST", "/", "Host", "a", "Transfer-Encoding", "chunked", "Transfer-Encoding", ""),
                        data("hi"), end()),
                req("equal Content-Length values",
                        "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 5\r\ncontent-length: 5\r\n\r\nhello",
                        request("POST", "/", "Host", "a", "Content-Length", "5, 5", "content-length", "5"), data("hello"), end()),
                req("HTTP/1.0 without Host (h11)", "HEAD /foo HTTP/1.0\r\nSome: header\r\n\r\n",
                        new RequestHead("HEAD", "/foo", HttpVersion.HTTP_1_0, Headers.of("Some", "header")), end()),
                req("HTTP/1.0 with no headers (h11)", "HEAD /foo HTTP/1.0\r\n\r\n",
                        new RequestHead("HEAD", "/foo", HttpVersion.HTTP_1_0, new Headers()), end()),
                req("HTTP/1.2 reads as 1.1", "GET / HTTP/1.2\r\nHost: a\r\n\r\n", request("GET", "/", "Host", "a"), end()),
                req("odd but valid values (h11)",
                        "GET / HTTP/1.1\r\nHost: a\r\nFoo: a a a a a \r\nEmpty:\r\nTabs: \t \t \r\nObs: caf\u00e9\r\n\r\n",
                        request("GET", "/", "Host", "a", "Foo", "a a a a a", "Empty", "", "Tabs", "", "Obs", "caf\u00e9"), end()),
                req("bare LF line endings in the head (RFC 9112 2.2, h11)",
                        "GET /lf HTTP/1.1\nHost: a\nX: 1\r\nY: 2\n\r\n",
                        request("GET", "/lf", "Host", "a", "X", "1", "Y", "2"), end()),
                req("empty lines before the request line (RFC 9112 2.2)", "\r\n\r\n\nGET / HTTP/1.1\r\nHost: a\r\n\r\n",
                        request("GET", "/", "Host", "a"), end()),
                req("extension method, asterisk, absolute and authority forms",
                        "PROPFIND /dav HTTP/1.1\r\nHost: a\r\n\r\nOPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n"
                                + "GET http://a/b?c HTTP/1.1\r\nHost: a\r\n\r\n",
                        request("PROPFIND", "/dav", "Host", "a"), end(), request("OPTIONS", "*", "Host", "a"), end(),
                        request("GET", "http://a/b?c", "Host", "a"), end()),
                req("UTF-8 in the target", "GET /caf\u00c3\u00a9 HTTP/1.1\r\nHost: a\r\n\r\n",
                        request("GET", "/caf\u00e9", "Host", "a"), end()),
                req("pipelined keep-alive requests",
                        "GET /1 HTTP/1.1\r\nHost: a\r\n\r\nPOST /2 HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc"
                                + "PUT /3 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n"
                                + "DELETE /4 HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                        request("GET", "/1", "Host", "a"), end(),
                        request("POST", "/2", "Host", "a", "Content-Length", "3"), data("abc"), end(),
                        request("PUT", "/3", "Host", "a", "Transfer-Encoding", "chunked"), data("x"), end(),
                        request("DELETE", "/4", "Host", "a", "Content-Length", "0", "Connection", "close"), end()),
                req("Expect: 100-continue",
                        "PUT /up HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nok",
                        request("PUT", "/up", "Host", "a", "Expect", "100-continue", "Content-Length", "2"), data("ok"), end()),
                req("binary body with CR, LF and NUL",
                        "POST /bin HTTP/1.1\r\nHost: a\r\nContent-Length: 6\r\n\r\n\r\n\u0000\u00ff\r\n",
                        request("POST", "/bin", "Host", "a", "Content-Length", "6"), data("\r\n\u0000\u00ff\r\n"), end()),
                resp("nginx 200 with Content-Length", List.of("GET"),
                        "HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nDate: Mon, 01 Jan 2024 00:00:00 GMT\r\n"
                                + "Content-Type: text/html\r\nContent-Length: 5\r\nConnection: keep-alive\r\n\r\nhello",
                        response(200, "OK", "Server", "nginx/1.22.1", "Date", "Mon, 01 Jan 2024 00:00:00 GMT",
                                "Content-Type", "text/html", "Content-Length", "5", "Connection", "keep-alive"),
                        data("hello"), end()),
                resp("chunked response with trailers", List.of("GET"),
                        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n5\r\npedia\r\ne\r\n in\r\n\r\nchunks.\r\n"
                                + "0\r\nExpires: never\r\n\r\n",
                        response(200, "OK", "Transfer-Encoding", "chunked"), data("Wikipedia in\r\n\r\nchunks."),
                        end("Expires", "never")),
                resp("read until close", List.of("GET"), "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nall of it\r\n0\r\n",
                        response(200, "OK", "Content-Type", "text/plain"), data("all of it\r\n0\r\n"), end()),
                resp("HTTP/1.0 read until close, no reason (h11)", List.of("GET"), "HTTP/1.0 200\r\nFoo: bar\r\n\r\nbody",
                        new ResponseHead(HttpVersion.HTTP_1_0, 200, "", Headers.of("Foo", "bar")), data("body"), end()),
                resp("chunked not last: read until close (llhttp)", List.of("GET"),
                        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, deflate\r\n\r\nWorld",
                        response(200, "OK", "Transfer-Encoding", "chunked, deflate"), data("World"), end()),
                resp("chunked then identity fields: read until close (llhttp)", List.of("GET"),
                        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\nWorld",
                        response(200, "OK", "Transfer-Encoding", "chunked", "Transfer-Encoding", "identity"), data("World"), end()),
                resp("chunkedchunked does not enable chunked (llhttp)", List.of("GET"),
                        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunkedchunked\r\n\r\n2\r\nOK\r\n0\r\n\r\n",
                        response(200, "OK", "Transfer-Encoding", "chunkedchunked"), data("2\r\nOK\r\n0\r\n\r\n"), end()),
                resp("HEAD, 204, 304 have no body; responses in order", List.of("HEAD", "DELETE", "GET", "GET"),
                        "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n"
                                + "HTTP/1.1 204 No Content\r\nContent-Length: 7\r\n\r\n"
                                + "HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\n"
                                + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
                        response(200, "OK", "Content-Length", "1000"), end(),
                        response(204, "No Content", "Content-Length", "7"), end(),
                        response(304, "Not Modified", "Transfer-Encoding", "chunked"), end(),
                        response(200, "OK", "Content-Length", "2"), data("ok"), end()),
                resp("100 Continue and 103 Early Hints before the response", List.of("POST"),
                        "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\n"
                                + "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n",
                        response(100, "Continue"), end(), response(103, "Early Hints", "Link", "</s.css>; rel=preload"), end(),
                        response(201, "Created", "Content-Length", "0"), end()),
                resp("status line corners", List.of("GET", "GET", "GET"),
                        "HTTP/1.1 200 \r\nContent-Length: 0\r\n\r\nHTTP/1.1 404 Not  Found  Really\r\nContent-Length: 0\r\n\r\n"
                                + "HTTP/1.1 599 \u00c9trange\tt\r\nContent-Length: 0\r\n\r\n",
                        response(200, "", "Content-Length", "0"), end(),
                        response(404, "Not  Found  Really", "Content-Length", "0"), end(),
                        response(599, "\u00c9trange\tt", "Content-Length", "0"), end()),
                resp("bare LF line endings in a response (h11)", List.of("GET"),
                        "HTTP/1.1 200 OK\nSomeHeader1: val1\nSomeHeader2: val2\n\r\n",
                        response(200, "OK", "SomeHeader1", "val1", "SomeHeader2", "val2"), end()));
    }
}
