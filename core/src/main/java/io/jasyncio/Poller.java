package io.jasyncio;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.Pipe;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * The loop's I/O readiness: asyncio's {@code add_reader}/{@code add_writer} on a
 * {@link Selector}. One registration per channel; its interest set follows the reader and writer
 * callbacks as they come and go (a key whose interest drops to none stays registered, so that a
 * reader removed and added again in one iteration costs no re-registration). Loop thread only.
 */
final class Poller {

    /** A channel's callbacks: the key's attachment. */
    private static final class Interest {
        Handle reader;
        Handle writer;
    }

    private final Selector selector;
    /** Keys with a non-empty interest set: while any exists the loop is waiting for I/O. */
    private int active;
    /**
     * Those of them on a {@link Pipe}'s ends: a java.nio Pipe never leaves this process, so what
     * comes through it is work of this process's own threads (a signal's wakeup pipe), not a peer
     * living in real time.
     */
    private int inProcess;
    /** Where selected callbacks go: the loop's ready queue, set for the duration of a select. */
    private ArrayDeque<Object> ready;
    private final Consumer<SelectionKey> onSelected = this::selected;

    Poller(Selector selector) {
        this.selector = selector;
    }

    /** Whether some channel has a reader or writer: real I/O the loop waits for. */
    boolean waiting() {
        return active > 0;
    }

    /** Whether some channel other than an in-process {@link Pipe} has a reader or writer: a peer in real time. */
    boolean peerWaiting() {
        return active > inProcess;
    }

    /** Whether an in-process {@link Pipe} end has a reader or writer: this process's threads may write to it. */
    boolean inProcessWaiting() {
        return inProcess > 0;
    }

    private static boolean inProcess(SelectableChannel ch) {
        return ch instanceof Pipe.SourceChannel || ch instanceof Pipe.SinkChannel;
    }

    Handle addReader(EventLoop loop, SelectableChannel ch, Runnable callback) {
        Handle h = new Handle(loop, callback, Context.currentEntries());
        Interest i = interest(ch);
        if (i.reader != null) {
            i.reader.cancel();
        }
        i.reader = h;
        update(ch, i);
        return h;
    }

    Handle addWriter(EventLoop loop, SelectableChannel ch, Runnable callback) {
        Handle h = new Handle(loop, callback, Context.currentEntries());
        Interest i = interest(ch);
        if (i.writer != null) {
            i.writer.cancel();
        }
        i.writer = h;
        update(ch, i);
        return h;
    }

    boolean removeReader(SelectableChannel ch) {
        SelectionKey key = ch.keyFor(selector);
        if (key == null || !(key.attachment() instanceof Interest i) || i.reader == null) {
            return false;
        }
        i.reader.cancel();
        i.reader = null;
        update(ch, i);
        return true;
    }

    boolean removeWriter(SelectableChannel ch) {
        SelectionKey key = ch.keyFor(selector);
        if (key == null || !(key.attachment() instanceof Interest i) || i.writer == null) {
            return false;
        }
        i.writer.cancel();
        i.writer = null;
        update(ch, i);
        return true;
    }

    private Interest interest(SelectableChannel ch) {
        SelectionKey key = ch.keyFor(selector);
        if (key != null && key.isValid()) {
            return (Interest) key.attachment();
        }
        if (ch.isBlocking()) {
            throw new IllegalArgumentException(ch + " is in blocking mode: configureBlocking(false) first");
        }
        try {
            Interest i = new Interest();
            ch.register(selector, 0, i);
            return i;
        } catch (ClosedChannelException e) {
            throw new IllegalStateException("the channel is closed: " + ch, e);
        } catch (CancelledKeyException e) {
            // Closed and re-opened within one iteration: let the selector drop the old key first.
            try {
                selector.selectNow();
                Interest i = new Interest();
                ch.register(selector, 0, i);
                return i;
            } catch (IOException io) {
                throw new UncheckedIOException(io);
            }
        }
    }

    private void update(SelectableChannel ch, Interest i) {
        SelectionKey key = ch.keyFor(selector);
        int before = key.interestOps();
        int ops = 0;
        if (i.reader != null) {
            ops |= ch.validOps() & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT);
        }
        if (i.writer != null) {
            // A socket still connecting waits for OP_CONNECT; once connected, OP_CONNECT would spin.
            ops |= ch instanceof SocketChannel s && s.isConnectionPending() ? SelectionKey.OP_CONNECT
                    : ch.validOps() & SelectionKey.OP_WRITE;
        }
        if (ops != before) {
            key.interestOps(ops);
            if (before == 0) {
                active++;
                if (inProcess(ch)) {
                    inProcess++;
                }
            } else if (ops == 0) {
                active--;
                if (inProcess(ch)) {
                    inProcess--;
                }
            }
        }
    }

    /** Selects (now, for at most {@code millis}, or until woken with -1) and queues the ready callbacks. */
    void select(long millis, ArrayDeque<Object> readyQueue) throws IOException {
        ready = readyQueue;
        try {
            if (millis == 0) {
                selector.selectNow(onSelected);
            } else if (millis < 0) {
                selector.select(onSelected);
            } else {
                selector.select(onSelected, millis);
            }
        } finally {
            ready = null;
        }
    }

    private void selected(SelectionKey key) {
        if (!(key.attachment() instanceof Interest i)) {
            return;
        }
        int ops;
        try {
            ops = key.readyOps();
        } catch (CancelledKeyException e) {
            forget(key, i);
            return;
        }
        if (i.reader != null && (ops & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT)) != 0) {
            ready.add(i.reader);
        }
        if (i.writer != null && (ops & (SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT)) != 0) {
            ready.add(i.writer);
        }
    }

    /** A key cancelled by closing its channel: its callbacks will not run again. */
    private void forget(SelectionKey key, Interest i) {
        if (i.reader != null || i.writer != null) {
            active--;
            if (inProcess(key.channel())) {
                inProcess--;
            }
        }
        i.reader = null;
        i.writer = null;
    }

    /**
     * Drops the registration of a channel about to be closed, so that its interest no longer
     * counts; returns whether it had one.
     */
    boolean unregister(SelectableChannel ch) {
        SelectionKey key = ch.keyFor(selector);
        if (key == null || !(key.attachment() instanceof Interest i)) {
            return false;
        }
        if (i.reader != null) {
            i.reader.cancel();
        }
        if (i.writer != null) {
            i.writer.cancel();
        }
        forget(key, i);
        key.cancel();
        return true;
    }
}
