package io.jasyncio.http.server;

import static io.jasyncio.Asyncio.sleep;

/** A child JVM for {@link RunAppTest}: {@link Application#runApp} until a signal, with a slow route. */
public final class RunAppMain {
    private RunAppMain() {}

    /** Serves on 127.0.0.1:args[0]. */
    public static void main(String[] args) {
        Application app = new Application();
        app.router().get("/", r -> Response.text("up"));
        app.router().get("/slow", r -> {
            System.out.println("slow started");
            System.out.flush();
            sleep(1);
            return Response.text("slow done");
        });
        app.onShutdown().add(a -> System.out.println("shutdown started"));
        app.onCleanup().add(a -> System.out.println("cleanup done"));
        app.runApp("127.0.0.1", Integer.parseInt(args[0]));
        System.out.println("runApp returned");
    }
}
