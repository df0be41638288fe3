package io.jasyncio.http.server;

import io.jasyncio.http.protocol.HttpWriter;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The server's output encoding: one growable byte array per {@link HttpServer} (the loop runs one
 * connection at a time and {@code Transport.write} copies what it cannot send at once, so a head
 * plus a small body is encoded here and written with one call, and the array is reused), cached
 * status lines, a {@code Date} header made once per second, and the percent-decoding of paths and
 * queries. Loop thread only, except {@link #dateLine()} (any thread).
 */
final class Wire {

    /*
     * Overview. Encoding a response head is the hot path of a small-response benchmark: no String
     * is built, header names and values are copied char by char into the array (values are checked
     * by Headers to hold no CR/LF/NUL; chars above 0xFF, which HTTP cannot carry, become '?').
     */

    static final byte[] CRLF = {'\r', '\n'};
    static final byte[] LAST_CHUNK = {'0', '\r', '\n', '\r', '\n'};
    static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /** {@code "HTTP/1.1 <status> <standard reason>\r\n"} for 100..599, made on first use. */
    private static final byte[][] STATUS_LINES = new byte[600][];

    private static final DateTimeFormatter HTTP_DATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

    /** The second and its {@code "Date: ...\r\n"} line, replaced together. */
    private record DateLine(long second, byte[] line) {}

    private static volatile DateLine date = new DateLine(Long.MIN_VALUE, new byte[0]);

    /** The array responses are encoded into. */
    private byte[] buf = new byte[16 * 1024];
    /** Bytes in use. */
    private int n;
    /**
     * A direct copy of the encoded bytes, handed to Transport.write: a socket writes a direct buffer
     * as it is, where a heap buffer costs the JDK a thread-local lookup and a copy of its own.
     */
    private ByteBuffer direct = ByteBuffer.allocateDirect(buf.length);

    /** Empties the buffer. */
    Wire reset() {
        n = 0;
        return this;
    }

    /** Bytes encoded so far. */
    int size() {
        return n;
    }

    /** The encoded bytes as a buffer for one {@code Transport.write} (valid until the next reset). */
    ByteBuffer buffer() {
        if (direct.capacity() < n) {
            direct = ByteBuffer.allocateDirect(buf.length);
        }
        direct.clear();
        direct.put(buf, 0, n).flip();
        return direct;
    }

    private void ensure(int extra) {
        if (n + extra > buf.length) {
            byte[] bigger = new byte[Math.max(n + extra, buf.length * 2)];
            System.arraycopy(buf, 0, bigger, 0, n);
            buf = bigger;
        }
    }

    Wire put(byte[] b) {
        return put(b, 0, b.length);
    }

    Wire put(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, n, len);
        n += len;
        return this;
    }

    Wire put(char c) {
        ensure(1);
        buf[n++] = (byte) c;
        return this;
    }

    /** Latin-1 bytes of {@code s} ('?' for chars above 0xFF). */
    Wire putLatin1(String s) {
        int len = s.length();
        ensure(len);
        byte[] b = buf;
        int p = n;
        for (int i = 0; i < len; i++) {
            char c = s.charAt(i);
            b[p++] = c <= 0xFF ? (byte) c : (byte) '?';
        }
        n = p;
        return this;
    }

    Wire crlf() {
        ensure(2);
        buf[n++] = '\r';
        buf[n++] = '\n';
        return this;
    }

    /** {@code name: value\r\n}. */
    Wire header(String name, String value) {
        putLatin1(name);
        ensure(2);
        buf[n++] = ':';
        buf[n++] = ' ';
        return putLatin1(value).crlf();
    }

    Wire decimal(long v) {
        if (v < 0) {
            throw new IllegalArgumentException("negative: " + v);
        }
        ensure(20);
        if (v == 0) {
            buf[n++] = '0';
            return this;
        }
        int digits = 0;
        for (long t = v; t > 0; t /= 10) {
            digits++;
        }
        int p = n + digits;
        for (long t = v; t > 0; t /= 10) {
            buf[--p] = (byte) ('0' + (t % 10));
        }
        n += digits;
        return this;
    }

    Wire hex(int v) {
        ensure(8);
        if (v == 0) {
            buf[n++] = '0';
            return this;
        }
        int digits = (32 - Integer.numberOfLeadingZeros(v) + 3) / 4;
        for (int i = digits - 1; i >= 0; i--) {
            int d = (v >>> (i * 4)) & 0xF;
            buf[n++] = (byte) (d < 10 ? '0' + d : 'a' + d - 10);
        }
        return this;
    }

    /** {@code "HTTP/1.1 <status> <reason>\r\n"}. */
    Wire statusLine(int status, String reason) {
        if (status >= 100 && status < 600 && (reason == null || reason.equals(HttpWriter.reasonPhrase(status)))) {
            byte[] line = STATUS_LINES[status];
            if (line == null) {
                line = ("HTTP/1.1 " + status + " " + HttpWriter.reasonPhrase(status) + "\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1);
                STATUS_LINES[status] = line;
            }
            return put(line);
        }
        putLatin1("HTTP/1.1 ").decimal(status).put(' ');
        return putLatin1(reason == null ? "" : reason).crlf();
    }

    /** The {@code "Date: <IMF-fixdate>\r\n"} line of the current second (cached per second). */
    static byte[] dateLine() {
        long millis = System.currentTimeMillis();
        long second = Math.floorDiv(millis, 1000);
        DateLine d = date;
        if (d.second != second) {
            d = new DateLine(second, ("Date: " + HTTP_DATE.format(Instant.ofEpochSecond(second)) + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            date = d;
        }
        return d.line;
    }

    // ---- percent-decoding ----

    /**
     * Percent-decodes {@code s} as UTF-8 (RFC 3986); {@code plusIsSpace} for form/query encoding. An
     * invalid escape is kept as written, as yarl does. Returns {@code s} itself when nothing is
     * encoded.
     */
    static String decode(String s, boolean plusIsSpace) {
        int len = s.length();
        int i = 0;
        while (i < len) {
            char c = s.charAt(i);
            if (c == '%' || (plusIsSpace && c == '+')) {
                break;
            }
            i++;
        }
        if (i == len) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(len);
        byte[] prefix = s.substring(0, i).getBytes(StandardCharsets.UTF_8);
        out.write(prefix, 0, prefix.length);
        while (i < len) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < len && hexValue(s.charAt(i + 1)) >= 0
                    && hexValue(s.charAt(i + 2)) >= 0) {
                out.write(hexValue(s.charAt(i + 1)) * 16 + hexValue(s.charAt(i + 2)));
                i += 3;
            } else if (plusIsSpace && c == '+') {
                out.write(' ');
                i++;
            } else if (c < 0x80) {
                out.write(c);
                i++;
            } else {
                int end = i + 1;
                if (Character.isHighSurrogate(c) && end < len) {
                    end++;
                }
                byte[] b = s.substring(i, end).getBytes(StandardCharsets.UTF_8);
                out.write(b, 0, b.length);
                i = end;
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static int hexValue(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    /**
     * Percent-encodes what may not appear literally in a path (RFC 3986 pchar and '/'): used for the
     * literal parts of route patterns so that they compare with the raw request path.
     */
    static String encodePath(String s) {
        StringBuilder sb = null;
        byte[] bytes = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80 && isPathChar(c)) {
                continue;
            }
            bytes = s.getBytes(StandardCharsets.UTF_8);
            sb = new StringBuilder(bytes.length * 2);
            break;
        }
        if (sb == null) {
            return s;
        }
        for (byte b : bytes) {
            int c = b & 0xFF;
            if (c < 0x80 && isPathChar((char) c)) {
                sb.append((char) c);
            } else {
                sb.append('%').append("0123456789ABCDEF".charAt(c >> 4)).append("0123456789ABCDEF".charAt(c & 15));
            }
        }
        return sb.toString();
    }

    /** unreserved / sub-delims / ':' / '@' / '/' / '%' (already encoded). */
    private static boolean isPathChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || "-._~!$&'()*+,;=:@/%".indexOf(c) >= 0;
    }
}
