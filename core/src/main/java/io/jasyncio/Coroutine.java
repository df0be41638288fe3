package io.jasyncio;

/**
 * A coroutine that produces a value: asyncio's {@code async def} returning a result.
 *
 * <p>Creating the lambda runs nothing. {@link Asyncio#createTask(Coroutine)}, {@link
 * Asyncio#run(Coroutine)}, {@link Asyncio#gather(Coroutine[])} ... schedule it. Inside, any frame
 * may call a suspending method ({@link Asyncio#sleep(double)}, {@link Future#await()}, ...); calling
 * an ordinary method that suspends is asyncio's {@code await coro()}: it runs inline in the
 * caller's task.
 *
 * <pre>{@code
 * Coroutine<String> fetch = () -> {
 *     sleep(0.5);
 *     return "data";
 * };
 * String data = Asyncio.run(fetch);
 * }</pre>
 *
 * @param <T> the result type
 */
@FunctionalInterface
public interface Coroutine<T> {

    /** The coroutine's body. Any exception it throws becomes the task's exception, unwrapped. */
    T call() throws Exception;

    /** Adapts a coroutine without a result; its result is {@code null}. */
    static Coroutine<Void> of(VoidCoroutine body) {
        return () -> {
            body.run();
            return null;
        };
    }
}
