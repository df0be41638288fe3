package io.jasyncio;

import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * An asynchronous generator: Python's {@code async def} with {@code yield}, where {@code yield}
 * works at any depth of the body's call stack and the body may suspend the consuming task between
 * yields.
 *
 * <pre>{@code
 * static AsyncGenerator<Integer> counter(int limit) {
 *     return AsyncGenerator.of(out -> {
 *         for (int i = 0; i < limit; i++) {
 *             out.yield(i);
 *             sleep(0.1);
 *         }
 *     });
 * }
 *
 * try (var numbers = counter(10)) {          // async with aclosing(counter(10)) as numbers:
 *     for (int n : numbers) {                //     async for n in numbers:
 *         if (n == 3) break;                 // leaving the block closes the generator now
 *     }
 * }
 * }</pre>
 *
 * <p>The body runs when the consumer asks for a value ({@link #anext()}, or {@code hasNext()} of a
 * for-each loop) and stops at the next {@code out.yield(v)}. Between yields it may sleep, await
 * futures, take locks; the consuming task is suspended meanwhile, and another task asking for a
 * value gets "already running".
 *
 * <p><b>Closing.</b> {@link #aclose()} throws {@link GeneratorExit} in at the suspended yield, so the
 * body's {@code finally} blocks run, and they may suspend. Java's for-each cannot tell a
 * {@code break}, so close deterministically with try-with-resources as above ({@link #close()} is
 * {@code aclose()}). As asyncio does, the loop also closes generators left open: one that becomes
 * unreachable is closed in a new task soon after the garbage collector notices, and those still
 * open when {@link Asyncio#run} ends are closed by {@link EventLoop#shutdownAsyncgens()} (reported in
 * debug mode, with where they were created).
 *
 * @param <T> the element type
 */
public final class AsyncGenerator<T> implements AsyncIterator<T>, AsyncIterable<T>, AsyncCloseable, AutoCloseable {
    private final GeneratorCore<T> core;
    /** Whether hasNext() fetched a value that next()/anext() has not returned yet. */
    private boolean lookahead;
    /** Whether the first-iteration hook ran (Python's firstiter: registration with the loop). */
    private boolean hooked;

    private AsyncGenerator(GeneratorBody<T> body) {
        this.core = new GeneratorCore<>(body, true);
        EventLoop loop = EventLoop.runningOnThisThread();
        if (loop != null && loop.getDebug()) {
            loop.recordCreationSite(core);
        }
    }

    /** An async generator whose body runs on the first {@link #anext()}. */
    public static <T> AsyncGenerator<T> of(GeneratorBody<T> body) {
        return new AsyncGenerator<>(body);
    }

    /**
     * Runs the body to its next yield and returns the value: Python's {@code await anext(agen)}.
     * Suspends while the body does.
     *
     * @throws StopAsyncIteration when the body has ended
     * @throws IllegalStateException when the body is already running (another task is suspended in it)
     */
    @Override
    public T anext() {
        if (lookahead) {
            lookahead = false;
            return core.takeYielded();
        }
        return step(null, null, "anext()");
    }

    /**
     * Resumes the body with {@code value} as its {@code yield}'s result and returns the next
     * yielded value: Python's {@code await agen.asend(value)}.
     *
     * @throws StopAsyncIteration when the body ends without yielding
     * @throws IllegalArgumentException for a non-null value before the first yield
     */
    public T asend(Object value) {
        return step(value, null, "asend()");
    }

    /**
     * Throws {@code exception} in at the body's suspended yield and returns the next value it
     * yields: Python's {@code await agen.athrow(exc)}. If the body does not catch it, it
     * propagates from here and the generator is closed; on a generator that never started, it
     * propagates at once and the body never runs.
     *
     * On a generator that already ended or was closed it does nothing and returns null, as
     * CPython 3.10 to 3.13 do.
     *
     * @throws StopAsyncIteration when the body catches it and ends
     */
    public T athrow(Throwable exception) {
        if (exception == null) {
            throw new NullPointerException("exception to throw into the async generator is null");
        }
        if (core.isClosed()) {
            return null;
        }
        return step(null, exception, "athrow()");
    }

    private T step(Object value, Throwable exception, String op) {
        if (lookahead) {
            throw new IllegalStateException(op + ": hasNext() already fetched the next value; take it"
                    + " with next() or anext() first");
        }
        hook();
        if (!core.advance(value, exception, op)) {
            throw new StopAsyncIteration();
        }
        return core.takeYielded();
    }

    /**
     * Closes the generator: throws {@link GeneratorExit} in at its suspended yield and runs its
     * {@code finally} blocks, which may suspend. Does nothing if it has not started or has ended.
     *
     * @throws IllegalStateException when the body is running, or yields again instead of ending
     */
    @Override
    public void aclose() {
        lookahead = false;
        core.close("aclose()");
    }

    /** {@link #aclose()}, for try-with-resources. */
    @Override
    public void close() {
        aclose();
    }

    /** Whether the body is executing or suspended inside a task (Python's {@code ag_running}). */
    public boolean isRunning() {
        return core.isRunning();
    }

    /** Whether the generator has ended or was closed. */
    public boolean isClosed() {
        return core.isClosed();
    }

    /** This generator: Python's {@code agen.__aiter__()} returns the generator itself. */
    @Override
    public AsyncIterator<T> aiter() {
        return this;
    }

    /**
     * A for-each view of this generator: {@code hasNext()} runs the body to its next yield. Every
     * call returns a view of the same generator, which can be iterated once.
     */
    @Override
    public Iterator<T> iterator() {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                if (!lookahead) {
                    hook();
                    lookahead = core.advance(null, null, "anext()");
                }
                return lookahead;
            }

            @Override
            public T next() {
                if (!hasNext()) {
                    throw new NoSuchElementException("async generator exhausted");
                }
                lookahead = false;
                return core.takeYielded();
            }
        };
    }

    /**
     * Python's first-iteration hook: a generator first advanced inside a running loop registers
     * with it, to be closed by the loop if it is left open.
     */
    private void hook() {
        if (hooked) {
            return;
        }
        hooked = true;
        EventLoop loop = EventLoop.runningOnThisThread();
        if (loop == null || core.isClosed()) {
            return;
        }
        GeneratorCore<T> c = core;
        c.face = new java.lang.ref.WeakReference<>(this);
        loop.registerAsyncgen(c);
        c.onFinish = () -> loop.unregisterAsyncgen(c);
        GeneratorCore.CLEANER.register(this, () -> {
            if (!c.isClosed()) {
                loop.finalizeAsyncgenThreadsafe(c);
            }
        });
    }

    @Override
    public String toString() {
        return core.toString();
    }
}
