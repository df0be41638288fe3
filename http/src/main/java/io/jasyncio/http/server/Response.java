package io.jasyncio.http.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A response with its whole body in memory: aiohttp's {@code Response} (and {@code json_response}).
 * The usual return value of a handler; the server sends head and body with one write.
 *
 * <pre>{@code
 * return Response.text("Hello, world");                 // text/plain; charset=utf-8
 * return Response.json(Map.of("id", 7, "name", "Ann"));  // application/json, via Jackson
 * return Response.body(png, "image/png");
 * return new Response(204);
 * return Response.text("created").setStatus(201).setHeader("Location", "/users/7");
 * }</pre>
 *
 * <p>The Content-Length is the body's; a HEAD request gets the same head without the body.
 */
public class Response extends StreamResponse {

    private static final byte[] EMPTY = new byte[0];

    /** The body. */
    private byte[] body = EMPTY;

    /** A 200 response with an empty body. */
    public Response() {
        super(200);
    }

    /**
     * A response with {@code status} and an empty body.
     *
     * @throws IllegalArgumentException for a status outside 100..999
     */
    public Response(int status) {
        super(status);
    }

    /** A 200 {@code text/plain; charset=utf-8} response. */
    public static Response text(String text) {
        return text(200, text);
    }

    /** A {@code text/plain; charset=utf-8} response with {@code status}. */
    public static Response text(int status, String text) {
        Response r = new Response(status);
        r.body = text.getBytes(StandardCharsets.UTF_8);
        r.contentTypeUnchecked("text/plain", "utf-8");
        return r;
    }

    /** A 200 {@code text/html; charset=utf-8} response. */
    public static Response html(String html) {
        Response r = text(200, html);
        r.contentTypeUnchecked("text/html", "utf-8");
        return r;
    }

    /** A 200 {@code application/octet-stream} response with {@code body} (kept, not copied). */
    public static Response body(byte[] body) {
        return body(body, null);
    }

    /** A 200 response with {@code body} (kept, not copied) and {@code contentType} (null: application/octet-stream). */
    public static Response body(byte[] body, String contentType) {
        Response r = new Response(200);
        r.body = Objects.requireNonNull(body, "body");
        r.setContentType(contentType);
        return r;
    }

    /**
     * A 200 {@code application/json} response: {@code value} serialised by Jackson (aiohttp's
     * {@code json_response}). Records, maps, lists, strings, numbers and {@code JsonNode}s work.
     *
     * @throws IllegalArgumentException when Jackson cannot serialise {@code value}
     */
    public static Response json(Object value) {
        return json(200, value, Json.MAPPER);
    }

    /** Like {@link #json(Object)} with {@code status}. */
    public static Response json(int status, Object value) {
        return json(status, value, Json.MAPPER);
    }

    /** Like {@link #json(int, Object)} with your own {@link ObjectMapper}. */
    public static Response json(int status, Object value, ObjectMapper mapper) {
        Response r = new Response(status);
        try {
            r.body = mapper.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot serialise a " + (value == null ? "null" : value.getClass().getName())
                    + " as JSON: " + e.getOriginalMessage(), e);
        }
        r.contentTypeUnchecked("application/json", null);
        return r;
    }

    /** The body (the array itself). */
    public byte[] body() {
        return body;
    }

    /**
     * Replaces the body (kept, not copied).
     *
     * @return this response
     * @throws IllegalStateException once prepared
     */
    public Response setBody(byte[] body) {
        checkNotPrepared("setBody");
        this.body = Objects.requireNonNull(body, "body");
        return this;
    }

    /** The body decoded with the charset (UTF-8 when none is set). */
    public String text() {
        return new String(body, charset() != null ? Charset.forName(charset()) : StandardCharsets.UTF_8);
    }

    /**
     * Replaces the body with {@code text} in the charset (UTF-8, set as the charset, when none is);
     * the content type becomes {@code text/plain} if none is set.
     *
     * @return this response
     */
    public Response setText(String text) {
        checkNotPrepared("setText");
        if (charset() == null) {
            setCharset("utf-8");
        }
        if (contentType() == null) {
            setContentType("text/plain");
        }
        this.body = text.getBytes(Charset.forName(charset()));
        return this;
    }

    /** {@inheritDoc} */
    @Override
    public Response setStatus(int status) {
        super.setStatus(status);
        return this;
    }

    /** {@inheritDoc} */
    @Override
    public Response setStatus(int status, String reason) {
        super.setStatus(status, reason);
        return this;
    }

    /** {@inheritDoc} */
    @Override
    public Response setHeader(String name, String value) {
        super.setHeader(name, value);
        return this;
    }

    /** {@inheritDoc} */
    @Override
    public Response setContentType(String contentType) {
        super.setContentType(contentType);
        return this;
    }

    /** {@inheritDoc} */
    @Override
    public Response setCharset(String charset) {
        super.setCharset(charset);
        return this;
    }

    /**
     * Sends the head with the body's Content-Length (unless chunked encoding was enabled); the body
     * follows at {@link #writeEof()}. The server does both in one write when the handler returns
     * the response unprepared, which is the usual case.
     */
    @Override
    public void prepare(Request request) throws IOException {
        Objects.requireNonNull(request, "request");
        if (prepared()) {
            super.prepare(request);
            return;
        }
        request.connection().sendHead(this, request, chunked() ? null : body);
        request.connection().drain();
    }

    /** Writes the body (unless already written) and ends it. */
    @Override
    public void writeEof(byte[] data) throws IOException {
        if (eofSent()) {
            return;
        }
        if (!prepared()) {
            throw new IllegalStateException("Cannot call writeEof() before prepare()");
        }
        if (!bodyWritten && body.length > 0) {
            bodyWritten = true;
            bodyPiece(body, 0, body.length);
        }
        bodyWritten = true;
        super.writeEof(data);
    }

    /** Writes the body unless it went out already, then ends it. */
    @Override
    void complete() throws IOException {
        if (!bodyWritten && body.length > 0) {
            bodyWritten = true;
            bodyPiece(body, 0, body.length);
        }
        bodyWritten = true;
        super.complete();
    }

    /** Whether the body went out (with the head, or at writeEof). */
    boolean bodyWritten;
}
