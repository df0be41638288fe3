package io.jasyncio;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A synchronous generator: Python's generator, with {@code yield} allowed at any depth of the
 * body's call stack.
 *
 * <pre>{@code
 * static Generator<Node> walk(Node root) {
 *     return Generator.of(out -> visit(root, out));
 * }
 * static void visit(Node n, Yielder<Node> out) {   // recursive: no "yield from" needed
 *     if (n == null) return;
 *     visit(n.left, out);
 *     out.yield(n);
 *     visit(n.right, out);
 * }
 * try (var nodes = walk(tree)) {
 *     for (Node n : nodes) { if (n.key > 10) break; }  // leaving the block closes it: finally blocks run
 * }
 * }</pre>
 *
 * <p>It needs no event loop: the body runs on a generator fiber of the same engine as tasks, on the
 * consumer's thread (continuation engine) or handed over to its own virtual thread (portable engine).
 * Used inside a task, its body may even suspend the task; for generators meant to do that, use
 * {@link AsyncGenerator}, which the loop also closes at shutdown.
 *
 * <p>It is both the {@link Iterator} and a one-shot {@link Iterable} (so it works in a for-each
 * loop), and a {@link Stream} source. {@link #hasNext()} runs the body to its next yield. Not
 * thread-safe: one consumer at a time. Close it (try-with-resources, or {@link Stream#close()} on
 * {@link #stream()}) when not iterating to the end: an abandoned generator's {@code finally} blocks
 * never run.
 *
 * @param <T> the element type
 */
public final class Generator<T> implements Iterator<T>, Iterable<T>, AutoCloseable {
    private final GeneratorCore<T> core;
    /** Whether hasNext() fetched a value that next() has not returned yet. */
    private boolean lookahead;
    /** Whether the first advance registered the generator with the cleaner. */
    private boolean hooked;

    private Generator(GeneratorBody<T> body) {
        this.core = new GeneratorCore<>(body, false);
    }

    /**
     * Python closes a generator it collects: one dropped while suspended is closed when the garbage
     * collector notices, on the cleaner's thread, so its {@code finally} blocks run and (on the
     * portable engine) its virtual thread ends. An error there is logged, as Python prints
     * "Exception ignored in".
     */
    private void hook() {
        if (hooked) {
            return;
        }
        hooked = true;
        GeneratorCore<T> c = core;
        GeneratorCore.CLEANER.register(this, c::closeAbandoned);
    }

    /** A generator whose body runs on the first {@link #next()} or {@link #hasNext()}. */
    public static <T> Generator<T> of(GeneratorBody<T> body) {
        return new Generator<>(body);
    }

    /** Runs the body to its next yield if no value is waiting; false once the body has ended. */
    @Override
    public boolean hasNext() {
        if (!lookahead) {
            hook();
            lookahead = core.advance(null, null, "hasNext()");
        }
        return lookahead;
    }

    /**
     * The next yielded value: Python's {@code next(gen)}.
     *
     * @throws NoSuchElementException when the body has ended
     */
    @Override
    public T next() {
        if (!hasNext()) {
            throw new NoSuchElementException("generator exhausted");
        }
        lookahead = false;
        return core.takeYielded();
    }

    /**
     * Resumes the body with {@code value} as the result of its {@code yield} and returns the
     * next yielded value: Python's {@code gen.send(value)}.
     *
     * @throws NoSuchElementException when the body ends without yielding
     * @throws IllegalArgumentException for a non-null value before the first yield
     * @throws IllegalStateException when {@link #hasNext()} fetched a value not yet taken by {@link #next()}
     */
    public T send(Object value) {
        return step(value, null, "send()");
    }

    /**
     * Throws {@code exception} in at the body's suspended yield and returns the next value it
     * yields: Python's {@code gen.throw(exc)}. If the body does not catch it, it propagates from
     * here and the generator is closed.
     *
     * @throws NoSuchElementException when the body catches it and ends without yielding
     */
    public T throwInto(Throwable exception) {
        if (exception == null) {
            throw new NullPointerException("exception to throw into the generator is null");
        }
        return step(null, exception, "throwInto()");
    }

    private T step(Object value, Throwable exception, String op) {
        if (lookahead) {
            throw new IllegalStateException(op + ": hasNext() already fetched the next value; take it"
                    + " with next() first");
        }
        hook();
        if (!core.advance(value, exception, op)) {
            throw new NoSuchElementException("generator exhausted");
        }
        return core.takeYielded();
    }

    /**
     * Closes the generator: throws {@link GeneratorExit} in at its suspended yield so that its
     * {@code finally} blocks run. Does nothing if it has not started or has ended.
     *
     * @throws IllegalStateException when the body yields again instead of ending
     */
    @Override
    public void close() {
        lookahead = false;
        core.close("close()");
    }

    /** Whether the body is executing (Python's {@code gi_running}). */
    public boolean isRunning() {
        return core.isRunning();
    }

    /** Whether the generator has ended or was closed. */
    public boolean isClosed() {
        return core.isClosed();
    }

    /** This generator itself: it can be iterated once. */
    @Override
    public Iterator<T> iterator() {
        return this;
    }

    /** A sequential stream of the remaining values; closing the stream closes the generator. */
    public Stream<T> stream() {
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(this, Spliterator.ORDERED), false)
                .onClose(this::close);
    }

    @Override
    public String toString() {
        return core.toString();
    }
}
