package io.jasyncio.subprocess;

import io.jasyncio.net.BaseProtocol;
import java.nio.ByteBuffer;

/**
 * The callbacks of a child process: asyncio's {@code SubprocessProtocol}. A {@link
 * SubprocessTransport} calls them on the loop: {@code connectionMade} once (with the transport),
 * then in any interleaving {@code pipeDataReceived} and {@code pipeConnectionLost} per pipe and
 * {@code processExited} once, then {@code connectionLost(null)} once, after the process has exited
 * and every pipe is closed (CPython's order).
 *
 * <p>File descriptors name the pipes: 0 is the child's stdin, 1 its stdout, 2 its stderr. For one
 * pipe, every {@code pipeDataReceived} comes before its {@code pipeConnectionLost}.
 *
 * <p>{@code pauseWriting}/{@code resumeWriting} come from the stdin pipe's write buffer (its water
 * marks), as for a stream transport.
 */
public interface SubprocessProtocol extends BaseProtocol {

    /**
     * The child wrote {@code data} to pipe {@code fd} (1 or 2). {@code data} is read-only and valid
     * only until this method returns: copy what must outlive it.
     */
    default void pipeDataReceived(int fd, ByteBuffer data) {}

    /**
     * Pipe {@code fd} is closed: after EOF from the child (or a grandchild holding it) or after it
     * was closed on this side; {@code exc} is null, or what broke it (a failed write to stdin).
     */
    default void pipeConnectionLost(int fd, Throwable exc) {}

    /**
     * The child exited; {@link SubprocessTransport#getReturncode()} has its status. Pipes may still
     * be open (a grandchild may hold them, or data may still be on its way).
     */
    default void processExited() {}
}
