package io.jasyncio.http.client;

import io.jasyncio.AsyncIterable;
import io.jasyncio.http.protocol.Headers;
import io.jasyncio.net.TlsClientOptions;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Flow;

/**
 * The keyword arguments of aiohttp's {@code session.request(method, url, **kwargs)}, as a fluent
 * builder. Every setting is optional; unset ones take the session's.
 *
 * <pre>{@code
 * ClientResponse r = session.post("/items", RequestOptions.create()
 *         .param("dry_run", "1")                        // params=
 *         .header("X-Request-Id", id)                   // headers=
 *         .json(Map.of("name", "widget"))               // json=
 *         .timeout(ClientTimeout.ofTotal(10)));         // timeout=
 * }</pre>
 *
 * <p>Mutable, not thread-safe; a request reads it when it starts, so one options object may serve
 * several requests (except with a stream body, which can be sent once).
 */
public final class RequestOptions {
    /** aiohttp's {@code ssl=False}: no certificate or name check. */
    static final TlsClientOptions INSECURE_TLS =
            TlsClientOptions.defaults().insecureTrustAnyCertificate().insecureSkipHostnameVerification();

    final List<Map.Entry<String, String>> params = new ArrayList<>();
    final Headers headers = new Headers();
    final Set<String> skipAutoHeaders = new LinkedHashSet<>();
    final Map<String, String> cookies = new LinkedHashMap<>();
    RequestBody body;
    FormData formData;
    BasicAuth auth;
    Boolean allowRedirects;
    Integer maxRedirects;
    ClientTimeout timeout;
    TlsClientOptions ssl;
    String proxy;
    BasicAuth proxyAuth;
    Boolean raiseForStatus;
    Object traceRequestCtx;
    boolean expect100;

    /** Empty options. */
    public RequestOptions() {}

    /** Empty options, for chaining: {@code RequestOptions.create().param(...)}. */
    public static RequestOptions create() {
        return new RequestOptions();
    }

    /**
     * Adds a query parameter (aiohttp's {@code params=}); appended to the URL's own query, UTF-8
     * form-encoded. {@code value}: a String or a number.
     */
    public RequestOptions param(String name, Object value) {
        params.add(entry(Objects.requireNonNull(name, "name"), value));
        return this;
    }

    /**
     * Adds query parameters in the map's order; a value may be an {@link Iterable} for a repeated
     * parameter.
     */
    public RequestOptions params(Map<String, ?> params) {
        this.params.addAll(flatten(params));
        return this;
    }

    /** Adds a header (to the session's defaults; a name given here replaces the default's values). */
    public RequestOptions header(String name, String value) {
        headers.add(name, value);
        return this;
    }

    /** Adds every header of {@code headers}. */
    public RequestOptions headers(Headers headers) {
        for (Map.Entry<String, String> h : headers) {
            this.headers.add(h.getKey(), h.getValue());
        }
        return this;
    }

    /** Adds the headers of the map. */
    public RequestOptions headers(Map<String, String> headers) {
        headers.forEach(this.headers::add);
        return this;
    }

    /**
     * Headers the client must not add by itself (aiohttp's {@code skip_auto_headers}):
     * {@code "User-Agent"}, {@code "Accept"}, {@code "Accept-Encoding"}, {@code "Content-Type"}.
     */
    public RequestOptions skipAutoHeaders(String... names) {
        for (String n : names) {
            skipAutoHeaders.add(n.toLowerCase(Locale.ROOT));
        }
        return this;
    }

    /** The body (aiohttp's {@code data=}); replaces any other body. */
    public RequestOptions body(RequestBody body) {
        this.body = Objects.requireNonNull(body, "body");
        this.formData = null;
        return this;
    }

    /** {@code data} as the body ({@code application/octet-stream}). */
    public RequestOptions data(byte[] data) {
        return body(RequestBody.of(data));
    }

    /** {@code text} as the body ({@code text/plain; charset=utf-8}). */
    public RequestOptions data(String text) {
        return body(RequestBody.of(text));
    }

    /** Form fields as the body ({@code application/x-www-form-urlencoded}). */
    public RequestOptions form(Map<String, ?> fields) {
        return body(RequestBody.form(fields));
    }

    /** A form as the body: urlencoded, or multipart when it has files. */
    public RequestOptions form(FormData form) {
        this.formData = Objects.requireNonNull(form, "form");
        this.body = null;
        return this;
    }

    /** {@code value} as JSON (aiohttp's {@code json=}), with the session's {@code ObjectMapper}. */
    public RequestOptions json(Object value) {
        return body(RequestBody.json(value));
    }

    /** A stream of arrays as the body, sent chunked. */
    public RequestOptions body(AsyncIterable<byte[]> stream) {
        return body(RequestBody.stream(stream));
    }

    /** A {@link Flow.Publisher} of arrays as the body, sent chunked. */
    public RequestOptions body(Flow.Publisher<byte[]> publisher) {
        return body(RequestBody.publisher(publisher));
    }

    /** Adds cookies for this request only (to those of the session's jar). */
    public RequestOptions cookie(String name, String value) {
        cookies.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
        return this;
    }

    /** Basic credentials ({@code Authorization}); not with credentials in the URL nor an Authorization header. */
    public RequestOptions auth(BasicAuth auth) {
        this.auth = auth;
        return this;
    }

    /** Whether redirects are followed (default true). */
    public RequestOptions allowRedirects(boolean allow) {
        this.allowRedirects = allow;
        return this;
    }

    /**
     * The most redirects followed before {@link TooManyRedirects} (default 10).
     *
     * @throws IllegalArgumentException when negative
     */
    public RequestOptions maxRedirects(int max) {
        if (max < 0) {
            throw new IllegalArgumentException("maxRedirects must be >= 0, got " + max);
        }
        this.maxRedirects = max;
        return this;
    }

    /** The timeouts of this request (default: the session's). */
    public RequestOptions timeout(ClientTimeout timeout) {
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        return this;
    }

    /** TLS options for this request (default: the connector's); connections are not shared with other options. */
    public RequestOptions ssl(TlsClientOptions ssl) {
        this.ssl = Objects.requireNonNull(ssl, "ssl");
        return this;
    }

    /** {@code false}: aiohttp's {@code ssl=False}, no certificate or host name check; {@code true}: the defaults. */
    public RequestOptions ssl(boolean verify) {
        this.ssl = verify ? TlsClientOptions.defaults() : INSECURE_TLS;
        return this;
    }

    /**
     * An HTTP proxy ({@code "http://proxy:3128"}, credentials in it allowed): http URLs are
     * requested in absolute form through it, https ones through a CONNECT tunnel.
     */
    public RequestOptions proxy(String proxyUrl) {
        this.proxy = proxyUrl;
        return this;
    }

    /** Credentials for the proxy ({@code Proxy-Authorization}). */
    public RequestOptions proxyAuth(BasicAuth auth) {
        this.proxyAuth = auth;
        return this;
    }

    /** Whether a status of 400 or more raises {@link ClientResponseError} (default: the session's, false). */
    public RequestOptions raiseForStatus(boolean raise) {
        this.raiseForStatus = raise;
        return this;
    }

    /**
     * Sends {@code Expect: 100-continue} and the body only once the server answered 100 Continue
     * (aiohttp's {@code expect100=True}); a server that answers with a final status at once never
     * gets the body (and the connection is not reused).
     */
    public RequestOptions expect100(boolean expect) {
        this.expect100 = expect;
        return this;
    }

    /** An object handed to the trace listeners as {@link TraceContext#requestContext()}. */
    public RequestOptions traceRequestCtx(Object context) {
        this.traceRequestCtx = context;
        return this;
    }

    // ---- helpers ----

    /** The (name, value) pairs of a parameter map: Iterables repeat the name. */
    static List<Map.Entry<String, String>> flatten(Map<String, ?> map) {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        for (Map.Entry<String, ?> e : map.entrySet()) {
            Objects.requireNonNull(e.getKey(), "a parameter name is null");
            if (e.getValue() instanceof Iterable<?> many) {
                for (Object v : many) {
                    out.add(entry(e.getKey(), v));
                }
            } else {
                out.add(entry(e.getKey(), e.getValue()));
            }
        }
        return out;
    }

    private static Map.Entry<String, String> entry(String name, Object value) {
        if (value instanceof CharSequence || value instanceof Number) {
            return new AbstractMap.SimpleImmutableEntry<>(name, value.toString());
        }
        if (value instanceof Boolean) {
            throw new IllegalArgumentException("parameter '" + name + "': a boolean is not allowed as a value (as"
                    + " yarl's rule): pass \"true\"/\"false\" or \"1\"/\"0\" as the server expects");
        }
        throw new IllegalArgumentException("parameter '" + name + "': the value must be a String or a number, not "
                + (value == null ? "null" : value.getClass().getName()));
    }

    @Override
    public String toString() {
        return "<RequestOptions params=" + params.size() + " headers=" + headers.size()
                + (body != null ? " body=" + body : formData != null ? " form=" + formData : "") + ">";
    }
}
