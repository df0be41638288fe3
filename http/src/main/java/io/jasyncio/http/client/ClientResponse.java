package io.jasyncio.http.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jasyncio.EventLoop;
import io.jasyncio.ExceptionContext;
import io.jasyncio.Task;
import io.jasyncio.http.protocol.ContentDecoder;
import io.jasyncio.http.protocol.Headers;
import io.jasyncio.http.protocol.HttpEvent;
import io.jasyncio.http.protocol.HttpParseException;
import io.jasyncio.http.protocol.HttpVersion;
import io.jasyncio.http.protocol.ResponseHead;
import java.io.IOException;
import java.lang.ref.Cleaner;
import java.net.URI;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A response: aiohttp's {@code ClientResponse}. The head is there when the request returns; the body
 * is read on demand ({@link #read()}, {@link #text()}, {@link #json()}, {@link #content()}). Use it
 * with try-with-resources, which releases the connection:
 *
 * <pre>{@code
 * try (ClientResponse r = session.get("https://example.com/items")) {
 *     r.raiseForStatus();
 *     JsonNode items = r.json();
 * }
 * }</pre>
 *
 * <p><b>The connection.</b> A body read to its end gives the connection back to the pool at once
 * (it may serve the next request); {@link #release()} (or {@link #close()}) before the end closes it,
 * as aiohttp does: a half-read connection is never reused. A body read that fails, times out or is
 * cancelled closes it too.
 *
 * <p>Loop thread only; one task reads the body at a time.
 */
public final class ClientResponse implements AutoCloseable {
    private static final int READ_SIZE = 64 * 1024;
    /** Reclaims the connections of responses dropped without being released (aiohttp's {@code __del__}). */
    private static final Cleaner CLEANER = Cleaner.create(r -> {
        Thread t = new Thread(r, "jasyncio-http-response-cleaner");
        t.setDaemon(true);
        return t;
    });

    private final ClientSession session;
    private final String method;
    private final HttpUrl url;
    private final RequestInfo requestInfo;
    private final ResponseHead head;
    private final ReadTimeouts timeouts;
    private final Traces traces;
    /** Whether the request asked the server to close the connection. */
    private final boolean requestSaidClose;
    private List<ClientResponse> history = List.of();
    private final ResponseContent content = new ResponseContent(this);

    // ---- the body's source; the connection is null once released ----
    private HttpConnection conn;
    private TcpConnector connector;
    /** The task still writing a streamed request body, or null. */
    private Task<Void> bodyWriter;
    /** Decodes Content-Encoding; null: bytes pass unchanged. */
    private ContentDecoder decoder;
    private boolean decoderFed;
    /** The parser said the body ended. */
    private boolean ended;
    /** Why the body cannot be read further, or null. */
    private ClientError failure;
    private boolean reading;
    private boolean released;
    /** read()'s result, kept for the next call. */
    private byte[] body;
    /** What the cleaner reclaims if this response is dropped while it holds its connection. */
    private final Lease lease;
    private final Cleaner.Cleanable cleanable;

    ClientResponse(ClientSession session, String method, HttpUrl url, RequestInfo requestInfo, ResponseHead head,
            HttpConnection conn, TcpConnector connector, Task<Void> bodyWriter, ReadTimeouts timeouts, Traces traces,
            boolean autoDecompress, boolean requestSaidClose) {
        this.session = session;
        this.method = method;
        this.url = url;
        this.requestInfo = requestInfo;
        this.head = head;
        this.conn = conn;
        this.connector = connector;
        this.bodyWriter = bodyWriter;
        this.timeouts = timeouts;
        this.traces = traces;
        this.requestSaidClose = requestSaidClose;
        this.lease = new Lease(connector.loop(), connector, conn, url, head.status());
        this.cleanable = CLEANER.register(this, lease);
        String encoding = head.headers().get("Content-Encoding");
        if (autoDecompress && encoding != null) {
            try {
                // The decoded size is capped as the body is (HttpLimits.maxBodySize): the zip-bomb guard.
                ContentDecoder d = ContentDecoder.forEncoding(encoding, connector.limits().maxBodySize());
                decoder = d.isIdentity() ? null : d;
            } catch (HttpParseException unsupported) {
                decoder = null; // an unknown coding is handed over as it is, as aiohttp does
            }
        }
    }

    /**
     * Looks for an empty body without suspending: a response without one (HEAD, 204, 304,
     * Content-Length: 0) releases its connection at once. A body found broken already is reported
     * by the first read, not here.
     */
    void start() {
        HttpEvent ev;
        try {
            ev = conn.parser.next();
        } catch (HttpParseException e) {
            fail(new ClientPayloadError("Response payload is not completed: " + e.getMessage(), e));
            return; // the first body read raises it
        }
        switch (ev) {
            case HttpEvent.End end -> {
                ended = true;
                finishExchange();
            }
            case HttpEvent.Data d -> {
                try {
                    byte[] b = decode(d);
                    if (b.length > 0) {
                        pushBack = b;
                    }
                } catch (HttpParseException e) {
                    fail(new ClientPayloadError("Response payload is not completed: " + e.getMessage(), e));
                }
            }
            default -> { }
        }
    }

    /** A first chunk found by start(), handed out by the first nextChunk(). */
    private byte[] pushBack;

    void history(List<ClientResponse> history) {
        this.history = List.copyOf(history);
    }

    // ---- the head ----

    /** The status code. */
    public int status() {
        return head.status();
    }

    /** The reason phrase ("OK"). */
    public String reason() {
        return head.reason();
    }

    /** The HTTP version of the response. */
    public HttpVersion version() {
        return head.version();
    }

    /** The headers (case-insensitive, multi-valued). */
    public Headers headers() {
        return head.headers();
    }

    /** Whether the status is below 400 (aiohttp's {@code ok}). */
    public boolean ok() {
        return head.status() < 400;
    }

    /** The URL of this response (after redirects: the last one), without fragment. */
    public URI url() {
        return url.withoutCredentialsAndFragment().toUri();
    }

    /** The request method. */
    public String method() {
        return method;
    }

    /** What was sent. */
    public RequestInfo requestInfo() {
        return requestInfo;
    }

    /** The redirect responses that led here, oldest first (released; their bodies are gone). */
    public List<ClientResponse> history() {
        return history;
    }

    /** The media type of Content-Type, lower case, without parameters; aiohttp's default {@code application/octet-stream}. */
    public String contentType() {
        String ct = head.headers().get("Content-Type");
        if (ct == null) {
            return "application/octet-stream";
        }
        int semi = ct.indexOf(';');
        return (semi < 0 ? ct : ct.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
    }

    /** The charset parameter of Content-Type, or null. */
    public Charset charset() {
        return charsetOf(head.headers().get("Content-Type"));
    }

    /** Content-Length, or null when the response has none. */
    public Long contentLength() {
        String v = head.headers().get("Content-Length");
        try {
            return v == null ? null : Long.parseLong(v.strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The cookies this response set ({@code Set-Cookie}), name to value (unquoted). */
    public Map<String, String> cookies() {
        Map<String, String> out = new LinkedHashMap<>();
        for (String sc : head.headers().getAll("Set-Cookie")) {
            int semi = sc.indexOf(';');
            String pair = semi < 0 ? sc : sc.substring(0, semi);
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(pair.substring(0, eq).strip(), CookieJar.unquote(pair.substring(eq + 1).strip()));
            }
        }
        return out;
    }

    /**
     * Raises for a status of 400 or more: aiohttp's {@code raise_for_status()}. Releases the
     * connection first.
     *
     * @throws ClientResponseError with the status, reason and headers
     */
    public void raiseForStatus() throws ClientResponseError {
        if (head.status() >= 400) {
            release();
            throw new ClientResponseError(requestInfo, history, head.status(), head.reason(), head.headers());
        }
    }

    // ---- the body ----

    /** The body as it arrives, in chunks or lines. */
    public ResponseContent content() {
        return content;
    }

    /**
     * The whole body (decoded), suspending until it is all there; kept, so a second call returns
     * it again. The connection goes back to the pool.
     *
     * @throws ClientPayloadError when the body could not be read completely
     * @throws ServerTimeoutError when a timeout expired
     */
    public byte[] read() throws ClientError {
        if (body == null) {
            body = content.readAll();
        }
        return body;
    }

    /**
     * The body as text in the charset of Content-Type, UTF-8 when it names none (aiohttp falls back
     * to detection, then UTF-8); malformed bytes become U+FFFD.
     */
    public String text() throws ClientError {
        Charset cs = charset();
        return text(cs == null ? StandardCharsets.UTF_8 : cs);
    }

    /** The body as text in {@code charset}. */
    public String text(Charset charset) throws ClientError {
        return new String(read(), charset);
    }

    /**
     * The body parsed as JSON into a tree (Jackson's {@link JsonNode}).
     *
     * @throws ContentTypeError when Content-Type is not JSON ({@code application/json} or
     *     {@code ...+json}), as aiohttp's {@code json()}
     * @throws ClientPayloadError when the body is not valid JSON
     */
    public JsonNode json() throws ClientError {
        checkJson();
        try {
            return session.objectMapper().readTree(read());
        } catch (IOException e) {
            throw new ClientPayloadError("the body is not valid JSON: " + e.getMessage(), e);
        }
    }

    /** The body parsed as JSON into {@code type}; Content-Type checked as {@link #json()}. */
    public <T> T json(Class<T> type) throws ClientError {
        checkJson();
        return parse(session.objectMapper(), type, null);
    }

    /** The body parsed as JSON into a generic type ({@code new TypeReference<List<Item>>() {}}). */
    public <T> T json(TypeReference<T> type) throws ClientError {
        checkJson();
        return parse(session.objectMapper(), null, type);
    }

    private <T> T parse(ObjectMapper mapper, Class<T> cls, TypeReference<T> ref) throws ClientError {
        byte[] b = read();
        try {
            return cls != null ? mapper.readValue(b, cls) : mapper.readValue(b, ref);
        } catch (JsonProcessingException e) {
            throw new ClientPayloadError("the body is not valid JSON for " + (cls != null ? cls.getName() : ref.getType())
                    + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new ClientPayloadError("the body is not valid JSON: " + e.getMessage(), e);
        }
    }

    private void checkJson() throws ContentTypeError {
        String ct = contentType();
        if (!ct.equals("application/json") && !ct.endsWith("+json")) {
            release();
            throw new ContentTypeError(requestInfo, history, head.status(),
                    "Attempt to decode JSON with unexpected mimetype: " + ct, head.headers());
        }
    }

    /**
     * The next decoded piece of the body, or null at its end: reads from the connection (within the
     * timeouts) as needed. Any failure or cancellation closes the connection and is remembered.
     */
    byte[] nextChunk() throws ClientError {
        if (pushBack != null) {
            byte[] b = pushBack;
            pushBack = null;
            return b;
        }
        if (ended) {
            return null;
        }
        if (failure != null) {
            throw failure;
        }
        if (conn == null) {
            throw failure = new ClientPayloadError("Connection closed: the response was released before its body was read");
        }
        if (reading) {
            throw new IllegalStateException("another task is already reading the body of " + this);
        }
        reading = true;
        try {
            while (true) {
                HttpEvent ev = conn.parser.next();
                switch (ev) {
                    case HttpEvent.Data d -> {
                        byte[] b = decode(d);
                        if (b.length > 0) {
                            return b;
                        }
                    }
                    case HttpEvent.End end -> {
                        byte[] tail = finishDecoder();
                        ended = true;
                        finishExchange();
                        if (tail.length > 0) {
                            trace(tail);
                            return tail;
                        }
                        return null;
                    }
                    case HttpEvent.NeedData need -> {
                        byte[] b = timeouts.read(conn.stream.reader(), READ_SIZE);
                        if (b.length == 0) {
                            conn.parser.feedEof();
                        } else {
                            conn.parser.feed(b);
                        }
                    }
                    default -> throw new HttpParseException(400, "unexpected " + ev + " in a response body");
                }
            }
        } catch (HttpParseException e) {
            throw fail(new ClientPayloadError("Response payload is not completed: " + e.getMessage(), e));
        } catch (ServerTimeoutError e) {
            throw fail(e);
        } catch (ClientError e) {
            throw fail(e);
        } catch (IOException e) {
            throw fail(new ClientPayloadError("Response payload is not completed: the connection broke ("
                    + ClientConnectorError.describe(e) + ")", e));
        } catch (Throwable e) {
            // Cancelled (or a bug): the connection is mid-body, so it goes.
            fail(new ClientPayloadError("Response payload is not completed: the read was interrupted by " + e, e));
            throw e;
        } finally {
            reading = false;
        }
    }

    private byte[] decode(HttpEvent.Data d) throws HttpParseException {
        byte[] b;
        if (decoder == null) {
            b = d.offset() == 0 && d.length() == d.bytes().length ? d.bytes() : d.toByteArray();
        } else {
            decoderFed = true;
            b = decoder.decode(d.bytes(), d.offset(), d.length());
        }
        if (b.length > 0) {
            trace(b);
        }
        return b;
    }

    private void trace(byte[] chunk) {
        if (!traces.isEmpty()) {
            traces.send(new TraceEvent.ResponseChunkReceived(method, url.toUri(), chunk));
        }
    }

    private byte[] finishDecoder() throws HttpParseException {
        if (decoder == null) {
            return new byte[0];
        }
        ContentDecoder d = decoder;
        decoder = null;
        if (!decoderFed) {
            d.close();
            return new byte[0];
        }
        return d.finish();
    }

    /** The body ended: the connection goes back to the pool if nothing forbids reuse. */
    private void finishExchange() {
        HttpConnection c = conn;
        conn = null;
        if (c == null) {
            return;
        }
        lease.clear();
        cleanable.clean();
        boolean writerDone = bodyWriter == null
                || bodyWriter.done() && !bodyWriter.cancelled() && bodyWriter.exception() == null;
        if (bodyWriter != null && !bodyWriter.done()) {
            bodyWriter.cancel(); // the server answered before taking the whole body
        }
        bodyWriter = null;
        boolean reusable = writerDone && head.keepAlive() && !requestSaidClose && c.parser.atMessageBoundary()
                && c.stream.writer().transport().getWriteBufferSize() == 0;
        connector.release(c, reusable);
    }

    /** Records why the body cannot be read further and closes the connection; returns {@code e}. */
    private ClientError fail(ClientError e) {
        if (failure == null) {
            failure = e;
        }
        dropConnection();
        return e;
    }

    private void dropConnection() {
        if (decoder != null) {
            decoder.close();
            decoder = null;
        }
        if (bodyWriter != null && !bodyWriter.done()) {
            bodyWriter.cancel();
        }
        bodyWriter = null;
        HttpConnection c = conn;
        conn = null;
        if (c != null) {
            lease.clear();
            cleanable.clean();
            connector.discard(c);
        }
    }

    /**
     * Releases the connection: aiohttp's {@code release()}. Back to the pool if the body was read to
     * its end (it already is then), closed otherwise. Later body reads return what was already
     * received, then raise {@link ClientPayloadError}. Idempotent; never suspends.
     */
    public void release() {
        if (released) {
            return;
        }
        released = true;
        if (conn != null) {
            dropConnection();
        }
    }

    /** {@link #release()}: what try-with-resources calls (aiohttp's {@code async with} exit). */
    @Override
    public void close() {
        release();
    }

    /** Whether the body was read to its end or the response released. */
    public boolean isReleased() {
        return released || conn == null;
    }

    /** The charset named by a Content-Type value, or null (none, or unknown to the JVM). */
    static Charset charsetOf(String contentType) {
        if (contentType == null) {
            return null;
        }
        for (String param : contentType.split(";")) {
            String p = param.strip();
            if (p.regionMatches(true, 0, "charset=", 0, 8)) {
                String name = p.substring(8).strip();
                if (name.length() >= 2 && name.startsWith("\"") && name.endsWith("\"")) {
                    name = name.substring(1, name.length() - 1);
                }
                try {
                    return Charset.forName(name);
                } catch (IllegalArgumentException unknown) {
                    return null;
                }
            }
        }
        return null;
    }

    /**
     * The connection of a response, for the cleaner: a response dropped (garbage) while it still
     * holds its connection gets it discarded on its loop, as aiohttp's {@code __del__} releases it,
     * so a forgotten response cannot keep a pool slot for ever; in debug mode the loop's exception
     * handler hears "Unclosed response". Holds no reference to the response itself.
     */
    private static final class Lease implements Runnable {
        private final EventLoop loop;
        private final TcpConnector connector;
        private volatile HttpConnection conn;
        private final HttpUrl url;
        private final int status;

        Lease(EventLoop loop, TcpConnector connector, HttpConnection conn, HttpUrl url, int status) {
            this.loop = loop;
            this.connector = connector;
            this.conn = conn;
            this.url = url;
            this.status = status;
        }

        void clear() {
            conn = null;
        }

        /** The cleaner's thread (or clean() on the loop): hands the work to the loop if there is any. */
        @Override
        public void run() {
            if (conn == null || loop == null) {
                return;
            }
            try {
                loop.callSoonThreadsafe(this::reclaim);
            } catch (RuntimeException loopClosed) {
                // The loop is gone, and its transports with it.
            }
        }

        private void reclaim() {
            HttpConnection c = conn;
            conn = null;
            if (c == null) {
                return;
            }
            connector.discard(c);
            if (loop.getDebug()) {
                loop.callExceptionHandler(ExceptionContext.builder("Unclosed response")
                        .put("client_response", "<ClientResponse(" + url + ") [" + status + "]>").build());
            }
        }
    }

    /** aiohttp's repr: {@code <ClientResponse(http://host/path) [200 OK]>}. */
    @Override
    public String toString() {
        return "<ClientResponse(" + url() + ") [" + head.status() + " " + head.reason() + "]>";
    }
}
