package io.jasyncio;

/** {@link Queue#getNowait()} on an empty queue: asyncio's {@code QueueEmpty}. */
public class QueueEmpty extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The error. */
    public QueueEmpty() {
        super("the queue is empty");
    }
}
