package io.jasyncio.http.client;

import static io.jasyncio.Asyncio.*;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import io.jasyncio.AsyncGenerator;
import io.jasyncio.AsyncIterable;
import io.jasyncio.FlowAdapters;
import io.jasyncio.http.protocol.HttpWriter;
import io.jasyncio.testing.AsyncioExtension;
import io.jasyncio.testing.MemoryNetwork;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Flow;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The session against scripted servers on the memory network (virtual time): what goes over the
 * wire both ways, bodies of every kind, decoding, keep-alive and the pool's reuse rules.
 */
@ExtendWith(AsyncioExtension.class)
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ClientSessionTest {
    final MemoryNetwork network = new MemoryNetwork();
    final MemoryOpener opener = new MemoryOpener(network);

    ClientSession session() {
        return ClientSession.builder().connector(TcpConnector.builder().opener(opener).build()).build();
    }

    ClientSession session(TcpConnector.Builder connector) {
        return ClientSession.builder().connector(connector.opener(opener).build()).build();
    }

    static TestServer.Responder ok(String body) {
        return (c, r) -> c.respond(200, "OK", body, "Content-Type: text/plain; charset=utf-8");
    }

    @Test
    void getReturnsStatusReasonHeadersAndText() throws Exception {
        TestServer server = TestServer.serving(network, "example.com", 80, (c, r) -> c.respond(200, "OK", "héllo",
                "Content-Type: text/plain; charset=utf-8", "X-Multi: a", "X-Multi: b"));
        try (ClientSession session = session(); ClientResponse r = session.get("http://example.com/path?q=1")) {
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.reason()).isEqualTo("OK");
            assertThat(r.ok()).isTrue();
            assertThat(r.headers().getAll("x-multi")).containsExactly("a", "b");
            assertThat(r.contentType()).isEqualTo("text/plain");
            assertThat(r.charset()).isEqualTo(UTF_8);
            assertThat(r.contentLength()).isEqualTo(6L);
            assertThat(r.text()).isEqualTo("héllo");
            assertThat(r.url().toString()).isEqualTo("http://example.com/path?q=1");
            assertThat(r.toString()).isEqualTo("<ClientResponse(http://example.com/path?q=1) [200 OK]>");
        }
        TestServer.Request req = server.requests.getFirst();
        assertThat(req.head().method()).isEqualTo("GET");
        assertThat(req.head().target()).isEqualTo("/path?q=1");
        assertThat(req.header("Host")).isEqualTo("example.com");
        assertThat(req.header("Accept")).isEqualTo("*/*");
        assertThat(req.header("Accept-Encoding")).isEqualTo("gzip, deflate");
        assertThat(req.header("User-Agent")).isEqualTo(ClientSession.USER_AGENT);
        assertThat(req.header("Content-Length")).isNull();
        assertThat(req.head().headers().name(0)).isEqualTo("Host");
    }

    @Test
    void aConnectionReadToItsEndIsReusedByTheNextRequest() throws Exception {
        TestServer server = TestServer.serving(network, "example.com", 80, ok("hi"));
        try (ClientSession session = session()) {
            for (int i = 0; i < 3; i++) {
                try (ClientResponse r = session.get("http://example.com/" + i)) {
                    assertThat(r.text()).isEqualTo("hi");
                    // read to the end: back in the pool before the response is closed
                    assertThat(session.connector().statistics().acquired()).isZero();
                }
            }
            assertThat(session.connector().statistics()).isEqualTo(new TcpConnector.Statistics(0, 1, 0, 1, 2));
        }
        assertThat(server.connections).isEqualTo(1);
        assertThat(server.requests).hasSize(3);
    }

    @Test
    void aResponseReleasedBeforeItsEndClosesItsConnection() throws Exception {
        TestServer server = TestServer.serving(network, "example.com", 80, ok("x".repeat(100)));
        try (ClientSession session = session()) {
            try (ClientResponse r = session.get("http://example.com/")) {
                assertThat(r.content().read(10)).hasSize(10);
            } // released with 90 bytes unread
            assertThat(session.connector().statistics().idle()).isZero();
            assertThat(session.connector().statistics().acquired()).isZero();
            try (ClientResponse r = session.get("http://example.com/")) {
                assertThat(r.read()).hasSize(100);
            }
        }
        assertThat(server.connections).isEqualTo(2);
    }

    @Test
    void aResponseWithoutBodyReleasesItsConnectionAtOnce() throws Exception {
        TestServer.serving(network, "example.com", 80, (c, r) -> c.write("HTTP/1.1 204 No Content\r\n\r\n"));
        try (ClientSession session = session()) {
            ClientResponse r = session.delete("http://example.com/x");
            assertThat(r.status()).isEqualTo(204);
            assertThat(session.connector().statistics().acquired()).isZero();
            assertThat(r.read()).isEmpty();
            ClientResponse head = session.head("http://example.com/x");
            assertThat(head.read()).isEmpty();
            assertThat(session.connector().statistics()).isEqualTo(new TcpConnector.Statistics(0, 1, 0, 1, 1));
        }
    }

    @Test
    void aHeadResponseWithContentLengthHasNoBody() throws Exception {
        TestServer.serving(network, "example.com", 80, (c, r) -> c.write(
                "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\nContent-Encoding: gzip\r\n\r\n"));
        try (ClientSession session = session(); ClientResponse r = session.head("http://example.com/")) {
            assertThat(r.contentLength()).isEqualTo(1000L);
            assertThat(r.read()).isEmpty();
            assertThat(session.connector().statistics().idle()).isEqualTo(1);
        }
    }

    @Test
    void chunkedResponsesAreDechunkedAndStreamedInPieces() throws Exception {
        TestServer.serving(network, "example.com", 80, (c, r) -> {
            c.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
            for (String piece : List.of("line one\nline", " two\n", "tail")) {
                c.write(HttpWriter.encodeChunk(piece.getBytes(UTF_8), 0, piece.length()));
                c.writer.drain();
                sleep(0.1);
            }
            c.write(HttpWriter.lastChunk(null));
        });
        try (ClientSession session = session()) {
            try (ClientResponse r = session.get("http://example.com/")) {
                List<String> lines = new ArrayList<>();
                for (byte[] line : r.content()) {
                    lines.add(new String(line, UTF_8));
                }
                assertThat(lines).containsExactly("line one\n", "line two\n", "tail");
                assertThat(r.content().atEof()).isTrue();
            }
            try (ClientResponse r = session.get("http://example.com/")) {
                List<String> pieces = new ArrayList<>();
                for (byte[] p : r.content().iterChunked(4)) {
                    pieces.add(new String(p, UTF_8));
                }
                assertThat(String.join("", pieces)).isEqualTo("line one\nline two\ntail");
                assertThat(pieces).allMatch(p -> p.length() <= 4);
            }
            assertThat(session.connector().statistics().created()).isEqualTo(1);
        }
    }

    @Test
    void aCloseDelimitedBodyEndsAtEofAndItsConnectionIsNotReused() throws Exception {
        TestServer server = TestServer.serving(network, "example.com", 80, (c, r) -> {
            c.write("HTTP/1.1 200 OK\r\n\r\nuntil the end");
            c.writer.close();
        });
        try (ClientSession session = session()) {
            for (int i = 0; i < 2; i++) {
                try (ClientResponse r = session.get("http://example.com/")) {
                    assertThat(r.text()).isEqualTo("until the end");
                }
            }
            assertThat(session.connector().statistics().idle()).isZero();
        }
        assertThat(server.connections).isEqualTo(2);
    }

    @Test
    void gzipAndDeflateBodiesAreDecoded() throws Exception {
        byte[] text = "compressed ".repeat(1000).getBytes(UTF_8);
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(text);
        }
        ByteArrayOutputStream zl = new ByteArrayOutputStream();
        try (DeflaterOutputStream out = new DeflaterOutputStream(zl)) {
            out.write(text);
        }
        TestServer.serving(network, "example.com", 80, (c, r) -> {
            byte[] body = r.head().target().equals("/gzip") ? gz.toByteArray() : zl.toByteArray();
            String enc = r.head().target().equals("/gzip") ? "gzip" : "deflate";
            c.write("HTTP/1.1 200 OK\r\nContent-Encoding: " + enc + "\r\nTransfer-Encoding: chunked\r\n\r\n");
            c.write(HttpWriter.encodeChunk(body, 0, 10));
            c.write(HttpWriter.encodeChunk(body, 10, body.length - 10));
            c.write(HttpWriter.lastChunk(null));
        });
        try (ClientSession session = session()) {
            try (ClientResponse r = session.get("http://example.com/gzip")) {
                assertThat(r.read()).isEqualTo(text);
            }
            try (ClientResponse r = session.get("http://example.com/deflate")) {
                assertThat(r.read()).isEqualTo(text);
            }
            assertThat(session.connector().statistics().created()).isEqualTo(1);
        }
        try (ClientSession raw = ClientSession.builder().autoDecompress(false)
                .connector(TcpConnector.builder().opener(opener).build()).build();
                ClientResponse r = raw.get("http://example.com/gzip")) {
            assertThat(r.read()).isEqualTo(gz.toByteArray());
            assertThat(r.requestInfo().headers().contains("Accept-Encoding")).isFalse();
        }
    }

    @Test
    void theBodyLimitCapsTheDecodedSizeToo() throws Exception {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(new byte[1 << 20]); // 1 MiB of zeros: about 1 KiB compressed
        }
        TestServer.serving(network, "example.com", 80, (c, r) -> {
            c.write("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: " + gz.size() + "\r\n\r\n");
            c.write(gz.toByteArray());
        });
        try (ClientSession session = session(TcpConnector.builder().limits(
                io.jasyncio.http.protocol.HttpLimits.defaults().withMaxBodySize(64 * 1024)));
                ClientResponse r = session.get("http://example.com/")) {
            assertThat(catchThrowable(r::read)).isInstanceOf(ClientPayloadError.class);
            assertThat(session.connector().statistics().acquired()).isZero();
        }
    }

    @Test
    void aCorruptGzipBodyIsAPayloadError() throws Exception {
        TestServer.serving(network, "example.com", 80, (c, r) ->
                c.write("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 5\r\n\r\nnope!"));
        try (ClientSession session = session(); ClientResponse r = session.get("http://example.com/")) {
            Throwable e = catchThrowable(r::read);
            assertThat(e).isInstanceOf(ClientPayloadError.class).hasMessageContaining("Response payload is not completed");
            assertThat(session.connector().statistics().acquired()).isZero();
            assertThat(catchThrowable(r::read)).isSameAs(e);
        }
    }

    @Test
    void bodiesOfEveryKindGoOutWithTheirHeaders() throws Exception {
        TestServer server = TestServer.serving(network, "example.com", 80, (c, r) -> c.respond(200, "OK", "ok"));
        Path file = Files.createTempFile("upload", ".txt");
        Files.writeString(file, "file content");
        try (ClientSession session = session()) {
            session.post("http://example.com/bytes", RequestOptions.create().data(new byte[] {1, 2, 3})).read();
            session.post("http://example.com/text", RequestOptions.create().data("text")).read();
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("q", "a b&c");
            fields.put("n", List.of(1, 2));
            session.post("http://example.com/form", RequestOptions.create().form(fields)).read();
            session.put("http://example.com/json", RequestOptions.create().json(Map.of("id", 7))).read();
            session.post("http://example.com/empty", null).read();
            session.post("http://example.com/file", RequestOptions.create().body(RequestBody.file(file))).read();
            session.post("http://example.com/multipart", RequestOptions.create().form(new FormData()
                    .addField("title", "report").addFile("f", file))).read();
        } finally {
            Files.deleteIfExists(file);
        }
        List<TestServer.Request> rs = server.requests;
        assertThat(rs.get(0).body()).containsExactly(1, 2, 3);
        assertThat(rs.get(0).header("Content-Type")).isEqualTo("application/octet-stream");
        assertThat(rs.get(0).header("Content-Length")).isEqualTo("3");
        assertThat(rs.get(1).text()).isEqualTo("text");
        assertThat(rs.get(1).header("Content-Type")).isEqualTo("text/plain; charset=utf-8");
        assertThat(rs.get(2).text()).isEqualTo("q=a+b%26c&n=1&n=2");
        assertThat(rs.get(2).header("Content-Type")).isEqualTo("application/x-www-form-urlencoded");
        assertThat(rs.get(3).text()).isEqualTo("{\"id\":7}");
        assertThat(rs.get(3).header("Content-Type")).isEqualTo("application/json");
        assertThat(rs.get(4).header("Content-Length")).isEqualTo("0");
        assertThat(rs.get(5).text()).isEqualTo("file content");
        assertThat(rs.get(5).header("Content-Length")).isEqualTo("12");
        assertThat(rs.get(5).header("Content-Type")).isEqualTo("text/plain");
        String multipart = rs.get(6).text();
        String type = rs.get(6).header("Content-Type");
        assertThat(type).startsWith("multipart/form-data; boundary=");
        String boundary = type.substring(type.indexOf('=') + 1);
        assertThat(multipart).isEqualTo("--" + boundary + "\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nreport\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"f\"; filename=\"" + file.getFileName()
                + "\"\r\nContent-Type: text/plain\r\n\r\nfile content\r\n--" + boundary + "--\r\n");
        assertThat(rs.get(6).header("Content-Length")).isEqualTo(Integer.toString(multipart.length()));
    }

    @Test
    void streamedBodiesAreSentChunkedAndTheirSourceClosed() throws Exception {
        TestServer server = TestServer.serving(network, "example.com", 80, (c, r) -> c.respond(200, "OK", r.text()));
        List<String> log = new ArrayList<>();
        AsyncGenerator<byte[]> gen = AsyncGenerator.of(y -> {
            try {
                for (String s : List.of("one ", "two ", "three")) {
                    sleep(0.5);
                    y.yield(s.getBytes(UTF_8));
                }
            } finally {
                log.add("closed");
            }
        });
        try (ClientSession session = session()) {
            try (ClientResponse r = session.post("http://example.com/up", RequestOptions.create().body(gen))) {
                assertThat(r.text()).isEqualTo("one two three");
            }
            Flow.Publisher<byte[]> publisher = FlowAdapters.toColdPublisher(() -> AsyncIterable.from(
                    List.of("from ".getBytes(UTF_8), "a publisher".getBytes(UTF_8))), getRunningLoop());
            try (ClientResponse r = session.post("http://example.com/up", RequestOptions.create().body(publisher))) {
                assertThat(r.text()).isEqualTo("from a publisher");
            }
            assertThat(session.connector().statistics().created()).isEqualTo(1);
        }
        assertThat(log).containsExactly("closed");
        assertThat(server.requests.get(0).header("Transfer-Encoding")).isEqualTo("chunked");
        assertThat(server.requests.get(0).header("Content-Length")).isNull();
        RequestOptions reused = RequestOptions.create().body(gen);
        try (ClientSession session = session()) {
            session.post("http://example.com/up", reused).close();
            assertThat(catchThrowable(() -> session.post("http://example.com/up", reused)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("sent once");
        }
    }

    @Test
    void jsonResponsesParseIntoTreesAndTypes() throws Exception {
        TestServer.serving(network, "example.com", 80, (c, r) -> {
            if (r.head().target().equals("/text")) {
                c.respond(200, "OK", "{}", "Content-Type: text/html");
            } else {
                c.respond(200, "OK", "{\"name\":\"widget\",\"count\":3}", "Content-Type: application/json; charset=utf-8");
            }
        });
        record Item(String name, int count) {}
        try (ClientSession session = session()) {
            JsonNode tree = session.get("http://example.com/").json();
            assertThat(tree.get("count").asInt()).isEqualTo(3);
            assertThat(session.get("http://example.com/").json(Item.class)).isEqualTo(new Item("widget", 3));
            Throwable e = catchThrowable(() -> session.get("http://example.com/text").json());
            assertThat(e).isInstanceOf(ContentTypeError.class)
                    .hasMessageContaining("Attempt to decode JSON with unexpected mimetype: text/html");
        }
    }

    @Test
    void baseUrlParamsAndDefaultHeadersMakeTheRequest() throws Exception {
        TestServer server = TestServer.serving(network, "api.test", 8080, ok(""));
        try (ClientSession session = ClientSession.builder().baseUrl("http://api.test:8080/v1/")
                .header("X-Token", "default").header("X-Keep", "k")
                .connector(TcpConnector.builder().opener(opener).build()).build()) {
            session.get("items/1", RequestOptions.create().param("q", "a b").param("page", 2).header("X-Token", "mine"))
                    .close();
            session.get("/root?x=1", RequestOptions.create().params(Map.of("y", "é"))).close();
            session.get("http://api.test:8080/abs").close();
        }
        assertThat(server.requests.get(0).head().target()).isEqualTo("/v1/items/1?q=a+b&page=2");
        assertThat(server.requests.get(0).head().headers().getAll("X-Token")).containsExactly("mine");
        assertThat(server.requests.get(0).header("X-Keep")).isEqualTo("k");
        assertThat(server.requests.get(0).header("Host")).isEqualTo("api.test:8080");
        assertThat(server.requests.get(1).head().target()).isEqualTo("/root?x=1&y=%C3%A9");
        assertThat(server.requests.get(2).head().target()).isEqualTo("/abs");
    }

    @Test
    void badUrlsAndArgumentsAreRefusedWithTheirReason() throws Exception {
        try (ClientSession session = session()) {
            assertThat(catchThrowable(() -> session.get("/relative"))).isInstanceOf(InvalidUrl.class)
                    .hasMessageContaining("not an absolute URL");
            assertThat(catchThrowable(() -> session.get("ftp://x/"))).isInstanceOf(InvalidUrl.class)
                    .hasMessageContaining("must be http or https");
            assertThat(catchThrowable(() -> session.get("http://x:99999/"))).isInstanceOf(InvalidUrl.class)
                    .hasMessageContaining("port");
            assertThat(catchThrowable(() -> session.request("GE T", "http://x/"))).isInstanceOf(IllegalArgumentException.class);
            assertThat(catchThrowable(() -> RequestOptions.create().param("b", true)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("boolean");
            assertThat(catchThrowable(() -> ClientSession.builder().baseUrl("http://x/api")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ending with '/'");
        }
        ClientSession closed = session();
        closed.close();
        assertThat(catchThrowable(() -> closed.get("http://x/"))).isInstanceOf(IllegalStateException.class)
                .hasMessage("Session is closed");
    }

    @Test
    void errorsNameWhatFailed() throws Exception {
        TestServer.start(network, "bad.test", 80, c -> {
            c.readRequest();
            c.write("HTTP/1.1 200 OK\r\nBad Header: x\r\n\r\n");
        });
        TestServer.start(network, "gone.test", 80, c -> c.readRequest());
        TestServer.start(network, "cut.test", 80, c -> {
            c.readRequest();
            c.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this");
        });
        TestServer.serving(network, "status.test", 80, (c, r) -> c.respond(404, "Not Found", "no"));
        try (ClientSession session = session()) {
            Throwable e = catchThrowable(() -> session.get("http://nowhere.test:81/"));
            assertThat(e).isInstanceOf(ClientConnectorError.class)
                    .hasMessageStartingWith("Cannot connect to host nowhere.test:81 ssl:False [");
            assertThat(((ClientConnectorError) e).host()).isEqualTo("nowhere.test");
            assertThat(((ClientConnectorError) e).port()).isEqualTo(81);
            assertThat(e.getCause()).isInstanceOf(java.net.ConnectException.class);

            e = catchThrowable(() -> session.get("http://bad.test/"));
            assertThat(e).isInstanceOf(ClientResponseError.class).isNotInstanceOf(ContentTypeError.class);
            assertThat(((ClientResponseError) e).status()).isEqualTo(400);
            assertThat(e.getCause()).isInstanceOf(io.jasyncio.http.protocol.HttpParseException.class);

            assertThat(catchThrowable(() -> session.get("http://gone.test/"))).isInstanceOf(ServerDisconnectedError.class)
                    .hasMessage("Server disconnected");

            ClientResponse cut = session.get("http://cut.test/");
            assertThat(catchThrowable(cut::read)).isInstanceOf(ClientPayloadError.class)
                    .hasMessageContaining("Response payload is not completed");

            ClientResponse notFound = session.get("http://status.test/");
            assertThat(notFound.ok()).isFalse();
            e = catchThrowable(notFound::raiseForStatus);
            assertThat(e).isInstanceOf(ClientResponseError.class)
                    .hasMessage("404, message='Not Found', url='http://status.test/'");
            assertThat(((ClientResponseError) e).requestInfo().method()).isEqualTo("GET");
            e = catchThrowable(() -> session.get("http://status.test/", RequestOptions.create().raiseForStatus(true)));
            assertThat(((ClientResponseError) e).status()).isEqualTo(404);
            assertThat(session.connector().statistics().acquired()).isZero();
        }
    }

    @Test
    void aResetMidBodyIsAPayloadErrorAndTheSlotIsFreed() throws Exception {
        TestServer.start(network, "example.com", 80, c -> {
            c.readRequest();
            c.write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nsome");
            c.writer.drain();
            sleep(1);
            c.writer.transport().abort();
        });
        try (ClientSession session = session(); ClientResponse r = session.get("http://example.com/")) {
            assertThat(r.content().readAny()).isEqualTo("some".getBytes(UTF_8));
            Throwable e = catchThrowable(() -> r.content().read(10));
            assertThat(e).isInstanceOf(ClientPayloadError.class);
            assertThat(session.connector().statistics().acquired()).isZero();
            assertThat(network.pipes()).isEmpty();
        }
    }

    @Test
    void aStaleKeptAliveConnectionIsReplacedTransparently() throws Exception {
        // The server closes each connection right after its response, without saying so.
        TestServer server = TestServer.start(network, "example.com", 80, c -> {
            c.readRequest();
            c.respond(200, "OK", "fresh");
            c.writer.drain();
            sleep(1);
        });
        try (ClientSession session = session()) {
            assertThat(session.get("http://example.com/").text()).isEqualTo("fresh");
            sleep(0.5); // the server has not closed yet: the connection is idle in the pool
            assertThat(session.connector().statistics().idle()).isEqualTo(1);
            sleep(1); // now it has
            assertThat(session.get("http://example.com/").text()).isEqualTo("fresh");
            // a POST is not retried on its own, but the closed connection is noticed before use
            sleep(2);
            assertThat(session.post("http://example.com/", RequestOptions.create().data("x")).text()).isEqualTo("fresh");
        }
        assertThat(server.connections).isEqualTo(3);
    }

    @Test
    void idleConnectionsExpireAfterTheKeepaliveTimeout() throws Exception {
        TestServer server = TestServer.serving(network, "example.com", 80, ok("x"));
        try (ClientSession session = session(TcpConnector.builder().keepaliveTimeout(15))) {
            session.get("http://example.com/").read();
            sleep(14.9);
            session.get("http://example.com/").read();
            assertThat(server.connections).isEqualTo(1);
            sleep(15.1);
            assertThat(session.connector().statistics().idle()).isZero(); // closed by the cleanup timer
            assertThat(network.pipes()).isEmpty();
            session.get("http://example.com/").read();
        }
        assertThat(server.connections).isEqualTo(2);
    }

    @Test
    void forceCloseSendsConnectionCloseAndKeepsNothing() throws Exception {
        TestServer server = TestServer.serving(network, "example.com", 80, ok("x"));
        try (ClientSession session = session(TcpConnector.builder().forceClose(true))) {
            session.get("http://example.com/").read();
            session.get("http://example.com/").read();
            assertThat(session.connector().statistics().idle()).isZero();
        }
        assertThat(server.connections).isEqualTo(2);
        assertThat(server.requests.getFirst().header("Connection")).isEqualTo("close");
    }

    @Test
    void anHttp10ResponseIsNotKeptAlive() throws Exception {
        TestServer server = TestServer.serving(network, "example.com", 80, (c, r) -> {
            c.write("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok");
        });
        try (ClientSession session = session()) {
            session.get("http://example.com/").read();
            session.get("http://example.com/").read();
        }
        assertThat(server.connections).isEqualTo(2);
    }

    @Test
    void interimResponsesAreSkipped() throws Exception {
        TestServer.serving(network, "example.com", 80, (c, r) -> {
            c.write("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n");
            c.respond(200, "OK", "final");
        });
        try (ClientSession session = session(); ClientResponse r = session.get("http://example.com/")) {
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.text()).isEqualTo("final");
        }
    }

    @Test
    void basicAuthFromTheOptionsOrTheUrl() throws Exception {
        TestServer server = TestServer.serving(network, "example.com", 80, ok(""));
        try (ClientSession session = session()) {
            session.get("http://example.com/", RequestOptions.create().auth(new BasicAuth("user", "pass"))).close();
            session.get("http://u%40x:p@example.com/").close();
            assertThat(catchThrowable(() -> session.get("http://u:p@example.com/",
                    RequestOptions.create().auth(new BasicAuth("a", "b"))))).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(server.requests.get(0).header("Authorization")).isEqualTo("Basic dXNlcjpwYXNz");
        assertThat(server.requests.get(1).header("Authorization"))
                .isEqualTo("Basic " + java.util.Base64.getEncoder().encodeToString("u@x:p".getBytes(UTF_8)));
        assertThat(server.requests.get(1).header("Host")).isEqualTo("example.com");
    }

    @Test
    void aServerThatRefusesAnExpect100RequestNeverGetsTheBody() throws Exception {
        TestServer server = TestServer.start(network, "example.com", 80, c -> {
            var head = c.readHead();
            c.write("HTTP/1.1 413 Payload Too Large\r\nContent-Length: 0\r\n\r\n");
            c.writer.drain();
            sleep(1);
            assertThat(c.reader.atEof()).isTrue(); // the client closed without sending the body
            server(head);
        });
        try (ClientSession session = session()) {
            ClientResponse r = session.put("http://example.com/big", RequestOptions.create().data("x".repeat(10_000))
                    .expect100(true));
            assertThat(r.status()).isEqualTo(413);
            assertThat(r.read()).isEmpty();
            assertThat(session.connector().statistics()).isEqualTo(new TcpConnector.Statistics(0, 0, 0, 1, 0));
            sleep(2);
        }
        assertThat(heads).hasSize(1);
        assertThat(heads.getFirst().headers().get("Expect")).isEqualTo("100-continue");
        assertThat(heads.getFirst().headers().get("Content-Length")).isEqualTo("10000");
    }

    final List<io.jasyncio.http.protocol.RequestHead> heads = new ArrayList<>();

    private void server(io.jasyncio.http.protocol.RequestHead head) {
        heads.add(head);
    }
}
