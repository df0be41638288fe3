package io.jasyncio.http.client;

import io.jasyncio.AsyncCloseable;
import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.Task;
import io.jasyncio.TimerHandle;
import io.jasyncio.http.protocol.Headers;
import io.jasyncio.http.protocol.HttpEvent;
import io.jasyncio.http.protocol.HttpLimits;
import io.jasyncio.http.protocol.HttpParseException;
import io.jasyncio.http.protocol.HttpVersion;
import io.jasyncio.http.protocol.HttpWriter;
import io.jasyncio.http.protocol.RequestHead;
import io.jasyncio.http.protocol.ResponseHead;
import io.jasyncio.net.SslCertVerificationError;
import io.jasyncio.net.StreamConnection;
import io.jasyncio.net.TlsClientOptions;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import javax.net.ssl.SSLException;

/**
 * The connection pool of a {@link ClientSession}: aiohttp's {@code TCPConnector}. It opens
 * connections (TCP, TLS, through proxies), keeps HTTP/1.1 connections alive between requests and
 * limits how many are in use.
 *
 * <pre>{@code
 * TcpConnector connector = TcpConnector.builder()
 *         .limit(20)                 // connections in use at once, all hosts (0: no limit)
 *         .limitPerHost(4)           // per host, port and TLS setting (0: no limit)
 *         .keepaliveTimeout(15)      // seconds an idle connection is kept
 *         .build();
 * try (var session = ClientSession.builder().connector(connector).build()) { ... }
 * }</pre>
 *
 * <p><b>Limits.</b> A request takes a <em>slot</em> before it reuses or opens a connection and gives
 * it back when its connection is released; requests over the limits wait in FIFO order (traced as
 * "connection queued"). Slots count connections in use and connections being opened, as aiohttp's;
 * idle connections do not, but the oldest idle ones are closed when opening a new connection would
 * make the open connections more than {@code limit}.
 *
 * <p><b>Reuse.</b> A connection goes back to the pool only after its response was read to the end,
 * its request written completely, the parser is at a message boundary and neither side asked to
 * close. A response released before its end closes its connection (aiohttp's rule): a
 * half-read connection is never handed out. Idle connections are closed after
 * {@code keepaliveTimeout}, and a connection the server closed while idle is dropped when found.
 *
 * <p><b>Cancellation.</b> A request cancelled (or timed out) at any point gives back everything it
 * holds: a queued request leaves the queue (passing on a slot it was handed in the meantime), a
 * connection being opened is closed, a connection in the middle of an exchange is aborted. The
 * counters of {@link #statistics()} say so.
 *
 * <p>Loop-affine: used from the loop of its first request.
 */
public final class TcpConnector implements AutoCloseable, AsyncCloseable {

    /*
     * Overview.
     *
     * Slots. `acquired` counts slots held: by requests holding a connection, by requests opening
     * one, and by queued requests a slot was handed to but that have not resumed yet.
     * acquiredPerHost counts the same per key. Invariants: acquired <= limit (limit > 0),
     * acquiredPerHost[k] <= limitPerHost (limitPerHost > 0), and no waiter is queued whose key has
     * room (dispatch() runs after every release and hands slots over in FIFO order). A slot handed
     * to a waiter is taken on its behalf (counted) before its future is completed, so no newcomer
     * can barge into it; a waiter cancelled after the hand-over gives it back (the WaitQueue
     * protocol, bpo-27585).
     *
     * Connections. `inUse` holds the connections handed to requests; `idle` the pooled ones per
     * key, most recently used first (taken from the front, expired from the back). A connection is
     * in at most one of them, and in neither once closed.
     */

    private final int limit;
    private final int limitPerHost;
    private final double keepaliveTimeout;
    private final boolean forceClose;
    private final TlsClientOptions ssl;
    private final ConnectionOpener opener;
    private final HttpLimits limits;
    private final boolean useDnsCache;
    private final Double ttlDnsCache;

    private EventLoop loop;
    private boolean closed;
    /** Slots held, in total and per key. */
    private int acquired;
    private final Map<ConnectionKey, Integer> acquiredPerHost = new HashMap<>();
    /** Requests waiting for a slot, FIFO. */
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    /** Connections handed to requests. */
    private final Set<HttpConnection> inUse = new LinkedHashSet<>();
    /** Idle connections per key, most recent first. */
    private final Map<ConnectionKey, ArrayDeque<HttpConnection>> idle = new HashMap<>();
    private int idleCount;
    /** The timer closing expired idle connections, or null. */
    private TimerHandle cleanupTimer;
    /** The loop time the cleanup timer was set for (its clock may read a hair earlier when it fires). */
    private double cleanupWhen;
    /** Connections closed by close(), for aclose() to wait for. */
    private final List<HttpConnection> closing = new ArrayList<>();
    private long created;
    private long reused;
    /** The DNS cache: host to addresses and expiry (loop time). */
    private final Map<String, DnsEntry> dnsCache = new HashMap<>();
    /** Lookups in progress, shared by the requests for the same host. */
    private final Map<String, Task<List<String>>> dnsInFlight = new HashMap<>();

    private record Waiter(ConnectionKey key, Future<Void> future) {}

    private record DnsEntry(List<String> addresses, double expires) {}

    /**
     * What the pool holds now.
     *
     * @param acquired slots in use: connections handed to requests and connections being opened
     * @param idle connections kept alive in the pool
     * @param waiting requests queued for a slot
     * @param created connections opened since the connector was made
     * @param reused requests that got an idle connection instead of a new one
     */
    public record Statistics(int acquired, int idle, int waiting, long created, long reused) {}

    private TcpConnector(Builder b) {
        this.limit = b.limit;
        this.limitPerHost = b.limitPerHost;
        this.keepaliveTimeout = b.keepaliveTimeout;
        this.forceClose = b.forceClose;
        this.ssl = b.ssl;
        this.opener = b.opener;
        this.limits = b.limits;
        this.useDnsCache = b.useDnsCache;
        this.ttlDnsCache = b.ttlDnsCache;
    }

    /** A connector with aiohttp's defaults: limit 100, no per-host limit, 15 s keep-alive, TLS verified. */
    public static TcpConnector create() {
        return builder().build();
    }

    /** A builder starting from aiohttp's defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** The most connections in use at once (0: no limit). */
    public int limit() {
        return limit;
    }

    /** The most connections in use at once per host, port and TLS setting (0: no limit). */
    public int limitPerHost() {
        return limitPerHost;
    }

    /** Whether {@link #close()} was called. */
    public boolean closed() {
        return closed;
    }

    /** Whether connections are closed after each response ({@code Connection: close} is sent). */
    public boolean forceClose() {
        return forceClose;
    }

    /** The TLS options of https requests that bring none of their own. */
    TlsClientOptions ssl() {
        return ssl;
    }

    /** The loop the connector is bound to (null before its first request). */
    EventLoop loop() {
        return loop;
    }

    /** The parser limits of responses. */
    HttpLimits limits() {
        return limits;
    }

    /** The pool's counters now. */
    public Statistics statistics() {
        return new Statistics(acquired, idleCount, waiters.size(), created, reused);
    }

    /** Forgets the cached DNS answers (aiohttp's {@code clear_dns_cache()}). */
    public void clearDnsCache() {
        dnsCache.clear();
    }

    // ---- acquiring ----

    /**
     * Gets a connection for {@code key}: waits for a slot, then reuses an idle connection or opens
     * one (within {@code sockConnect} seconds). The caller owns the result until it calls
     * {@link #release} or {@link #discard}.
     */
    HttpConnection acquire(ConnectionKey key, Traces traces, Double sockConnect, RequestInfo info) throws ClientError {
        bind();
        if (closed) {
            throw new ClientConnectionError("Connector is closed");
        }
        acquireSlot(key, traces);
        HttpConnection conn = null;
        try {
            conn = takeIdle(key);
            if (conn != null) {
                inUse.add(conn);
                reused++;
                if (!traces.isEmpty()) {
                    traces.send(new TraceEvent.ConnectionReuseconn());
                }
                return conn;
            }
            if (!traces.isEmpty()) {
                traces.send(new TraceEvent.ConnectionCreateStart());
            }
            evictIdleOverLimit();
            conn = Deadlines.within(Deadlines.after(sockConnect), e -> new ConnectionTimeoutError(
                    "Connection timeout to host " + key + ": sockConnect of " + sockConnect + " s expired", e),
                    () -> open(key, traces, info));
            inUse.add(conn);
            created++;
            if (closed) {
                throw new ClientConnectionError("Connector is closed");
            }
            if (!traces.isEmpty()) {
                traces.send(new TraceEvent.ConnectionCreateEnd());
            }
            return conn;
        } catch (Throwable e) {
            if (conn != null) {
                inUse.remove(conn);
                conn.abort();
            }
            releaseSlot(key);
            throw e;
        }
    }

    /** Waits for a slot for {@code key} (FIFO); on cancellation holds none. */
    private void acquireSlot(ConnectionKey key, Traces traces) {
        if (hasRoom(key)) {
            take(key);
            return;
        }
        Waiter w = new Waiter(key, loop.createFuture());
        waiters.add(w);
        try {
            if (!traces.isEmpty()) {
                traces.send(new TraceEvent.ConnectionQueuedStart());
            }
            w.future.await();
        } catch (Throwable e) {
            boolean queued = waiters.remove(w);
            if (!queued && w.future.done() && !w.future.cancelled() && w.future.exception() == null) {
                // The slot was handed over, then this request was cancelled before it resumed.
                releaseSlot(key);
            }
            throw e;
        }
        try {
            if (!traces.isEmpty()) {
                traces.send(new TraceEvent.ConnectionQueuedEnd());
            }
        } catch (Throwable e) {
            releaseSlot(key);
            throw e;
        }
    }

    private boolean hasRoom(ConnectionKey key) {
        return (limit <= 0 || acquired < limit)
                && (limitPerHost <= 0 || acquiredPerHost.getOrDefault(key, 0) < limitPerHost);
    }

    private void take(ConnectionKey key) {
        acquired++;
        acquiredPerHost.merge(key, 1, Integer::sum);
    }

    private void releaseSlot(ConnectionKey key) {
        acquired--;
        acquiredPerHost.computeIfPresent(key, (k, n) -> n == 1 ? null : n - 1);
        dispatch();
    }

    /** Hands free slots to the queued requests that fit, oldest first. */
    private void dispatch() {
        for (Iterator<Waiter> it = waiters.iterator(); it.hasNext() && (limit <= 0 || acquired < limit); ) {
            Waiter w = it.next();
            if (w.future.done()) {
                continue; // cancelled: its own handler removes it
            }
            if (hasRoom(w.key)) {
                it.remove();
                take(w.key);
                w.future.setResult(null);
            }
        }
    }

    private HttpConnection takeIdle(ConnectionKey key) {
        ArrayDeque<HttpConnection> list = idle.get(key);
        if (list == null) {
            return null;
        }
        double now = loop.time();
        while (!list.isEmpty()) {
            HttpConnection c = list.pollFirst();
            idleCount--;
            c.idle = false;
            if (c.idleSince + keepaliveTimeout <= now || !c.usable()) {
                c.close();
                continue;
            }
            if (list.isEmpty()) {
                idle.remove(key);
            }
            return c;
        }
        idle.remove(key);
        return null;
    }

    /** Closes the oldest idle connections while the open ones would be more than {@code limit}. */
    private void evictIdleOverLimit() {
        if (limit <= 0) {
            return;
        }
        while (idleCount > 0 && acquired + idleCount > limit) {
            HttpConnection oldest = null;
            for (ArrayDeque<HttpConnection> list : idle.values()) {
                HttpConnection c = list.peekLast();
                if (c != null && (oldest == null || c.idleSince < oldest.idleSince)) {
                    oldest = c;
                }
            }
            removeIdle(oldest);
            oldest.close();
        }
    }

    private void removeIdle(HttpConnection c) {
        ArrayDeque<HttpConnection> list = idle.get(c.key);
        if (list != null && list.remove(c)) {
            idleCount--;
            c.idle = false;
            if (list.isEmpty()) {
                idle.remove(c.key);
            }
        }
    }

    // ---- releasing ----

    /**
     * Gives back a connection whose exchange is complete: into the pool when it may be reused
     * ({@code reusable}, nothing asks to close, the connector is open), otherwise closed
     * gracefully. Frees the slot. Idempotent. Never suspends.
     */
    void release(HttpConnection conn, boolean reusable) {
        if (!inUse.remove(conn)) {
            return;
        }
        if (reusable && !closed && !forceClose && keepaliveTimeout > 0 && conn.usable()) {
            conn.served++;
            conn.idle = true;
            conn.idleSince = loop.time();
            idle.computeIfAbsent(conn.key, k -> new ArrayDeque<>()).addFirst(conn);
            idleCount++;
            scheduleCleanup();
        } else {
            conn.close();
        }
        releaseSlot(conn.key);
    }

    /**
     * Gives back a connection left in the middle of an exchange: aborted, never reused. Frees the
     * slot. Idempotent. Never suspends.
     */
    void discard(HttpConnection conn) {
        conn.abort();
        if (inUse.remove(conn)) {
            releaseSlot(conn.key);
        }
    }

    private void scheduleCleanup() {
        if (cleanupTimer != null || idleCount == 0) {
            return;
        }
        double oldest = Double.MAX_VALUE;
        for (ArrayDeque<HttpConnection> list : idle.values()) {
            HttpConnection c = list.peekLast();
            if (c != null) {
                oldest = Math.min(oldest, c.idleSince);
            }
        }
        cleanupWhen = oldest + keepaliveTimeout;
        cleanupTimer = loop.callAt(cleanupWhen, this::cleanup);
    }

    /** Closes the idle connections past their keep-alive time (aiohttp's {@code _cleanup}). */
    private void cleanup() {
        cleanupTimer = null;
        double now = Math.max(loop.time(), cleanupWhen);
        for (Iterator<ArrayDeque<HttpConnection>> lists = idle.values().iterator(); lists.hasNext(); ) {
            ArrayDeque<HttpConnection> list = lists.next();
            while (!list.isEmpty() && (list.peekLast().idleSince + keepaliveTimeout <= now || !list.peekLast().usable())) {
                HttpConnection c = list.pollLast();
                idleCount--;
                c.idle = false;
                c.close();
            }
            if (list.isEmpty()) {
                lists.remove();
            }
        }
        scheduleCleanup();
    }

    // ---- opening ----

    private HttpConnection open(ConnectionKey key, Traces traces, RequestInfo info) throws ClientError {
        if (key.proxy() != null) {
            return openThroughProxy(key, traces, info);
        }
        List<String> addresses;
        try {
            addresses = resolve(key.host(), traces);
        } catch (IOException e) {
            throw new ClientConnectorError(key.host(), key.port(), key.isTls(), e);
        }
        TlsClientOptions tls = tlsFor(key);
        IOException last = null;
        for (String address : addresses) {
            try {
                return new HttpConnection(key, opener.open(address, key.port(), tls), limits);
            } catch (SslCertVerificationError e) {
                throw new ClientConnectorCertificateError(key.host(), key.port(), e);
            } catch (SSLException e) {
                throw new ClientConnectorSSLError(key.host(), key.port(), e);
            } catch (IOException e) {
                last = e;
            }
        }
        throw new ClientConnectorError(key.host(), key.port(), key.isTls(), last);
    }

    /** The TLS options of {@code key} naming the URL's host (SNI, verification) when they name none. */
    private static TlsClientOptions tlsFor(ConnectionKey key) {
        TlsClientOptions tls = key.tls();
        if (tls != null && tls.serverHostname() == null && !HttpUrl.isIpAddress(key.host())) {
            tls = tls.withServerHostname(key.host());
        }
        return tls;
    }

    /**
     * A connection through {@code key.proxy()}: the proxy connection itself for http (requests then
     * use the absolute form), or a CONNECT tunnel with TLS inside for https.
     */
    private HttpConnection openThroughProxy(ConnectionKey key, Traces traces, RequestInfo info) throws ClientError {
        HttpUrl proxy = key.proxy();
        StreamConnection stream = null;
        try {
            IOException last = null;
            for (String address : resolve(proxy.host, traces)) {
                try {
                    stream = opener.open(address, proxy.port, null);
                    break;
                } catch (IOException e) {
                    last = e;
                }
            }
            if (stream == null) {
                throw last;
            }
        } catch (IOException e) {
            throw new ClientProxyConnectionError(proxy.host, proxy.port, e);
        }
        HttpConnection conn = new HttpConnection(key, stream, limits);
        if (!key.tunnel()) {
            return conn;
        }
        try {
            String authority = (key.host().indexOf(':') >= 0 ? "[" + key.host() + "]" : key.host()) + ":" + key.port();
            Headers headers = new Headers().add("Host", authority);
            if (key.proxyAuthorization() != null) {
                headers.add("Proxy-Authorization", key.proxyAuthorization());
            }
            stream.writer().write(HttpWriter.encodeRequestHead(new RequestHead("CONNECT", authority, HttpVersion.HTTP_1_1,
                    headers)));
            conn.parser.expectResponseTo("CONNECT");
            ResponseHead head;
            try {
                head = Exchange.readHead(conn, ReadTimeouts.NONE, null);
                HttpEvent end;
                while (!((end = conn.parser.next()) instanceof HttpEvent.End)) {
                    if (end instanceof HttpEvent.NeedData) {
                        throw new HttpParseException(502, "the proxy's answer to CONNECT did not end");
                    }
                }
            } catch (HttpParseException e) {
                throw new ClientHttpProxyError(info, List.of(), 400, "Bad response from the proxy to CONNECT: "
                        + e.getMessage(), null);
            }
            if (head.status() / 100 != 2) {
                throw new ClientHttpProxyError(info, List.of(), head.status(), head.reason(), head.headers());
            }
            if (conn.parser.takeBuffered().length > 0) {
                throw new ClientHttpProxyError(info, List.of(), head.status(),
                        "the proxy sent data before the TLS handshake", head.headers());
            }
            try {
                stream.writer().startTls(tlsFor(key));
            } catch (SslCertVerificationError e) {
                throw new ClientConnectorCertificateError(key.host(), key.port(), e);
            } catch (SSLException e) {
                throw new ClientConnectorSSLError(key.host(), key.port(), e);
            } catch (IOException e) {
                throw new ClientConnectorError(key.host(), key.port(), true, e);
            }
            return new HttpConnection(key, stream, limits);
        } catch (Throwable e) {
            conn.abort();
            throw e;
        }
    }

    /** The addresses of {@code host}, through the DNS cache, traced. */
    private List<String> resolve(String host, Traces traces) throws IOException {
        if (!opener.resolves() || HttpUrl.isIpAddress(host)) {
            return opener.resolve(host);
        }
        if (useDnsCache) {
            DnsEntry entry = dnsCache.get(host);
            if (entry != null && (ttlDnsCache == null || entry.expires > loop.time())) {
                if (!traces.isEmpty()) {
                    traces.send(new TraceEvent.DnsCacheHit(host));
                }
                return entry.addresses;
            }
            if (!traces.isEmpty()) {
                traces.send(new TraceEvent.DnsCacheMiss(host));
            }
        }
        if (!traces.isEmpty()) {
            traces.send(new TraceEvent.DnsResolveHostStart(host));
        }
        List<String> addresses;
        if (useDnsCache) {
            Task<List<String>> lookup = dnsInFlight.get(host);
            if (lookup == null) {
                // One lookup per host, shared; it outlives a cancelled requester (shield) and fills the cache.
                lookup = Asyncio.createTask(() -> opener.resolve(host), "dns " + host);
                dnsInFlight.put(host, lookup);
                lookup.addDoneCallback(f -> {
                    dnsInFlight.remove(host);
                    if (!f.cancelled() && f.exception() == null) {
                        dnsCache.put(host, new DnsEntry(f.result(),
                                ttlDnsCache == null ? Double.MAX_VALUE : loop.time() + ttlDnsCache));
                    }
                });
            }
            addresses = Asyncio.shield(lookup).await();
        } else {
            addresses = opener.resolve(host);
        }
        if (addresses.isEmpty()) {
            throw new java.net.UnknownHostException(host + ": no address");
        }
        if (!traces.isEmpty()) {
            traces.send(new TraceEvent.DnsResolveHostEnd(host));
        }
        return addresses;
    }

    // ---- closing ----

    /**
     * Closes every connection, idle and in use (requests using one fail), and fails the queued
     * requests with a {@link ClientConnectionError}. Does not wait; {@link #aclose()} does.
     * Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (cleanupTimer != null) {
            cleanupTimer.cancel();
            cleanupTimer = null;
        }
        for (ArrayDeque<HttpConnection> list : idle.values()) {
            for (HttpConnection c : list) {
                c.idle = false;
                c.close();
                closing.add(c);
            }
        }
        idle.clear();
        idleCount = 0;
        for (HttpConnection c : List.copyOf(inUse)) {
            c.abort(); // the request owning it still releases it, which frees its slot
        }
        for (Waiter w : waiters) {
            if (!w.future.done()) {
                w.future.setException(new ClientConnectionError("Connector is closed"));
            }
        }
        waiters.clear();
        for (Task<?> t : List.copyOf(dnsInFlight.values())) {
            t.cancel();
        }
    }

    /**
     * {@link #close()}, then waits until the connections closed gracefully are gone (for TLS: the
     * close_notify exchange, at most the options' shutdown timeout).
     */
    @Override
    public void aclose() {
        close();
        List<HttpConnection> waiting = List.copyOf(closing);
        closing.clear();
        for (HttpConnection c : waiting) {
            try {
                c.stream.writer().waitClosed();
            } catch (IOException e) {
                // Closing anyway: a broken connection is as closed as a clean one.
            }
        }
    }

    private void bind() {
        EventLoop running = Asyncio.getRunningLoop();
        if (loop == null) {
            loop = running;
        } else if (loop != running) {
            throw new IllegalStateException(this + " is used by another event loop than its first one: a connector"
                    + " (and its session) belongs to one loop");
        }
    }

    @Override
    public String toString() {
        return "<TcpConnector limit=" + limit + " limitPerHost=" + limitPerHost + " acquired=" + acquired + " idle="
                + idleCount + " waiting=" + waiters.size() + (closed ? " closed" : "") + ">";
    }

    /** Builds a {@link TcpConnector}; every setting starts at aiohttp's default. */
    public static final class Builder {
        private int limit = 100;
        private int limitPerHost = 0;
        private double keepaliveTimeout = 15.0;
        private boolean forceClose;
        private TlsClientOptions ssl = TlsClientOptions.defaults();
        private ConnectionOpener opener = ConnectionOpener.tcp();
        private HttpLimits limits = HttpLimits.defaults();
        private boolean useDnsCache = true;
        private Double ttlDnsCache = 10.0;

        private Builder() {}

        /**
         * The most connections in use at once (default 100; 0: no limit).
         *
         * @throws IllegalArgumentException when negative
         */
        public Builder limit(int limit) {
            if (limit < 0) {
                throw new IllegalArgumentException("limit must be >= 0 (0: no limit), got " + limit);
            }
            this.limit = limit;
            return this;
        }

        /**
         * The most connections in use at once per host, port and TLS setting (default 0: no limit).
         *
         * @throws IllegalArgumentException when negative
         */
        public Builder limitPerHost(int limitPerHost) {
            if (limitPerHost < 0) {
                throw new IllegalArgumentException("limitPerHost must be >= 0 (0: no limit), got " + limitPerHost);
            }
            this.limitPerHost = limitPerHost;
            return this;
        }

        /**
         * Seconds an idle connection is kept for reuse (default 15; 0: never kept).
         *
         * @throws IllegalArgumentException when negative or NaN
         */
        public Builder keepaliveTimeout(double seconds) {
            if (!(seconds >= 0)) {
                throw new IllegalArgumentException("keepaliveTimeout must be >= 0 seconds, got " + seconds);
            }
            this.keepaliveTimeout = seconds;
            return this;
        }

        /** Closes every connection after its response instead of keeping it (default false). */
        public Builder forceClose(boolean forceClose) {
            this.forceClose = forceClose;
            return this;
        }

        /**
         * The TLS options for https URLs (default {@link TlsClientOptions#defaults()}: the JDK's
         * trust store, host names verified). A custom trust store:
         * {@code TlsClientOptions.defaults().withTrustedCertificates(Path.of("ca.pem"))}.
         */
        public Builder ssl(TlsClientOptions ssl) {
            this.ssl = Objects.requireNonNull(ssl, "ssl");
            return this;
        }

        /**
         * {@code false}: aiohttp's {@code ssl=False}, https without any verification (any
         * certificate, any name) — for tests and known hosts only; {@code true}: the defaults.
         */
        public Builder ssl(boolean verify) {
            this.ssl = verify ? TlsClientOptions.defaults() : RequestOptions.INSECURE_TLS;
            return this;
        }

        /** How connections are opened (default {@link ConnectionOpener#tcp()}); tests pass an in-memory one. */
        public Builder opener(ConnectionOpener opener) {
            this.opener = Objects.requireNonNull(opener, "opener");
            return this;
        }

        /** The limits the response parser enforces (default {@link HttpLimits#defaults()}). */
        public Builder limits(HttpLimits limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /** Whether DNS answers are cached (default true). */
        public Builder useDnsCache(boolean useDnsCache) {
            this.useDnsCache = useDnsCache;
            return this;
        }

        /**
         * Seconds a DNS answer is cached (default 10; null: for ever).
         *
         * @throws IllegalArgumentException when negative or NaN
         */
        public Builder ttlDnsCache(Double seconds) {
            if (seconds != null && !(seconds >= 0)) {
                throw new IllegalArgumentException("ttlDnsCache must be >= 0 seconds or null, got " + seconds);
            }
            this.ttlDnsCache = seconds;
            return this;
        }

        /** The connector. */
        public TcpConnector build() {
            return new TcpConnector(this);
        }
    }
}
