package io.jasyncio;

/**
 * A {@link Semaphore} that refuses to be released more often than acquired: asyncio's
 * {@code BoundedSemaphore}.
 */
public final class BoundedSemaphore extends Semaphore {
    private final int bound;

    /** A bounded semaphore with {@code value} permits, never more. */
    public BoundedSemaphore(int value) {
        super(value);
        this.bound = value;
    }

    /** A bounded semaphore with one permit. */
    public BoundedSemaphore() {
        this(1);
    }

    /**
     * Returns a permit.
     *
     * @throws IllegalArgumentException when that would exceed the initial value (asyncio's ValueError)
     */
    @Override
    public void release() {
        if (value >= bound) {
            throw new IllegalArgumentException("BoundedSemaphore released too many times");
        }
        super.release();
    }
}
