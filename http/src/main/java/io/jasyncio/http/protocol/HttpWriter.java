package io.jasyncio.http.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * Serializes HTTP/1.1 message heads and chunked framing to bytes (sans-I/O: the caller writes them).
 *
 * <p>Header names and values were checked when added to {@link Headers}; the request method must be
 * a token, the target must be non-empty without spaces or control characters, a reason phrase must
 * have no control characters other than tab: anything else is refused with an
 * {@link IllegalArgumentException} naming it, so a head can never inject another line. Text is
 * written as ISO-8859-1 (the parser's reading); a value with characters beyond U+00FF is written as
 * UTF-8, as aiohttp does. A request target beyond ASCII is written as UTF-8.
 *
 * <p>The writer adds nothing on its own: the caller decides {@code Host}, {@code Content-Length} or
 * {@code Transfer-Encoding: chunked}, {@code Connection}.
 */
public final class HttpWriter {

    private HttpWriter() {}

    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] LAST_CHUNK = {'0', '\r', '\n', '\r', '\n'};
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.ISO_8859_1);

    /**
     * Encodes {@code METHOD target HTTP/1.x CRLF}, the header fields and the empty line.
     *
     * @param head the head to write
     * @return the bytes
     * @throws IllegalArgumentException if the method is not a token or the target is empty or has
     *     whitespace or control characters
     */
    public static byte[] encodeRequestHead(RequestHead head) {
        String method = head.method();
        if (method.isEmpty()) {
            throw new IllegalArgumentException("request method is empty");
        }
        for (int i = 0; i < method.length(); i++) {
            if (!Ascii.isToken(method.charAt(i))) {
                throw new IllegalArgumentException("request method " + Ascii.quote(method) + " has an invalid character "
                        + Ascii.describe(method.charAt(i)) + " (methods are tokens)");
            }
        }
        String target = head.target();
        if (target.isEmpty()) {
            throw new IllegalArgumentException("request target is empty (use \"/\" for the root)");
        }
        boolean ascii = true;
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c <= 0x20 || c == 0x7f) {
                throw new IllegalArgumentException("request target " + Ascii.quote(target) + " has "
                        + (c == ' ' ? "a space" : "a control character " + Ascii.describe(c)) + " at index " + i
                        + " (percent-encode it)");
            }
            ascii &= c < 0x80;
        }
        Out out = new Out(64 + target.length() + 32 * head.headers().size());
        out.ascii(method).put((byte) ' ');
        if (ascii) {
            out.ascii(target);
        } else {
            out.bytes(target.getBytes(StandardCharsets.UTF_8));
        }
        out.put((byte) ' ').ascii(head.version().text()).bytes(CRLF);
        fields(out, head.headers());
        return out.toByteArray();
    }

    /**
     * Encodes {@code HTTP/1.x status reason CRLF}, the header fields and the empty line.
     *
     * @param head the head to write
     * @return the bytes
     * @throws IllegalArgumentException if the reason phrase has control characters
     */
    public static byte[] encodeResponseHead(ResponseHead head) {
        String reason = head.reason();
        for (int i = 0; i < reason.length(); i++) {
            char c = reason.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                throw new IllegalArgumentException("reason phrase " + Ascii.quote(reason) + " has a control character "
                        + Ascii.describe(c) + " at index " + i);
            }
        }
        Out out = new Out(64 + reason.length() + 32 * head.headers().size());
        int s = head.status();
        out.ascii(head.version().text()).put((byte) ' ')
                .put((byte) ('0' + s / 100)).put((byte) ('0' + s / 10 % 10)).put((byte) ('0' + s % 10))
                .put((byte) ' ');
        text(out, reason);
        out.bytes(CRLF);
        fields(out, head.headers());
        return out.toByteArray();
    }

    /**
     * Encodes one chunk of a chunked body: {@code <hex length> CRLF data CRLF}.
     *
     * @param b the array holding the data
     * @param off where the data starts
     * @param len how many bytes, at least 1 (end the body with {@link #lastChunk})
     * @return the bytes
     * @throws IllegalArgumentException if {@code len} is 0
     * @throws IndexOutOfBoundsException if the slice is outside {@code b}
     */
    public static byte[] encodeChunk(byte[] b, int off, int len) {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            throw new IllegalArgumentException("an empty chunk would end the body: use HttpWriter.lastChunk");
        }
        int digits = (32 - Integer.numberOfLeadingZeros(len) + 3) / 4;
        byte[] out = new byte[digits + 2 + len + 2];
        for (int i = digits - 1, v = len; i >= 0; i--, v >>>= 4) {
            out[i] = HEX[v & 0xf];
        }
        out[digits] = '\r';
        out[digits + 1] = '\n';
        System.arraycopy(b, off, out, digits + 2, len);
        out[out.length - 2] = '\r';
        out[out.length - 1] = '\n';
        return out;
    }

    /**
     * Encodes the end of a chunked body: {@code 0 CRLF}, the trailer fields, {@code CRLF}.
     *
     * @param trailersOrNull trailer fields, or null for none
     * @return the bytes
     */
    public static byte[] lastChunk(Headers trailersOrNull) {
        if (trailersOrNull == null || trailersOrNull.isEmpty()) {
            return LAST_CHUNK.clone();
        }
        Out out = new Out(32 * trailersOrNull.size() + 8);
        out.put((byte) '0').bytes(CRLF);
        fields(out, trailersOrNull);
        return out.toByteArray();
    }

    /**
     * The standard reason phrase of a status code (RFC 9110 section 15, plus 429 and 431 of RFC 6585).
     *
     * @param status the status code
     * @return the phrase, such as {@code "Not Found"}, or {@code ""} if the code is not registered
     */
    public static String reasonPhrase(int status) {
        return switch (status) {
            case 100 -> "Continue";
            case 101 -> "Switching Protocols";
            case 102 -> "Processing";
            case 103 -> "Early Hints";
            case 200 -> "OK";
            case 201 -> "Created";
            case 202 -> "Accepted";
            case 203 -> "Non-Authoritative Information";
            case 204 -> "No Content";
            case 205 -> "Reset Content";
            case 206 -> "Partial Content";
            case 207 -> "Multi-Status";
            case 300 -> "Multiple Choices";
            case 301 -> "Moved Permanently";
            case 302 -> "Found";
            case 303 -> "See Other";
            case 304 -> "Not Modified";
            case 305 -> "Use Proxy";
            case 307 -> "Temporary Redirect";
            case 308 -> "Permanent Redirect";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 402 -> "Payment Required";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 406 -> "Not Acceptable";
            case 407 -> "Proxy Authentication Required";
            case 408 -> "Request Timeout";
            case 409 -> "Conflict";
            case 410 -> "Gone";
            case 411 -> "Length Required";
            case 412 -> "Precondition Failed";
            case 413 -> "Content Too Large";
            case 414 -> "URI Too Long";
            case 415 -> "Unsupported Media Type";
            case 416 -> "Range Not Satisfiable";
            case 417 -> "Expectation Failed";
            case 418 -> "I'm a teapot";
            case 421 -> "Misdirected Request";
            case 422 -> "Unprocessable Content";
            case 425 -> "Too Early";
            case 426 -> "Upgrade Required";
            case 428 -> "Precondition Required";
            case 429 -> "Too Many Requests";
            case 431 -> "Request Header Fields Too Large";
            case 451 -> "Unavailable For Legal Reasons";
            case 500 -> "Internal Server Error";
            case 501 -> "Not Implemented";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            case 505 -> "HTTP Version Not Supported";
            case 506 -> "Variant Also Negotiates";
            case 507 -> "Insufficient Storage";
            case 508 -> "Loop Detected";
            case 511 -> "Network Authentication Required";
            default -> "";
        };
    }

    private static void fields(Out out, Headers headers) {
        for (int i = 0, n = headers.size(); i < n; i++) {
            out.ascii(headers.name(i)).put((byte) ':').put((byte) ' ');
            text(out, headers.value(i));
            out.bytes(CRLF);
        }
        out.bytes(CRLF);
    }

    /** ISO-8859-1 if every character fits, else UTF-8. */
    private static void text(Out out, String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 0xff) {
                out.bytes(s.getBytes(StandardCharsets.UTF_8));
                return;
            }
        }
        out.ascii(s);
    }

    /** A growable byte array. */
    private static final class Out {
        private byte[] buf;
        private int n;

        Out(int capacity) {
            buf = new byte[capacity];
        }

        private void room(int more) {
            if (n + more > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(n + more, 2 * buf.length));
            }
        }

        Out put(byte b) {
            room(1);
            buf[n++] = b;
            return this;
        }

        /** Writes chars 0..255 as single bytes. */
        @SuppressWarnings("deprecation")
        Out ascii(String s) {
            int len = s.length();
            room(len);
            s.getBytes(0, len, buf, n);
            n += len;
            return this;
        }

        Out bytes(byte[] b) {
            room(b.length);
            System.arraycopy(b, 0, buf, n, b.length);
            n += b.length;
            return this;
        }

        byte[] toByteArray() {
            return n == buf.length ? buf : Arrays.copyOf(buf, n);
        }
    }
}
