package io.jasyncio;

import java.util.Objects;

/**
 * Closes something on exit: Python's {@code contextlib.aclosing}. Made by
 * {@link AsyncContextManager#aclosing(AsyncCloseable)}.
 *
 * <pre>{@code
 * aclosing(generator).use(gen -> {          // async with aclosing(generator) as gen:
 *     ... gen.anext() ...
 * });                                       // gen.aclose() however the block ends
 * try (var _ = aclosing(generator)) { ... }  // the same, as a try-with-resources resource
 * }</pre>
 *
 * <p>It enters as the thing itself and never suppresses. An exception of {@code aclose()} replaces
 * the block's under {@link #with}/{@link #use} (Python's rule) and is added to the block's as
 * suppressed under try-with-resources (Java's rule). It keeps no state: each exit closes again.
 *
 * @param <C> the type of the thing closed
 */
public final class Aclosing<C extends AsyncCloseable> implements AsyncContextManager<C>, AutoCloseable {

    /** What is closed on exit. */
    private final C thing;

    Aclosing(C thing) {
        this.thing = Objects.requireNonNull(thing, "aclosing(thing): the thing to close is null");
    }

    /** Returns the thing to close. */
    @Override
    public C aenter() {
        return thing;
    }

    /**
     * Closes the thing: {@code await thing.aclose()}. May suspend.
     *
     * @return {@code false}: the block's exception, if any, propagates
     */
    @Override
    public boolean aexit(Throwable exc) {
        close();
        return false;
    }

    /**
     * Closes the thing, for try-with-resources. May suspend. An exception of {@code aclose()}
     * propagates unwrapped, checked or not.
     */
    @Override
    public void close() {
        try {
            thing.aclose();
        } catch (Exception e) {
            throw Throwables.sneaky(e);
        }
    }

    /** {@code aclosing(<thing>)}. */
    @Override
    public String toString() {
        return "aclosing(" + thing + ")";
    }
}
