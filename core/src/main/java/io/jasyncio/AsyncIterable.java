package io.jasyncio;

import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Python's asynchronous iterable: something {@code async for} can loop over. In jasyncio that loop
 * is an enhanced {@code for} inside a task, whose {@code hasNext()} may suspend the task while the
 * next element arrives:
 *
 * <pre>{@code
 * for (Row row : rows) {   // rows is an AsyncIterable<Row>
 *     ...
 * }
 * }</pre>
 *
 * @param <T> the element type
 */
public interface AsyncIterable<T> extends Iterable<T> {

    /** The async iterator: Python's {@code __aiter__()}. */
    AsyncIterator<T> aiter();

    /**
     * A plain iterator over {@link #aiter()}: {@code hasNext()} calls {@link AsyncIterator#anext()}
     * (suspending if it does) and keeps the element for {@code next()}.
     */
    @Override
    default Iterator<T> iterator() {
        AsyncIterator<T> it = aiter();
        return new Iterator<>() {
            private boolean fetched;
            private boolean ended;
            private T next;

            @Override
            public boolean hasNext() {
                if (!fetched && !ended) {
                    try {
                        next = it.anext();
                        fetched = true;
                    } catch (StopAsyncIteration e) {
                        ended = true;
                    }
                }
                return fetched;
            }

            @Override
            public T next() {
                if (!hasNext()) {
                    throw new NoSuchElementException("async iteration ended");
                }
                T v = next;
                next = null;
                fetched = false;
                return v;
            }
        };
    }
}
