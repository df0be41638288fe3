package io.jasyncio;

/** A blocking action without a result, for {@link Asyncio#toThread(ThrowingRunnable)}. */
@FunctionalInterface
public interface ThrowingRunnable {

    /** Runs the action; an exception it throws reaches the awaiting task unwrapped. */
    void run() throws Exception;
}
