package io.jasyncio.http.client;

/**
 * A callback of a {@link TraceConfig}: aiohttp's {@code async def on_x(session, trace_config_ctx,
 * params)}. Runs in the requesting task, so it may suspend; an exception it throws propagates out
 * of the request, as aiohttp's.
 *
 * @param <E> the kind of event
 */
@FunctionalInterface
public interface TraceListener<E extends TraceEvent> {

    /**
     * Called with the request's {@code context} (one per request and config) and the {@code event}.
     *
     * @throws Exception to fail the request
     */
    void on(TraceContext context, E event) throws Exception;
}
