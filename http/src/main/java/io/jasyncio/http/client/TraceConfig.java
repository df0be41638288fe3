package io.jasyncio.http.client;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Listeners for what a session does, so users can log and measure: aiohttp's {@code TraceConfig}.
 * Register listeners, then give the config to {@link ClientSession.Builder#traceConfig}:
 *
 * <pre>{@code
 * TraceConfig trace = new TraceConfig()
 *         .onConnectionCreateStart((ctx, e) -> ctx.put("t0", getRunningLoop().time()))
 *         .onConnectionCreateEnd((ctx, e) -> System.out.println("connect took "
 *                 + (getRunningLoop().time() - (double) ctx.get("t0"))))
 *         .onConnectionReuseconn((ctx, e) -> System.out.println("reused a connection"));
 * try (var session = ClientSession.builder().traceConfig(trace).build()) { ... }
 * }</pre>
 *
 * <p>Every request gets a fresh {@link TraceContext} per config, shared by that config's listeners.
 * Listeners run in the requesting task, in registration order; add them before the session is
 * used.
 */
public final class TraceConfig {
    /** (kind, listener) in registration order. */
    private final List<Entry> entries = new ArrayList<>();

    private record Entry(Class<? extends TraceEvent> kind, TraceListener<?> listener) {}

    /** An empty config. */
    public TraceConfig() {}

    private <E extends TraceEvent> TraceConfig add(Class<E> kind, TraceListener<? super E> listener) {
        entries.add(new Entry(kind, Objects.requireNonNull(listener, "listener")));
        return this;
    }

    /** Adds a listener for every event, whatever its kind. */
    public TraceConfig onAny(TraceListener<TraceEvent> listener) {
        return add(TraceEvent.class, listener);
    }

    /** aiohttp's {@code on_request_start}. */
    public TraceConfig onRequestStart(TraceListener<TraceEvent.RequestStart> listener) {
        return add(TraceEvent.RequestStart.class, listener);
    }

    /** aiohttp's {@code on_request_headers_sent}. */
    public TraceConfig onRequestHeadersSent(TraceListener<TraceEvent.RequestHeadersSent> listener) {
        return add(TraceEvent.RequestHeadersSent.class, listener);
    }

    /** aiohttp's {@code on_request_chunk_sent}. */
    public TraceConfig onRequestChunkSent(TraceListener<TraceEvent.RequestChunkSent> listener) {
        return add(TraceEvent.RequestChunkSent.class, listener);
    }

    /** aiohttp's {@code on_request_redirect}. */
    public TraceConfig onRequestRedirect(TraceListener<TraceEvent.RequestRedirect> listener) {
        return add(TraceEvent.RequestRedirect.class, listener);
    }

    /** aiohttp's {@code on_request_end}. */
    public TraceConfig onRequestEnd(TraceListener<TraceEvent.RequestEnd> listener) {
        return add(TraceEvent.RequestEnd.class, listener);
    }

    /** aiohttp's {@code on_request_exception}. */
    public TraceConfig onRequestException(TraceListener<TraceEvent.RequestException> listener) {
        return add(TraceEvent.RequestException.class, listener);
    }

    /** aiohttp's {@code on_response_chunk_received}. */
    public TraceConfig onResponseChunkReceived(TraceListener<TraceEvent.ResponseChunkReceived> listener) {
        return add(TraceEvent.ResponseChunkReceived.class, listener);
    }

    /** aiohttp's {@code on_connection_queued_start}. */
    public TraceConfig onConnectionQueuedStart(TraceListener<TraceEvent.ConnectionQueuedStart> listener) {
        return add(TraceEvent.ConnectionQueuedStart.class, listener);
    }

    /** aiohttp's {@code on_connection_queued_end}. */
    public TraceConfig onConnectionQueuedEnd(TraceListener<TraceEvent.ConnectionQueuedEnd> listener) {
        return add(TraceEvent.ConnectionQueuedEnd.class, listener);
    }

    /** aiohttp's {@code on_connection_create_start}. */
    public TraceConfig onConnectionCreateStart(TraceListener<TraceEvent.ConnectionCreateStart> listener) {
        return add(TraceEvent.ConnectionCreateStart.class, listener);
    }

    /** aiohttp's {@code on_connection_create_end}. */
    public TraceConfig onConnectionCreateEnd(TraceListener<TraceEvent.ConnectionCreateEnd> listener) {
        return add(TraceEvent.ConnectionCreateEnd.class, listener);
    }

    /** aiohttp's {@code on_connection_reuseconn}. */
    public TraceConfig onConnectionReuseconn(TraceListener<TraceEvent.ConnectionReuseconn> listener) {
        return add(TraceEvent.ConnectionReuseconn.class, listener);
    }

    /** aiohttp's {@code on_dns_resolvehost_start}. */
    public TraceConfig onDnsResolveHostStart(TraceListener<TraceEvent.DnsResolveHostStart> listener) {
        return add(TraceEvent.DnsResolveHostStart.class, listener);
    }

    /** aiohttp's {@code on_dns_resolvehost_end}. */
    public TraceConfig onDnsResolveHostEnd(TraceListener<TraceEvent.DnsResolveHostEnd> listener) {
        return add(TraceEvent.DnsResolveHostEnd.class, listener);
    }

    /** aiohttp's {@code on_dns_cache_hit}. */
    public TraceConfig onDnsCacheHit(TraceListener<TraceEvent.DnsCacheHit> listener) {
        return add(TraceEvent.DnsCacheHit.class, listener);
    }

    /** aiohttp's {@code on_dns_cache_miss}. */
    public TraceConfig onDnsCacheMiss(TraceListener<TraceEvent.DnsCacheMiss> listener) {
        return add(TraceEvent.DnsCacheMiss.class, listener);
    }

    /** Whether some listener wants {@code event}'s kind. */
    boolean wants(Class<? extends TraceEvent> kind) {
        for (Entry e : entries) {
            if (e.kind.isAssignableFrom(kind)) {
                return true;
            }
        }
        return false;
    }

    /** Calls the listeners of {@code event}'s kind, in registration order. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    void dispatch(TraceContext context, TraceEvent event) throws Exception {
        for (Entry e : entries) {
            if (e.kind.isInstance(event)) {
                ((TraceListener) e.listener).on(context, event);
            }
        }
    }

    @Override
    public String toString() {
        return "<TraceConfig listeners=" + entries.size() + ">";
    }
}
