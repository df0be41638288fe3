package io.jasyncio.http.server;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;

import io.jasyncio.http.protocol.Headers;
import io.jasyncio.http.protocol.HttpEvent;
import io.jasyncio.http.protocol.HttpLimits;
import io.jasyncio.http.protocol.HttpParseException;
import io.jasyncio.http.protocol.HttpParser;
import io.jasyncio.http.protocol.ResponseHead;
import io.jasyncio.net.StreamConnection;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * A test client that sends raw bytes and reads responses with the protocol's response parser: so
 * that tests can send anything (smuggling attempts, pipelined requests, half a head) and check
 * exactly what comes back, and whether the server closed the connection.
 */
final class RawClient {

    /** One response as received. */
    record Reply(int status, String reason, Headers headers, byte[] body, boolean interim) {
        String text() {
            return new String(body, UTF_8);
        }

        String header(String name) {
            return headers.get(name);
        }
    }

    final StreamConnection c;
    private final HttpParser parser = HttpParser.forResponses(HttpLimits.defaults());
    private boolean eof;

    RawClient(StreamConnection c) {
        this.c = c;
    }

    RawClient send(String raw) {
        c.writer().write(raw.getBytes(ISO_8859_1));
        return this;
    }

    RawClient send(byte[] raw) {
        c.writer().write(raw);
        return this;
    }

    /** Reads the next response (interim 1xx ones included) to a request with {@code method}. */
    Reply read(String method) throws IOException {
        parser.expectResponseTo(method);
        return readNext();
    }

    /** Reads the next response to a GET. */
    Reply read() throws IOException {
        return read("GET");
    }

    /** Reads the next response head and body without announcing a request (after an interim 1xx). */
    Reply readNext() throws IOException {
        ResponseHead head = null;
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            HttpEvent ev;
            try {
                ev = parser.next();
            } catch (HttpParseException e) {
                throw new IOException("bad response: " + e.getMessage(), e);
            }
            switch (ev) {
                case ResponseHead h -> head = h;
                case HttpEvent.Data d -> body.write(d.bytes(), d.offset(), d.length());
                case HttpEvent.End e -> {
                    if (head.status() < 200) {
                        parser.expectResponseTo("GET"); // the interim response used up the announcement
                    }
                    return new Reply(head.status(), head.reason(), head.headers(), body.toByteArray(), head.status() < 200);
                }
                case HttpEvent.NeedData n -> {
                    if (eof) {
                        throw new IOException("the connection closed before a complete response (head=" + head + ")");
                    }
                    byte[] b = c.reader().read(65536);
                    if (b.length == 0) {
                        eof = true;
                        parser.feedEof();
                    } else {
                        parser.feed(b);
                    }
                }
                default -> throw new IOException("unexpected " + ev);
            }
        }
    }

    /** Whether the server closed the connection: nothing more arrives and EOF follows. */
    boolean closedByServer() throws IOException {
        if (parser.buffered() > 0) {
            return false;
        }
        if (eof) {
            return true;
        }
        byte[] b;
        try {
            b = c.reader().read(65536);
        } catch (java.net.SocketException e) {
            return true; // reset
        }
        if (b.length == 0) {
            eof = true;
            return true;
        }
        parser.feed(b);
        return false;
    }

    /** Everything the server sends until it closes, as text. */
    String readAllText() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            byte[] b = c.reader().read(65536);
            if (b.length == 0) {
                return out.toString(ISO_8859_1);
            }
            out.write(b);
        }
    }

    void close() {
        c.writer().close();
    }
}
