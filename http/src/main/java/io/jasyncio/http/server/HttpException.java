package io.jasyncio.http.server;

import io.jasyncio.http.protocol.Headers;
import io.jasyncio.http.protocol.HttpWriter;
import java.util.Collection;
import java.util.Objects;
import java.util.TreeSet;

/**
 * An HTTP error (or redirect) thrown as an exception: aiohttp's {@code HTTPException} family
 * ({@code HTTPNotFound}, {@code HTTPFound} ...). Thrown from a handler or a middleware, it becomes
 * the response: its status, its headers, and a {@code text/plain} body (by default
 * {@code "404: Not Found"}). It is not reported as an error.
 *
 * <pre>{@code
 * if (user == null) {
 *     throw HttpException.notFound();
 * }
 * throw HttpException.found("/login");                  // 302 with Location
 * throw new HttpException(409, "version conflict");     // any status and text
 * }</pre>
 *
 * <p>Unchecked, and without a stack trace (it is control flow, and a 404 flood must stay cheap).
 * aiohttp's exception classes are also responses; a Java exception cannot be one, so
 * {@link #toResponse()} makes the response.
 */
public class HttpException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The status code. */
    private final int status;
    /** The reason phrase. */
    private final String reason;
    /** The body, sent as text/plain in UTF-8; null: no body. */
    private final String text;
    /** Extra response headers (Location, Allow, WWW-Authenticate ...). */
    private final transient Headers headers = new Headers();

    /**
     * An exception with {@code status}, its standard reason and the body {@code "<status>: <reason>"}.
     *
     * @param status 200 to 599
     * @throws IllegalArgumentException for a status outside that range
     */
    public HttpException(int status) {
        this(status, null);
    }

    /**
     * An exception with {@code status} and the body {@code text} (null: the default body).
     *
     * @param status 200 to 599
     * @param text the text/plain body; null for {@code "<status>: <reason>"}
     * @throws IllegalArgumentException for a status outside that range
     */
    public HttpException(int status, String text) {
        this(status, null, text);
    }

    /**
     * An exception with a status, a reason phrase and a body.
     *
     * @param status 200 to 599
     * @param reason the reason phrase; null for the standard one
     * @param text the text/plain body; null for {@code "<status>: <reason>"}
     * @throws IllegalArgumentException for a status outside 200..599, or a reason with CR or LF
     */
    public HttpException(int status, String reason, String text) {
        super(status + " " + (reason != null ? reason : HttpWriter.reasonPhrase(status)), null, false, false);
        if (status < 200 || status > 599) {
            throw new IllegalArgumentException("an HttpException's status must be 200..599, got " + status);
        }
        this.status = status;
        this.reason = StreamResponse.checkReason(reason != null ? reason : HttpWriter.reasonPhrase(status));
        this.text = text != null ? text : status + ": " + this.reason;
    }

    /** 400 Bad Request with {@code text} (null: the default body). */
    public static HttpException badRequest(String text) {
        return new HttpException(400, text);
    }

    /** 401 Unauthorized with a {@code WWW-Authenticate} challenge (null: none). */
    public static HttpException unauthorized(String challenge) {
        HttpException e = new HttpException(401);
        if (challenge != null) {
            e.headers.set("WWW-Authenticate", challenge);
        }
        return e;
    }

    /** 403 Forbidden. */
    public static HttpException forbidden() {
        return new HttpException(403);
    }

    /** 404 Not Found: aiohttp's {@code HTTPNotFound}. */
    public static HttpException notFound() {
        return new HttpException(404);
    }

    /**
     * 405 Method Not Allowed with the {@code Allow} header: aiohttp's {@code HTTPMethodNotAllowed}.
     *
     * @param method the method that was refused
     * @param allowed the methods the resource accepts (sorted in the header)
     */
    public static HttpException methodNotAllowed(String method, Collection<String> allowed) {
        HttpException e = new HttpException(405);
        e.headers.set("Allow", String.join(",", new TreeSet<>(allowed)));
        return e;
    }

    /** 408 Request Timeout. */
    public static HttpException requestTimeout() {
        return new HttpException(408);
    }

    /**
     * 413 Content Too Large: aiohttp's {@code HTTPRequestEntityTooLarge}.
     *
     * @param maxSize the limit in bytes
     * @param actualSize the size seen so far (or announced), in bytes
     */
    public static HttpException requestEntityTooLarge(long maxSize, long actualSize) {
        return new HttpException(413, "Maximum request body size " + maxSize + " exceeded, actual body size "
                + actualSize);
    }

    /** 301 Moved Permanently to {@code location}. */
    public static HttpException movedPermanently(String location) {
        return redirect(301, location);
    }

    /** 302 Found: aiohttp's {@code HTTPFound(location)}. */
    public static HttpException found(String location) {
        return redirect(302, location);
    }

    /** 303 See Other to {@code location}. */
    public static HttpException seeOther(String location) {
        return redirect(303, location);
    }

    /** 307 Temporary Redirect to {@code location}. */
    public static HttpException temporaryRedirect(String location) {
        return redirect(307, location);
    }

    /** 308 Permanent Redirect to {@code location}. */
    public static HttpException permanentRedirect(String location) {
        return redirect(308, location);
    }

    /**
     * A redirect: {@code status} (3xx) with {@code Location}.
     *
     * @throws IllegalArgumentException for a status outside 300..399 or an empty location
     */
    public static HttpException redirect(int status, String location) {
        Objects.requireNonNull(location, "location");
        if (status < 300 || status > 399) {
            throw new IllegalArgumentException("a redirect's status must be 3xx, got " + status);
        }
        if (location.isEmpty()) {
            throw new IllegalArgumentException("a redirect needs a non-empty Location");
        }
        HttpException e = new HttpException(status);
        e.headers.set("Location", location);
        return e;
    }

    /** The status code. */
    public int status() {
        return status;
    }

    /** The reason phrase. */
    public String reason() {
        return reason;
    }

    /** The text/plain body. */
    public String text() {
        return text;
    }

    /** The headers the response gets, besides Content-Type and Content-Length (mutable). */
    public Headers headers() {
        return headers;
    }

    /**
     * Adds a response header and returns this exception, for {@code throw new HttpException(429).header("Retry-After", "5")}.
     *
     * @throws IllegalArgumentException for a bad name or value
     */
    public HttpException header(String name, String value) {
        headers.add(name, value);
        return this;
    }

    /** The response this exception stands for: a new {@link Response} each call. */
    public Response toResponse() {
        Response r = Response.text(text);
        r.setStatus(status, reason);
        for (int i = 0; i < headers.size(); i++) {
            r.headers().add(headers.name(i), headers.value(i));
        }
        return r;
    }
}
