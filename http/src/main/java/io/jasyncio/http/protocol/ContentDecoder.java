package io.jasyncio.http.protocol;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Streaming decoder for a {@code Content-Encoding} (RFC 9110 8.4): {@code gzip} and {@code x-gzip}
 * (RFC 1952, concatenated members allowed, CRC and length checked), {@code deflate} (zlib-wrapped
 * as RFC 9110 says, or raw DEFLATE as some servers send and browsers accept: told apart by the first
 * two bytes), {@code identity}. A list such as {@code "gzip, deflate"} (deflate applied last) is
 * decoded in reverse order of application. Built on {@link Inflater}.
 *
 * <p>Feed the body as it arrives through {@link #decode}, then call {@link #finish()}, which fails if
 * the compressed stream was cut short. A cap on the decoded size guards against decompression
 * bombs: passing it fails with 413, checked while inflating, so a small input never expands in
 * memory beyond the cap (plus one 16 KiB buffer).
 *
 * <pre>{@code
 * ContentDecoder decoder = ContentDecoder.forEncoding(head.headers().get("Content-Encoding"), 64 << 20);
 * ... case HttpEvent.Data d -> sink(decoder.decode(d.bytes(), d.offset(), d.length()));
 * ... case HttpEvent.End e -> sink(decoder.finish());
 * }</pre>
 *
 * <p>Errors are {@link HttpParseException}s: 415 for an unknown coding, 400 for corrupt or truncated
 * data, 413 over the cap. The decoder holds native zlib memory: {@link #finish()} and any error
 * release it, and {@link #close()} releases it when a body is abandoned. Not thread-safe.
 */
public final class ContentDecoder implements AutoCloseable {

    /*
     * Overview: a chain of stages, one per coding, in decoding order (the reverse of the header's
     * list). decode() passes each stage's output to the next. Every stage counts its own output
     * against the cap, so an intermediate stage cannot balloon either. A gzip stage is a small state
     * machine over members (header, deflate data, 8-byte trailer); a deflate stage waits for two
     * bytes to choose between zlib and raw DEFLATE.
     */

    private static final byte[] EMPTY = new byte[0];
    /** More codings than this in one Content-Encoding are refused (each adds a decompression stage). */
    private static final int MAX_CODINGS = 4;

    /** The stages in decoding order; empty for identity. */
    private final Stage[] stages;
    /** The Content-Encoding as given, for messages. */
    private final String encoding;
    /** Whether finish(), close() or an error ended the decoder. */
    private boolean done;

    private ContentDecoder(Stage[] stages, String encoding) {
        this.stages = stages;
        this.encoding = encoding;
    }

    /**
     * A decoder for a {@code Content-Encoding} header value, without a cap on the decoded size.
     *
     * @param contentEncoding the field value, such as {@code "gzip"}; null, empty or
     *     {@code "identity"} give a pass-through decoder
     * @return the decoder
     * @throws HttpParseException (415) if a coding is not supported, naming it
     */
    public static ContentDecoder forEncoding(String contentEncoding) throws HttpParseException {
        return forEncoding(contentEncoding, Long.MAX_VALUE);
    }

    /**
     * A decoder for a {@code Content-Encoding} header value with a cap on the decoded size.
     *
     * @param contentEncoding the field value; null, empty or {@code "identity"} for pass-through
     * @param maxDecodedBytes most bytes the decoded body may have (the zip-bomb guard); the
     *     identity decoder counts too
     * @return the decoder
     * @throws HttpParseException (415) if a coding is not supported or more than four are listed
     * @throws IllegalArgumentException if {@code maxDecodedBytes} is negative
     */
    public static ContentDecoder forEncoding(String contentEncoding, long maxDecodedBytes) throws HttpParseException {
        if (maxDecodedBytes < 0) {
            throw new IllegalArgumentException("maxDecodedBytes must be >= 0, got " + maxDecodedBytes);
        }
        List<String> codings = new ArrayList<>(2);
        if (contentEncoding != null) {
            for (String element : contentEncoding.split(",", -1)) {
                String coding = element.trim().toLowerCase(Locale.ROOT);
                if (coding.isEmpty() || coding.equals("identity")) {
                    continue;
                }
                if (!coding.equals("gzip") && !coding.equals("x-gzip") && !coding.equals("deflate")) {
                    throw new HttpParseException(415, "unsupported Content-Encoding " + Ascii.quote(element.trim())
                            + " in " + Ascii.quote(contentEncoding) + " (supported: gzip, x-gzip, deflate, identity)");
                }
                codings.add(coding);
            }
        }
        if (codings.size() > MAX_CODINGS) {
            throw new HttpParseException(415, "more than " + MAX_CODINGS + " content codings in "
                    + Ascii.quote(contentEncoding));
        }
        Stage[] stages = new Stage[codings.size() + 1];
        for (int i = 0; i < codings.size(); i++) {
            String coding = codings.get(codings.size() - 1 - i);
            stages[i] = coding.equals("deflate") ? new DeflateStage(maxDecodedBytes) : new GzipStage(maxDecodedBytes);
        }
        stages[codings.size()] = new CountStage(maxDecodedBytes, contentEncoding);
        return new ContentDecoder(stages, contentEncoding == null ? "identity" : contentEncoding);
    }

    /**
     * Whether this decoder passes bytes through unchanged (no coding, or only {@code identity}).
     *
     * @return true for identity
     */
    public boolean isIdentity() {
        return stages.length == 1;
    }

    /**
     * Decodes the next piece of the encoded body.
     *
     * @param b the array holding the encoded bytes
     * @param off where they start
     * @param len how many
     * @return the decoded bytes so far, possibly an empty array (identity returns {@code b} itself
     *     when the slice is the whole array)
     * @throws HttpParseException 400 if the data is corrupt, 413 past the cap
     * @throws IllegalStateException after {@link #finish()}, {@link #close()} or an error
     */
    public byte[] decode(byte[] b, int off, int len) throws HttpParseException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        if (done) {
            throw new IllegalStateException("ContentDecoder for " + Ascii.quote(encoding) + " already finished or failed");
        }
        try {
            byte[] data = b;
            int o = off;
            int l = len;
            for (Stage stage : stages) {
                if (l == 0) {
                    return EMPTY;
                }
                data = stage.decode(data, o, l);
                o = 0;
                l = data.length;
            }
            return data;
        } catch (HttpParseException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Ends the body: checks the encoded stream was complete and returns the last decoded bytes.
     * Releases the decoder's native memory.
     *
     * @return the remaining decoded bytes, possibly empty
     * @throws HttpParseException 400 if the stream was truncated, 413 past the cap
     * @throws IllegalStateException if already finished, closed or failed
     */
    public byte[] finish() throws HttpParseException {
        if (done) {
            throw new IllegalStateException("ContentDecoder for " + Ascii.quote(encoding) + " already finished or failed");
        }
        try {
            byte[] result = EMPTY;
            for (int i = 0; i < stages.length; i++) {
                byte[] out = stages[i].finish();
                for (int j = i + 1; j < stages.length && out.length > 0; j++) {
                    out = stages[j].decode(out, 0, out.length);
                }
                if (out.length > 0) {
                    result = result.length == 0 ? out : concat(result, out);
                }
            }
            return result;
        } finally {
            close();
        }
    }

    /** Releases the native memory; the decoder cannot be used afterwards. Idempotent. */
    @Override
    public void close() {
        if (!done) {
            done = true;
            for (Stage stage : stages) {
                stage.close();
            }
        }
    }

    /** {@code ContentDecoder[gzip]}. */
    @Override
    public String toString() {
        return "ContentDecoder[" + encoding + "]";
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    // ---------------------------------------------------------------------------------------------

    /** One decoding step. */
    private abstract static class Stage {
        abstract byte[] decode(byte[] b, int off, int len) throws HttpParseException;

        abstract byte[] finish() throws HttpParseException;

        void close() {}
    }

    /** The last stage: counts decoded bytes against the cap; passes them through. */
    private static final class CountStage extends Stage {
        private final long max;
        private final String encoding;
        private long total;

        CountStage(long max, String encoding) {
            this.max = max;
            this.encoding = encoding;
        }

        @Override
        byte[] decode(byte[] b, int off, int len) throws HttpParseException {
            if (len > max - total) {
                throw tooLarge(max, encoding);
            }
            total += len;
            return off == 0 && len == b.length ? b : Arrays.copyOfRange(b, off, off + len);
        }

        @Override
        byte[] finish() {
            return EMPTY;
        }
    }

    private static HttpParseException tooLarge(long max, String encoding) {
        return new HttpParseException(413, "decoded body larger than " + max + " bytes (Content-Encoding "
                + (encoding == null ? "identity" : Ascii.quote(encoding)) + ")");
    }

    /** Inflates into a growing output, counting it against the cap. */
    private abstract static class InflateStage extends Stage {
        final long max;
        /** Decoded bytes produced by this stage. */
        long produced;
        /** Scratch output buffer. */
        final byte[] chunk = new byte[16 * 1024];
        Inflater inflater;
        /** The current output: out[0, outLen). */
        byte[] out = EMPTY;
        int outLen;

        InflateStage(long max) {
            this.max = max;
        }

        abstract String name();

        /** Called with each piece of output as produced (gzip's CRC). */
        void produced(byte[] b, int off, int len) {}

        /**
         * Inflates b[off, off+len) as far as possible. Returns how many input bytes were left
         * unconsumed because the deflate stream finished.
         */
        int inflate(byte[] b, int off, int len) throws HttpParseException {
            inflater.setInput(b, off, len);
            while (!inflater.finished()) {
                int n;
                try {
                    n = inflater.inflate(chunk);
                } catch (DataFormatException e) {
                    throw new HttpParseException(400, "corrupt " + name() + " data: " + e.getMessage(), e);
                }
                if (n > 0) {
                    if (n > max - produced) {
                        throw tooLarge(max, name());
                    }
                    produced += n;
                    produced(chunk, 0, n);
                    if (outLen + n > out.length) {
                        out = Arrays.copyOf(out, Math.max(outLen + n, Math.max(2 * out.length, 1024)));
                    }
                    System.arraycopy(chunk, 0, out, outLen, n);
                    outLen += n;
                } else if (inflater.needsDictionary()) {
                    throw new HttpParseException(400, name() + " data needs a preset dictionary (not supported)");
                } else if (inflater.needsInput()) {
                    break;
                }
            }
            return inflater.finished() ? inflater.getRemaining() : 0;
        }

        byte[] takeOutput() {
            if (outLen == 0) {
                return EMPTY;
            }
            byte[] r = Arrays.copyOf(out, outLen);
            outLen = 0;
            if (out.length > 64 * 1024) {
                out = EMPTY;
            }
            return r;
        }

        @Override
        void close() {
            if (inflater != null) {
                inflater.end();
            }
        }
    }

    /** {@code deflate}: zlib (RFC 1950) or raw DEFLATE (RFC 1951), told apart by the first two bytes. */
    private static final class DeflateStage extends InflateStage {
        /** First byte, kept while waiting for the second; -1 if none. */
        private int first = -1;
        private long consumed;

        DeflateStage(long max) {
            super(max);
        }

        @Override
        String name() {
            return "deflate";
        }

        @Override
        byte[] decode(byte[] b, int off, int len) throws HttpParseException {
            if (inflater == null) {
                if (first < 0) {
                    first = b[off] & 0xff;
                    off++;
                    len--;
                    if (len == 0) {
                        return EMPTY;
                    }
                }
                int second = b[off] & 0xff;
                boolean zlib = (first & 0x0f) == 8 && (first >> 4) <= 7 && ((first << 8) | second) % 31 == 0;
                inflater = new Inflater(!zlib);
                inflate(new byte[] {(byte) first}, 0, 1);
                consumed = 1;
            }
            if (inflater.finished()) {
                throw trailing(len);
            }
            int left = inflate(b, off, len);
            consumed += len - left;
            if (left > 0) {
                throw trailing(left);
            }
            return takeOutput();
        }

        private HttpParseException trailing(int n) {
            return new HttpParseException(400, n + " unexpected bytes after the end of the deflate stream"
                    + " (at compressed byte " + consumed + ")");
        }

        @Override
        byte[] finish() throws HttpParseException {
            if (inflater == null) {
                if (first < 0) {
                    return EMPTY;
                }
                throw new HttpParseException(400, "truncated deflate stream (1 byte)");
            }
            if (!inflater.finished()) {
                // Raw DEFLATE may need a dummy byte to report its end (see Inflater(boolean)).
                inflate(new byte[1], 0, 1);
                if (!inflater.finished()) {
                    throw new HttpParseException(400, "truncated deflate stream (ended after " + consumed
                            + " compressed bytes, " + produced + " decoded)");
                }
            }
            return takeOutput();
        }
    }

    /** {@code gzip} / {@code x-gzip}: members of header, deflate data and CRC32/ISIZE trailer. */
    private static final class GzipStage extends InflateStage {
        private static final int HEADER = 0;
        private static final int DATA = 1;
        private static final int TRAILER = 2;
        private static final int MAX_HEADER = 64 * 1024 + 1024;

        /** HEADER, DATA or TRAILER. */
        private int part = HEADER;
        /** Bytes of a partial header or trailer. */
        private byte[] pending = new byte[16];
        private int pendingLen;
        private final CRC32 crc = new CRC32();
        /** Completed members. */
        private int members;
        /** Compressed bytes seen. */
        private long consumed;

        GzipStage(long max) {
            super(max);
            inflater = new Inflater(true);
        }

        @Override
        String name() {
            return "gzip";
        }

        @Override
        void produced(byte[] b, int off, int len) {
            crc.update(b, off, len);
        }

        @Override
        byte[] decode(byte[] b, int off, int len) throws HttpParseException {
            int i = off;
            int end = off + len;
            while (i < end) {
                switch (part) {
                    case HEADER -> {
                        int take = Math.min(end - i, MAX_HEADER - pendingLen);
                        if (take == 0) {
                            throw new HttpParseException(400, "gzip header longer than " + MAX_HEADER + " bytes");
                        }
                        append(b, i, take);
                        i += take;
                        consumed += take;
                        int h = headerLength();
                        if (h >= 0) {
                            byte[] rest = Arrays.copyOfRange(pending, h, pendingLen);
                            pendingLen = 0;
                            part = DATA;
                            consumed -= rest.length;
                            b = rest;
                            i = 0;
                            end = rest.length;
                        }
                    }
                    case DATA -> {
                        int left = inflate(b, i, end - i);
                        consumed += end - i - left;
                        i = end - left;
                        if (inflater.finished()) {
                            part = TRAILER;
                        }
                    }
                    case TRAILER -> {
                        int take = Math.min(end - i, 8 - pendingLen);
                        append(b, i, take);
                        i += take;
                        consumed += take;
                        if (pendingLen == 8) {
                            long crcValue = u32(0);
                            long size = u32(4);
                            if (crcValue != crc.getValue()) {
                                throw new HttpParseException(400, String.format(
                                        "gzip CRC mismatch in member %d: trailer says %08x, data gives %08x",
                                        members + 1, crcValue, crc.getValue()));
                            }
                            if (size != (inflater.getBytesWritten() & 0xffffffffL)) {
                                throw new HttpParseException(400, "gzip length mismatch in member " + (members + 1)
                                        + ": trailer says " + size + ", data gives " + inflater.getBytesWritten());
                            }
                            members++;
                            pendingLen = 0;
                            inflater.reset();
                            crc.reset();
                            part = HEADER;
                        }
                    }
                    default -> throw new AssertionError(part);
                }
            }
            return takeOutput();
        }

        private void append(byte[] b, int off, int n) {
            if (pendingLen + n > pending.length) {
                pending = Arrays.copyOf(pending, Math.max(pendingLen + n, 2 * pending.length));
            }
            System.arraycopy(b, off, pending, pendingLen, n);
            pendingLen += n;
        }

        private long u32(int at) {
            return (pending[at] & 0xffL) | (pending[at + 1] & 0xffL) << 8 | (pending[at + 2] & 0xffL) << 16
                    | (pending[at + 3] & 0xffL) << 24;
        }

        /** The length of the complete gzip header in {@code pending}, or -1 if incomplete. */
        private int headerLength() throws HttpParseException {
            byte[] h = pending;
            int n = pendingLen;
            if ((n >= 1 && (h[0] & 0xff) != 0x1f) || (n >= 2 && (h[1] & 0xff) != 0x8b)) {
                throw new HttpParseException(400, members == 0
                        ? "not gzip data (no 1f 8b magic at the start: " + Ascii.quote(h, 0, Math.min(n, 8)) + ")"
                        : "unexpected bytes after gzip member " + members + " (no 1f 8b magic of a next member)");
            }
            if (n >= 3 && h[2] != 8) {
                throw new HttpParseException(400, "gzip compression method " + (h[2] & 0xff) + " is not deflate (8)");
            }
            if (n >= 4 && (h[3] & 0xe0) != 0) {
                throw new HttpParseException(400, "gzip header has reserved flag bits set: " + (h[3] & 0xff));
            }
            if (n < 10) {
                return -1;
            }
            int flags = h[3];
            int p = 10;
            if ((flags & 4) != 0) {
                if (n < p + 2) {
                    return -1;
                }
                p += 2 + ((h[p] & 0xff) | (h[p + 1] & 0xff) << 8);
            }
            for (int bit : new int[] {8, 16}) {
                if ((flags & bit) != 0) {
                    while (p < n && h[p] != 0) {
                        p++;
                    }
                    if (p >= n) {
                        return -1;
                    }
                    p++;
                }
            }
            if ((flags & 2) != 0) {
                p += 2;
            }
            return p <= n ? p : -1;
        }

        @Override
        byte[] finish() throws HttpParseException {
            if (part == HEADER && pendingLen == 0) {
                return EMPTY;
            }
            String where = switch (part) {
                case HEADER -> "in the header of member " + (members + 1);
                case DATA -> "in the compressed data of member " + (members + 1);
                default -> "in the trailer of member " + (members + 1);
            };
            throw new HttpParseException(400, "truncated gzip stream: it ended " + where + " after " + consumed
                    + " compressed bytes (" + produced + " decoded)");
        }
    }
}
