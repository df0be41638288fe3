package io.jasyncio.http.client;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.jasyncio.http.protocol.HttpEvent;
import io.jasyncio.http.protocol.HttpLimits;
import io.jasyncio.http.protocol.HttpParseException;
import io.jasyncio.http.protocol.HttpParser;
import io.jasyncio.http.protocol.RequestHead;
import io.jasyncio.net.StreamReader;
import io.jasyncio.net.StreamWriter;
import io.jasyncio.testing.MemoryNetwork;
import io.jasyncio.testing.MemoryServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Small scripted HTTP servers on the memory network: a handler per connection that reads requests
 * with the protocol's request parser and writes raw response bytes, so a test says exactly what
 * goes over the wire (chunked, gzip, close-delimited, malformed, resets).
 */
final class TestServer {
    /** What a connection's handler does. */
    @FunctionalInterface
    interface Handler {
        void handle(Conn conn) throws Exception;
    }

    /** A request as received. */
    record Request(RequestHead head, byte[] body) {
        String text() {
            return new String(body, UTF_8);
        }

        String header(String name) {
            return head.headers().get(name);
        }
    }

    /** One server connection. */
    static final class Conn {
        final StreamReader reader;
        final StreamWriter writer;
        final HttpParser parser = HttpParser.forRequests(HttpLimits.defaults());
        final int number;
        /** The method of the last request head read (a response to HEAD gets no body). */
        String method = "GET";

        Conn(StreamReader reader, StreamWriter writer, int number) {
            this.reader = reader;
            this.writer = writer;
            this.number = number;
        }

        /** The next request head only (the body stays for readBody); null at a clean EOF. */
        RequestHead readHead() throws IOException, HttpParseException {
            while (true) {
                HttpEvent e = parser.next();
                if (e instanceof RequestHead h) {
                    method = h.method();
                    return h;
                }
                if (e != HttpEvent.NeedData.INSTANCE) {
                    throw new IllegalStateException("unexpected " + e);
                }
                byte[] b = reader.read(65536);
                if (b.length == 0) {
                    parser.feedEof();
                    if (parser.atMessageBoundary()) {
                        return null;
                    }
                } else {
                    parser.feed(b);
                }
            }
        }

        /** The rest of the current request's body. */
        byte[] readBody() throws IOException, HttpParseException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            while (true) {
                HttpEvent e = parser.next();
                if (e instanceof HttpEvent.Data d) {
                    out.write(d.bytes(), d.offset(), d.length());
                } else if (e instanceof HttpEvent.End) {
                    return out.toByteArray();
                } else {
                    byte[] b = reader.read(65536);
                    if (b.length == 0) {
                        parser.feedEof();
                    } else {
                        parser.feed(b);
                    }
                }
            }
        }

        /** The next whole request; null at a clean EOF. */
        Request readRequest() throws IOException, HttpParseException {
            RequestHead h = readHead();
            return h == null ? null : new Request(h, readBody());
        }

        void write(String raw) {
            writer.write(raw.getBytes(UTF_8));
        }

        void write(byte[] raw) {
            writer.write(raw);
        }

        /** A complete response with a Content-Length. */
        void respond(int status, String reason, String body, String... headers) {
            StringBuilder b = new StringBuilder("HTTP/1.1 ").append(status).append(' ').append(reason).append("\r\n");
            for (String h : headers) {
                b.append(h).append("\r\n");
            }
            b.append("Content-Length: ").append(body.getBytes(UTF_8).length).append("\r\n\r\n");
            if (!method.equals("HEAD")) {
                b.append(body);
            }
            write(b.toString());
        }
    }

    final MemoryServer server;
    final List<Request> requests = new ArrayList<>();
    int connections;

    private TestServer(MemoryNetwork network, String host, int port, Handler handler) throws IOException {
        this.server = network.startServer((reader, writer) -> {
            Conn conn = new Conn(reader, writer, ++connections);
            try {
                handler.handle(conn);
            } catch (IOException | HttpParseException e) {
                // the client went away: fine for a test server
            } finally {
                writer.close();
            }
        }, host, port);
    }

    static TestServer start(MemoryNetwork network, String host, int port, Handler handler) throws IOException {
        return new TestServer(network, host, port, handler);
    }

    /**
     * A keep-alive server answering every request with {@code respond} until the client closes;
     * records the requests.
     */
    static TestServer serving(MemoryNetwork network, String host, int port, Responder respond) throws IOException {
        TestServer[] self = new TestServer[1];
        self[0] = new TestServer(network, host, port, conn -> {
            Request r;
            while ((r = conn.readRequest()) != null) {
                self[0].requests.add(r);
                respond.respond(conn, r);
            }
        });
        return self[0];
    }

    /** Answers one request. */
    @FunctionalInterface
    interface Responder {
        void respond(Conn conn, Request request) throws Exception;
    }
}
