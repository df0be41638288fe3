package io.jasyncio.bench.http;

import io.jasyncio.Asyncio;
import io.jasyncio.engine.Engines;
import io.jasyncio.http.server.AppRunner;
import io.jasyncio.http.server.Application;
import io.jasyncio.http.server.Response;
import io.jasyncio.http.server.ServerOptions;
import io.jasyncio.http.server.TcpSite;

/**
 * The http benchmark's jasyncio server (bench/README.md, "The http workload"): an
 * {@link Application} whose one route, {@code GET /}, answers {@code Response.text("Hello, World!")}
 * (a fresh response per request, as the aiohttp server's {@code web.Response(text=...)}), served by
 * an {@link AppRunner} and a {@link TcpSite} on 127.0.0.1 with the default {@link ServerOptions}
 * (keep-alive, {@code Server: jasyncio}, no access log), until killed. Prints {@code ready} on stdout
 * once serving. The engine is the JVM's ({@code -Djasyncio.engine=portable} for the portable one).
 *
 * <pre>
 * java --add-exports java.base/jdk.internal.vm=ALL-UNNAMED -cp ... io.jasyncio.bench.http.JasyncioHttpServer PORT
 * </pre>
 */
public final class JasyncioHttpServer {
    private JasyncioHttpServer() {}

    /** The response body of every server of the workload. */
    static final String HELLO = "Hello, World!";

    /** {@code PORT}. */
    public static void main(String[] args) {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: JasyncioHttpServer PORT");
        }
        int port = Integer.parseInt(args[0]);
        Asyncio.run(() -> {
            Application app = new Application();
            app.router().get("/", request -> Response.text(HELLO));
            AppRunner runner = new AppRunner(app, ServerOptions.defaults());
            runner.setup();
            try {
                TcpSite site = new TcpSite(runner, "127.0.0.1", port);
                site.start();
                System.out.println("ready (jasyncio http server, " + Engines.current().name() + " engine)");
                System.out.flush();
                Asyncio.getRunningLoop().createFuture().await();
            } finally {
                runner.cleanup();
            }
        });
    }
}
