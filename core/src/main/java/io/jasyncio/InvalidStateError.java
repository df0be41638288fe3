package io.jasyncio;

/**
 * An operation is not allowed in the future's current state: asyncio's {@code InvalidStateError}
 * (setting the result of a future that is already done, asking for the result of a pending one).
 */
public class InvalidStateError extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /** Creates the error with a message naming the state and the operation. */
    public InvalidStateError(String message) {
        super(message);
    }
}
