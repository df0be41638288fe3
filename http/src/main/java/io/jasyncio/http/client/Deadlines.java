package io.jasyncio.http.client;

import io.jasyncio.Asyncio;
import io.jasyncio.Coroutine;
import io.jasyncio.Timeout;
import io.jasyncio.TimeoutError;
import java.util.function.Function;

/**
 * The client's timeouts on the loop's {@link Timeout} scopes: a block runs under a deadline, and
 * the loop's {@link TimeoutError} of <em>that</em> scope becomes the client error that names it.
 * A cancellation from outside, or an outer scope's expiry, passes through unchanged (the scope
 * converts only its own expiry, asyncio's rule), so scopes nest: total around connect around
 * sockConnect.
 */
final class Deadlines {
    private Deadlines() {}

    /**
     * Runs {@code block} with the deadline {@code when} (loop time; null: none); if it is this
     * deadline that ends the block, throws {@code onExpiry}'s error with the loop's
     * {@link TimeoutError} as its cause.
     */
    static <T> T within(Double when, Function<TimeoutError, ? extends ClientError> onExpiry, Coroutine<T> block) {
        if (when == null) {
            try {
                return block.call();
            } catch (Exception e) {
                throw Sneaky.sneaky(e);
            }
        }
        Timeout scope = Asyncio.timeoutAt(when);
        try {
            return scope.run(block);
        } catch (TimeoutError e) {
            if (scope.expired()) {
                throw Sneaky.sneaky(onExpiry.apply(e));
            }
            throw e;
        }
    }

    /** {@code now + seconds}, or null when {@code seconds} is null. */
    static Double after(Double seconds) {
        return seconds == null ? null : Asyncio.getRunningLoop().time() + seconds;
    }

    /** The earlier of two deadlines (null: none). */
    static Double earliest(Double a, Double b) {
        return a == null ? b : b == null ? a : Math.min(a, b);
    }
}
