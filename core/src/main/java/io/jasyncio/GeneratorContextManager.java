package io.jasyncio;

/**
 * The manager {@link AsyncContextManager#asyncContextManager} makes from a generator body:
 * Python's {@code contextlib._AsyncGeneratorContextManager}, rule for rule.
 *
 * <pre>
 *   aenter:  anext(gen)                     end without a value → "generator didn't yield"
 *   aexit(null):  anext(gen)                end → false; a value → close, "generator didn't stop"
 *   aexit(exc):   athrow(gen, exc)          end (the body caught exc) → true: exc is suppressed
 *                                           exc itself, or exc wrapped by PEP 479 → false
 *                                           another exception → it propagates
 *                                           a value → close, "generator didn't stop after athrow()"
 * </pre>
 *
 * <p>States: created, entered (aenter returned), exited. Python's manager is one-shot too (its
 * second {@code __aenter__} fails on deleted attributes); here the second entry says so.
 */
final class GeneratorContextManager<T> implements AsyncContextManager<T> {
    /** The generator made from the body; suspended at its yield between aenter and aexit. */
    private final AsyncGenerator<T> gen;
    /** Whether aenter was called: the manager is entered once. */
    private boolean entered;

    GeneratorContextManager(GeneratorBody<T> body) {
        if (body == null) {
            throw new NullPointerException("asyncContextManager(body): the generator body is null");
        }
        this.gen = AsyncGenerator.of(body);
    }

    @Override
    public T aenter() {
        if (entered) {
            throw new IllegalStateException("a manager made by asyncContextManager(...) is entered once:"
                    + " make a new one for each async with (a method that returns asyncContextManager(...))");
        }
        entered = true;
        try {
            return gen.anext();
        } catch (StopAsyncIteration e) {
            throw new IllegalStateException("generator didn't yield"); // Python: raise ... from None
        }
    }

    @Override
    public boolean aexit(Throwable exc) {
        if (exc == null) {
            try {
                gen.anext();
            } catch (StopAsyncIteration e) {
                return false;
            }
            throw closeAfter(new IllegalStateException("generator didn't stop"));
        }
        try {
            gen.athrow(exc);
        } catch (StopAsyncIteration e) {
            // The body caught exc and ended: suppress, unless what ended the iteration is exc
            // itself (a StopAsyncIteration raised in the block must not be swallowed).
            return e != exc;
        } catch (Throwable e) {
            if (e == exc) {
                return false; // the body let exc through (or reraised it): the statement reraises it
            }
            if (exc instanceof java.util.NoSuchElementException && e instanceof IllegalStateException && e.getCause() == exc) {
                return false; // PEP 479 turned exc, leaving the body, into IllegalStateException: unwrap
            }
            throw Throwables.sneaky(e);
        }
        throw closeAfter(new IllegalStateException("generator didn't stop after athrow()"));
    }

    /**
     * Python's {@code try: raise error / finally: await gen.aclose()}: closes the generator, then
     * returns {@code error} to throw; an exception of the close replaces it and keeps it as
     * suppressed.
     */
    private IllegalStateException closeAfter(IllegalStateException error) {
        try {
            gen.aclose();
        } catch (Throwable e) {
            ExceptionChaining.setContext(e, error);
            throw Throwables.sneaky(e);
        }
        return error;
    }

    @Override
    public String toString() {
        return "<asyncContextManager " + gen + ">";
    }
}
