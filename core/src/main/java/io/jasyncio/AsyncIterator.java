package io.jasyncio;

/**
 * Python's asynchronous iterator: {@link #anext()} may suspend the calling task while the next
 * element arrives.
 *
 * @param <T> the element type
 */
@FunctionalInterface
public interface AsyncIterator<T> {

    /**
     * The next element, suspending until it is available. Must be called from a task when it
     * suspends.
     *
     * @throws StopAsyncIteration when there are no more elements
     */
    T anext();
}
