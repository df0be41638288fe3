package io.jasyncio.http.server;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Maps a method and a path to a handler: aiohttp's {@code UrlDispatcher} ({@code app.router}).
 *
 * <pre>{@code
 * Router r = app.router();
 * r.get("/", this::index);                          // GET, and HEAD with the same handler
 * r.post("/users", this::createUser);
 * r.get("/users/{id}", this::user);                 // request.matchInfo("id")
 * r.get("/files/{path:.+}", this::file);            // a parameter with its own regex, may span '/'
 * r.get("/items/{id:\\d+}", this::item);            // digits only
 * r.route("*", "/echo", this::echo);                // any method
 * }</pre>
 *
 * <p><b>Patterns.</b> A pattern starts with {@code /}. {@code {name}} matches one path segment
 * (one or more characters other than {@code /}); {@code {name:regex}} matches the Java regular
 * expression (braces inside it are allowed when balanced). Names are identifiers
 * ({@code [A-Za-z_][A-Za-z0-9_]*}), distinct within a pattern. The rest of the pattern is literal.
 * Matching is on the raw (percent-encoded) path of the request, without the query, so an encoded
 * {@code %2F} never splits a segment; parameter values are percent-decoded (UTF-8). Literal parts
 * are percent-encoded where needed, so {@code "/café"} matches {@code /caf%C3%A9}. No trailing-slash
 * or case normalisation: {@code /a} and {@code /a/} are different paths, as in aiohttp.
 *
 * <p><b>Resolution.</b> Resources (distinct patterns) are tried in the order they were first
 * registered; the first that matches the path and has a route for the method (or a {@code "*"}
 * route) wins. A path that no pattern matches is a 404 ({@link HttpException#notFound()}); a path
 * that matches but not with this method is a 405 whose {@code Allow} header lists the methods of
 * every matching resource. Plain patterns (no parameters) are found by a hash lookup.
 *
 * <p>Routes are added before the application starts; afterwards the router is frozen and adding
 * throws {@link IllegalStateException}.
 */
public final class Router {

    /** A name: an identifier. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    /** A method: an HTTP token. */
    private static final Pattern METHOD = Pattern.compile("[!#$%&'*+\\-.^_`|~0-9A-Za-z]+");

    /** What a request resolved to: a route and its parameters, or the error to answer with. */
    record Match(Route route, Map<String, String> params, HttpException error) {}

    /** A path pattern and its routes by method. */
    static final class Resource {
        private final Router router;
        /** The pattern as registered. */
        private final String pattern;
        /** Registration order among all resources. */
        final int index;
        /** For a plain pattern: its percent-encoded path; null for a dynamic one. */
        final String plainPath;
        /** For a dynamic pattern: the compiled regex with groups p0, p1 ...; null for a plain one. */
        final Pattern regex;
        /** Parameter names, in group order. */
        final List<String> paramNames;
        /** Routes by method, in registration order. */
        final Map<String, Route> byMethod = new LinkedHashMap<>();
        /** The "*" route, or null. */
        Route anyMethod;

        Resource(Router router, String pattern, int index, String plainPath, Pattern regex, List<String> paramNames) {
            this.router = router;
            this.pattern = pattern;
            this.index = index;
            this.plainPath = plainPath;
            this.regex = regex;
            this.paramNames = paramNames;
        }

        Router router() {
            return router;
        }

        String pattern() {
            return pattern;
        }

        boolean isPlain() {
            return plainPath != null;
        }

        Route route(String method) {
            Route r = byMethod.get(method);
            return r != null ? r : anyMethod;
        }
    }

    /** Every resource by pattern, in registration order. */
    private final Map<String, Resource> resources = new LinkedHashMap<>();
    /** Plain resources by their percent-encoded path. */
    private final Map<String, Resource> plain = new HashMap<>();
    /** Dynamic resources, in registration order. */
    private final List<Resource> dynamic = new ArrayList<>();
    /** Every route, in registration order. */
    private final List<Route> routes = new ArrayList<>();
    private boolean frozen;

    Router() {}

    /** Adds a GET route for {@code path}, and a HEAD route with the same handler (as aiohttp's {@code add_get}). */
    public Route get(String path, Handler handler) {
        return get(path, handler, true);
    }

    /**
     * Adds a GET route for {@code path}; with {@code allowHead}, a HEAD route with the same handler
     * too (the server sends HEAD responses without their body).
     */
    public Route get(String path, Handler handler, boolean allowHead) {
        Route r = route("GET", path, handler);
        if (allowHead && resource(path).byMethod.get("HEAD") == null) {
            route("HEAD", path, handler);
        }
        return r;
    }

    /** Adds a POST route. */
    public Route post(String path, Handler handler) {
        return route("POST", path, handler);
    }

    /** Adds a PUT route. */
    public Route put(String path, Handler handler) {
        return route("PUT", path, handler);
    }

    /** Adds a DELETE route. */
    public Route delete(String path, Handler handler) {
        return route("DELETE", path, handler);
    }

    /** Adds a PATCH route. */
    public Route patch(String path, Handler handler) {
        return route("PATCH", path, handler);
    }

    /** Adds a HEAD route. */
    public Route head(String path, Handler handler) {
        return route("HEAD", path, handler);
    }

    /** Adds an OPTIONS route. */
    public Route options(String path, Handler handler) {
        return route("OPTIONS", path, handler);
    }

    /**
     * Adds a route: aiohttp's {@code add_route(method, path, handler)}.
     *
     * @param method an HTTP method (case-sensitive, as HTTP methods are; {@code "get"} is not
     *     {@code "GET"}), or {@code "*"} for any method
     * @param path the pattern (see the class comment)
     * @throws IllegalArgumentException for a bad method or pattern, naming the problem
     * @throws IllegalStateException when the method already has a route on this pattern, or the
     *     application has started
     */
    public Route route(String method, String path, Handler handler) {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(handler, "handler");
        checkNotFrozen();
        if (!method.equals("*") && !METHOD.matcher(method).matches()) {
            throw new IllegalArgumentException("not an HTTP method: \"" + method + "\"");
        }
        Resource res = resource(path);
        if (method.equals("*") ? res.anyMethod != null : res.byMethod.containsKey(method)) {
            throw new IllegalStateException("a route for " + method + " " + path + " is already registered");
        }
        Route route = new Route(method, res, handler);
        if (method.equals("*")) {
            res.anyMethod = route;
        } else {
            res.byMethod.put(method, route);
        }
        routes.add(route);
        return route;
    }

    /** Every route, in registration order (a snapshot). */
    public List<Route> routes() {
        return List.copyOf(routes);
    }

    /** The route named {@code name}, or null. */
    public Route named(String name) {
        for (Route r : routes) {
            if (name.equals(r.name())) {
                return r;
            }
        }
        return null;
    }

    /**
     * Resolves a request: the route for {@code method} on {@code rawPath}, and the path's
     * parameters, percent-decoded.
     *
     * @param method the request method
     * @param rawPath the path as received, percent-encoded, without the query
     * @return the route and parameters
     * @throws HttpException 404 when no pattern matches, 405 (with {@code Allow}) when no route of a
     *     matching pattern takes the method
     */
    public MatchInfo resolve(String method, String rawPath) {
        Match m = match(method, rawPath);
        if (m.error() != null) {
            throw m.error();
        }
        return new MatchInfo(m.route(), m.params());
    }

    /** What {@link #resolve} returns: the route and the path's parameters. */
    public record MatchInfo(Route route, Map<String, String> params) {}

    Match match(String method, String rawPath) {
        String path = rawPath.indexOf('%') >= 0 ? normalizeEscapes(rawPath) : rawPath;
        Resource plainHit = plain.get(path);
        if (plainHit != null && dynamic.isEmpty()) {
            Route r = plainHit.route(method);
            if (r != null) {
                return r.plainMatch;
            }
        }
        Set<String> allowed = null;
        int d = 0;
        int nd = dynamic.size();
        while (true) {
            Resource next = d < nd ? dynamic.get(d) : null;
            if (plainHit != null && (next == null || plainHit.index < next.index)) {
                Route r = plainHit.route(method);
                if (r != null) {
                    return r.plainMatch;
                }
                allowed = addAllowed(allowed, plainHit);
                plainHit = null;
                continue;
            }
            if (next == null) {
                break;
            }
            d++;
            Matcher m = next.regex.matcher(path);
            if (!m.matches()) {
                continue;
            }
            Route r = next.route(method);
            if (r == null) {
                allowed = addAllowed(allowed, next);
                continue;
            }
            Map<String, String> params = new LinkedHashMap<>(next.paramNames.size() * 2);
            for (int i = 0; i < next.paramNames.size(); i++) {
                params.put(next.paramNames.get(i), Wire.decode(m.group("p" + i), false));
            }
            return new Match(r, Collections.unmodifiableMap(params), null);
        }
        if (allowed != null) {
            return new Match(null, Map.of(), HttpException.methodNotAllowed(method, allowed));
        }
        return new Match(null, Map.of(), HttpException.notFound());
    }

    private static Set<String> addAllowed(Set<String> allowed, Resource r) {
        if (allowed == null) {
            allowed = new LinkedHashSet<>();
        }
        allowed.addAll(r.byMethod.keySet());
        return allowed;
    }

    void freeze() {
        frozen = true;
    }

    void checkNotFrozen() {
        if (frozen) {
            throw new IllegalStateException("the router is frozen: routes are added before the application starts");
        }
    }

    /** The resource of {@code pattern}, made on first use. */
    private Resource resource(String pattern) {
        Resource r = resources.get(pattern);
        if (r != null) {
            return r;
        }
        r = compile(pattern, resources.size());
        resources.put(pattern, r);
        if (r.isPlain()) {
            if (plain.containsKey(r.plainPath)) {
                throw new IllegalArgumentException("pattern \"" + pattern + "\" is the same path as \""
                        + plain.get(r.plainPath).pattern() + "\"");
            }
            plain.put(r.plainPath, r);
        } else {
            dynamic.add(r);
        }
        return r;
    }

    private Resource compile(String pattern, int index) {
        if (!pattern.startsWith("/")) {
            throw new IllegalArgumentException("a route pattern must start with '/', got \"" + pattern + "\"");
        }
        StringBuilder regex = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        List<String> names = new ArrayList<>();
        int i = 0;
        while (i < pattern.length()) {
            char c = pattern.charAt(i);
            if (c == '}') {
                throw new IllegalArgumentException("unbalanced '}' at index " + i + " of route pattern \"" + pattern + "\"");
            }
            if (c != '{') {
                literal.append(c);
                i++;
                continue;
            }
            int depth = 1;
            int j = i + 1;
            while (j < pattern.length() && depth > 0) {
                char x = pattern.charAt(j);
                if (x == '\\') {
                    j += 2;
                    continue;
                }
                if (x == '{') {
                    depth++;
                } else if (x == '}') {
                    depth--;
                }
                j++;
            }
            if (depth != 0) {
                throw new IllegalArgumentException("unclosed '{' at index " + i + " of route pattern \"" + pattern + "\"");
            }
            String inside = pattern.substring(i + 1, j - 1);
            int colon = inside.indexOf(':');
            String name = colon < 0 ? inside : inside.substring(0, colon);
            String paramRegex = colon < 0 ? "[^{}/]+" : inside.substring(colon + 1);
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("bad parameter name \"" + name + "\" in route pattern \"" + pattern
                        + "\": use an identifier such as {id}");
            }
            if (names.contains(name)) {
                throw new IllegalArgumentException("parameter {" + name + "} appears twice in route pattern \"" + pattern + "\"");
            }
            if (paramRegex.isEmpty()) {
                throw new IllegalArgumentException("empty regex for parameter {" + name + "} in route pattern \"" + pattern + "\"");
            }
            try {
                Pattern.compile(paramRegex);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("bad regex for parameter {" + name + "} in route pattern \"" + pattern
                        + "\": " + e.getDescription(), e);
            }
            if (!literal.isEmpty()) {
                regex.append(Pattern.quote(normalizeEscapes(Wire.encodePath(literal.toString()))));
                literal.setLength(0);
            }
            regex.append("(?<p").append(names.size()).append('>').append(paramRegex).append(')');
            names.add(name);
            i = j;
        }
        if (names.isEmpty()) {
            return new Resource(this, pattern, index, normalizeEscapes(Wire.encodePath(literal.toString())), null, List.of());
        }
        if (!literal.isEmpty()) {
            regex.append(Pattern.quote(normalizeEscapes(Wire.encodePath(literal.toString()))));
        }
        return new Resource(this, pattern, index, null, Pattern.compile(regex.toString()), List.copyOf(names));
    }

    /**
     * Percent-escapes in a canonical form, so that paths compare as strings: hex digits upper case,
     * and unreserved characters ({@code A-Z a-z 0-9 - . _ ~}) decoded, as RFC 3986 6.2.2 says.
     */
    static String normalizeEscapes(String path) {
        if (path.indexOf('%') < 0) {
            return path;
        }
        StringBuilder sb = new StringBuilder(path.length());
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '%' && i + 2 < path.length() && isHex(path.charAt(i + 1)) && isHex(path.charAt(i + 2))) {
                int v = Character.digit(path.charAt(i + 1), 16) * 16 + Character.digit(path.charAt(i + 2), 16);
                if ((v >= 'A' && v <= 'Z') || (v >= 'a' && v <= 'z') || (v >= '0' && v <= '9') || v == '-' || v == '.'
                        || v == '_' || v == '~') {
                    sb.append((char) v);
                } else {
                    sb.append('%').append(Character.toUpperCase(path.charAt(i + 1)))
                            .append(Character.toUpperCase(path.charAt(i + 2)));
                }
                i += 2;
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static boolean isHex(char c) {
        return Character.digit(c, 16) >= 0 && c < 0x80;
    }

    @Override
    public String toString() {
        return "<Router " + routes.size() + " routes>";
    }
}
