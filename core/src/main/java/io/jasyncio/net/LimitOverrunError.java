package io.jasyncio.net;

import java.io.IOException;

/**
 * A separator was not found within the reader's limit: asyncio's {@code LimitOverrunError}.
 *
 * <p>From {@link StreamReader#readuntil}, the bytes stay in the reader: {@link #consumed()} of them
 * can be read (with {@code readexactly}) to get past the overrun. From {@link StreamReader#readline},
 * the line (or, without a separator in sight, the whole buffer) has already been discarded, as
 * asyncio's {@code readline} does before it raises {@code ValueError}.
 *
 * <p>asyncio's class extends plain {@code Exception}; here it is an {@link IOException}, so that one
 * {@code catch (IOException e)} handles everything a misbehaving peer can cause.
 */
public class LimitOverrunError extends IOException {
    private static final long serialVersionUID = 1L;

    /** How many bytes the reader had looked at, all of them without a (complete) separator in the limit. */
    private final int consumed;

    /** An overrun with asyncio's {@code message} after {@code consumed} bytes. */
    public LimitOverrunError(String message, int consumed) {
        super(message);
        this.consumed = consumed;
    }

    /** The number of bytes to consume to get past the overrun. */
    public int consumed() {
        return consumed;
    }
}
