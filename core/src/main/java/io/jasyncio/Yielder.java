package io.jasyncio;

/**
 * What a generator's body yields through: the parameter of a {@link GeneratorBody}.
 *
 * <p>{@code out.yield(value)} hands {@code value} to the consumer and suspends the body until the
 * consumer asks for the next one. It works at any depth of the body's call stack: pass {@code out}
 * to a helper, a recursive tree walk, a visitor, and it yields from there, with no
 * {@code yield from} / {@code async for} chain between the levels. Call it only from the body of
 * the generator it belongs to (not from a task the body created, nor from another generator's
 * body).
 *
 * @param <T> the type of the values yielded
 */
public interface Yielder<T> {

    /**
     * Yields {@code value} to the consumer; returns what the consumer sends on resuming
     * ({@link Generator#send(Object)}, {@link AsyncGenerator#asend(Object)}), or {@code null} for a
     * plain next. If the consumer throws an exception in ({@code athrow}, {@code throwInto}) or
     * closes the generator ({@link GeneratorExit}), it is thrown from here.
     *
     * @param <S> the type of the value the consumer sends (unchecked, like a cast)
     * @throws IllegalStateException when called outside this generator's body
     */
    <S> S yield(T value);
}
