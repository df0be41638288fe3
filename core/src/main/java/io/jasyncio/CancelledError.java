package io.jasyncio;

/**
 * The task or future was cancelled: asyncio's {@code CancelledError}.
 *
 * <p>It extends {@link Error}, not {@link Exception}, for the reason asyncio moved it to
 * {@code BaseException} in 3.8: a {@code catch (Exception e)} written to handle a failure must not
 * swallow a cancellation. Catch it only to clean up, and rethrow it; or use {@code try/finally}.
 *
 * <p>It is raised at the task's next suspension point after {@link Task#cancel(String)}, carrying
 * the cancel message. As in asyncio, the first awaiter of a cancelled task receives the very
 * {@code CancelledError} that ended it; later retrievals get a new one.
 */
public class CancelledError extends Error {
    private static final long serialVersionUID = 1L;

    /** A cancellation without a message. */
    public CancelledError() {
        super();
    }

    /** A cancellation with the message given to {@code cancel(msg)}; {@code null} for none. */
    public CancelledError(String message) {
        super(message);
    }

    /** A cancellation with a message, caused by an earlier cancellation (asyncio's chained context). */
    public CancelledError(String message, Throwable cause) {
        super(message, cause);
    }
}
