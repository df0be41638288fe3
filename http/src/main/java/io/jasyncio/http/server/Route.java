package io.jasyncio.http.server;

import java.util.Map;
import java.util.Objects;

/**
 * One route: a method, a path pattern and the handler that serves them (aiohttp's
 * {@code ResourceRoute}), as returned by {@link Router#get} and the like. Optionally named, and
 * with an {@link ExpectHandler} for {@code Expect: 100-continue}.
 *
 * <pre>{@code
 * app.router().post("/upload", this::upload).name("upload").expectHandler(this::checkUpload);
 * }</pre>
 */
public final class Route {
    /** The method, upper case, or {@code "*"} for any. */
    private final String method;
    /** The resource (path pattern) this route belongs to. */
    private final Router.Resource resource;
    private final Handler handler;
    private String name;
    private ExpectHandler expectHandler;
    /** The handler wrapped in the application's middlewares; set when the application starts. */
    Handler chain;
    /** The match of this route on a plain (parameterless) path: shared by every request. */
    final Router.Match plainMatch;

    Route(String method, Router.Resource resource, Handler handler) {
        this.method = method;
        this.resource = resource;
        this.handler = Objects.requireNonNull(handler, "handler");
        this.plainMatch = resource.isPlain() ? new Router.Match(this, Map.of(), null) : null;
    }

    /** The method ({@code "GET"}, ...), or {@code "*"} for a route that takes any method. */
    public String method() {
        return method;
    }

    /** The path pattern as registered ({@code "/users/{id}"}). */
    public String path() {
        return resource.pattern();
    }

    /** The handler. */
    public Handler handler() {
        return handler;
    }

    /** The route's name, or null. */
    public String name() {
        return name;
    }

    /**
     * Names the route (aiohttp's {@code name=}).
     *
     * @return this route
     * @throws IllegalStateException once the application has started
     */
    public Route name(String name) {
        resource.router().checkNotFrozen();
        this.name = name;
        return this;
    }

    /** The {@link ExpectHandler}, or null (every {@code Expect: 100-continue} request goes through). */
    public ExpectHandler expectHandler() {
        return expectHandler;
    }

    /**
     * Sets what the route does with {@code Expect: 100-continue} (aiohttp's {@code expect_handler=}).
     *
     * @return this route
     * @throws IllegalStateException once the application has started
     */
    public Route expectHandler(ExpectHandler expectHandler) {
        resource.router().checkNotFrozen();
        this.expectHandler = expectHandler;
        return this;
    }

    /** {@code <Route GET /users/{id}>}. */
    @Override
    public String toString() {
        return "<Route " + method + " " + resource.pattern() + (name != null ? " name=" + name : "") + ">";
    }
}
