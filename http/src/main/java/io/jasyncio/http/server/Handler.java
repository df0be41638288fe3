package io.jasyncio.http.server;

/**
 * A request handler: aiohttp's {@code async def handler(request) -> StreamResponse}. A plain method
 * that runs as a coroutine in a task of its own, one per request, so it may suspend anywhere
 * (await a database, {@code sleep}, read the body) without blocking other requests.
 *
 * <pre>{@code
 * app.router().get("/users/{id}", request -> {
 *     User user = users.find(request.matchInfo("id"));   // may suspend
 *     if (user == null) {
 *         throw HttpException.notFound();
 *     }
 *     return Response.json(user);
 * });
 * }</pre>
 *
 * <p>What it returns is sent (a {@link Response}), or was already sent (a {@link StreamResponse}
 * the handler prepared and wrote itself). An {@link HttpException} it throws becomes that response;
 * any other exception becomes a 500 without details, and is reported to the loop's exception
 * handler.
 */
@FunctionalInterface
public interface Handler {

    /**
     * Handles one request.
     *
     * @param request the request
     * @return the response; never null
     * @throws Exception anything: an {@link HttpException} is the response, others a 500
     */
    StreamResponse handle(Request request) throws Exception;
}
