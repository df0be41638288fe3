package io.jasyncio.http.protocol;

/**
 * A malformed or over-limit HTTP message, or a body that cannot be decoded. The message says what
 * was wrong and where ({@code "conflicting Content-Length values 5 and 6"}); {@link #status()} is
 * the response a server should answer with before closing the connection:
 * <ul>
 * <li>400 Bad Request: malformed syntax, request smuggling patterns, a truncated message;
 * <li>413 Content Too Large: body over {@link HttpLimits#maxBodySize()}, too many chunk extensions,
 *     a decoded body over the decoder's cap;
 * <li>414 URI Too Long: request line over {@link HttpLimits#maxLineSize()};
 * <li>415 Unsupported Media Type: a {@code Content-Encoding} the {@link ContentDecoder} does not know;
 * <li>431 Request Header Fields Too Large: header field, count or section over its limit;
 * <li>501 Not Implemented: a transfer-coding other than {@code chunked};
 * <li>505 HTTP Version Not Supported: a major version other than 1.
 * </ul>
 * A parser that threw stays failed: further {@link HttpParser#next()} calls throw the same
 * exception. The connection cannot be reused.
 */
public final class HttpParseException extends Exception {

    private static final long serialVersionUID = 1L;

    /** The HTTP status a server should answer with. */
    private final int status;

    /**
     * Creates the exception.
     *
     * @param status the HTTP status a server should answer with (400 to 599)
     * @param message what was wrong and where
     */
    public HttpParseException(int status, String message) {
        super(message);
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("HttpParseException status must be a 4xx or 5xx code, got " + status);
        }
        this.status = status;
    }

    /**
     * Creates the exception with a cause (a {@link java.util.zip.DataFormatException}, say).
     *
     * @param status the HTTP status a server should answer with (400 to 599)
     * @param message what was wrong and where
     * @param cause the underlying failure
     */
    public HttpParseException(int status, String message, Throwable cause) {
        this(status, message);
        initCause(cause);
    }

    /**
     * The HTTP status a server should answer with: 400, 413, 414, 415, 431, 501 or 505.
     *
     * @return the status code
     */
    public int status() {
        return status;
    }
}
