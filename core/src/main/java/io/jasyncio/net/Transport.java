package io.jasyncio.net;

/**
 * A bidirectional stream transport: asyncio's {@code Transport}, a {@link ReadTransport} and a
 * {@link WriteTransport} together.
 *
 * <p>{@link #write(java.nio.ByteBuffer)} never blocks: what the socket does not take at once is buffered and written as
 * the peer reads. Above the high-water mark the protocol's {@code pauseWriting()} is called, below
 * the low-water mark {@code resumeWriting()}: the protocol's part of backpressure.
 */
public interface Transport extends ReadTransport, WriteTransport {}
