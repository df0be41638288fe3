package io.jasyncio.net;

import java.util.function.BiConsumer;

/**
 * A transport's side of write backpressure: the high and low water marks of its write buffer and
 * whether the protocol is paused (asyncio's {@code _FlowControlMixin} in transports.py). The
 * transport reports its buffer size after each change; this calls the protocol's
 * {@code pauseWriting()} above the high mark and {@code resumeWriting()} at or below the low mark,
 * each once per crossing.
 */
final class WriteFlowControl {
    /** asyncio's default high-water mark; the low one defaults to a quarter of the high one. */
    static final int DEFAULT_HIGH = 64 * 1024;

    private int high = DEFAULT_HIGH;
    private int low = DEFAULT_HIGH / 4;
    private boolean paused;

    int high() {
        return high;
    }

    int low() {
        return low;
    }

    /** Sets the marks ({@code -1} for defaults) as asyncio's {@code set_write_buffer_limits}. */
    void setLimits(int high, int low) {
        int h = high < 0 ? (low < 0 ? DEFAULT_HIGH : 4 * low) : high;
        int l = low < 0 ? h / 4 : low;
        if (!(h >= l && l >= 0)) {
            throw new IllegalArgumentException("high (" + h + ") must be >= low (" + l + ") must be >= 0");
        }
        this.high = h;
        this.low = l;
    }

    /** After the buffer grew: pauses the protocol once it is over the high mark. */
    void maybePause(int buffered, BaseProtocol protocol, BiConsumer<String, Throwable> report) {
        if (buffered <= high || paused) {
            return;
        }
        paused = true;
        try {
            protocol.pauseWriting();
        } catch (RuntimeException | Error e) {
            report.accept("protocol.pauseWriting() failed", e);
        }
    }

    /** After the buffer shrank: resumes a paused protocol once it is at or below the low mark. */
    void maybeResume(int buffered, BaseProtocol protocol, BiConsumer<String, Throwable> report) {
        if (paused && buffered <= low) {
            paused = false;
            try {
                protocol.resumeWriting();
            } catch (RuntimeException | Error e) {
                report.accept("protocol.resumeWriting() failed", e);
            }
        }
    }
}
