package io.jasyncio;

/**
 * The body of a {@link Generator} or {@link AsyncGenerator}: code that yields values through
 * {@code out}, from any depth of its call stack. Inside an async generator it may also suspend
 * the consuming task (sleep, await a future, read a queue) between yields.
 *
 * @param <T> the type of the values yielded
 */
@FunctionalInterface
public interface GeneratorBody<T> {

    /** Runs the body; checked exceptions propagate to the consumer unchanged. */
    void run(Yielder<T> out) throws Exception;
}
