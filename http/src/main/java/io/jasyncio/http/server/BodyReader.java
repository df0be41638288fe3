package io.jasyncio.http.server;

import io.jasyncio.AsyncIterable;
import io.jasyncio.AsyncIterator;
import io.jasyncio.StopAsyncIteration;
import io.jasyncio.http.protocol.ContentDecoder;
import io.jasyncio.http.protocol.Headers;
import io.jasyncio.http.protocol.HttpEvent;
import io.jasyncio.http.protocol.HttpParseException;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.Arrays;

/**
 * A request body as a stream: aiohttp's {@code request.content} ({@code StreamReader}). Reads
 * suspend until bytes arrive; the body is de-chunked and, when the request has a
 * {@code Content-Encoding} (gzip, deflate), decompressed.
 *
 * <pre>{@code
 * try (OutputStream file = Files.newOutputStream(target)) {
 *     for (byte[] chunk : request.content()) {     // suspends between chunks
 *         file.write(chunk);                       // (blocking file I/O: toThread for big files)
 *     }
 * }
 * }</pre>
 *
 * <p>The first read sends {@code 100 Continue} to a client that expects it. Errors: a body over
 * {@link ServerOptions#limits()}'s body limit, or malformed (a bad chunk), throws an
 * {@link HttpException} with the parser's status (413, 400); a client that stops sending for
 * {@link ServerOptions#bodyReadTimeout()} gets a 408 {@code HttpException}; a connection closed
 * before the end of the body throws an {@link EOFException}. After any of them the connection is
 * closed once the response is sent. Loop thread only, one reader at a time.
 */
public final class BodyReader implements AsyncIterable<byte[]> {

    private static final byte[] EMPTY = new byte[0];

    private final Request request;
    private final ServerConnection conn;
    /** The End event was consumed: the body is complete. */
    private boolean eof;
    /** A piece of a Data event not handed out yet: slab or parser-owned bytes, never rewritten. */
    private byte[] pend = EMPTY;
    private int pendOff;
    private int pendLen;
    /** Bytes handed out. */
    private long received;
    /** The Content-Encoding decoder; null before the first read, identity for none. */
    private ContentDecoder decoder;
    /** The trailers, once the End came. */
    private Headers trailers;
    /** The error the reader failed with; thrown again by later reads. */
    private RuntimeException failure;

    BodyReader(Request request, ServerConnection conn) {
        this.request = request;
        this.conn = conn;
    }

    /** Whether the whole body has been read (or there was none). */
    public boolean atEof() {
        return eof && pendLen == 0;
    }

    /** Bytes handed out so far (decoded). */
    public long bytesRead() {
        return received;
    }

    /** The trailer fields of a chunked body, once it was read to the end; empty before or without. */
    public Headers trailers() {
        return trailers == null ? new Headers() : trailers;
    }

    /**
     * The next bytes of the body as they arrive, at least one; an empty array at the end: aiohttp's
     * {@code readany()}.
     *
     * @throws HttpException 413, 400 or 408 (see the class comment)
     * @throws EOFException when the connection closed before the end of the body
     */
    public byte[] readAny() throws IOException {
        return read(Integer.MAX_VALUE);
    }

    /**
     * Up to {@code n} bytes, at least one; an empty array at the end: aiohttp's {@code read(n)}.
     *
     * @throws IllegalArgumentException when {@code n <= 0}
     * @throws HttpException 413, 400 or 408 (see the class comment)
     * @throws EOFException when the connection closed before the end of the body
     */
    public byte[] read(int n) throws IOException {
        if (n <= 0) {
            throw new IllegalArgumentException("read(n) needs n > 0, got " + n);
        }
        conn.checkCurrent(request);
        while (pendLen == 0) {
            if (eof) {
                return EMPTY;
            }
            fill();
        }
        int k = Math.min(n, pendLen);
        byte[] out = Arrays.copyOfRange(pend, pendOff, pendOff + k);
        pendOff += k;
        pendLen -= k;
        received += k;
        return out;
    }

    /**
     * Exactly {@code n} bytes: aiohttp's {@code readexactly}.
     *
     * @throws EOFException when the body ends first
     */
    public byte[] readExactly(int n) throws IOException {
        if (n < 0) {
            throw new IllegalArgumentException("readExactly(n) needs n >= 0, got " + n);
        }
        byte[] out = new byte[n];
        int have = 0;
        while (have < n) {
            byte[] b = read(n - have);
            if (b.length == 0) {
                throw new EOFException("the request body ended after " + have + " of " + n + " bytes");
            }
            System.arraycopy(b, 0, out, have, b.length);
            have += b.length;
        }
        return out;
    }

    /**
     * The rest of the body; only {@link ServerOptions#limits()}'s body limit applies. Prefer
     * {@link Request#read()}, which is bounded by {@link Application#clientMaxSize}.
     */
    public byte[] readAll() throws IOException {
        return readAll(Long.MAX_VALUE);
    }

    /** The rest of the body, refused with a 413 {@link HttpException} past {@code max} bytes. */
    byte[] readAll(long max) throws IOException {
        conn.checkCurrent(request);
        ByteArrayOutputStream out = null;
        while (true) {
            while (pendLen == 0 && !eof) {
                fill();
            }
            if (pendLen == 0) {
                break;
            }
            if (received + pendLen > max) {
                conn.closeAfterResponse();
                throw HttpException.requestEntityTooLarge(max, received + pendLen);
            }
            if (out == null) {
                if (eof) {
                    // the whole (rest of the) body was in one piece
                    byte[] all = Arrays.copyOfRange(pend, pendOff, pendOff + pendLen);
                    received += pendLen;
                    pendLen = 0;
                    return all;
                }
                long cl = request.contentLength();
                out = new ByteArrayOutputStream((int) Math.min(Math.max(cl, 1024), 1 << 20));
            }
            out.write(pend, pendOff, pendLen);
            received += pendLen;
            pendLen = 0;
        }
        return out == null ? EMPTY : out.toByteArray();
    }

    /** Pulls the next body event into {@code pend}, waiting for data as needed. */
    private void fill() throws IOException {
        if (failure != null) {
            throw failure;
        }
        if (decoder == null) {
            conn.bodyReadStarting(request);
            try {
                decoder = ContentDecoder.forEncoding(request.header("Content-Encoding"),
                        conn.options().limits().maxBodySize());
            } catch (HttpParseException e) {
                throw fail(e);
            }
        }
        while (true) {
            HttpEvent ev;
            try {
                ev = conn.nextBodyEvent();
            } catch (HttpParseException e) {
                if (conn.peerGone()) {
                    conn.closeAfterResponse();
                    throw new EOFException("the client closed the connection before the end of the request body ("
                            + e.getMessage() + ")");
                }
                throw fail(e);
            }
            switch (ev) {
                case HttpEvent.Data d -> {
                    setPending(d.bytes(), d.offset(), d.length());
                    if (pendLen > 0) {
                        return;
                    }
                }
                case HttpEvent.End end -> {
                    trailers = end.trailers();
                    eof = true;
                    conn.bodyDone(request);
                    try {
                        byte[] rest = decoder.finish();
                        if (rest.length > 0) {
                            pend = rest;
                            pendOff = 0;
                            pendLen = rest.length;
                        }
                    } catch (HttpParseException e) {
                        throw fail(e);
                    }
                    return;
                }
                case HttpEvent.NeedData nd -> {
                    if (conn.peerGone()) {
                        conn.closeAfterResponse();
                        throw new EOFException("the client closed the connection before the end of the request body");
                    }
                    if (!conn.awaitBodyData()) {
                        conn.closeAfterResponse();
                        failure = new HttpException(408, "Request Timeout: no request body data for "
                                + conn.options().bodyReadTimeout() + " s");
                        throw failure;
                    }
                }
                default -> throw new IllegalStateException("unexpected event in a request body: " + ev);
            }
        }
    }

    private void setPending(byte[] b, int off, int len) throws IOException {
        if (decoder.isIdentity()) {
            pend = b;
            pendOff = off;
            pendLen = len;
            return;
        }
        try {
            byte[] d = decoder.decode(b, off, len);
            pend = d;
            pendOff = 0;
            pendLen = d.length;
        } catch (HttpParseException e) {
            throw fail(e);
        }
    }

    private HttpException fail(HttpParseException e) {
        conn.closeAfterResponse();
        if (decoder != null) {
            decoder.close();
        }
        HttpException he = new HttpException(e.status(), e.getMessage());
        failure = he;
        return he;
    }

    /** Iterates the body in pieces as they arrive ({@code for (byte[] chunk : request.content())}). */
    @Override
    public AsyncIterator<byte[]> aiter() {
        return () -> {
            byte[] b;
            try {
                b = readAny();
            } catch (IOException e) {
                throw ServerConnection.sneaky(e);
            }
            if (b.length == 0) {
                throw new StopAsyncIteration();
            }
            return b;
        };
    }

    @Override
    public String toString() {
        return "<BodyReader " + received + " bytes read" + (atEof() ? ", eof" : "") + ">";
    }
}
