package io.jasyncio.http.server;

/**
 * Receives one call per finished request: aiohttp's {@code AbstractAccessLogger}. Set one with
 * {@link ServerOptions#withAccessLog}; {@link AccessLogger} writes Apache-style lines.
 *
 * <pre>{@code
 * ServerOptions.defaults().withAccessLog((request, response, seconds) ->
 *         metrics.record(request.method(), response.status(), seconds));
 * }</pre>
 *
 * <p>Runs on the loop, in the request's task, after the response was written; it must not suspend
 * for long. What it throws is reported to the loop's exception handler.
 */
@FunctionalInterface
public interface AccessLog {

    /**
     * Logs a finished request.
     *
     * @param request the request
     * @param response the response sent (for a request that failed before a response, the error
     *     response)
     * @param seconds the time from the request's head being received to the response's end, on the
     *     loop's clock
     */
    void log(Request request, StreamResponse response, double seconds);
}
