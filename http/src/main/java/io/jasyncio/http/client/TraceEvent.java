package io.jasyncio.http.client;

import io.jasyncio.http.protocol.Headers;
import java.net.URI;

/**
 * What a {@link TraceConfig} listener is told: aiohttp's {@code Trace...Params} classes, one record
 * each. Sealed, so one listener can switch over every kind.
 */
public sealed interface TraceEvent {

    /** A request begins ({@code on_request_start}); {@code url} has the query parameters. */
    record RequestStart(String method, URI url, Headers headers) implements TraceEvent {}

    /** The request's head was written ({@code on_request_headers_sent}). */
    record RequestHeadersSent(String method, URI url, Headers headers) implements TraceEvent {}

    /** A piece of the request body was written ({@code on_request_chunk_sent}). */
    record RequestChunkSent(String method, URI url, byte[] chunk) implements TraceEvent {}

    /** A redirect response is about to be followed ({@code on_request_redirect}). */
    record RequestRedirect(String method, URI url, Headers headers, ClientResponse response) implements TraceEvent {}

    /** The final response's head arrived ({@code on_request_end}). */
    record RequestEnd(String method, URI url, Headers headers, ClientResponse response) implements TraceEvent {}

    /** The request failed, cancelled included ({@code on_request_exception}). */
    record RequestException(String method, URI url, Headers headers, Throwable exception) implements TraceEvent {}

    /** A piece of the response body was read, decoded ({@code on_response_chunk_received}). */
    record ResponseChunkReceived(String method, URI url, byte[] chunk) implements TraceEvent {}

    /** The request waits for a pool slot ({@code on_connection_queued_start}). */
    record ConnectionQueuedStart() implements TraceEvent {}

    /** The request got its pool slot ({@code on_connection_queued_end}). */
    record ConnectionQueuedEnd() implements TraceEvent {}

    /** A new connection is being opened ({@code on_connection_create_start}). */
    record ConnectionCreateStart() implements TraceEvent {}

    /** The new connection is open, TLS and proxy tunnel included ({@code on_connection_create_end}). */
    record ConnectionCreateEnd() implements TraceEvent {}

    /** An idle pooled connection is reused ({@code on_connection_reuseconn}). */
    record ConnectionReuseconn() implements TraceEvent {}

    /** A host name is being resolved ({@code on_dns_resolvehost_start}). */
    record DnsResolveHostStart(String host) implements TraceEvent {}

    /** A host name was resolved ({@code on_dns_resolvehost_end}). */
    record DnsResolveHostEnd(String host) implements TraceEvent {}

    /** The connector's DNS cache had the host ({@code on_dns_cache_hit}). */
    record DnsCacheHit(String host) implements TraceEvent {}

    /** The connector's DNS cache did not have the host ({@code on_dns_cache_miss}). */
    record DnsCacheMiss(String host) implements TraceEvent {}
}
