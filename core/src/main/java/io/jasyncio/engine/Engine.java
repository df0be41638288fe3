package io.jasyncio.engine;

/**
 * A way to run coroutine bodies that can suspend from any frame.
 *
 * <p>Two implementations exist with identical semantics: {@code continuation}, on the JDK's
 * internal {@code jdk.internal.vm.Continuation} (about 100 ns for a suspend plus resume), and
 * {@code portable}, on public virtual threads handing control back and forth with the loop thread
 * (about ten times slower, but it needs no JVM flag). {@link Engines#current()} picks one.
 */
public interface Engine {

    /** {@code "continuation"} or {@code "portable"}. */
    String name();

    /**
     * Whether a fiber's body runs on the thread that resumes it (true for continuations, false for
     * virtual threads, where it runs on its own thread).
     */
    boolean runsOnResumerThread();

    /** A new fiber that will run {@code body} when first resumed. */
    Fiber newFiber(Runnable body, String name);

    /**
     * Suspends the fiber running on the calling thread; returns when it is resumed.
     *
     * @throws PinnedStackError when the JVM cannot suspend the current stack (a native frame or a
     *     class initializer is on it)
     * @throws IllegalStateException when the caller is not inside a fiber of this engine
     */
    void suspend();

    /**
     * A new generator fiber: {@link Fiber#resume()} runs {@code body} until it calls
     * {@link #yieldGenerator(Fiber)} or ends, and then returns to whoever resumed it. Generators
     * nest inside tasks and inside each other; {@link #suspend()} called from a generator's body
     * suspends the whole chain up to the task, and the task's next resume continues inside the
     * generator.
     */
    Fiber newGenerator(Runnable body, String name);

    /**
     * Suspends {@code generator}, whose body is running on the calling thread, back to its
     * resumer; returns when the generator is resumed again.
     *
     * @throws IllegalStateException when {@code generator} is not the innermost generator running
     *     here (its body is not the caller, or another generator's body is running inside it)
     * @throws PinnedStackError when the JVM cannot suspend the current stack
     */
    void yieldGenerator(Fiber generator);
}
