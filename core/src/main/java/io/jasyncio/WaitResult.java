package io.jasyncio;

import java.util.Set;

/**
 * What {@link Asyncio#wait} returns: asyncio's {@code (done, pending)} pair.
 *
 * @param done the futures that are done (finished or cancelled), in argument order
 * @param pending the others, in argument order
 * @param <T> the futures' result type
 */
public record WaitResult<T>(Set<Future<T>> done, Set<Future<T>> pending) {}
