package io.jasyncio.engine;

/**
 * One coroutine's execution stack, as provided by an {@link Engine}.
 *
 * <p>A fiber starts suspended at the beginning of its body. {@link #resume()} runs it on the
 * calling thread's behalf until the body calls {@link Engine#suspend()} or ends; only then does
 * {@code resume()} return. At most one fiber of a loop runs at any moment, so the loop and its
 * fibers never run in parallel, whichever engine provides them.
 *
 * <p>Internal: jasyncio's {@code Task} is the only user. Not thread-safe: a fiber is resumed by its
 * loop's thread (or, for an eager task start, by the fiber running on that loop).
 */
public interface Fiber {

    /**
     * Runs the body until it suspends or ends. An error that escapes the body (the task layer
     * catches everything else) is rethrown here.
     */
    void resume();

    /** Whether the body has ended. */
    boolean isDone();

    /** The frames of the suspended body, innermost first; empty when not started or done. */
    StackTraceElement[] stackTrace();
}
