package io.jasyncio;

/**
 * A coroutine without a result: asyncio's {@code async def} that returns {@code None}.
 *
 * <p>Every method that takes a {@link Coroutine} has an overload taking this, so statement lambdas
 * ({@code () -> { sleep(1); System.out.println("done"); }}) need no {@code return null}.
 */
@FunctionalInterface
public interface VoidCoroutine {

    /** The coroutine's body. Any exception it throws becomes the task's exception, unwrapped. */
    void run() throws Exception;
}
