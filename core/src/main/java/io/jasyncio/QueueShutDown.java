package io.jasyncio;

/**
 * The queue was shut down ({@link Queue#shutdown}): raised by puts, and by gets once the queue is
 * empty (at once after an immediate shutdown). asyncio 3.13's {@code QueueShutDown}.
 */
public class QueueShutDown extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The error. */
    public QueueShutDown() {
        super("the queue is shut down");
    }
}
