package io.jasyncio;

/**
 * Something that holds an operating-system resource for a loop (a socket, a pipe) and must not
 * outlive it: registered with {@link EventLoop#trackResource}, it is released when the loop closes
 * if its owner has not closed it by then. jasyncio's transports are loop resources; so can be a
 * user's own channel wrapper built on {@link EventLoop#addReader}.
 *
 * <p>This is how jasyncio answers asyncio's "unclosed transport" {@code ResourceWarning}: instead
 * of waiting for a garbage collection that a registered reader prevents anyway, the loop's close
 * finds every resource still open, releases its descriptor, and in debug mode reports it with
 * where it was registered.
 */
public interface LoopResource {

    /**
     * Whether the owner already asked for it to be closed (asyncio's {@code is_closing()}); one
     * that is closing when the loop closes was not leaked, only overtaken, and is released
     * without a report.
     */
    boolean isClosing();

    /**
     * Releases the resource at once, without callbacks: the loop is closing and will run none.
     * Called on the thread that closes the loop. Exceptions are logged and otherwise ignored.
     */
    void release() throws Exception;
}
