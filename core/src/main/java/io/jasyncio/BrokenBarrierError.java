package io.jasyncio;

/**
 * Raised by {@link Barrier#await()} when the barrier is broken ({@link Barrier#abort()}) or reset
 * ({@link Barrier#reset()}) while the task waits, or is already broken when it arrives: asyncio's
 * {@code BrokenBarrierError}, a subclass of {@code RuntimeError} there and so of
 * {@link IllegalStateException} here.
 */
public class BrokenBarrierError extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /**
     * A broken-barrier error with a message.
     *
     * @param message what broke the barrier ({@code "Barrier aborted"}, {@code "Abort or reset of barrier"})
     */
    public BrokenBarrierError(String message) {
        super(message);
    }
}
