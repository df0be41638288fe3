package io.jasyncio.http.server;

import io.jasyncio.http.protocol.HttpLimits;
import java.util.Objects;

/**
 * How the server treats its connections: timeouts, parser limits, handler cancellation, access
 * log. aiohttp spreads these over {@code AppRunner(**kwargs)} ({@code keepalive_timeout},
 * {@code max_line_size}, {@code access_log} ...) and {@code TCPSite(shutdown_timeout=)}; here they
 * are one immutable record, given to {@link AppRunner} (or {@link Application#serve}). Change a
 * component with its {@code with...} method:
 *
 * <pre>{@code
 * ServerOptions options = ServerOptions.defaults()
 *         .withKeepaliveTimeout(30)
 *         .withAccessLog(new AccessLogger())
 *         .withLimits(HttpLimits.defaults().withMaxBodySize(100 << 20));
 * }</pre>
 *
 * <p>Timeouts are in seconds of the loop's clock (virtual in tests); {@code Double.POSITIVE_INFINITY}
 * turns one off.
 *
 * @param keepaliveTimeout how long an idle keep-alive connection waits for its next request before
 *     the server closes it (aiohttp and nginx: 75 s)
 * @param headerReadTimeout how long a client has to send a whole request head, from its first
 *     byte (from the connection's start for its first request): a slowloris defence. On expiry the
 *     client gets a 408 if it had sent part of a head, and the connection is closed. Default 20 s.
 * @param bodyReadTimeout how long a body read waits for the next bytes of the body (an idle
 *     timeout, not a total); on expiry the read throws a 408 {@link HttpException} and the
 *     connection is closed after the response. Default 60 s (nginx's {@code client_body_timeout}).
 *     Also bounds the lingering close below.
 * @param writeTimeout how long a write may wait for a client that does not read (the transport's
 *     buffer stays over its high-water mark); on expiry the connection is aborted. Default 60 s
 *     (nginx's {@code send_timeout}).
 * @param shutdownTimeout how long a graceful shutdown lets in-flight requests run before it
 *     cancels them (aiohttp: 60 s)
 * @param lingeringTime when the server closes a connection while the client may still be sending
 *     (an error answered before the body was read), it half-closes and discards input for at most
 *     this long first, so the client reads the answer instead of a reset. Default 2 s.
 * @param limits the parser's limits (request line, header sizes and count, body size); the body
 *     limit bounds every body, streamed ones too (413). Default: {@link HttpLimits#defaults()}
 *     with a 1 GiB body limit. {@link Application#clientMaxSize} separately bounds the bodies read
 *     whole ({@code read()}, {@code text()}, {@code json()}, {@code post()}).
 * @param handlerCancellation whether a client's disconnect cancels the handler of its request:
 *     aiohttp 3.9's {@code handler_cancellation}, off by default as there (a handler then runs to
 *     the end, its writes are dropped); on, the handler's task is cancelled at its next suspension
 * @param accessLog where each request is logged when done, or null for none (the default; see
 *     {@link AccessLogger})
 * @param serverHeader the {@code Server} response header, or null for none; default
 *     {@code "jasyncio"}
 * @param readBufferSize the size of the receive buffers a connection reads into (the server reads
 *     into slabs of this size and the parser slices bodies out of them without copying); default
 *     16 KiB
 */
public record ServerOptions(double keepaliveTimeout, double headerReadTimeout, double bodyReadTimeout,
        double writeTimeout, double shutdownTimeout, double lingeringTime, HttpLimits limits,
        boolean handlerCancellation, AccessLog accessLog, String serverHeader, int readBufferSize) {

    private static final ServerOptions DEFAULTS = new ServerOptions(75, 20, 60, 60, 60, 2,
            HttpLimits.defaults().withMaxBodySize(1L << 30), false, null, "jasyncio", 16 * 1024);

    /**
     * Checks the components.
     *
     * @throws IllegalArgumentException naming a timeout that is not positive, a read buffer under
     *     1 KiB, or a server header with control characters
     */
    public ServerOptions {
        positive("keepaliveTimeout", keepaliveTimeout);
        positive("headerReadTimeout", headerReadTimeout);
        positive("bodyReadTimeout", bodyReadTimeout);
        positive("writeTimeout", writeTimeout);
        positive("shutdownTimeout", shutdownTimeout);
        if (!(lingeringTime >= 0)) {
            throw new IllegalArgumentException("lingeringTime must be >= 0 seconds, got " + lingeringTime);
        }
        Objects.requireNonNull(limits, "limits");
        if (readBufferSize < 1024) {
            throw new IllegalArgumentException("readBufferSize must be at least 1024 bytes, got " + readBufferSize);
        }
        if (serverHeader != null) {
            for (int i = 0; i < serverHeader.length(); i++) {
                char c = serverHeader.charAt(i);
                if ((c < 0x20 && c != '\t') || c == 0x7F) {
                    throw new IllegalArgumentException("serverHeader holds a control character at index " + i);
                }
            }
        }
    }

    /** The defaults (see the components). */
    public static ServerOptions defaults() {
        return DEFAULTS;
    }

    /** A copy with another keep-alive timeout (seconds). */
    public ServerOptions withKeepaliveTimeout(double seconds) {
        return new ServerOptions(seconds, headerReadTimeout, bodyReadTimeout, writeTimeout, shutdownTimeout,
                lingeringTime, limits, handlerCancellation, accessLog, serverHeader, readBufferSize);
    }

    /** A copy with another header-read timeout (seconds). */
    public ServerOptions withHeaderReadTimeout(double seconds) {
        return new ServerOptions(keepaliveTimeout, seconds, bodyReadTimeout, writeTimeout, shutdownTimeout,
                lingeringTime, limits, handlerCancellation, accessLog, serverHeader, readBufferSize);
    }

    /** A copy with another body-read (idle) timeout (seconds). */
    public ServerOptions withBodyReadTimeout(double seconds) {
        return new ServerOptions(keepaliveTimeout, headerReadTimeout, seconds, writeTimeout, shutdownTimeout,
                lingeringTime, limits, handlerCancellation, accessLog, serverHeader, readBufferSize);
    }

    /** A copy with another write timeout (seconds). */
    public ServerOptions withWriteTimeout(double seconds) {
        return new ServerOptions(keepaliveTimeout, headerReadTimeout, bodyReadTimeout, seconds, shutdownTimeout,
                lingeringTime, limits, handlerCancellation, accessLog, serverHeader, readBufferSize);
    }

    /** A copy with another graceful-shutdown deadline (seconds). */
    public ServerOptions withShutdownTimeout(double seconds) {
        return new ServerOptions(keepaliveTimeout, headerReadTimeout, bodyReadTimeout, writeTimeout, seconds,
                lingeringTime, limits, handlerCancellation, accessLog, serverHeader, readBufferSize);
    }

    /** A copy with another lingering time (seconds; 0: close at once). */
    public ServerOptions withLingeringTime(double seconds) {
        return new ServerOptions(keepaliveTimeout, headerReadTimeout, bodyReadTimeout, writeTimeout, shutdownTimeout,
                seconds, limits, handlerCancellation, accessLog, serverHeader, readBufferSize);
    }

    /** A copy with other parser limits. */
    public ServerOptions withLimits(HttpLimits limits) {
        return new ServerOptions(keepaliveTimeout, headerReadTimeout, bodyReadTimeout, writeTimeout, shutdownTimeout,
                lingeringTime, limits, handlerCancellation, accessLog, serverHeader, readBufferSize);
    }

    /** A copy where a client's disconnect does (true) or does not (false) cancel its handler. */
    public ServerOptions withHandlerCancellation(boolean cancel) {
        return new ServerOptions(keepaliveTimeout, headerReadTimeout, bodyReadTimeout, writeTimeout, shutdownTimeout,
                lingeringTime, limits, cancel, accessLog, serverHeader, readBufferSize);
    }

    /** A copy with an access log (null: none). */
    public ServerOptions withAccessLog(AccessLog accessLog) {
        return new ServerOptions(keepaliveTimeout, headerReadTimeout, bodyReadTimeout, writeTimeout, shutdownTimeout,
                lingeringTime, limits, handlerCancellation, accessLog, serverHeader, readBufferSize);
    }

    /** A copy with another {@code Server} header (null: none). */
    public ServerOptions withServerHeader(String serverHeader) {
        return new ServerOptions(keepaliveTimeout, headerReadTimeout, bodyReadTimeout, writeTimeout, shutdownTimeout,
                lingeringTime, limits, handlerCancellation, accessLog, serverHeader, readBufferSize);
    }

    /** A copy with another read buffer size (bytes, at least 1024). */
    public ServerOptions withReadBufferSize(int bytes) {
        return new ServerOptions(keepaliveTimeout, headerReadTimeout, bodyReadTimeout, writeTimeout, shutdownTimeout,
                lingeringTime, limits, handlerCancellation, accessLog, serverHeader, bytes);
    }

    private static void positive(String name, double seconds) {
        if (!(seconds > 0)) {
            throw new IllegalArgumentException(name + " must be > 0 seconds (Double.POSITIVE_INFINITY for none), got "
                    + seconds);
        }
    }
}
