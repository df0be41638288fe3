package io.jasyncio;

import java.util.NoSuchElementException;

/**
 * An async iterator has no more elements: Python's {@code StopAsyncIteration}, thrown by
 * {@link AsyncIterator#anext()} and {@link AsyncGenerator#asend(Object)} at the end.
 *
 * <p>It is a {@link NoSuchElementException}, what {@link java.util.Iterator#next()} throws at the
 * end, so code written against either protocol recognises it. As in Python, one escaping a
 * generator's body is not taken for the generator's end: it becomes an
 * {@link IllegalStateException} ("async generator raised StopAsyncIteration").
 */
public class StopAsyncIteration extends NoSuchElementException {
    private static final long serialVersionUID = 1L;

    /** The end of an async iteration. */
    public StopAsyncIteration() {
        super("async iteration ended");
    }
}
