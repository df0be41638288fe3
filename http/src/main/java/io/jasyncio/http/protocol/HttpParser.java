package io.jasyncio.http.protocol;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Objects;

/**
 * A sans-I/O HTTP/1.1 parser: bytes in ({@link #feed}), events out ({@link #next()}). It keeps no
 * socket, never blocks and never suspends, so the same code serves the client, the server and the
 * fuzz tests. One instance parses every message of one connection, in order (keep-alive and
 * pipelining): after an {@link HttpEvent.End}, {@code next()} goes on with the next message.
 *
 * <pre>{@code
 * HttpParser parser = HttpParser.forRequests(HttpLimits.defaults());
 * for (;;) {
 *     HttpEvent event = parser.next();              // throws HttpParseException: answer status(), close
 *     if (event == HttpEvent.NeedData.INSTANCE) {
 *         byte[] bytes = reader.read(65536);
 *         if (bytes.length == 0) parser.feedEof(); else parser.feed(bytes);
 *         if (bytes.length == 0 && parser.atMessageBoundary()) break;   // clean close between requests
 *         continue;
 *     }
 *     switch (event) { ... }
 * }
 * }</pre>
 *
 * <p>The parser is strict (see ADR 0014): request-smuggling patterns ({@code Content-Length} with
 * {@code Transfer-Encoding}, conflicting lengths, malformed chunk sizes, obsolete line folding,
 * whitespace before a colon, bare CR) are refused with an {@link HttpParseException} whose
 * {@link HttpParseException#status() status} a server sends back before closing. Limits come from
 * {@link HttpLimits}. A bare LF ends a line of the head (RFC 9112 2.2); lines of the chunked framing
 * need CRLF.
 *
 * <p>Body framing (RFC 9112 6.3): a request has a body only with {@code Content-Length} or
 * {@code Transfer-Encoding: chunked}. A response to HEAD (see {@link #expectResponseTo}), a 1xx,
 * 204 or 304 has none; a 2xx to CONNECT and a 101 have none and switch the connection to another
 * protocol ({@link #switchedProtocols()}, {@link #takeBuffered()}), as does a CONNECT request;
 * otherwise a response without
 * either header, or whose transfer-coding does not end in {@code chunked}, is read until the
 * connection closes ({@link #feedEof()} ends it). 1xx responses come as a {@link ResponseHead}
 * followed at once by an {@link HttpEvent.End}, then the final response.
 *
 * <p>Not thread-safe: one connection, one thread (the loop's).
 */
public final class HttpParser {

    /*
     * Overview.
     *
     * Input. Unconsumed input is in[pos, lim). When nothing is buffered, feed() borrows the
     * caller's array instead of copying it (borrowed == true): a body read in one piece is handed
     * out as Data slices of that array, with no copy at all. When bytes are left over and more
     * arrive, both are copied into `own`, the parser's reusable buffer; Data from `own` is copied
     * out, because `own` is compacted and rewritten. The parser never writes into a borrowed array.
     *
     * Lines. The head, trailers and chunk-size lines are parsed a line at a time, as soon as the
     * line's LF is buffered; `scanned` remembers how far the current partial line has been searched
     * so that a peer sending one byte at a time costs O(n), not O(n^2). Every line has a limit,
     * checked while it is still partial, so the parser never buffers more than a limit's worth of
     * head before failing.
     *
     * States (one message; END goes back to START_LINE, or to SWITCHED after CONNECT 2xx / 101):
     *
     *   START_LINE -> HEADER_LINE* -> (head event) -> BODY_FIXED ----------------------> END
     *                                              -> CHUNK_SIZE <-> CHUNK_DATA -> CHUNK_DATA_END
     *                                                 CHUNK_SIZE (size 0) -> TRAILER_LINE* -> END
     *                                              -> BODY_UNTIL_CLOSE (feedEof) -------> END
     *                                              -> END (no body)
     *
     * Failure is sticky: the first HttpParseException is kept and rethrown by every later next().
     */

    private static final int START_LINE = 0;
    private static final int HEADER_LINE = 1;
    private static final int BODY_FIXED = 2;
    private static final int CHUNK_SIZE = 3;
    private static final int CHUNK_DATA = 4;
    private static final int CHUNK_DATA_END = 5;
    private static final int TRAILER_LINE = 6;
    private static final int BODY_UNTIL_CLOSE = 7;
    private static final int END = 8;
    private static final int SWITCHED = 9;

    private static final byte[] EMPTY = new byte[0];
    private static final byte CR = '\r';
    private static final byte LF = '\n';
    /** Longest chunk-size line without extensions: 16 hex digits and some whitespace. */
    private static final int CHUNK_LINE_BASE = 64;
    /** {@code own} is dropped when empty if it grew beyond this, so an idle connection holds little. */
    private static final int KEEP_OWN = 16 * 1024;

    /** True for a request parser, false for a response parser. */
    private final boolean requests;
    /** The limits enforced. */
    private final HttpLimits limits;
    /** Methods of the requests whose responses are still to come (response parser only). */
    private final ArrayDeque<String> expected;

    /** Holds the unconsumed input in [pos, lim): either {@code own} or the caller's array. */
    private byte[] in = EMPTY;
    /** First unconsumed byte in {@code in}. */
    private int pos;
    /** End of the fed bytes in {@code in}. */
    private int lim;
    /** Whether {@code in} is the caller's array (never written to). */
    private boolean borrowed;
    /** The parser's own buffer, reused across feeds and messages. */
    private byte[] own = EMPTY;
    /** Bytes after {@code pos} already searched for LF without finding one (the partial line). */
    private int scanned;
    /** Whether {@link #feedEof()} was called. */
    private boolean eof;

    /** One of the state constants above. */
    private int state = START_LINE;
    /** The error that failed the parser, rethrown by every later {@link #next()}. */
    private HttpParseException failure;

    // The message in progress.
    /** Request method (requests) or the method this response answers (responses; null if unknown). */
    private String method;
    /** Request target. */
    private String target;
    /** Version of the start line. */
    private HttpVersion version;
    /** Response status. */
    private int status;
    /** Response reason phrase. */
    private String reason;
    /** The header or trailer section being read. */
    private Headers fields;
    /** Bytes of the header or trailer section read so far (for maxHeadersTotal). */
    private int sectionBytes;
    /** Lines of the head read so far, start line included (for error messages). */
    private int lineNumber;
    /** Content bytes still expected in the current Content-Length body or chunk. */
    private long remaining;
    /** Size of the current chunk (for error messages). */
    private long chunkSize;
    /** Content-Length of the current message, or -1. */
    private long contentLength;
    /** Content bytes of the current message handed out so far. */
    private long bodyBytes;
    /** Chunk-extension bytes of the current message so far. */
    private long chunkExtBytes;
    /** Whether the partial start line's method already ended (checkStartLinePrefix). */
    private boolean methodEnded;
    /** Whether the connection carries another protocol after this message's End. */
    private boolean switchAfterEnd;
    /** Bytes of empty lines skipped before the current start line. */
    private int emptyLineBytes;

    private HttpParser(boolean requests, HttpLimits limits) {
        this.requests = requests;
        this.limits = Objects.requireNonNull(limits, "limits");
        this.expected = requests ? null : new ArrayDeque<>(2);
    }

    /**
     * A parser for the requests a server receives.
     *
     * @param limits the limits to enforce
     * @return a new parser, between messages
     */
    public static HttpParser forRequests(HttpLimits limits) {
        return new HttpParser(true, limits);
    }

    /**
     * A parser for the responses a client receives. Call {@link #expectResponseTo(String)} for each
     * request sent, in order, so that responses to HEAD and CONNECT are framed correctly.
     *
     * @param limits the limits to enforce
     * @return a new parser, between messages
     */
    public static HttpParser forResponses(HttpLimits limits) {
        return new HttpParser(false, limits);
    }

    /**
     * Adds bytes received from the peer. Cheap: nothing is parsed until {@link #next()}. When no
     * earlier bytes are pending, the parser keeps a reference to {@code bytes} instead of copying
     * them, and may hand out {@link HttpEvent.Data} slices of it: the caller must not modify
     * {@code bytes} afterwards (arrays from {@code StreamReader.read} are fresh, so this is free).
     *
     * @param bytes the array holding the bytes
     * @param offset where they start
     * @param length how many
     * @throws IllegalStateException after {@link #feedEof()}
     * @throws IndexOutOfBoundsException if the slice is outside {@code bytes}
     */
    public void feed(byte[] bytes, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        if (eof) {
            throw new IllegalStateException("HttpParser.feed after feedEof: the peer's input already ended");
        }
        if (length == 0) {
            return;
        }
        if (pos == lim) {
            in = bytes;
            pos = offset;
            lim = offset + length;
            borrowed = true;
            return;
        }
        int have = lim - pos;
        if (borrowed) {
            if (own.length < have + length) {
                own = new byte[Math.max(have + length, Math.min(2 * own.length, 1 << 20))];
            }
            System.arraycopy(in, pos, own, 0, have);
            in = own;
            borrowed = false;
            pos = 0;
            lim = have;
        } else if (lim + length > own.length) {
            if (have + length <= own.length) {
                System.arraycopy(own, pos, own, 0, have);
            } else {
                byte[] bigger = new byte[Math.max(have + length, 2 * own.length)];
                System.arraycopy(own, pos, bigger, 0, have);
                own = bigger;
                in = own;
            }
            pos = 0;
            lim = have;
        }
        System.arraycopy(bytes, offset, own, lim, length);
        lim += length;
    }

    /**
     * Adds bytes received from the peer, as {@link #feed(byte[], int, int)}.
     *
     * @param bytes the bytes (kept by reference; see {@link #feed(byte[], int, int)})
     * @throws IllegalStateException after {@link #feedEof()}
     */
    public void feed(byte[] bytes) {
        feed(bytes, 0, bytes.length);
    }

    /**
     * Records that the peer closed its side. A response read until close then ends; a message cut
     * short makes {@link #next()} throw an {@link HttpParseException} (400) naming what was
     * truncated; between messages, {@code next()} answers {@link HttpEvent.NeedData} from now on
     * (the connection ended cleanly). Idempotent.
     */
    public void feedEof() {
        eof = true;
    }

    /**
     * Parses as far as the buffered bytes allow and returns the next event, or
     * {@link HttpEvent.NeedData} if more input is needed. Never blocks.
     *
     * @return the next event
     * @throws HttpParseException if the input is malformed, over a limit or truncated; the parser
     *     then stays failed and throws the same exception again
     * @throws IllegalStateException after a protocol switch ({@link #switchedProtocols()})
     */
    public HttpEvent next() throws HttpParseException {
        if (failure != null) {
            throw failure;
        }
        try {
            return advance();
        } catch (HttpParseException e) {
            failure = e;
            throw e;
        }
    }

    /**
     * Tells a response parser the method of the next request sent on the connection, so that it
     * frames the matching response: {@code HEAD} gets no body, a 2xx to {@code CONNECT} gets no body
     * and switches the connection ({@link #switchedProtocols()}). Call once per request, in the
     * order they are sent (pipelining queues them). Without a call, a response is framed as a
     * response to GET.
     *
     * @param requestMethod the method of the request, case-sensitive
     * @throws IllegalStateException on a request parser
     */
    public void expectResponseTo(String requestMethod) {
        if (requests) {
            throw new IllegalStateException("expectResponseTo is for a response parser (HttpParser.forResponses)");
        }
        expected.add(Objects.requireNonNull(requestMethod, "requestMethod"));
    }

    /**
     * Whether the parser is between messages with nothing buffered: the connection may be reused
     * or closed without losing anything. False in the middle of a message, after a failure, after a
     * protocol switch, and when bytes of a next (pipelined) message are buffered.
     *
     * @return true at a clean boundary
     */
    public boolean atMessageBoundary() {
        return failure == null && state == START_LINE && pos == lim;
    }

    /**
     * Whether the connection has switched to another protocol: after the {@link HttpEvent.End} of
     * a CONNECT request (request parser), or of a 101 (Switching Protocols) response or a 2xx
     * response to CONNECT (response parser). The bytes after that message are not HTTP: take them
     * with {@link #takeBuffered()}; {@link #next()} then throws {@link IllegalStateException}. A
     * server that refuses a CONNECT answers and closes the connection (the parser cannot know the
     * answer). {@code Upgrade} requests do not switch the request parser: a server that accepts one
     * stops calling {@code next()} after the request and takes the buffered bytes.
     *
     * @return true after a protocol switch
     */
    public boolean switchedProtocols() {
        return state == SWITCHED;
    }

    /**
     * The number of bytes fed and not yet consumed by {@link #next()}.
     *
     * @return the count
     */
    public int buffered() {
        return lim - pos;
    }

    /**
     * Removes and returns the bytes fed and not yet consumed: after a protocol switch (CONNECT,
     * Upgrade), the first bytes of the new protocol.
     *
     * @return a new array, possibly empty
     */
    public byte[] takeBuffered() {
        byte[] rest = Arrays.copyOfRange(in, pos, lim);
        pos = lim;
        scanned = 0;
        methodEnded = false;
        afterConsume();
        return rest;
    }

    /** {@code HttpParser[requests, state=HEADER_LINE, buffered=12]}, for debugging. */
    @Override
    public String toString() {
        String[] names = {"START_LINE", "HEADER_LINE", "BODY_FIXED", "CHUNK_SIZE", "CHUNK_DATA",
            "CHUNK_DATA_END", "TRAILER_LINE", "BODY_UNTIL_CLOSE", "END", "SWITCHED"};
        return "HttpParser[" + (requests ? "requests" : "responses") + ", state=" + names[state]
                + ", buffered=" + buffered() + (eof ? ", eof" : "") + (failure != null ? ", failed" : "") + "]";
    }

    // ---------------------------------------------------------------------------------------------
    // The state machine

    private HttpEvent advance() throws HttpParseException {
        for (;;) {
            switch (state) {
                case START_LINE -> {
                    int checked = scanned;
                    int lf = findLine(limits.maxLineSize());
                    if (lf == -2) {
                        throw requests
                                ? new HttpParseException(414, "request line longer than " + limits.maxLineSize()
                                        + " bytes: " + Ascii.quote(in, pos, lim))
                                : new HttpParseException(400, "status line longer than " + limits.maxLineSize()
                                        + " bytes: " + Ascii.quote(in, pos, lim));
                    }
                    if (lf < 0) {
                        checkStartLinePrefix(pos + checked);
                        if (eof && pos < lim) {
                            throw truncated("in the " + (requests ? "request" : "status") + " line ("
                                    + (lim - pos) + " bytes received: " + Ascii.quote(in, pos, lim) + ")");
                        }
                        return HttpEvent.NeedData.INSTANCE;
                    }
                    int end = lineEnd(lf);
                    if (end == pos) {
                        emptyLineBytes += lf + 1 - pos;
                        if (emptyLineBytes > limits.maxLineSize()) {
                            throw new HttpParseException(400, "more than " + limits.maxLineSize()
                                    + " bytes of empty lines before the " + (requests ? "request" : "status") + " line");
                        }
                        consumeLine(lf);
                        continue;
                    }
                    if (requests) {
                        parseRequestLine(pos, end);
                    } else {
                        parseStatusLine(pos, end);
                    }
                    consumeLine(lf);
                    lineNumber = 1;
                    fields = new Headers();
                    sectionBytes = 0;
                    state = HEADER_LINE;
                }
                case HEADER_LINE, TRAILER_LINE -> {
                    boolean trailer = state == TRAILER_LINE;
                    int lf = findLine(limits.maxHeaderSize());
                    if (lf == -2) {
                        throw new HttpParseException(431, (trailer ? "trailer" : "header") + " field longer than "
                                + limits.maxHeaderSize() + " bytes: " + Ascii.quote(in, pos, lim));
                    }
                    if (lf < 0) {
                        if (sectionBytes + (lim - pos) > limits.maxHeadersTotal()) {
                            throw sectionTooLarge(trailer);
                        }
                        if (eof) {
                            throw truncated(trailer
                                    ? "in the trailer section (after " + fields.size() + " trailer fields)"
                                    : "in the " + (requests ? "request" : "response") + " head (after "
                                            + fields.size() + " header fields"
                                            + (pos < lim ? ", in " + Ascii.quote(in, pos, lim) : "") + ")");
                        }
                        return HttpEvent.NeedData.INSTANCE;
                    }
                    sectionBytes += lf + 1 - pos;
                    if (sectionBytes > limits.maxHeadersTotal()) {
                        throw sectionTooLarge(trailer);
                    }
                    int end = lineEnd(lf);
                    lineNumber++;
                    if (end == pos) {
                        consumeLine(lf);
                        if (trailer) {
                            return end();
                        }
                        return headComplete();
                    }
                    if (fields.size() >= limits.maxHeaderCount()) {
                        throw new HttpParseException(431, "more than " + limits.maxHeaderCount() + " "
                                + (trailer ? "trailer" : "header") + " fields");
                    }
                    parseField(pos, end, trailer);
                    consumeLine(lf);
                }
                case BODY_FIXED, CHUNK_DATA -> {
                    int avail = lim - pos;
                    if (avail == 0) {
                        if (eof) {
                            throw truncated(state == BODY_FIXED
                                    ? "in the body: " + bodyBytes + " of " + contentLength
                                            + " bytes (Content-Length) received"
                                    : "in a chunk: " + (chunkSize - remaining) + " of " + chunkSize
                                            + " bytes received (after " + bodyBytes + " body bytes)");
                        }
                        return HttpEvent.NeedData.INSTANCE;
                    }
                    int n = (int) Math.min(avail, remaining);
                    remaining -= n;
                    if (remaining == 0) {
                        state = state == BODY_FIXED ? END : CHUNK_DATA_END;
                    }
                    return data(n);
                }
                case CHUNK_DATA_END -> {
                    int avail = lim - pos;
                    if ((avail >= 1 && in[pos] != CR) || (avail >= 2 && in[pos + 1] != LF)) {
                        throw new HttpParseException(400, "chunk data not followed by CRLF: "
                                + Ascii.quote(in, pos, Math.min(lim, pos + 8)) + " after a chunk of " + chunkSize
                                + " bytes (at body byte " + bodyBytes + ")");
                    }
                    if (avail < 2) {
                        if (eof) {
                            throw truncated("after a chunk of " + chunkSize + " bytes, before its CRLF");
                        }
                        return HttpEvent.NeedData.INSTANCE;
                    }
                    pos += 2;
                    afterConsume();
                    state = CHUNK_SIZE;
                }
                case CHUNK_SIZE -> {
                    long budget = limits.maxChunkExtSize() - chunkExtBytes;
                    int lf = findLine((int) Math.min(Integer.MAX_VALUE - 2, CHUNK_LINE_BASE + budget));
                    if (lf == -2) {
                        throw chunkLineTooLong();
                    }
                    if (lf < 0) {
                        if (eof) {
                            throw truncated("in the chunked body, where a chunk-size line was expected (after "
                                    + bodyBytes + " body bytes"
                                    + (pos < lim ? ", in " + Ascii.quote(in, pos, lim) : "") + ")");
                        }
                        return HttpEvent.NeedData.INSTANCE;
                    }
                    parseChunkSize(lf);
                    consumeLine(lf);
                    if (chunkSize == 0) {
                        fields = new Headers();
                        sectionBytes = 0;
                        state = TRAILER_LINE;
                    } else {
                        remaining = chunkSize;
                        state = CHUNK_DATA;
                    }
                }
                case BODY_UNTIL_CLOSE -> {
                    int avail = lim - pos;
                    if (avail == 0) {
                        if (eof) {
                            state = END;
                            continue;
                        }
                        return HttpEvent.NeedData.INSTANCE;
                    }
                    long room = limits.maxBodySize() - bodyBytes;
                    if (room == 0) {
                        throw new HttpParseException(413, "body longer than " + limits.maxBodySize()
                                + " bytes (read until the connection closes)");
                    }
                    return data((int) Math.min(avail, room));
                }
                case END -> {
                    fields = new Headers();
                    return end();
                }
                case SWITCHED -> throw new IllegalStateException("the connection switched protocols after "
                        + (requests ? "a CONNECT request" : "a 101 response or a 2xx response to CONNECT")
                        + ": the bytes that follow are not HTTP; take them with takeBuffered()");
                default -> throw new AssertionError("state " + state);
            }
        }
    }

    /** Ends the message: trailers are in {@code fields}. Resets the message state. */
    private HttpEvent end() {
        HttpEvent.End end = new HttpEvent.End(fields);
        fields = null;
        method = null;
        target = null;
        reason = null;
        version = null;
        bodyBytes = 0;
        chunkExtBytes = 0;
        contentLength = -1;
        emptyLineBytes = 0;
        state = switchAfterEnd ? SWITCHED : START_LINE;
        switchAfterEnd = false;
        return end;
    }

    /** The head is complete in {@code fields}: decide the framing of the body, return the head event. */
    private HttpEvent headComplete() throws HttpParseException {
        Headers headers = fields;
        fields = null;
        long length = -1;
        int hostCount = 0;
        boolean hasTransferEncoding = false;
        for (int i = 0, n = headers.size(); i < n; i++) {
            String name = headers.name(i);
            if (name.length() == 14 && name.equalsIgnoreCase("Content-Length")) {
                length = mergeContentLength(length, headers.value(i));
            } else if (name.length() == 17 && name.equalsIgnoreCase("Transfer-Encoding")) {
                hasTransferEncoding = true;
            } else if (name.length() == 4 && name.equalsIgnoreCase("Host")) {
                hostCount++;
            }
        }
        contentLength = length;
        bodyBytes = 0;
        chunkExtBytes = 0;
        if (requests) {
            if (hostCount > 1) {
                throw new HttpParseException(400, hostCount + " Host header fields (exactly one allowed)");
            }
            if (hostCount == 0 && version == HttpVersion.HTTP_1_1) {
                throw new HttpParseException(400, "HTTP/1.1 request without a Host header field");
            }
            RequestHead head = new RequestHead(method, target, version, headers);
            switchAfterEnd = "CONNECT".equals(method);
            if (hasTransferEncoding) {
                if (length >= 0) {
                    throw smuggling(length);
                }
                if (version == HttpVersion.HTTP_1_0) {
                    throw new HttpParseException(400, "Transfer-Encoding in an HTTP/1.0 request"
                            + " (its framing cannot be trusted, RFC 9112 6.1)");
                }
                String other = checkTransferEncoding(headers, true);
                if (other != null) {
                    throw new HttpParseException(501, "unsupported transfer-coding " + Ascii.quote(other)
                            + " (only chunked is implemented)");
                }
                state = CHUNK_SIZE;
            } else if (length > 0) {
                startFixedBody(length);
            } else {
                state = END;
            }
            return head;
        }
        ResponseHead head = new ResponseHead(version, status, reason, headers);
        if (status < 200) {
            if (status == 101) {
                expected.poll();
                switchAfterEnd = true;
            }
            state = END;
            return head;
        }
        String requestMethod = expected.poll();
        if ("HEAD".equals(requestMethod) || status == 204 || status == 304) {
            state = END;
        } else if ("CONNECT".equals(requestMethod) && status < 300) {
            switchAfterEnd = true;
            state = END;
        } else if (hasTransferEncoding) {
            if (length >= 0) {
                throw smuggling(length);
            }
            if (version == HttpVersion.HTTP_1_0 || !chunkedIsFinal(headers)) {
                checkTransferEncoding(headers, false);
                state = BODY_UNTIL_CLOSE;
            } else {
                String other = checkTransferEncoding(headers, true);
                if (other != null) {
                    throw new HttpParseException(501, "unsupported transfer-coding " + Ascii.quote(other)
                            + " before chunked (only chunked is implemented)");
                }
                state = CHUNK_SIZE;
            }
        } else if (length > 0) {
            startFixedBody(length);
        } else if (length == 0) {
            state = END;
        } else {
            state = BODY_UNTIL_CLOSE;
        }
        return head;
    }

    private void startFixedBody(long length) throws HttpParseException {
        if (length > limits.maxBodySize()) {
            throw new HttpParseException(413, "Content-Length " + length + " is over the limit of "
                    + limits.maxBodySize() + " bytes");
        }
        remaining = length;
        state = BODY_FIXED;
    }

    private static HttpParseException smuggling(long length) {
        return new HttpParseException(400, "both Content-Length (" + length + ") and Transfer-Encoding"
                + " (a request smuggling pattern, RFC 9112 6.3)");
    }

    /**
     * Checks the Transfer-Encoding list: well-formed codings, chunked at most once and, if
     * {@code chunkedFinal}, last. Returns the first coding other than chunked, or null.
     */
    private static String checkTransferEncoding(Headers headers, boolean chunkedFinal) throws HttpParseException {
        String other = null;
        int elements = 0;
        int chunked = 0;
        boolean lastChunked = false;
        for (int i = 0, n = headers.size(); i < n; i++) {
            if (!headers.name(i).equalsIgnoreCase("Transfer-Encoding")) {
                continue;
            }
            String list = headers.value(i);
            int len = list.length();
            int k = 0;
            while (k <= len) {
                int comma = list.indexOf(',', k);
                int stop = comma < 0 ? len : comma;
                int a = k;
                int b = stop;
                k = stop + 1;
                while (a < b && Ascii.isWhitespace(list.charAt(a))) {
                    a++;
                }
                while (b > a && Ascii.isWhitespace(list.charAt(b - 1))) {
                    b--;
                }
                if (a == b) {
                    if (comma < 0) {
                        break;
                    }
                    continue;
                }
                int semi = list.indexOf(';', a);
                int codingEnd = semi < 0 || semi > b ? b : semi;
                while (codingEnd > a && Ascii.isWhitespace(list.charAt(codingEnd - 1))) {
                    codingEnd--;
                }
                for (int c = a; c < codingEnd; c++) {
                    if (!Ascii.isToken(list.charAt(c))) {
                        throw new HttpParseException(400, "invalid character " + Ascii.describe(list.charAt(c))
                                + " in Transfer-Encoding " + Ascii.quote(list));
                    }
                }
                if (codingEnd == a) {
                    throw new HttpParseException(400, "empty transfer-coding in Transfer-Encoding " + Ascii.quote(list));
                }
                elements++;
                boolean isChunked = codingEnd - a == 7 && list.regionMatches(true, a, "chunked", 0, 7);
                if (isChunked) {
                    if (codingEnd != b) {
                        throw new HttpParseException(400, "transfer-coding chunked takes no parameters: "
                                + Ascii.quote(list));
                    }
                    chunked++;
                } else if (other == null) {
                    other = list.substring(a, b);
                }
                lastChunked = isChunked;
                if (comma < 0) {
                    break;
                }
            }
        }
        if (elements == 0) {
            throw new HttpParseException(400, "empty Transfer-Encoding header field");
        }
        if (chunked > 1) {
            throw new HttpParseException(400, "chunked is applied more than once in Transfer-Encoding");
        }
        if (chunkedFinal && chunked == 1 && !lastChunked) {
            throw new HttpParseException(400, "chunked is not the final transfer-coding in Transfer-Encoding"
                    + " (the body length cannot be determined, RFC 9112 6.3)");
        }
        return other;
    }

    /** Whether the last transfer-coding listed in Transfer-Encoding is chunked (empty list elements skipped). */
    static boolean chunkedIsFinal(Headers headers) {
        String last = null;
        for (int i = 0, n = headers.size(); i < n; i++) {
            if (headers.name(i).equalsIgnoreCase("Transfer-Encoding")) {
                for (String element : headers.value(i).split(",", -1)) {
                    String coding = element.trim();
                    if (!coding.isEmpty()) {
                        last = coding;
                    }
                }
            }
        }
        return last != null && last.equalsIgnoreCase("chunked");
    }

    /** Keep-alive rules of RFC 9112 9.3. */
    static boolean keepAlive(HttpVersion version, Headers headers) {
        if (headers.containsToken("Connection", "close")) {
            return false;
        }
        return version == HttpVersion.HTTP_1_1 || headers.containsToken("Connection", "keep-alive");
    }

    /** Parses a Content-Length field value (a list of equal decimal numbers) against {@code previous}. */
    private static long mergeContentLength(long previous, String value) throws HttpParseException {
        long result = previous;
        int len = value.length();
        int k = 0;
        do {
            int comma = value.indexOf(',', k);
            int stop = comma < 0 ? len : comma;
            int a = k;
            int b = stop;
            k = stop + 1;
            while (a < b && Ascii.isWhitespace(value.charAt(a))) {
                a++;
            }
            while (b > a && Ascii.isWhitespace(value.charAt(b - 1))) {
                b--;
            }
            if (a == b) {
                throw new HttpParseException(400, "invalid Content-Length " + Ascii.quote(value) + " (an empty value)");
            }
            if (b - a > 18) {
                throw new HttpParseException(400, "Content-Length " + Ascii.quote(value.substring(a, b)) + " is too large");
            }
            long n = 0;
            for (int i = a; i < b; i++) {
                char c = value.charAt(i);
                if (c < '0' || c > '9') {
                    throw new HttpParseException(400, "invalid Content-Length " + Ascii.quote(value)
                            + " (digits only)");
                }
                n = n * 10 + (c - '0');
            }
            if (result >= 0 && result != n) {
                throw new HttpParseException(400, "conflicting Content-Length values " + result + " and " + n);
            }
            result = n;
        } while (k <= len);
        return result;
    }

    // ---------------------------------------------------------------------------------------------
    // Lines

    /**
     * Finds the LF ending the line at {@code pos}. Returns its index; -1 if not buffered yet (and
     * the partial line is within {@code max}); -2 if the line (without CRLF) is longer than
     * {@code max}.
     */
    private int findLine(int max) {
        int from = pos + scanned;
        byte[] b = in;
        for (int i = from; i < lim; i++) {
            if (b[i] == LF) {
                scanned = 0;
                int contentLength = (i > pos && b[i - 1] == CR) ? i - 1 - pos : i - pos;
                return contentLength > max ? -2 : i;
            }
        }
        scanned = lim - pos;
        // A partial line may end with the CR of its CRLF (written so that max = Integer.MAX_VALUE works).
        return scanned - 1 > max ? -2 : -1;
    }

    /**
     * Rejects a start line early, before its LF arrives, when its first bytes already cannot be
     * HTTP (a TLS ClientHello sent to a plain-text port, say), instead of waiting for a line end
     * that may never come. Checks the bytes from {@code from} (earlier ones were checked by
     * earlier calls): the method's token characters up to the first space (a request), or the
     * {@code HTTP/} prefix (a response).
     */
    private void checkStartLinePrefix(int from) throws HttpParseException {
        byte[] b = in;
        if (requests) {
            for (int i = from; i < lim && !methodEnded; i++) {
                byte c = b[i];
                if (c == ' ') {
                    methodEnded = true;
                } else if (!Ascii.isTokenByte(c) && !(c == CR && i == pos)) {
                    throw new HttpParseException(400, badChar(c) + " in the method at the start of a request: "
                            + Ascii.quote(b, pos, lim) + " (not HTTP? TLS to a plain-text port?)");
                }
            }
        } else {
            byte[] prefix = {'H', 'T', 'T', 'P', '/'};
            for (int i = Math.max(from, pos); i < lim && i - pos < prefix.length; i++) {
                if (b[i] != prefix[i - pos] && !(b[i] == CR && i == pos)) {
                    throw new HttpParseException(400, "a response must start with HTTP/, got "
                            + Ascii.quote(b, pos, lim));
                }
            }
        }
    }

    /** The end of the line content for the LF at {@code lf}: before a CR that precedes it. */
    private int lineEnd(int lf) {
        return lf > pos && in[lf - 1] == CR ? lf - 1 : lf;
    }

    private void consumeLine(int lf) {
        pos = lf + 1;
        scanned = 0;
        methodEnded = false;
        afterConsume();
    }

    /** Resets the buffer when it is empty, releasing a borrowed array or an overgrown own buffer. */
    private void afterConsume() {
        if (pos == lim) {
            if (borrowed) {
                borrowed = false;
            } else if (own.length > KEEP_OWN) {
                own = EMPTY;
            }
            in = own;
            pos = 0;
            lim = 0;
        }
    }

    private HttpEvent.Data data(int n) {
        HttpEvent.Data d = borrowed
                ? new HttpEvent.Data(in, pos, n)
                : new HttpEvent.Data(Arrays.copyOfRange(in, pos, pos + n), 0, n);
        pos += n;
        bodyBytes += n;
        afterConsume();
        return d;
    }

    private void parseRequestLine(int p, int e) throws HttpParseException {
        byte[] b = in;
        int m = p;
        while (m < e && Ascii.isTokenByte(b[m])) {
            m++;
        }
        if (m == p) {
            throw new HttpParseException(400, "request line does not start with a method: " + Ascii.quote(b, p, e)
                    + (b[p] == CR ? " (bare CR)" : ""));
        }
        if (m == e) {
            throw new HttpParseException(400, "request line has only a method: " + Ascii.quote(b, p, e));
        }
        if (b[m] != ' ') {
            throw new HttpParseException(400, badChar(b[m]) + " after the method in the request line "
                    + Ascii.quote(b, p, e));
        }
        method = methodString(p, m);
        int t = m + 1;
        int te = t;
        boolean nonAscii = false;
        while (te < e && b[te] != ' ') {
            int c = b[te] & 0xff;
            if (c < 0x21 || c == 0x7f) {
                throw new HttpParseException(400, badChar(b[te]) + " in the request target at column "
                        + (te - p + 1) + " of the request line " + Ascii.quote(b, p, e));
            }
            nonAscii |= c >= 0x80;
            te++;
        }
        if (te == t) {
            throw new HttpParseException(400, "empty request target (two spaces after the method?) in "
                    + Ascii.quote(b, p, e));
        }
        if (te == e) {
            throw new HttpParseException(400, "request line without an HTTP version: " + Ascii.quote(b, p, e));
        }
        target = nonAscii ? utf8Target(t, te) : new String(b, t, te - t, StandardCharsets.ISO_8859_1);
        version = parseVersion(te + 1, e, "request line");
    }

    private String utf8Target(int from, int to) throws HttpParseException {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(in, from, to - from))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new HttpParseException(400, "request target is not valid UTF-8: " + Ascii.quote(in, from, to), e);
        }
    }

    private HttpVersion parseVersion(int a, int e, String where) throws HttpParseException {
        byte[] b = in;
        for (int i = a; i < e; i++) {
            if (b[i] == CR) {
                throw new HttpParseException(400, "bare CR in the HTTP version " + Ascii.quote(b, a, e) + " in the " + where);
            }
        }
        if (e - a != 8 || b[a] != 'H' || b[a + 1] != 'T' || b[a + 2] != 'T' || b[a + 3] != 'P' || b[a + 4] != '/'
                || b[a + 5] < '0' || b[a + 5] > '9' || b[a + 6] != '.' || b[a + 7] < '0' || b[a + 7] > '9') {
            throw new HttpParseException(400, "malformed HTTP version " + Ascii.quote(b, a, e) + " in the " + where);
        }
        if (b[a + 5] != '1') {
            throw new HttpParseException(505, "unsupported HTTP version " + Ascii.quote(b, a, e) + " in the " + where
                    + " (only HTTP/1.x)");
        }
        return b[a + 7] == '0' ? HttpVersion.HTTP_1_0 : HttpVersion.HTTP_1_1;
    }

    private void parseStatusLine(int p, int e) throws HttpParseException {
        byte[] b = in;
        int sp = p;
        while (sp < e && b[sp] != ' ') {
            sp++;
        }
        version = parseVersion(p, sp, "status line");
        if (e - sp < 4 || !isDigit(b[sp + 1]) || !isDigit(b[sp + 2]) || !isDigit(b[sp + 3])
                || (e - sp > 4 && b[sp + 4] != ' ')) {
            throw new HttpParseException(400, "status line without a three-digit status code: " + Ascii.quote(b, p, e));
        }
        status = (b[sp + 1] - '0') * 100 + (b[sp + 2] - '0') * 10 + (b[sp + 3] - '0');
        if (status < 100) {
            throw new HttpParseException(400, "status code " + Ascii.quote(b, sp + 1, sp + 4)
                    + " out of range (100 to 999) in " + Ascii.quote(b, p, e));
        }
        int r = Math.min(e, sp + 5);
        for (int i = r; i < e; i++) {
            int c = b[i] & 0xff;
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                throw new HttpParseException(400, badChar(b[i]) + " in the reason phrase of " + Ascii.quote(b, p, e));
            }
        }
        reason = r == e ? "" : new String(b, r, e - r, StandardCharsets.ISO_8859_1);
    }

    private static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }

    /** Parses one field line [p, e) of the head or trailers into {@code fields}. */
    private void parseField(int p, int e, boolean trailer) throws HttpParseException {
        byte[] b = in;
        String kind = trailer ? "trailer" : "header";
        if (b[p] == ' ' || b[p] == '\t') {
            throw new HttpParseException(400, "obsolete line folding (a " + kind + " line starting with whitespace) at "
                    + kind + " line " + (trailer ? fields.size() + 1 : lineNumber) + ": " + Ascii.quote(b, p, e));
        }
        int c = p;
        while (c < e && Ascii.isTokenByte(b[c])) {
            c++;
        }
        if (c == e) {
            throw new HttpParseException(400, kind + " line without a colon: " + Ascii.quote(b, p, e));
        }
        if (b[c] != ':') {
            if (b[c] == ' ' || b[c] == '\t') {
                throw new HttpParseException(400, "whitespace between " + kind + " name and colon in "
                        + Ascii.quote(b, p, e));
            }
            throw new HttpParseException(400, badChar(b[c]) + " in " + kind + " name " + Ascii.quote(b, p, e));
        }
        if (c == p) {
            throw new HttpParseException(400, "empty " + kind + " name in " + Ascii.quote(b, p, e));
        }
        int v = c + 1;
        int ve = e;
        while (v < ve && (b[v] == ' ' || b[v] == '\t')) {
            v++;
        }
        while (ve > v && (b[ve - 1] == ' ' || b[ve - 1] == '\t')) {
            ve--;
        }
        for (int i = v; i < ve; i++) {
            int x = b[i] & 0xff;
            if ((x < 0x20 && x != '\t') || x == 0x7f) {
                throw new HttpParseException(400, badChar(b[i]) + " in the value of " + kind + " "
                        + Ascii.quote(b, p, c));
            }
        }
        String name = headerName(p, c);
        String value = v == ve ? "" : new String(b, v, ve - v, StandardCharsets.ISO_8859_1);
        fields.addUnchecked(name, value);
    }

    /** Parses the chunk-size line ending at {@code lf} into {@code chunkSize}; checks extensions and limits. */
    private void parseChunkSize(int lf) throws HttpParseException {
        byte[] b = in;
        int p = pos;
        if (lf == p || b[lf - 1] != CR) {
            throw new HttpParseException(400, "chunk-size line ends with a bare LF: " + Ascii.quote(b, p, lf)
                    + " (after " + bodyBytes + " body bytes)");
        }
        int e = lf - 1;
        long size = 0;
        int i = p;
        while (i < e) {
            int h = Ascii.hex(b[i]);
            if (h < 0) {
                break;
            }
            if (i - p == 16) {
                throw new HttpParseException(400, "chunk size " + Ascii.quote(b, p, e) + " has more than 16 hex digits");
            }
            size = (size << 4) | h;
            i++;
        }
        if (i == p) {
            throw new HttpParseException(400, "invalid chunk size " + Ascii.quote(b, p, e) + " (after "
                    + bodyBytes + " body bytes)");
        }
        if (size < 0) {
            throw new HttpParseException(400, "chunk size " + Ascii.quote(b, p, i) + " overflows a 63-bit length");
        }
        if (i < e) {
            checkChunkExtensions(i, e);
            chunkExtBytes += e - i;
            if (chunkExtBytes > limits.maxChunkExtSize()) {
                throw chunkLineTooLong();
            }
        }
        if (size > limits.maxBodySize() - bodyBytes) {
            throw new HttpParseException(413, "chunked body longer than " + limits.maxBodySize()
                    + " bytes (a chunk of " + size + " after " + bodyBytes + " bytes)");
        }
        chunkSize = size;
    }

    /**
     * Checks {@code *( BWS ";" BWS name [ BWS "=" BWS ( token / quoted-string ) ] )} (RFC 9112 7.1.1)
     * over [i, e): the extensions are ignored, but only well-formed ones pass.
     */
    private void checkChunkExtensions(int i, int e) throws HttpParseException {
        byte[] b = in;
        int start = i;
        while (i < e) {
            i = skipWhitespace(i, e);
            if (i == e) {
                throw new HttpParseException(400, "whitespace after the chunk size in " + Ascii.quote(b, pos, e));
            }
            if (b[i] != ';') {
                throw new HttpParseException(400, badChar(b[i]) + " after the chunk size in " + Ascii.quote(b, pos, e));
            }
            i = skipWhitespace(i + 1, e);
            int n = i;
            while (i < e && Ascii.isTokenByte(b[i])) {
                i++;
            }
            if (i == n) {
                throw new HttpParseException(400, "chunk extension without a name in " + Ascii.quote(b, pos, e));
            }
            int j = skipWhitespace(i, e);
            if (j < e && b[j] == '=') {
                i = skipWhitespace(j + 1, e);
                if (i < e && b[i] == '"') {
                    i++;
                    for (;;) {
                        if (i >= e) {
                            throw new HttpParseException(400, "unterminated quoted string in chunk extension "
                                    + Ascii.quote(b, start, e));
                        }
                        int x = b[i] & 0xff;
                        if (x == '"') {
                            i++;
                            break;
                        }
                        if (x == '\\') {
                            i++;
                            if (i >= e) {
                                continue;
                            }
                            x = b[i] & 0xff;
                        }
                        if ((x < 0x20 && x != '\t') || x == 0x7f) {
                            throw new HttpParseException(400, badChar(b[i]) + " in chunk extension "
                                    + Ascii.quote(b, start, e));
                        }
                        i++;
                    }
                } else {
                    int v = i;
                    while (i < e && Ascii.isTokenByte(b[i])) {
                        i++;
                    }
                    if (i == v) {
                        throw new HttpParseException(400, "chunk extension without a value after '=' in "
                                + Ascii.quote(b, start, e));
                    }
                }
            } else {
                i = j;
            }
        }
    }

    private int skipWhitespace(int i, int e) {
        while (i < e && (in[i] == ' ' || in[i] == '\t')) {
            i++;
        }
        return i;
    }

    private HttpParseException chunkLineTooLong() {
        return new HttpParseException(413, "chunk extensions over the limit of " + limits.maxChunkExtSize()
                + " bytes per message (after " + bodyBytes + " body bytes)");
    }

    private HttpParseException sectionTooLarge(boolean trailer) {
        return new HttpParseException(431, (trailer ? "trailer" : "header") + " section longer than "
                + limits.maxHeadersTotal() + " bytes");
    }

    private HttpParseException truncated(String where) {
        return new HttpParseException(400, "connection closed in the middle of a " + (requests ? "request" : "response")
                + ": " + where);
    }

    private static String badChar(byte c) {
        if (c == CR) {
            return "bare CR";
        }
        return "invalid character " + Ascii.describe(c & 0xff);
    }

    // ---------------------------------------------------------------------------------------------
    // Strings without allocation for the common cases

    private static final String[] METHODS = {"GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH", "CONNECT", "TRACE"};

    /** Common field names as sent by browsers, curl, aiohttp and servers; index = length. */
    private static final String[][] NAMES_BY_LENGTH;

    static {
        String[] common = {
            "Host", "host", "User-Agent", "user-agent", "Accept", "accept", "Accept-Encoding", "accept-encoding",
            "Accept-Language", "accept-language", "Accept-Charset", "Connection", "connection", "Content-Length",
            "content-length", "Content-Type", "content-type", "Transfer-Encoding", "transfer-encoding", "Cookie",
            "cookie", "Set-Cookie", "set-cookie", "Date", "date", "Server", "server", "Cache-Control",
            "cache-control", "Referer", "referer", "Origin", "origin", "Authorization", "authorization",
            "Upgrade", "Upgrade-Insecure-Requests", "Content-Encoding", "content-encoding", "Location", "location",
            "Last-Modified", "ETag", "etag", "If-None-Match", "If-Modified-Since", "Expect", "Keep-Alive",
            "Pragma", "Vary", "Range", "Content-Range", "Accept-Ranges", "Expires", "X-Forwarded-For",
            "X-Forwarded-Proto", "X-Requested-With", "DNT", "Sec-Fetch-Site", "Sec-Fetch-Mode", "Sec-Fetch-Dest",
            "Sec-Fetch-User", "TE", "Trailer", "Via", "Forwarded", "Priority",
        };
        int max = 0;
        for (String s : common) {
            max = Math.max(max, s.length());
        }
        String[][] table = new String[max + 1][];
        for (String s : common) {
            String[] old = table[s.length()];
            String[] grown = old == null ? new String[1] : Arrays.copyOf(old, old.length + 1);
            grown[grown.length - 1] = s;
            table[s.length()] = grown;
        }
        NAMES_BY_LENGTH = table;
    }

    private String methodString(int from, int to) {
        for (String m : METHODS) {
            if (matches(m, from, to)) {
                return m;
            }
        }
        return new String(in, from, to - from, StandardCharsets.ISO_8859_1);
    }

    private String headerName(int from, int to) {
        int len = to - from;
        if (len < NAMES_BY_LENGTH.length && NAMES_BY_LENGTH[len] != null) {
            for (String s : NAMES_BY_LENGTH[len]) {
                if (matches(s, from, to)) {
                    return s;
                }
            }
        }
        return new String(in, from, len, StandardCharsets.ISO_8859_1);
    }

    /** Whether bytes [from, to) are exactly the ASCII string {@code s}. */
    private boolean matches(String s, int from, int to) {
        if (s.length() != to - from) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (in[from + i] != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
