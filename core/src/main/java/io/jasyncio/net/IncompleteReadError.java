package io.jasyncio.net;

import java.io.EOFException;

/**
 * The stream ended before a read had all it asked for: asyncio's {@code IncompleteReadError}
 * (an {@code EOFError}, so here an {@link EOFException}). Thrown by {@link StreamReader#readexactly}
 * and {@link StreamReader#readuntil}; the bytes that did arrive are in {@link #partial()}, and no
 * longer in the reader.
 */
public class IncompleteReadError extends EOFException {
    private static final long serialVersionUID = 1L;

    /** The bytes read before the end of the stream. */
    private final byte[] partial;
    /** How many bytes were expected, or null when the read had no fixed size ({@code readuntil}). */
    private final Integer expected;

    /**
     * An incomplete read of {@code partial.length} bytes out of {@code expected} (null: undefined).
     * The message is asyncio's: {@code "18 bytes read on a total of 36 expected bytes"}, or
     * {@code "... of undefined expected bytes"}.
     */
    public IncompleteReadError(byte[] partial, Integer expected) {
        super(partial.length + " bytes read on a total of " + (expected == null ? "undefined" : expected.toString())
                + " expected bytes");
        this.partial = partial;
        this.expected = expected;
    }

    /** The bytes that arrived before the end of the stream (the array itself, not a copy). */
    public byte[] partial() {
        return partial;
    }

    /** The number of bytes the read expected, or null when it was not fixed ({@code readuntil}). */
    public Integer expected() {
        return expected;
    }
}
