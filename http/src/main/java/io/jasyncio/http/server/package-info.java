/**
 * The HTTP/1.1 server: aiohttp's {@code aiohttp.web} on jasyncio. An {@link
 * io.jasyncio.http.server.Application} holds routes ({@link io.jasyncio.http.server.Router}),
 * middlewares and lifecycle callbacks; handlers are plain methods that run as coroutines, one task
 * per request, and may suspend anywhere. {@link io.jasyncio.http.server.AppRunner} with {@link
 * io.jasyncio.http.server.TcpSite} (or {@link io.jasyncio.http.server.Application#runApp}) serves
 * it, with keep-alive, pipelining, {@code Expect: 100-continue}, slowloris timeouts, an optional
 * access log, and a graceful shutdown.
 *
 * <pre>{@code
 * Application app = new Application();
 * app.router().get("/hello/{name}", request -> Response.text("Hello, " + request.matchInfo("name")));
 * app.runApp("127.0.0.1", 8080);
 * }</pre>
 */
package io.jasyncio.http.server;
