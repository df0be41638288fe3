package io.jasyncio.net;

/**
 * The callbacks every protocol has: asyncio's {@code BaseProtocol}. A transport calls them on
 * the loop, in order: {@code connectionMade} once, then the data callbacks of the subtype, then
 * {@code connectionLost} once.
 */
public interface BaseProtocol {

    /** The connection is up; {@code transport} is how to write to it and close it. */
    default void connectionMade(BaseTransport transport) {}

    /**
     * The connection is gone: {@code exc} is null after an orderly close or EOF, otherwise what
     * broke it.
     */
    default void connectionLost(Throwable exc) {}

    /** The transport's write buffer went over its high-water mark: stop writing until {@link #resumeWriting()}. */
    default void pauseWriting() {}

    /** The write buffer drained below its low-water mark. */
    default void resumeWriting() {}
}
