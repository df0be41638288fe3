package io.jasyncio;

/**
 * Thrown into a generator's body at its suspended {@code yield} by {@link Generator#close()} and
 * {@link AsyncGenerator#aclose()}: Python's {@code GeneratorExit}.
 *
 * <p>It extends {@link Error}, as Python's extends {@code BaseException}, so that a
 * {@code catch (Exception e)} in the body does not swallow it: the body's {@code finally} blocks run
 * and the exception leaves the body, which ends the generator. A body that catches it must not
 * {@code yield} again (closing then fails with "generator ignored GeneratorExit").
 */
public class GeneratorExit extends Error {
    private static final long serialVersionUID = 1L;

    /** The exception {@code close()} throws in. */
    public GeneratorExit() {
        super(null, null, false, false);
    }
}
