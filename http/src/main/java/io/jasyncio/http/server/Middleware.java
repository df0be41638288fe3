package io.jasyncio.http.server;

/**
 * A handler wrapper: aiohttp's {@code @middleware async def m(request, handler)}. It sees every
 * request of the application (matched or not: a 404 or 405 is thrown by the innermost handler,
 * so a middleware can catch it), calls {@code handler} to go on (or answers by itself), and may
 * change the response or translate exceptions.
 *
 * <pre>{@code
 * app.middlewares().add((request, handler) -> {
 *     long t0 = System.nanoTime();
 *     StreamResponse response = handler.handle(request);
 *     response.headers().set("X-Elapsed-Us", Long.toString((System.nanoTime() - t0) / 1000));
 *     return response;
 * });
 * }</pre>
 *
 * <p>Middlewares run in list order from the outside in: the first added sees the request first and
 * the response last. {@link Request#matchInfo()} is already resolved when they run.
 */
@FunctionalInterface
public interface Middleware {

    /**
     * Handles one request, usually by calling {@code handler}.
     *
     * @param request the request
     * @param handler the rest of the chain (the next middleware, or the route's handler)
     * @return the response; never null
     * @throws Exception as {@link Handler#handle}
     */
    StreamResponse handle(Request request, Handler handler) throws Exception;
}
