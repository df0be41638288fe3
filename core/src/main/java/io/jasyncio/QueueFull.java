package io.jasyncio;

/** {@link Queue#putNowait} on a full queue: asyncio's {@code QueueFull}. */
public class QueueFull extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The error. */
    public QueueFull() {
        super("the queue is full");
    }
}
