package io.jasyncio.http.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jasyncio.AsyncCloseable;
import io.jasyncio.http.protocol.Headers;
import io.jasyncio.net.TlsClientOptions;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * An HTTP client: aiohttp's {@code ClientSession}. It holds a connection pool
 * ({@link TcpConnector}), default headers, cookies ({@link CookieJar}), timeouts
 * ({@link ClientTimeout}) and tracing ({@link TraceConfig}); make one per application (or per
 * service called), not one per request.
 *
 * <pre>{@code
 * try (var session = ClientSession.builder().baseUrl("https://api.example.com/v1/").build()) {
 *     try (ClientResponse r = session.get("items", RequestOptions.create().param("page", 2))) {
 *         r.raiseForStatus();
 *         System.out.println(r.json());
 *     }
 *     try (ClientResponse r = session.post("items", RequestOptions.create().json(Map.of("name", "x")))) {
 *         System.out.println(r.status());
 *     }
 * }
 * }</pre>
 *
 * <p>Every request method suspends until the response head has arrived (following redirects) and
 * returns the {@link ClientResponse}, whose body is read on demand. Requests are HTTP/1.1 with
 * keep-alive; bodies in memory go with a Content-Length, streams chunked; gzip and deflate
 * responses are decoded ({@code Accept-Encoding: gzip, deflate} is sent). Redirects are followed
 * (at most {@link RequestOptions#maxRedirects}, 10 by default) with RFC 9110's method rules: a 303
 * becomes GET (except for HEAD), a 301 or 302 turns POST into GET, 307 and 308 keep the method and
 * body; Authorization and Cookie headers are dropped when the origin changes.
 *
 * <p>Errors are {@link ClientError}s (IOExceptions) naming what failed; cancelling a request at any
 * point gives its connection back or closes it ({@link TcpConnector}).
 *
 * <p>Loop-affine: use a session from the loop of its first request. {@link #close()} closes the
 * connector it owns at once; {@link #aclose()} also waits for the connections to be gone.
 */
public final class ClientSession implements AutoCloseable, AsyncCloseable {
    /** The User-Agent sent by default. */
    public static final String USER_AGENT = "jasyncio-http/0.1";

    private static final Set<String> NO_BODY_METHODS = Set.of("GET", "HEAD", "OPTIONS", "TRACE", "CONNECT");
    private static final ObjectMapper DEFAULT_MAPPER = new ObjectMapper();
    /** The options of a request made without any (never changed: the session only reads options). */
    private static final RequestOptions NO_OPTIONS = new RequestOptions();

    private final HttpUrl baseUrl;
    private final Headers defaultHeaders;
    private final TcpConnector connector;
    private final boolean connectorOwner;
    private final ClientTimeout timeout;
    private final CookieJar cookieJar;
    private final List<TraceConfig> traceConfigs;
    private final boolean raiseForStatus;
    private final boolean autoDecompress;
    private final ObjectMapper objectMapper;
    private final BasicAuth auth;
    private final HttpUrl proxy;
    private final BasicAuth proxyAuth;
    private final Set<String> skipAutoHeaders;
    private boolean closed;
    /**
     * The last URLs requested, parsed (a program requests the same few URLs again and again; yarl
     * caches the same way): string to HttpUrl, least recently used evicted. Loop thread only.
     */
    private final Map<String, HttpUrl> urlCache = new java.util.LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, HttpUrl> eldest) {
            return size() > URL_CACHE_SIZE;
        }
    };
    private static final int URL_CACHE_SIZE = 256;

    /** A session with aiohttp's defaults (its own connector). */
    public ClientSession() {
        this(new Builder());
    }

    private ClientSession(Builder b) {
        this.baseUrl = b.baseUrl;
        this.defaultHeaders = b.headers.copy();
        this.connector = b.connector != null ? b.connector : TcpConnector.create();
        this.connectorOwner = b.connectorOwner;
        this.timeout = b.timeout;
        this.cookieJar = b.cookieJar != null ? b.cookieJar : new CookieJar();
        this.traceConfigs = List.copyOf(b.traceConfigs);
        this.raiseForStatus = b.raiseForStatus;
        this.autoDecompress = b.autoDecompress;
        this.objectMapper = b.objectMapper;
        this.auth = b.auth;
        this.proxy = b.proxy;
        this.proxyAuth = b.proxyAuth;
        this.skipAutoHeaders = Set.copyOf(b.skipAutoHeaders);
    }

    /** A builder starting from aiohttp's defaults. */
    public static Builder builder() {
        return new Builder();
    }

    // ---- requests ----

    /** {@code GET url}. */
    public ClientResponse get(String url) throws ClientError {
        return request("GET", url, null);
    }

    /** {@code GET url} with options. */
    public ClientResponse get(String url, RequestOptions options) throws ClientError {
        return request("GET", url, options);
    }

    /** {@code POST url} (usually with a body in the options). */
    public ClientResponse post(String url, RequestOptions options) throws ClientError {
        return request("POST", url, options);
    }

    /** {@code PUT url}. */
    public ClientResponse put(String url, RequestOptions options) throws ClientError {
        return request("PUT", url, options);
    }

    /** {@code PATCH url}. */
    public ClientResponse patch(String url, RequestOptions options) throws ClientError {
        return request("PATCH", url, options);
    }

    /** {@code DELETE url}. */
    public ClientResponse delete(String url) throws ClientError {
        return request("DELETE", url, null);
    }

    /** {@code DELETE url} with options. */
    public ClientResponse delete(String url, RequestOptions options) throws ClientError {
        return request("DELETE", url, options);
    }

    /** {@code HEAD url} (redirects are not followed unless the options allow them, as aiohttp's {@code head}). */
    public ClientResponse head(String url) throws ClientError {
        return request("HEAD", url, RequestOptions.create().allowRedirects(false));
    }

    /** {@code HEAD url} with options. */
    public ClientResponse head(String url, RequestOptions options) throws ClientError {
        return request("HEAD", url, options);
    }

    /** {@code OPTIONS url}. */
    public ClientResponse options(String url) throws ClientError {
        return request("OPTIONS", url, null);
    }

    /** {@code OPTIONS url} with options. */
    public ClientResponse options(String url, RequestOptions options) throws ClientError {
        return request("OPTIONS", url, options);
    }

    /** {@code method url} without options. */
    public ClientResponse request(String method, String url) throws ClientError {
        return request(method, url, null);
    }

    /**
     * Sends a request and returns its response once the head has arrived: aiohttp's
     * {@code session.request(method, url, **kwargs)}. Suspends.
     *
     * @param method any token, sent upper case
     * @param url absolute, or relative to the session's base URL
     * @param options everything else (null: none)
     * @throws InvalidUrl when the URL is not a usable http(s) URL
     * @throws ClientConnectorError when no connection could be made
     * @throws ServerTimeoutError when a timeout expired (subclasses say which)
     * @throws ClientResponseError for a malformed response head, too many redirects, or (with
     *     raiseForStatus) an error status
     * @throws ServerDisconnectedError when the server closed the connection without answering
     * @throws IllegalStateException when the session is closed
     */
    public ClientResponse request(String method, String url, RequestOptions options) throws ClientError {
        if (closed) {
            throw new IllegalStateException("Session is closed");
        }
        Objects.requireNonNull(url, "url");
        String m = checkMethod(method);
        RequestOptions o = options == null ? NO_OPTIONS : options;
        RequestBody body = o.body;
        if (o.formData != null) {
            try {
                body = o.formData.toBody();
            } catch (IOException e) {
                throw new ClientError("cannot read a file of the form: " + e.getMessage(), e);
            }
        }
        HttpUrl target = buildUrl(url).withParams(o.params);
        ClientTimeout t = o.timeout != null ? o.timeout : timeout;
        Double totalWhen = Deadlines.after(t.total());
        ReadTimeouts readTimeouts = new ReadTimeouts(totalWhen, t.total(), t.sockRead(), m, target);
        Traces traces = Traces.start(this, traceConfigs, o.traceRequestCtx);
        Headers headers = mergeHeaders(o.headers);
        if (!traces.isEmpty()) {
            traces.send(new TraceEvent.RequestStart(m, target.toUri(), headers.copy()));
        }
        ClientResponse response;
        try {
            RequestBody finalBody = body;
            response = Deadlines.within(totalWhen, readTimeouts::totalError,
                    () -> follow(m, target, headers, finalBody, o, t, readTimeouts, traces));
        } catch (Throwable e) {
            if (!traces.isEmpty()) {
                try {
                    traces.send(new TraceEvent.RequestException(m, target.toUri(), headers.copy(), e));
                } catch (Throwable listenerError) {
                    e.addSuppressed(listenerError);
                }
            }
            throw e;
        }
        if (!traces.isEmpty()) {
            try {
                traces.send(new TraceEvent.RequestEnd(m, response.url(), response.requestInfo().headers(), response));
            } catch (Throwable e) {
                response.release();
                throw e;
            }
        }
        return response;
    }

    /** The hops of one request: send, and follow redirects. */
    private ClientResponse follow(String method, HttpUrl url, Headers requestHeaders, RequestBody body, RequestOptions o,
            ClientTimeout t, ReadTimeouts readTimeouts, Traces traces) throws ClientError {
        List<ClientResponse> history = new ArrayList<>();
        boolean allowRedirects = o.allowRedirects == null || o.allowRedirects;
        int maxRedirects = o.maxRedirects == null ? 10 : o.maxRedirects;
        TlsClientOptions ssl = o.ssl != null ? o.ssl : connector.ssl();
        HttpUrl proxyUrl = o.proxy != null ? parseProxy(o.proxy) : proxy;
        BasicAuth proxyCredentials = o.proxyAuth != null ? o.proxyAuth
                : proxyUrl != null && proxyUrl.user != null ? new BasicAuth(proxyUrl.user, nz(proxyUrl.password)) : proxyAuth;
        String proxyAuthorization = proxyCredentials == null ? null : proxyCredentials.encode();
        BasicAuth requestAuth = o.auth;
        Map<String, String> requestCookies = o.cookies;
        boolean sameOriginAsFirst = true;
        while (true) {
            BasicAuth hopAuth = requestAuth;
            if (url.user != null) {
                if (hopAuth != null) {
                    throw new IllegalArgumentException("Cannot combine the auth option with credentials in the URL");
                }
                hopAuth = new BasicAuth(url.user, nz(url.password));
            }
            if (hopAuth == null && sameOriginAsFirst) {
                hopAuth = auth;
            }
            if (hopAuth != null && requestHeaders.contains("Authorization")) {
                throw new IllegalArgumentException(
                        "Cannot combine an Authorization header with the auth option or credentials in the URL");
            }
            HttpUrl plain = url.withoutCredentialsAndFragment();
            boolean viaPlainProxy = proxyUrl != null && !plain.secure();
            Headers h = headersFor(method, plain, requestHeaders, body, hopAuth, requestCookies, o.skipAutoHeaders,
                    viaPlainProxy ? proxyAuthorization : null, o.expect100);
            ConnectionKey key = new ConnectionKey(plain.host, plain.port, plain.secure() ? ssl : null, proxyUrl,
                    proxyUrl != null && plain.secure() ? proxyAuthorization : null);
            RequestInfo info = new RequestInfo(plain.toUri(), method, h.copy(),
                    url.withoutCredentials().toUri());
            Exchange.Hop hop = new Exchange.Hop(method, plain, viaPlainProxy ? plain.absoluteTarget() : plain.requestTarget(),
                    h, body, key, info);
            ClientResponse r = Exchange.send(this, hop, t, readTimeouts, traces, history);
            int status = r.status();
            boolean redirect = status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
            if (!allowRedirects || !redirect) {
                return finish(r, history, o);
            }
            String location = r.headers().get("Location");
            if (location == null) {
                location = r.headers().get("URI");
            }
            if (location == null) {
                return finish(r, history, o);
            }
            boolean toGet = status == 303 && !method.equals("HEAD") || (status == 301 || status == 302) && method.equals("POST");
            if (!toGet && body != null && !body.replayable()) {
                return finish(r, history, o); // a stream cannot be sent again: the caller sees the 307/308
            }
            HttpUrl next;
            try {
                next = url.resolve(location);
            } catch (InvalidUrl e) {
                r.release();
                throw new InvalidUrl(location, "the redirect of " + plain + " (" + status + ") cannot be followed: "
                        + e.getMessage());
            }
            if (history.size() >= maxRedirects) {
                r.release();
                history.add(r);
                r.history(history.subList(0, history.size() - 1));
                throw new TooManyRedirects(history.getFirst().requestInfo(), history);
            }
            if (!traces.isEmpty()) {
                traces.send(new TraceEvent.RequestRedirect(method, plain.toUri(), h.copy(), r));
            }
            drainAndRelease(r);
            r.history(history);
            history.add(r);
            if (toGet) {
                method = "GET";
                body = null;
                requestHeaders = requestHeaders.copy();
                requestHeaders.remove("Content-Type");
                requestHeaders.remove("Content-Length");
                requestHeaders.remove("Transfer-Encoding");
            }
            if (!url.sameOrigin(next)) {
                requestAuth = null;
                sameOriginAsFirst = false;
                requestCookies = Map.of();
                requestHeaders = requestHeaders.copy();
                requestHeaders.remove("Authorization");
                requestHeaders.remove("Cookie");
            }
            url = next;
        }
    }

    private ClientResponse finish(ClientResponse r, List<ClientResponse> history, RequestOptions o)
            throws ClientResponseError {
        r.history(history);
        if (o.raiseForStatus != null ? o.raiseForStatus : raiseForStatus) {
            r.raiseForStatus();
        }
        return r;
    }

    /**
     * Reads a redirect's body if it is small (up to 64 KiB), so that its connection can serve the
     * next hop, then releases it.
     */
    private static void drainAndRelease(ClientResponse r) {
        try {
            Long length = r.contentLength();
            if (length == null || length <= 64 * 1024) {
                long seen = 0;
                byte[] b;
                while (seen <= 64 * 1024 && (b = r.content().readAny()).length > 0) {
                    seen += b.length;
                }
            }
        } catch (ClientError e) {
            // The connection is gone with the error; the redirect is followed anyway.
        } finally {
            r.release();
        }
    }

    /** The complete headers of one hop, in aiohttp's order: Host, the user's, then the automatic ones. */
    private Headers headersFor(String method, HttpUrl url, Headers requestHeaders, RequestBody body, BasicAuth hopAuth,
            Map<String, String> requestCookies, Set<String> requestSkips, String proxyAuthorization, boolean expect100)
            throws ClientError {
        Headers h = new Headers();
        if (!requestHeaders.contains("Host")) {
            h.add("Host", url.hostHeader());
        }
        for (Map.Entry<String, String> e : requestHeaders) {
            h.add(e.getKey(), e.getValue());
        }
        auto(h, requestSkips, "User-Agent", USER_AGENT);
        auto(h, requestSkips, "Accept", "*/*");
        if (autoDecompress) {
            auto(h, requestSkips, "Accept-Encoding", "gzip, deflate");
        }
        String jar = cookieJar.cookieHeader(url);
        StringBuilder cookie = new StringBuilder(h.contains("Cookie") ? h.get("Cookie") : "");
        if (jar != null) {
            cookie.append(cookie.isEmpty() ? "" : "; ").append(jar);
        }
        for (Map.Entry<String, String> c : requestCookies.entrySet()) {
            cookie.append(cookie.isEmpty() ? "" : "; ").append(c.getKey()).append('=').append(CookieJar.quote(c.getValue()));
        }
        if (!cookie.isEmpty()) {
            h.set("Cookie", cookie.toString());
        }
        if (hopAuth != null) {
            h.set("Authorization", hopAuth.encode());
        }
        if (proxyAuthorization != null && !h.contains("Proxy-Authorization")) {
            h.add("Proxy-Authorization", proxyAuthorization);
        }
        if (body != null) {
            byte[] inMemory = body.inMemory(objectMapper);
            long length = inMemory != null ? inMemory.length : body.length();
            if (body.contentType() != null && !h.contains("Content-Type") && !skipped(requestSkips, "Content-Type")) {
                h.add("Content-Type", body.contentType());
            }
            if (length >= 0) {
                if (!h.contains("Content-Length")) {
                    h.add("Content-Length", Long.toString(length));
                }
                h.remove("Transfer-Encoding");
            } else {
                h.remove("Content-Length");
                h.set("Transfer-Encoding", "chunked");
            }
        } else if (!NO_BODY_METHODS.contains(method) && !h.contains("Content-Length") && !h.contains("Transfer-Encoding")) {
            h.add("Content-Length", "0");
        }
        if (expect100 && body != null && !h.contains("Expect")) {
            h.add("Expect", "100-continue");
        }
        if (connector.forceClose() && !h.contains("Connection")) {
            h.add("Connection", "close");
        }
        return h;
    }

    private void auto(Headers h, Set<String> requestSkips, String name, String value) {
        if (!h.contains(name) && !skipped(requestSkips, name)) {
            h.add(name, value);
        }
    }

    private boolean skipped(Set<String> requestSkips, String name) {
        if (requestSkips.isEmpty() && skipAutoHeaders.isEmpty()) {
            return false; // the common case: no lower-cased copy of the name
        }
        String n = name.toLowerCase(Locale.ROOT);
        return requestSkips.contains(n) || skipAutoHeaders.contains(n);
    }

    /** The session's default headers, with the request's replacing those of the same name. */
    private Headers mergeHeaders(Headers requestHeaders) {
        if (defaultHeaders.isEmpty()) {
            return requestHeaders.copy();
        }
        Headers merged = new Headers();
        for (Map.Entry<String, String> e : defaultHeaders) {
            if (!requestHeaders.contains(e.getKey())) {
                merged.add(e.getKey(), e.getValue());
            }
        }
        for (Map.Entry<String, String> e : requestHeaders) {
            merged.add(e.getKey(), e.getValue());
        }
        return merged;
    }

    private HttpUrl buildUrl(String url) throws InvalidUrl {
        HttpUrl u = urlCache.get(url);
        if (u == null) {
            u = baseUrl == null ? HttpUrl.parse(url) : baseUrl.resolve(url);
            if (url.length() <= 2048) {
                urlCache.put(url, u);
            }
        }
        return u;
    }

    private static HttpUrl parseProxy(String proxyUrl) throws InvalidUrl {
        HttpUrl p = HttpUrl.parse(proxyUrl);
        if (p.secure()) {
            throw new InvalidUrl(proxyUrl, "only http:// proxies are supported (the tunnel to an https URL is TLS"
                    + " end to end through them)");
        }
        return p;
    }

    private static String checkMethod(String method) {
        Objects.requireNonNull(method, "method");
        if (method.isEmpty()) {
            throw new IllegalArgumentException("the method is empty");
        }
        for (int i = 0; i < method.length(); i++) {
            char c = method.charAt(i);
            if (c <= 32 || c >= 127 || "()<>@,;:\\\"/[]?={}".indexOf(c) >= 0) {
                throw new IllegalArgumentException("not a valid HTTP method (a token): '" + method + "'");
            }
        }
        return method.toUpperCase(Locale.ROOT);
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    // ---- state ----

    /** The base URL relative request URLs are resolved against, or null. */
    public URI baseUrl() {
        return baseUrl == null ? null : baseUrl.toUri();
    }

    /** The default headers (a copy). */
    public Headers headers() {
        return defaultHeaders.copy();
    }

    /** The connector (the pool). */
    public TcpConnector connector() {
        return connector;
    }

    /** The cookie jar. */
    public CookieJar cookieJar() {
        return cookieJar;
    }

    /** The default timeouts. */
    public ClientTimeout timeout() {
        return timeout;
    }

    /** The JSON mapper of bodies and {@link ClientResponse#json()}. */
    public ObjectMapper objectMapper() {
        return objectMapper;
    }

    boolean autoDecompress() {
        return autoDecompress;
    }

    /** Whether the session is closed. */
    public boolean closed() {
        return closed;
    }

    /**
     * Closes the session and, if it owns it, its connector (every connection): requests in flight
     * fail, new ones are refused. Does not suspend. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (connectorOwner) {
            connector.close();
        }
    }

    /** {@link #close()}, then waits until the connector's connections are gone (aiohttp's {@code await session.close()}). */
    @Override
    public void aclose() {
        close();
        if (connectorOwner) {
            connector.aclose();
        }
    }

    @Override
    public String toString() {
        return "<ClientSession" + (baseUrl != null ? " baseUrl=" + baseUrl : "") + " " + connector
                + (closed ? " closed" : "") + ">";
    }

    /** Builds a {@link ClientSession}; every setting starts at aiohttp's default. */
    public static final class Builder {
        private HttpUrl baseUrl;
        private final Headers headers = new Headers();
        private TcpConnector connector;
        private boolean connectorOwner = true;
        private ClientTimeout timeout = ClientTimeout.DEFAULT;
        private CookieJar cookieJar;
        private final List<TraceConfig> traceConfigs = new ArrayList<>();
        private boolean raiseForStatus;
        private boolean autoDecompress = true;
        private ObjectMapper objectMapper = DEFAULT_MAPPER;
        private BasicAuth auth;
        private HttpUrl proxy;
        private BasicAuth proxyAuth;
        private final Set<String> skipAutoHeaders = new HashSet<>();

        private Builder() {}

        /**
         * Relative request URLs are resolved against {@code url} (RFC 3986: {@code "items"} under
         * its path, {@code "/items"} from its root); it must be absolute and its path end with '/'.
         *
         * @throws IllegalArgumentException when it is not such a URL
         */
        public Builder baseUrl(String url) {
            HttpUrl u;
            try {
                u = HttpUrl.parse(url);
            } catch (InvalidUrl e) {
                throw new IllegalArgumentException("baseUrl: " + e.getMessage(), e);
            }
            if (!u.rawPath.endsWith("/") || u.rawQuery != null || u.rawFragment != null) {
                throw new IllegalArgumentException("baseUrl must have a path ending with '/' and no query or fragment"
                        + " (so that relative URLs resolve under it), got " + url);
            }
            this.baseUrl = u;
            return this;
        }

        /** Adds a header sent with every request (a request's header of the same name replaces it). */
        public Builder header(String name, String value) {
            headers.add(name, value);
            return this;
        }

        /** Adds the headers of the map. */
        public Builder headers(Map<String, String> headers) {
            headers.forEach(this.headers::add);
            return this;
        }

        /** The connection pool (default: a {@link TcpConnector} of its own). */
        public Builder connector(TcpConnector connector) {
            this.connector = Objects.requireNonNull(connector, "connector");
            return this;
        }

        /** Whether closing the session closes the connector (default true, as aiohttp's). */
        public Builder connectorOwner(boolean owner) {
            this.connectorOwner = owner;
            return this;
        }

        /** The default timeouts (default {@link ClientTimeout#DEFAULT}: 300 s in total). */
        public Builder timeout(ClientTimeout timeout) {
            this.timeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /** The cookie jar (default: a new {@link CookieJar}; {@link CookieJar#dummy()} for none). */
        public Builder cookieJar(CookieJar cookieJar) {
            this.cookieJar = Objects.requireNonNull(cookieJar, "cookieJar");
            return this;
        }

        /** Adds a trace config. */
        public Builder traceConfig(TraceConfig config) {
            traceConfigs.add(Objects.requireNonNull(config, "config"));
            return this;
        }

        /** Whether every response of status 400 or more raises {@link ClientResponseError} (default false). */
        public Builder raiseForStatus(boolean raise) {
            this.raiseForStatus = raise;
            return this;
        }

        /** Whether gzip and deflate bodies are decoded (and Accept-Encoding sent); default true. */
        public Builder autoDecompress(boolean decompress) {
            this.autoDecompress = decompress;
            return this;
        }

        /** The Jackson mapper for JSON bodies and responses (default: a plain {@link ObjectMapper}). */
        public Builder objectMapper(ObjectMapper mapper) {
            this.objectMapper = Objects.requireNonNull(mapper, "mapper");
            return this;
        }

        /** Basic credentials sent with every request to the origin asked for (not after a redirect elsewhere). */
        public Builder auth(BasicAuth auth) {
            this.auth = auth;
            return this;
        }

        /**
         * A proxy for every request ({@code "http://proxy:3128"}); see {@link RequestOptions#proxy}.
         *
         * @throws IllegalArgumentException when it is not an http URL
         */
        public Builder proxy(String proxyUrl) {
            try {
                this.proxy = parseProxy(proxyUrl);
            } catch (InvalidUrl e) {
                throw new IllegalArgumentException("proxy: " + e.getMessage(), e);
            }
            return this;
        }

        /** Credentials for the proxy. */
        public Builder proxyAuth(BasicAuth auth) {
            this.proxyAuth = auth;
            return this;
        }

        /** Headers the client must not add by itself ({@code "User-Agent"}, {@code "Accept-Encoding"} ...). */
        public Builder skipAutoHeaders(String... names) {
            for (String n : names) {
                skipAutoHeaders.add(n.toLowerCase(Locale.ROOT));
            }
            return this;
        }

        /** The session. */
        public ClientSession build() {
            return new ClientSession(this);
        }
    }
}
