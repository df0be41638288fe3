package io.jasyncio.http.protocol;

import java.util.Objects;

/**
 * A status line and its header section.
 *
 * @param version the protocol version
 * @param status the status code, 100 to 999
 * @param reason the reason phrase, possibly empty; {@code null} is replaced by
 *     {@link HttpWriter#reasonPhrase(int)}
 * @param headers the header fields (mutable; the parser does not keep a reference)
 */
public record ResponseHead(HttpVersion version, int status, String reason, Headers headers) implements HttpEvent {

    /**
     * Checks the components.
     *
     * @throws NullPointerException if {@code version} or {@code headers} is null
     * @throws IllegalArgumentException if {@code status} is not a three-digit code from 100
     */
    public ResponseHead {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(headers, "headers");
        if (status < 100 || status > 999) {
            throw new IllegalArgumentException("status must be a three-digit code from 100 to 999, got " + status);
        }
        if (reason == null) {
            reason = HttpWriter.reasonPhrase(status);
        }
    }

    /**
     * Whether the connection may carry another exchange after this response: the version and
     * {@code Connection} rules of {@link RequestHead#keepAlive()}, and a body whose end is known
     * without closing the connection ({@code Content-Length} or {@code chunked}, or no body at all:
     * 1xx, 204, 304). A response delimited by close, and a HEAD response without
     * {@code Content-Length}, say false (conservative: the parser cannot tell a HEAD response from
     * here).
     *
     * @return true if the connection may be reused
     */
    public boolean keepAlive() {
        if (!HttpParser.keepAlive(version, headers)) {
            return false;
        }
        if (status < 200 || status == 204 || status == 304) {
            return true;
        }
        if (headers.contains("Transfer-Encoding")) {
            return version == HttpVersion.HTTP_1_1 && HttpParser.chunkedIsFinal(headers);
        }
        return headers.contains("Content-Length");
    }
}
