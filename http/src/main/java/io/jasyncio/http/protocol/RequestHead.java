package io.jasyncio.http.protocol;

import java.util.Objects;

/**
 * A request line and its header section.
 *
 * @param method the method, a token, case-sensitive ({@code "GET"})
 * @param target the request target as sent: origin form {@code /path?query}, absolute form
 *     {@code http://host/path} (to proxies), authority form {@code host:port} (CONNECT) or {@code *}
 *     (OPTIONS). Received bytes beyond ASCII are decoded as UTF-8.
 * @param version the protocol version
 * @param headers the header fields (mutable; the parser does not keep a reference)
 */
public record RequestHead(String method, String target, HttpVersion version, Headers headers) implements HttpEvent {

    /**
     * Checks that no component is null (the syntax of method and target is checked by
     * {@link HttpWriter} when the head is sent, and by {@link HttpParser} when received).
     *
     * @throws NullPointerException naming the null component
     */
    public RequestHead {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(headers, "headers");
    }

    /**
     * Whether the client wants the connection kept open after this exchange (RFC 9112 9.3): for
     * HTTP/1.1 unless {@code Connection: close}; for HTTP/1.0 only with {@code Connection:
     * keep-alive}.
     *
     * @return true if the connection may persist
     */
    public boolean keepAlive() {
        return HttpParser.keepAlive(version, headers);
    }

    /**
     * Whether the client sent {@code Expect: 100-continue} in an HTTP/1.1 request and waits for a
     * 100 (Continue) before sending the body (RFC 9110 10.1.1).
     *
     * @return true if a 100 Continue is expected
     */
    public boolean expectsContinue() {
        if (version != HttpVersion.HTTP_1_1) {
            return false;
        }
        String expect = headers.get("Expect");
        return expect != null && expect.trim().equalsIgnoreCase("100-continue");
    }
}
