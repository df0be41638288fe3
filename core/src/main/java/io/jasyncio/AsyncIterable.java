package io.jasyncio;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

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
 * <p><b>Helpers.</b> {@link #map}, {@link #filter} and {@link #take} return a new
 * {@link AsyncGenerator} over this one, so they chain and close like any generator;
 * {@link #collect()} and {@link #forEach} consume it; {@link #merge} interleaves several
 * iterables as their elements arrive; {@link #from} adapts a plain {@link Iterable}.
 *
 * <pre>{@code
 * List<String> names = users(db)          // an AsyncGenerator<User>
 *         .filter(User::active)
 *         .map(User::name)
 *         .take(10)                       // closes users(db) once it has 10
 *         .collect();                     // suspends until the end
 * }</pre>
 *
 * <p><b>Closing the source.</b> What an operator iterates is its <em>source</em>: the iterator
 * {@link #aiter()} returned if that is an {@link AsyncCloseable}, otherwise this iterable if it is
 * one (an {@link AsyncGenerator} is both). An operator's generator closes its source when it ends
 * for any reason: the source is exhausted or failed, the function given to the operator threw,
 * {@code take} has its elements, or the generator itself is closed ({@code aclose()}, or
 * try-with-resources). So closing the last generator of a chain runs the {@code finally} blocks of
 * every generator up the chain. As in Python, a generator that never started has nothing to clean
 * up: closing an operator's generator before its first element leaves the source untouched (the
 * operator has not called {@link #aiter()} yet).
 *
 * <p>An exception of the source's {@code aclose()} is added as suppressed to an exception already
 * leaving the operator, and otherwise propagates (from the operator's {@code aclose()} too, as
 * Python's {@code finally} does).
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

    // ---- operators: each returns a generator that closes its source ----

    /**
     * The elements of this iterable passed through {@code mapper}, in order: Python's
     * {@code (mapper(x) async for x in source)}. {@code mapper} runs in the consuming task and may
     * suspend. The source is closed when the result ends or is closed (see the class comment).
     *
     * @param <R> the type of the mapped elements
     * @throws NullPointerException when {@code mapper} is null
     */
    default <R> AsyncGenerator<R> map(Function<? super T, ? extends R> mapper) {
        Objects.requireNonNull(mapper, "map(mapper): mapper is null");
        return AsyncIterables.pipe(this, (in, out) -> {
            while (in.advance()) {
                out.yield(mapper.apply(in.value()));
            }
        });
    }

    /**
     * The elements of this iterable for which {@code predicate} is true, in order: Python's
     * {@code (x async for x in source if predicate(x))}. {@code predicate} runs in the consuming
     * task and may suspend. The source is closed when the result ends or is closed.
     *
     * @throws NullPointerException when {@code predicate} is null
     */
    default AsyncGenerator<T> filter(Predicate<? super T> predicate) {
        Objects.requireNonNull(predicate, "filter(predicate): predicate is null");
        return AsyncIterables.pipe(this, (in, out) -> {
            while (in.advance()) {
                T v = in.value();
                if (predicate.test(v)) {
                    out.yield(v);
                }
            }
        });
    }

    /**
     * The first {@code n} elements of this iterable (fewer if it ends first): Python's
     * {@code itertools.islice(source, n)} for async iterables. The source is advanced exactly as many
     * times as there are elements to take, and closed as soon as the {@code n}-th element has been
     * taken from it, before that element is handed on: its {@code finally} blocks run then, not
     * when the consumer asks for more. {@code take(0)} closes the source without advancing it when
     * the result is first advanced.
     *
     * @throws IllegalArgumentException when {@code n} is negative
     */
    default AsyncGenerator<T> take(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("take(n): n must be zero or more, got " + n);
        }
        return AsyncIterables.pipe(this, (in, out) -> {
            for (long taken = 0; taken < n && in.advance(); taken++) {
                T v = in.value();
                if (taken == n - 1) {
                    in.close(); // done early: release the source before the consumer sees the last one
                }
                out.yield(v);
            }
        });
    }

    /**
     * Runs {@code action} on every element, in order, in the calling task (suspending while the
     * source does, and when {@code action} does), then closes the source. The source is also closed
     * when {@code action} throws, so a generator's {@code finally} blocks run before the exception
     * leaves this method. Overrides {@link Iterable#forEach}, which would leave the source open.
     *
     * @throws NullPointerException when {@code action} is null
     */
    @Override
    default void forEach(Consumer<? super T> action) {
        Objects.requireNonNull(action, "forEach(action): action is null");
        AsyncIterables.consume(this, action);
    }

    /**
     * Every element, in order, in a new mutable list: Python's {@code [x async for x in source]}.
     * Suspends until the source ends, then closes it (also when it fails or the task is cancelled).
     * Must be called from a task when the source suspends.
     */
    default List<T> collect() {
        List<T> all = new ArrayList<>();
        AsyncIterables.consume(this, all::add);
        return all;
    }

    // ---- constructors ----

    /**
     * An async iterable over a plain one: each {@link #aiter()} iterates {@code items} afresh and
     * never suspends. Useful to feed an {@link AsyncIterable} API from a collection, and in tests.
     *
     * @throws NullPointerException when {@code items} is null
     */
    static <T> AsyncIterable<T> from(Iterable<? extends T> items) {
        Objects.requireNonNull(items, "from(items): items is null");
        return new AsyncIterable<>() {
            @Override
            public AsyncIterator<T> aiter() {
                Iterator<? extends T> it = items.iterator();
                return () -> {
                    if (!it.hasNext()) {
                        throw new StopAsyncIteration();
                    }
                    return it.next();
                };
            }

            @Override
            public String toString() {
                return "AsyncIterable.from(" + items + ")";
            }
        };
    }

    /**
     * The elements of all {@code sources} in the order they arrive: each source is iterated by its
     * own task (a <em>feeder</em>), concurrently with the others and with the consumer, and each
     * element is yielded as soon as the consumer asks for it. Elements of one source keep their
     * order; elements that arrive at the same time come out in arrival order.
     *
     * <pre>{@code
     * try (var events = AsyncIterable.merge(clicks, keys, ticks)) {
     *     for (Event e : events) handle(e);
     * }
     * }</pre>
     *
     * <p><b>Bounded.</b> A feeder that has handed an element over does not hand over another until
     * the consumer took the first: a fast source runs at most two elements ahead of the consumer
     * (one waiting to be taken, one fetched meanwhile), so nothing buffers without bound.
     *
     * <p><b>Ending.</b> The result ends when every source has ended. The first exception a source
     * raises is thrown to the consumer at its next {@code anext()}, once the other feeders are
     * cancelled and their sources closed; later exceptions are added to it as suppressed, and
     * elements still waiting to be taken are dropped. A feeder cancelled by someone else (such as
     * {@link Asyncio#run} cancelling the tasks left at its end) fails the result the same way with
     * a {@link java.util.concurrent.CancellationException}: an ordinary exception, not the
     * consumer's own {@link CancelledError}.
     *
     * <p><b>Closing.</b> Closing the result (or cancelling the consuming task while it waits)
     * cancels every feeder, closes every source (their {@code finally} blocks run) and waits for all
     * of that before {@code aclose()} returns: no feeder task outlives the result. The feeders start
     * when the result is first advanced, which must happen in a task; a result closed before that
     * touches none of the sources.
     *
     * @param <T> the element type
     * @throws NullPointerException when {@code sources} or one of them is null
     */
    @SafeVarargs
    static <T> AsyncGenerator<T> merge(AsyncIterable<? extends T>... sources) {
        Objects.requireNonNull(sources, "merge(sources): sources is null");
        return merge(Arrays.asList(sources));
    }

    /**
     * {@link #merge(AsyncIterable[])} over a collection of sources, in its iteration order.
     *
     * @param <T> the element type
     * @throws NullPointerException when {@code sources} or one of them is null
     */
    static <T> AsyncGenerator<T> merge(Collection<? extends AsyncIterable<? extends T>> sources) {
        Objects.requireNonNull(sources, "merge(sources): sources is null");
        List<AsyncIterable<? extends T>> copy = new ArrayList<>(sources.size());
        for (AsyncIterable<? extends T> s : sources) {
            if (s == null) {
                throw new NullPointerException("merge(sources): source " + copy.size() + " is null");
            }
            copy.add(s);
        }
        return AsyncIterables.merge(copy);
    }
}
