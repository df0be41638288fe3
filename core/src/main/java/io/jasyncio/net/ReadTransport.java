package io.jasyncio.net;

/**
 * The receiving half of a transport: asyncio's {@code ReadTransport}. Received data goes to the
 * protocol; pausing stops that until resumed (the sender is then slowed by the kernel's buffers).
 */
public interface ReadTransport extends BaseTransport {

    /** Whether the transport is delivering received data (not paused). */
    boolean isReading();

    /** Stops delivering received data until {@link #resumeReading()}: the peer is slowed by TCP. */
    void pauseReading();

    /** Resumes delivering received data. */
    void resumeReading();
}
