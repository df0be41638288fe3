package io.jasyncio.testing;

/**
 * How one direction of a {@link MemoryPipe} carries data: the knobs for delivering data in small
 * pieces, late, slowly, or not at all. Immutable; start from {@link #DEFAULT} and change what the
 * test needs:
 *
 * <pre>{@code
 * MemoryLink oneByteAtATime = MemoryLink.DEFAULT.withMaxChunk(1);
 * MemoryLink slowAndFar = MemoryLink.DEFAULT.withLatency(0.05).withBandwidth(10_000);
 * MemoryLink cutOff = MemoryLink.DEFAULT.withResetAfter(100);
 * }</pre>
 *
 * <p>Times are in seconds on the loop's clock: under a {@link VirtualClock} a latency is a timer
 * that the clock jumps to, so the data arrives at an exact, repeatable virtual time.
 *
 * @param maxChunk the most bytes one {@code dataReceived} (or {@code bufferUpdated}) call gets; data
 *     that arrived together is otherwise delivered together, as a socket read would return it
 *     (default {@value #DEFAULT_MAX_CHUNK}, the socket transport's read size). Under a bandwidth
 *     limit it is also the size of the packets the link carries.
 * @param latency seconds between a write and the moment its bytes can be delivered (default 0:
 *     the next loop iteration)
 * @param bandwidth bytes per second the link carries, writes queueing behind each other; each
 *     packet arrives when its last byte is through, plus the latency ({@code
 *     Double.POSITIVE_INFINITY}, the default: no limit)
 * @param socketBuffer how many undelivered bytes the simulated socket holds for the writer (the
 *     kernel's send and receive buffers together): only bytes beyond it count in the writer's
 *     {@code getWriteBufferSize()} and its flow control (default 0: every byte the reader has not
 *     yet consumed counts, so backpressure shows with the smallest amounts)
 * @param resetAfter the reader gets this many bytes (counted from when the link took effect) and
 *     the connection is reset when more would follow: both ends' {@code connectionLost} get a
 *     {@link java.net.SocketException} "Connection reset by peer" (default -1: never)
 */
public record MemoryLink(int maxChunk, double latency, double bandwidth, int socketBuffer, long resetAfter) {

    /** The default {@link #maxChunk()}: 256 KiB, what the socket transport reads at most at once. */
    public static final int DEFAULT_MAX_CHUNK = 256 * 1024;

    /** No delay, no limit, no fault: data is delivered on the next loop iteration, up to 256 KiB at a time. */
    public static final MemoryLink DEFAULT = new MemoryLink(DEFAULT_MAX_CHUNK, 0, Double.POSITIVE_INFINITY, 0, -1);

    /**
     * Checks the knobs.
     *
     * @throws IllegalArgumentException naming the knob that is out of range
     */
    public MemoryLink {
        if (maxChunk < 1) {
            throw new IllegalArgumentException("maxChunk must be >= 1, got " + maxChunk);
        }
        if (!(latency >= 0) || Double.isInfinite(latency)) {
            throw new IllegalArgumentException("latency must be finite and >= 0 seconds, got " + latency);
        }
        if (!(bandwidth > 0)) {
            throw new IllegalArgumentException("bandwidth must be > 0 bytes per second (POSITIVE_INFINITY: no limit), got "
                    + bandwidth);
        }
        if (socketBuffer < 0) {
            throw new IllegalArgumentException("socketBuffer must be >= 0, got " + socketBuffer);
        }
        if (resetAfter < -1) {
            throw new IllegalArgumentException("resetAfter must be >= 0 bytes (or -1: never), got " + resetAfter);
        }
    }

    /** This link delivering at most {@code maxChunk} bytes per {@code dataReceived}. */
    public MemoryLink withMaxChunk(int maxChunk) {
        return new MemoryLink(maxChunk, latency, bandwidth, socketBuffer, resetAfter);
    }

    /** This link delivering {@code latency} seconds after each write. */
    public MemoryLink withLatency(double latency) {
        return new MemoryLink(maxChunk, latency, bandwidth, socketBuffer, resetAfter);
    }

    /** This link carrying {@code bytesPerSecond} ({@code Double.POSITIVE_INFINITY}: no limit). */
    public MemoryLink withBandwidth(double bytesPerSecond) {
        return new MemoryLink(maxChunk, latency, bytesPerSecond, socketBuffer, resetAfter);
    }

    /** This link holding {@code bytes} undelivered bytes before they count against the writer. */
    public MemoryLink withSocketBuffer(int bytes) {
        return new MemoryLink(maxChunk, latency, bandwidth, bytes, resetAfter);
    }

    /** This link resetting the connection once more than {@code bytes} would reach the reader ({@code -1}: never). */
    public MemoryLink withResetAfter(long bytes) {
        return new MemoryLink(maxChunk, latency, bandwidth, socketBuffer, bytes);
    }

    /** The latency in nanoseconds of the loop's clock. */
    long latencyNanos() {
        return Math.round(latency * 1e9);
    }

    /** How long {@code bytes} take to cross the link, in nanoseconds (0 without a bandwidth limit). */
    long transmitNanos(int bytes) {
        return Double.isInfinite(bandwidth) ? 0 : Math.round(bytes * 1e9 / bandwidth);
    }
}
