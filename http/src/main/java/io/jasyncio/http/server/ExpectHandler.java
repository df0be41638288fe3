package io.jasyncio.http.server;

/**
 * What a route does with {@code Expect: 100-continue}: aiohttp's {@code expect_handler}. It runs
 * before the route's handler (and its middlewares) when a request carries the header, and decides
 * whether the client may send its body.
 *
 * <pre>{@code
 * app.router().post("/upload", this::upload).expectHandler(request -> {
 *     if (request.header("Authorization") == null) {
 *         throw new HttpException(401);   // the body is never sent
 *     }
 *     return null;                        // go on: 100 Continue when the handler reads the body
 * });
 * }</pre>
 *
 * <p>Returning null lets the request through; the server then sends {@code 100 Continue} only when
 * the handler first reads the body (a handler that answers without reading it never makes the
 * client send it). Returning a response, or throwing an {@link HttpException}, answers the request
 * at once (417 Expectation Failed, 401, 413 ...) and the handler does not run. Without an expect
 * handler every request goes through.
 */
@FunctionalInterface
public interface ExpectHandler {

    /**
     * Checks a request that expects {@code 100 Continue}.
     *
     * @param request the request; its body has not been read
     * @return null to let the handler run, or the final response
     * @throws Exception an {@link HttpException} is the response, others a 500
     */
    StreamResponse check(Request request) throws Exception;
}
