package io.jasyncio;

import java.util.Objects;

/**
 * Something to enter before a block and exit after it, seeing how the block ended: Python's
 * asynchronous context manager ({@code __aenter__}/{@code __aexit__},
 * {@code contextlib.AbstractAsyncContextManager}).
 *
 * <pre>{@code
 * String page = connection().with(conn -> conn.fetch("/"));   // async with connection() as conn:
 * aclosing(generator).use(gen -> { ... });                     // async with aclosing(gen) as gen:
 * }</pre>
 *
 * <p>{@link #with} and {@link #use} are Python's {@code async with} statement: {@link #aenter()};
 * the block with the value aenter returned; then {@link #aexit(Throwable)} with the exception that
 * left the block, or {@code null}. Both aenter and aexit may suspend. When aexit returns
 * {@code true} the block's exception is suppressed and the statement ends normally; when aexit
 * throws, its exception replaces the block's, which is kept as suppressed in it (see
 * {@link AsyncExitStack} for the exact rule: Python's {@code __context__}). An exception of aenter
 * leaves at once: no block, no aexit. Everything runs in the calling task; a cancellation of that
 * task reaches aexit as the block's {@link CancelledError}, like any other exception.
 *
 * <p>Why a lambda and not try-with-resources: a resource's {@code close()} cannot see the exception
 * leaving the block, nor suppress it (docs/adr/0008-scopes-are-lambdas.md). A manager that only
 * releases something may also implement {@link AutoCloseable}, as {@link AsyncExitStack} and
 * {@link Aclosing} do.
 *
 * <p>Write one as a class implementing aenter and aexit, or as a generator body that yields the
 * value once ({@link #asyncContextManager}, Python's {@code @asynccontextmanager}). Implementations
 * should not override {@link #with} and {@link #use}.
 *
 * @param <T> the type of the value the block receives
 */
public interface AsyncContextManager<T> {

    /**
     * Enters: Python's {@code __aenter__}. May suspend.
     *
     * @return the value the block receives ({@code as} target)
     */
    T aenter() throws Exception;

    /**
     * Exits: Python's {@code __aexit__}. May suspend.
     *
     * @param exc the exception that left the block (any {@link Throwable}, a {@link CancelledError}
     *     too), or {@code null} when the block completed normally
     * @return {@code true} to suppress {@code exc}: the statement then ends normally. Ignored when
     *     {@code exc} is {@code null}.
     * @throws Exception to replace {@code exc}; rethrowing {@code exc} itself is the same as
     *     returning {@code false}
     */
    boolean aexit(Throwable exc) throws Exception;

    /**
     * Runs {@code block} inside this manager in the calling task and returns the block's result:
     * {@code async with self as value: return block(value)}.
     *
     * <p>When aexit suppresses the block's exception, {@code with} returns {@code null} (Python's
     * statement simply goes on after the block; a block's result was never produced). To tell a
     * suppressed failure from a {@code null} result, record it in the block or in aexit.
     *
     * @return the block's result, or {@code null} when its exception was suppressed
     * @throws NullPointerException when {@code block} is null (before entering)
     */
    default <R> R with(Body<? super T, ? extends R> block) {
        Objects.requireNonNull(block, "with(block): the block is null");
        T value;
        try {
            value = aenter();
        } catch (Throwable e) {
            throw Throwables.sneaky(e);
        }
        R result;
        try {
            result = block.run(value);
        } catch (Throwable e) {
            boolean suppress;
            try {
                suppress = aexit(e);
            } catch (Throwable raised) {
                // Python sets the context where aexit raises, while e is being handled. A stack
                // has set the context of what it raises itself (e may have been suppressed).
                if (!(this instanceof AsyncExitStack)) {
                    ExceptionChaining.setContext(raised, e);
                }
                throw Throwables.sneaky(raised);
            }
            if (suppress) {
                return null;
            }
            throw Throwables.sneaky(e);
        }
        try {
            aexit(null);
        } catch (Throwable raised) {
            throw Throwables.sneaky(raised);
        }
        return result;
    }

    /**
     * Runs {@code block} inside this manager in the calling task: {@code async with self as value:}.
     * Like {@link #with} for a block without a result.
     *
     * @throws NullPointerException when {@code block} is null (before entering)
     */
    default void use(VoidBody<? super T> block) {
        Objects.requireNonNull(block, "use(block): the block is null");
        with(value -> {
            block.run(value);
            return null;
        });
    }

    /**
     * A manager that closes {@code thing} on exit: {@code contextlib.aclosing}. It enters as
     * {@code thing} itself and never suppresses; as a try-with-resources resource its
     * {@code close()} calls {@code thing.aclose()}.
     *
     * <pre>{@code
     * aclosing(generator).use(gen -> { ... });
     * try (var _ = aclosing(generator)) { ... }
     * }</pre>
     *
     * @throws NullPointerException when {@code thing} is null
     */
    static <C extends AsyncCloseable> Aclosing<C> aclosing(C thing) {
        return new Aclosing<>(thing);
    }

    /**
     * A manager written as a generator body that yields once: Python's
     * {@code @contextlib.asynccontextmanager}. What comes before the yield is aenter, the yielded
     * value is what the block receives, what comes after is aexit; the block's exception is thrown
     * in at the yield, so the body handles it with {@code try}/{@code catch}/{@code finally}.
     *
     * <pre>{@code
     * static AsyncContextManager<Connection> connection(String host) {   // @asynccontextmanager
     *     return asyncContextManager(out -> {                             // async def connection(host):
     *         Connection c = connect(host);                               //     c = await connect(host)
     *         try {                                                       //     try:
     *             out.yield(c);                                           //         yield c
     *         } finally {                                                 //     finally:
     *             c.close();                                              //         await c.close()
     *         }
     *     });
     * }
     * connection("db").use(c -> c.query("..."));                          // async with connection("db") as c:
     * }</pre>
     *
     * <p>Each manager is entered once (a method returning a new one is the decorated function);
     * the body may yield from any depth and may suspend before and after the yield. The rules are
     * asynccontextmanager's:
     * <ul>
     *   <li>a body that ends without yielding: aenter throws {@link IllegalStateException}
     *       "generator didn't yield";</li>
     *   <li>a body that yields again after a normal block: it is closed and aexit throws
     *       "generator didn't stop"; after the block's exception: "generator didn't stop after
     *       athrow()";</li>
     *   <li>a body that catches the block's exception and ends suppresses it (a
     *       {@link CancelledError} too: let those through);</li>
     *   <li>a body that lets it through, or rethrows it, leaves it to propagate as it was; so does
     *       one that ends with it wrapped as the cause of an {@link IllegalStateException} when it
     *       is a {@link StopAsyncIteration} (PEP 479's wrapping, undone);</li>
     *   <li>another exception leaving the body replaces the block's.</li>
     * </ul>
     *
     * @throws NullPointerException when {@code body} is null
     */
    static <T> AsyncContextManager<T> asyncContextManager(GeneratorBody<T> body) {
        return new GeneratorContextManager<>(body);
    }

    /**
     * The block of {@link AsyncContextManager#with}: receives the entered value, returns a result.
     *
     * @param <T> the type of the entered value
     * @param <R> the type of the result
     */
    @FunctionalInterface
    interface Body<T, R> {
        /** The block; may suspend and may throw. */
        R run(T value) throws Exception;
    }

    /**
     * The block of {@link AsyncContextManager#use}: receives the entered value.
     *
     * @param <T> the type of the entered value
     */
    @FunctionalInterface
    interface VoidBody<T> {
        /** The block; may suspend and may throw. */
        void run(T value) throws Exception;
    }
}
