package io.jasyncio.http.client;

import java.util.HashMap;
import java.util.Map;

/**
 * The state one request shares among the listeners of one {@link TraceConfig}: aiohttp's
 * {@code trace_config_ctx} (a {@code SimpleNamespace}). Listeners keep what they measure in it:
 *
 * <pre>{@code
 * new TraceConfig()
 *     .onRequestStart((ctx, e) -> ctx.put("start", loop.time()))
 *     .onRequestEnd((ctx, e) -> log(e.url() + " took " + (loop.time() - (double) ctx.get("start"))));
 * }</pre>
 */
public final class TraceContext {
    private final ClientSession session;
    private final Object requestContext;
    private final Map<String, Object> values = new HashMap<>();

    TraceContext(ClientSession session, Object requestContext) {
        this.session = session;
        this.requestContext = requestContext;
    }

    /** The session making the request. */
    public ClientSession session() {
        return session;
    }

    /**
     * What the request passed as {@link RequestOptions#traceRequestCtx(Object)} (aiohttp's
     * {@code trace_request_ctx}), or null.
     */
    public Object requestContext() {
        return requestContext;
    }

    /** Stores {@code value} under {@code key}; returns the previous value or null. */
    public Object put(String key, Object value) {
        return values.put(key, value);
    }

    /** The value under {@code key}, or null. */
    public Object get(String key) {
        return values.get(key);
    }

    @Override
    public String toString() {
        return "<TraceContext " + values + ">";
    }
}
