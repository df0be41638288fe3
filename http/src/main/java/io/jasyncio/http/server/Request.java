package io.jasyncio.http.server;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jasyncio.http.protocol.Headers;
import io.jasyncio.http.protocol.HttpVersion;
import io.jasyncio.http.protocol.RequestHead;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP request as a handler sees it: aiohttp's {@code web.Request}. The head is parsed; the
 * body is read on demand, whole ({@link #read()}, {@link #text()}, {@link #json()},
 * {@link #post()}, bounded by {@link Application#clientMaxSize}) or streamed ({@link #content()}).
 *
 * <pre>{@code
 * Response createUser(Request request) throws IOException {
 *     String tenant = request.matchInfo("tenant");     // from "/t/{tenant}/users"
 *     String dryRun = request.query("dry_run");         // ?dry_run=1
 *     User user = request.json(User.class);             // suspends until the body is in
 *     return Response.json(201, store.add(tenant, user));
 * }
 * }</pre>
 *
 * <p>{@code Expect: 100-continue}: the server answers {@code 100 Continue} when the handler first
 * reads the body, so a handler that rejects the request without reading it never makes the client
 * send the body.
 *
 * <p>It also carries per-request values for middlewares and handlers ({@link #get}/{@link #put},
 * aiohttp's {@code request["key"]}). Loop thread only.
 */
public final class Request {

    private final ServerConnection connection;
    private final RequestHead head;
    /** When the head was received, on the loop's clock. */
    private final double startTime;
    /** The route and parameters, set before the middlewares run. */
    Router.Match match;
    private final Application app;
    /** The response prepared for this request, or null. */
    StreamResponse response;
    /** The raw path without the query; made on first use. */
    private String rawPath;
    /** The raw query without '?', "" when none; made with rawPath. */
    private String queryString;
    private String path;
    private Map<String, List<String>> query;
    private BodyReader body;
    /** The body read whole, kept for text()/json()/post() after read(). */
    private byte[] bodyBytes;
    private FormData form;
    private Map<String, Object> values;

    Request(ServerConnection connection, RequestHead head, double startTime, Application app) {
        this.connection = connection;
        this.head = head;
        this.startTime = startTime;
        this.app = app;
    }

    ServerConnection connection() {
        return connection;
    }

    /** The parsed head. */
    public RequestHead head() {
        return head;
    }

    /** The method ({@code "GET"}). */
    public String method() {
        return head.method();
    }

    /** The protocol version. */
    public HttpVersion version() {
        return head.version();
    }

    /** The request target exactly as received ({@code "/a%20b?x=1"}). */
    public String target() {
        return head.target();
    }

    /** The headers (case-insensitive). */
    public Headers headers() {
        return head.headers();
    }

    /** The first value of header {@code name}, or null. */
    public String header(String name) {
        return head.headers().get(name);
    }

    /** When the head was received, in seconds of the loop's clock. */
    public double startTime() {
        return startTime;
    }

    /** The application serving the request. */
    public Application app() {
        return app;
    }

    // ---- the URL ----

    /**
     * The path as received, still percent-encoded, without the query ({@code "/a%20b"}). For an
     * absolute-form target ({@code GET http://host/x}) the path part; {@code "*"} for
     * {@code OPTIONS *}. (aiohttp's {@code raw_path} includes the query; {@link #target()} is that.)
     */
    public String rawPath() {
        if (rawPath == null) {
            splitTarget();
        }
        return rawPath;
    }

    /** The query string as received, without {@code '?'}; {@code ""} when there is none. */
    public String queryString() {
        if (rawPath == null) {
            splitTarget();
        }
        return queryString;
    }

    /** The path, percent-decoded as UTF-8 ({@code "/a b"}): aiohttp's {@code request.path}. */
    public String path() {
        if (path == null) {
            path = Wire.decode(rawPath(), false);
        }
        return path;
    }

    private void splitTarget() {
        String t = head.target();
        int start = 0;
        if (!t.startsWith("/") && !t.equals("*")) {
            int scheme = t.indexOf("://");
            if (scheme > 0) {
                int slash = t.indexOf('/', scheme + 3);
                int q = t.indexOf('?', scheme + 3);
                if (slash < 0 || (q >= 0 && q < slash)) {
                    t = "/" + (q >= 0 ? t.substring(q) : "");
                } else {
                    start = slash;
                }
            }
        }
        int q = t.indexOf('?', start);
        int hash = t.indexOf('#', start);
        int end = q >= 0 ? q : hash >= 0 ? hash : t.length();
        rawPath = t.substring(start, end);
        if (q >= 0) {
            int qe = hash > q ? hash : t.length();
            queryString = t.substring(q + 1, qe);
        } else {
            queryString = "";
        }
    }

    /**
     * The query parameters, percent-decoded ({@code +} is a space), in order, with every value of a
     * repeated name: aiohttp's {@code request.query} (a MultiDict). Unmodifiable.
     */
    public Map<String, List<String>> query() {
        if (query == null) {
            query = parseUrlencoded(queryString());
        }
        return query;
    }

    /** The first value of query parameter {@code name}, or null. */
    public String query(String name) {
        List<String> v = query().get(name);
        return v == null ? null : v.get(0);
    }

    /** Every value of query parameter {@code name} (empty if none). */
    public List<String> queryAll(String name) {
        return query().getOrDefault(name, List.of());
    }

    /** Parses {@code a=1&b=2&a=3} (form or query encoding) into an unmodifiable multi-map. */
    static Map<String, List<String>> parseUrlencoded(String s) {
        if (s.isEmpty()) {
            return Map.of();
        }
        Map<String, List<String>> m = new LinkedHashMap<>();
        int i = 0;
        while (i <= s.length()) {
            int amp = s.indexOf('&', i);
            if (amp < 0) {
                amp = s.length();
            }
            if (amp > i) {
                String pair = s.substring(i, amp);
                int eq = pair.indexOf('=');
                String name = Wire.decode(eq < 0 ? pair : pair.substring(0, eq), true);
                String value = eq < 0 ? "" : Wire.decode(pair.substring(eq + 1), true);
                m.computeIfAbsent(name, k -> new ArrayList<>(1)).add(value);
            }
            i = amp + 1;
        }
        m.replaceAll((k, v) -> Collections.unmodifiableList(v));
        return Collections.unmodifiableMap(m);
    }

    /** The decoded path and the raw query: aiohttp's {@code path_qs} ({@code "/a b?x=1"}). */
    public String pathQs() {
        return queryString().isEmpty() ? path() : path() + "?" + queryString();
    }

    /**
     * The request's absolute URL as the client addressed it: scheme, {@code Host} header, raw path
     * and query ({@code "http://example.com/a%20b?x=1"}); aiohttp's {@code request.url}. The
     * {@code Host} header is the client's word: do not trust it for security decisions.
     */
    public String url() {
        String host = host();
        return scheme() + "://" + (host == null ? "localhost" : host) + rawPath()
                + (queryString().isEmpty() ? "" : "?" + queryString());
    }

    /**
     * The cookies of the {@code Cookie} header(s) by name (aiohttp's {@code request.cookies}); the
     * first of a repeated name wins. Values are as sent (quotes around a value are removed).
     */
    public Map<String, String> cookies() {
        List<String> all = head.headers().getAll("Cookie");
        if (all.isEmpty()) {
            return Map.of();
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (String header : all) {
            for (String pair : header.split(";")) {
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    continue;
                }
                String name = pair.substring(0, eq).trim();
                String value = pair.substring(eq + 1).trim();
                if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                    value = value.substring(1, value.length() - 1);
                }
                if (!name.isEmpty()) {
                    m.putIfAbsent(name, value);
                }
            }
        }
        return Collections.unmodifiableMap(m);
    }

    /** The {@code Host} header (aiohttp's {@code request.host}), or null. */
    public String host() {
        return header("Host");
    }

    /** {@code "https"} on a TLS connection, else {@code "http"}. */
    public String scheme() {
        return secure() ? "https" : "http";
    }

    /** Whether the connection is TLS. */
    public boolean secure() {
        return connection.getExtraInfo("sslcontext") != null;
    }

    // ---- the route ----

    /** The path parameters of the matched route ({@code {id}} in {@code /users/{id}}), decoded; empty when none. */
    public Map<String, String> matchInfo() {
        return match == null ? Map.of() : match.params();
    }

    /**
     * The path parameter {@code name}.
     *
     * @throws IllegalArgumentException when the route has no such parameter (a typo in the handler)
     */
    public String matchInfo(String name) {
        String v = matchInfo().get(name);
        if (v == null) {
            throw new IllegalArgumentException("the route " + (route() == null ? "(none)" : route().path())
                    + " has no parameter {" + name + "}; it has " + matchInfo().keySet());
        }
        return v;
    }

    /** The matched route, or null when none matched (404/405: seen by middlewares). */
    public Route route() {
        return match == null ? null : match.route();
    }

    // ---- the connection ----

    /** The client's IP address (aiohttp's {@code request.remote}), or null when unknown (a Unix socket). */
    public String remote() {
        Object peer = connection.getExtraInfo("peername");
        if (peer instanceof InetSocketAddress a) {
            return a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
        }
        return null;
    }

    /** Transport information: {@code "peername"}, {@code "sockname"}, {@code "sslcontext"}, {@code "peercert"} ... or null. */
    public Object getExtraInfo(String name) {
        return connection.getExtraInfo(name);
    }

    /** Whether the client asked to keep the connection open (RFC 9112 9.3). */
    public boolean keepAlive() {
        return head.keepAlive();
    }

    // ---- the body ----

    /** The media type of the body, lower case, without parameters; {@code application/octet-stream} when absent (aiohttp). */
    public String contentType() {
        String ct = header("Content-Type");
        if (ct == null) {
            return "application/octet-stream";
        }
        int semi = ct.indexOf(';');
        return (semi < 0 ? ct : ct.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    }

    /** The {@code charset} parameter of the Content-Type, or null. */
    public String charset() {
        return contentTypeParam("charset");
    }

    /** A parameter of the Content-Type header ({@code boundary}, {@code charset}), unquoted, or null. */
    String contentTypeParam(String param) {
        String ct = header("Content-Type");
        return ct == null ? null : FormData.headerParam(ct, param);
    }

    /** The Content-Length, or -1 when the request has none (no body, or chunked). */
    public long contentLength() {
        String cl = header("Content-Length");
        if (cl == null) {
            return -1;
        }
        int comma = cl.indexOf(',');
        return Long.parseLong((comma < 0 ? cl : cl.substring(0, comma)).trim());
    }

    /** Whether the request has a body at all (a Content-Length over 0, or chunked): aiohttp's {@code body_exists}. */
    public boolean bodyExists() {
        return contentLength() > 0 || header("Transfer-Encoding") != null;
    }

    /** Whether some of the body is still unread: aiohttp's {@code can_read_body}. */
    public boolean canReadBody() {
        return bodyExists() && !content().atEof();
    }

    /**
     * The body as a stream, for bodies too large to hold or to process as they arrive: aiohttp's
     * {@code request.content}. Only {@link ServerOptions#limits()}'s body limit applies (413).
     */
    public BodyReader content() {
        if (body == null) {
            body = new BodyReader(this, connection);
        }
        return body;
    }

    /**
     * The whole body (aiohttp's {@code await request.read()}); suspends until it is in. Later calls
     * return the same bytes.
     *
     * @throws HttpException 413 when the body is over {@link Application#clientMaxSize} (refused on
     *     the Content-Length alone, before {@code 100 Continue}); 408 when the client stops sending;
     *     400 for a malformed body
     * @throws IOException when the connection is lost
     */
    public byte[] read() throws IOException {
        if (bodyBytes == null) {
            long max = app.clientMaxSize();
            long cl = contentLength();
            if (cl > max) {
                throw HttpException.requestEntityTooLarge(max, cl);
            }
            bodyBytes = content().readAll(max);
        }
        return bodyBytes;
    }

    /**
     * Reads and drops the rest of the body (aiohttp's {@code release()}), so that the connection
     * can serve the next request; only {@link ServerOptions#limits()}'s body limit applies. The
     * server does this by itself for small bodies a handler leaves unread.
     *
     * @throws IOException as {@link BodyReader#readAny()}
     */
    public void release() throws IOException {
        BodyReader b = content();
        while (b.readAny().length > 0) {
            // dropped
        }
    }

    /**
     * The body as text, in the Content-Type's charset (UTF-8 when none): aiohttp's {@code text()}.
     *
     * @throws HttpException 415 for an unknown charset, and as {@link #read()}
     */
    public String text() throws IOException {
        return new String(read(), bodyCharset());
    }

    private Charset bodyCharset() {
        String cs = charset();
        if (cs == null) {
            return StandardCharsets.UTF_8;
        }
        try {
            return Charset.forName(cs);
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            throw new HttpException(415, "Unsupported charset \"" + cs + "\"");
        }
    }

    /**
     * The body parsed as JSON by Jackson (aiohttp's {@code json()}).
     *
     * @throws HttpException 400 when the body is not JSON, and as {@link #read()}
     */
    public JsonNode json() throws IOException {
        return json(JsonNode.class, Json.MAPPER);
    }

    /**
     * The body bound to {@code type} by Jackson ({@code request.json(User.class)}).
     *
     * @throws HttpException 400 when the body is not JSON or does not fit {@code type}, and as {@link #read()}
     */
    public <T> T json(Class<T> type) throws IOException {
        return json(type, Json.MAPPER);
    }

    /** Like {@link #json(Class)} with your own {@link ObjectMapper}. */
    public <T> T json(Class<T> type, ObjectMapper mapper) throws IOException {
        byte[] b = read();
        try {
            return mapper.readValue(b, type);
        } catch (JacksonException e) {
            throw new HttpException(400, "Malformed JSON body: " + e.getOriginalMessage());
        }
    }

    /**
     * The form fields of an {@code application/x-www-form-urlencoded} or {@code multipart/form-data}
     * body (aiohttp's {@code post()}); an empty form for other content types.
     *
     * @throws HttpException 400 for a malformed multipart body, and as {@link #read()}
     */
    public FormData post() throws IOException {
        if (form == null) {
            String ct = contentType();
            if (ct.equals("application/x-www-form-urlencoded")) {
                form = FormData.ofFields(parseUrlencoded(new String(read(), bodyCharset())));
            } else if (ct.equals("multipart/form-data")) {
                String boundary = contentTypeParam("boundary");
                if (boundary == null || boundary.isEmpty()) {
                    throw new HttpException(400, "multipart/form-data without a boundary");
                }
                form = FormData.parseMultipart(read(), boundary, charset());
            } else {
                form = FormData.ofFields(Map.of());
            }
        }
        return form;
    }

    // ---- per-request values ----

    /** The value stored under {@code key} by a middleware or handler, or null (aiohttp's {@code request[key]}). */
    @SuppressWarnings("unchecked")
    public <T> T get(String key) {
        return values == null ? null : (T) values.get(key);
    }

    /** Stores a value under {@code key} for the rest of this request. */
    public void put(String key, Object value) {
        if (values == null) {
            values = new HashMap<>();
        }
        values.put(key, value);
    }

    /** {@code <Request GET /path >}, as aiohttp's repr. */
    @Override
    public String toString() {
        return "<Request " + method() + " " + rawPath() + " >";
    }
}
