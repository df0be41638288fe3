package io.jasyncio.http.protocol;

/**
 * The HTTP/1.x versions the parser and writer speak. A received {@code HTTP/1.2} (or any later
 * minor version) is read as {@link #HTTP_1_1}, as RFC 9110 section 2.5 asks; other major versions
 * are refused with 505.
 */
public enum HttpVersion {
    /** HTTP/1.0: connections close after each message unless {@code Connection: keep-alive}. */
    HTTP_1_0("HTTP/1.0"),
    /** HTTP/1.1: persistent connections, chunked transfer coding, {@code Host} required. */
    HTTP_1_1("HTTP/1.1");

    private final String text;

    HttpVersion(String text) {
        this.text = text;
    }

    /**
     * The version as written on the wire.
     *
     * @return {@code "HTTP/1.0"} or {@code "HTTP/1.1"}
     */
    public String text() {
        return text;
    }

    /** The version as written on the wire, as {@link #text()}. */
    @Override
    public String toString() {
        return text;
    }
}
