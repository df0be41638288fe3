package io.jasyncio.net;

import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import java.io.IOException;
import java.net.SocketException;
import java.util.ArrayDeque;
import java.util.Objects;

/**
 * The write side of flow control for {@link StreamWriter#drain()}: asyncio's
 * {@code FlowControlMixin}. It implements {@link #pauseWriting()}, {@link #resumeWriting()} and
 * {@link #connectionLost(Throwable)}: a subclass that overrides them must call these. A protocol that
 * a {@link StreamWriter} writes through extends it ({@link StreamReaderProtocol}; a subprocess's
 * pipes protocol).
 *
 * <p>While the transport has paused writing, {@link #drainHelper()} suspends its callers; they all
 * wake when writing resumes, or when the connection is lost (with its exception, if it broke).
 * After the connection is lost, {@code drainHelper()} throws {@code SocketException("Connection
 * lost")} (asyncio's {@code ConnectionResetError}).
 */
public abstract class FlowControlProtocol implements BaseProtocol {
    private static final System.Logger LOG = System.getLogger("jasyncio");

    private final EventLoop loop;
    /** The transport asked us to stop writing (its buffer is over the high-water mark). */
    private boolean paused;
    /** The futures drainHelper() callers wait on while paused; each removes its own. */
    private final ArrayDeque<Future<Void>> drainWaiters = new ArrayDeque<>();
    /** connectionLost was called. */
    private boolean connectionLost;

    /** Flow control on {@code loop}. */
    protected FlowControlProtocol(EventLoop loop) {
        this.loop = Objects.requireNonNull(loop, "loop");
    }

    /** The loop this protocol runs on. */
    public EventLoop getLoop() {
        return loop;
    }

    /** Whether the transport has paused our writing (sendfile's fallback takes over this state). */
    final boolean writingPaused() {
        return paused;
    }

    /** The transport's write buffer went over its high-water mark: {@code drain()} waits from now on. */
    @Override
    public void pauseWriting() {
        paused = true;
        if (loop.getDebug()) {
            LOG.log(System.Logger.Level.DEBUG, "{0} pauses writing", this);
        }
    }

    /** The write buffer is back under its low-water mark: wakes every waiting {@code drain()}. */
    @Override
    public void resumeWriting() {
        paused = false;
        if (loop.getDebug()) {
            LOG.log(System.Logger.Level.DEBUG, "{0} resumes writing", this);
        }
        for (Future<Void> w : drainWaiters) {
            if (!w.done()) {
                w.setResult(null);
            }
        }
    }

    /**
     * The connection is gone: waiting {@code drain()} calls wake, throwing {@code exc} if it is not
     * null; later ones throw "Connection lost".
     */
    @Override
    public void connectionLost(Throwable exc) {
        connectionLost = true;
        if (!paused) {
            return; // nobody waits
        }
        for (Future<Void> w : drainWaiters) {
            if (!w.done()) {
                if (exc == null) {
                    w.setResult(null);
                } else {
                    w.setException(exc);
                }
            }
        }
    }

    /**
     * Returns at once unless writing is paused; then suspends until it resumes or the connection is
     * lost: asyncio's {@code _drain_helper()}, what {@link StreamWriter#drain()} waits on.
     *
     * @throws SocketException "Connection lost" when the connection was already lost
     * @throws IOException the exception the connection was lost with, while waiting
     */
    protected void drainHelper() throws IOException {
        if (connectionLost) {
            throw new SocketException("Connection lost");
        }
        if (!paused) {
            return;
        }
        Future<Void> w = loop.createFuture();
        drainWaiters.add(w);
        try {
            w.await();
        } finally {
            drainWaiters.remove(w);
            if (w.done() && !w.cancelled()) {
                w.exception(); // failed, then this task was cancelled before it resumed: not "never retrieved"
            }
        }
    }

    /**
     * The future that completes when the stream {@code writer} writes to is closed, failing with
     * the connection's exception if it broke: what {@link StreamWriter#waitClosed()} awaits
     * (asyncio's {@code _get_close_waiter}).
     */
    protected abstract Future<Void> closeWaiter(StreamWriter writer);
}
