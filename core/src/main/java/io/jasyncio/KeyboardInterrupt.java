package io.jasyncio;

/**
 * The user pressed Ctrl-C (SIGINT) while {@link Runner#run} ran the main task, and the task ended
 * cancelled by it: Python's {@code KeyboardInterrupt} as {@code asyncio.run} raises it.
 *
 * <p>It extends {@link Error}, as Python's is a {@code BaseException}: a {@code catch (Exception e)}
 * must not swallow it. Its cause is the main task's {@link CancelledError}. A program that lets it
 * escape {@code main} ends with a stack trace and status 1; to end as a shell expects after Ctrl-C,
 * catch it and {@code System.exit(130)}.
 */
public final class KeyboardInterrupt extends Error {
    private static final long serialVersionUID = 1L;

    /** An interrupt that ended the main task with {@code cause}. */
    public KeyboardInterrupt(CancelledError cause) {
        super("interrupted by SIGINT (Ctrl-C): the main task was cancelled", cause);
    }
}
