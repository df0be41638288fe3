package io.jasyncio.testing;

/**
 * Thrown out of a loop on a {@link VirtualClock} when nothing can ever wake it: every task waits,
 * no timer is scheduled and no work is in flight. Under real time the program would hang forever.
 */
public final class StalledError extends AssertionError {
    private static final long serialVersionUID = 1L;

    /** The error with its explanation. */
    public StalledError(String message) {
        super(message);
    }
}
