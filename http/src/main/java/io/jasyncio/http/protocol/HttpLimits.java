package io.jasyncio.http.protocol;

/**
 * The limits an {@link HttpParser} enforces, so that a peer cannot make it buffer without bound.
 * Immutable; change one component with a {@code with...} method:
 * {@code HttpLimits.defaults().withMaxBodySize(1 << 20)}.
 *
 * <p>Defaults (see ADR 0014 for the comparison with nginx, aiohttp and h11):
 * <table>
 * <caption>defaults</caption>
 * <tr><td>{@code maxLineSize}</td><td>8190</td><td>request or status line, excluding CRLF; over it: 414 (request line) / 400</td></tr>
 * <tr><td>{@code maxHeaderSize}</td><td>8190</td><td>one header or trailer field line; over it: 431</td></tr>
 * <tr><td>{@code maxHeadersTotal}</td><td>65536</td><td>the whole header (or trailer) section; over it: 431</td></tr>
 * <tr><td>{@code maxHeaderCount}</td><td>100</td><td>fields in a header (or trailer) section; over it: 431</td></tr>
 * <tr><td>{@code maxBodySize}</td><td>unlimited</td><td>content bytes of one message after de-chunking; over it: 413</td></tr>
 * <tr><td>{@code maxChunkExtSize}</td><td>16384</td><td>chunk-extension bytes in one message (ignored but counted); over it: 413</td></tr>
 * </table>
 *
 * @param maxLineSize longest request or status line in bytes, without the line ending
 * @param maxHeaderSize longest header field line in bytes, without the line ending
 * @param maxHeadersTotal most bytes in a header section (all field lines with their endings)
 * @param maxHeaderCount most fields in a header section
 * @param maxBodySize most content bytes in one message; {@code Long.MAX_VALUE} for no limit
 * @param maxChunkExtSize most chunk-extension bytes summed over one chunked message
 */
public record HttpLimits(int maxLineSize, int maxHeaderSize, int maxHeadersTotal, int maxHeaderCount,
        long maxBodySize, int maxChunkExtSize) {

    private static final HttpLimits DEFAULTS = new HttpLimits(8190, 8190, 64 * 1024, 100, Long.MAX_VALUE, 16 * 1024);

    /**
     * Checks that every limit is positive (zero for {@code maxChunkExtSize} and {@code maxBodySize}
     * means none allowed).
     *
     * @throws IllegalArgumentException naming the bad component
     */
    public HttpLimits {
        positive("maxLineSize", maxLineSize);
        positive("maxHeaderSize", maxHeaderSize);
        positive("maxHeadersTotal", maxHeadersTotal);
        positive("maxHeaderCount", maxHeaderCount);
        if (maxBodySize < 0) {
            throw new IllegalArgumentException("maxBodySize must be >= 0, got " + maxBodySize);
        }
        if (maxChunkExtSize < 0) {
            throw new IllegalArgumentException("maxChunkExtSize must be >= 0, got " + maxChunkExtSize);
        }
    }

    /**
     * The default limits (see the class comment).
     *
     * @return the defaults
     */
    public static HttpLimits defaults() {
        return DEFAULTS;
    }

    /**
     * A copy with another {@code maxLineSize}.
     *
     * @param n bytes, positive
     * @return the new limits
     */
    public HttpLimits withMaxLineSize(int n) {
        return new HttpLimits(n, maxHeaderSize, maxHeadersTotal, maxHeaderCount, maxBodySize, maxChunkExtSize);
    }

    /**
     * A copy with another {@code maxHeaderSize}.
     *
     * @param n bytes, positive
     * @return the new limits
     */
    public HttpLimits withMaxHeaderSize(int n) {
        return new HttpLimits(maxLineSize, n, maxHeadersTotal, maxHeaderCount, maxBodySize, maxChunkExtSize);
    }

    /**
     * A copy with another {@code maxHeadersTotal}.
     *
     * @param n bytes, positive
     * @return the new limits
     */
    public HttpLimits withMaxHeadersTotal(int n) {
        return new HttpLimits(maxLineSize, maxHeaderSize, n, maxHeaderCount, maxBodySize, maxChunkExtSize);
    }

    /**
     * A copy with another {@code maxHeaderCount}.
     *
     * @param n fields, positive
     * @return the new limits
     */
    public HttpLimits withMaxHeaderCount(int n) {
        return new HttpLimits(maxLineSize, maxHeaderSize, maxHeadersTotal, n, maxBodySize, maxChunkExtSize);
    }

    /**
     * A copy with another {@code maxBodySize}.
     *
     * @param n bytes, {@code >= 0}; {@code Long.MAX_VALUE} for no limit
     * @return the new limits
     */
    public HttpLimits withMaxBodySize(long n) {
        return new HttpLimits(maxLineSize, maxHeaderSize, maxHeadersTotal, maxHeaderCount, n, maxChunkExtSize);
    }

    /**
     * A copy with another {@code maxChunkExtSize}.
     *
     * @param n bytes, {@code >= 0}
     * @return the new limits
     */
    public HttpLimits withMaxChunkExtSize(int n) {
        return new HttpLimits(maxLineSize, maxHeaderSize, maxHeadersTotal, maxHeaderCount, maxBodySize, n);
    }

    private static void positive(String name, int v) {
        if (v <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + v);
        }
    }
}
