package io.jasyncio.net;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.ReturnWhen;
import io.jasyncio.Task;
import io.jasyncio.WaitResult;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * Staggered connection attempts (RFC 8305, asyncio's {@code staggered_race}): the next address
 * starts when the previous attempt has run {@code delay} seconds without connecting, or at once when
 * it failed; the first connection wins; the losers are cancelled and their sockets closed.
 */
final class HappyEyeballs {
    private HappyEyeballs() {}

    static SocketChannel race(EventLoop loop, List<InetSocketAddress> addresses, double delay) throws IOException {
        List<Task<SocketChannel>> running = new ArrayList<>();
        List<Task<SocketChannel>> all = new ArrayList<>();
        List<IOException> errors = new ArrayList<>();
        SocketChannel winner = null;
        int next = 0;
        try {
            while (winner == null) {
                if (next < addresses.size()) {
                    InetSocketAddress address = addresses.get(next++);
                    Task<SocketChannel> t = loop.createTask(() -> Net.connectOne(loop, address));
                    running.add(t);
                    all.add(t);
                }
                if (running.isEmpty()) {
                    break;
                }
                WaitResult<SocketChannel> r = Asyncio.wait(running, next < addresses.size() ? delay : null,
                        ReturnWhen.FIRST_COMPLETED);
                for (Future<SocketChannel> done : r.done()) {
                    running.remove(done);
                    Throwable e = done.exception();
                    if (e == null) {
                        if (winner == null) {
                            winner = resultOf(done);
                        }
                    } else if (e instanceof IOException io) {
                        errors.add(io);
                    } else if (e instanceof RuntimeException re) {
                        throw re;
                    } else if (e instanceof Error err) {
                        throw err;
                    } else {
                        throw new IOException("connection attempt failed", e);
                    }
                }
                // A failure starts the next attempt at once; a timeout too: the loop goes round.
            }
        } finally {
            for (Task<SocketChannel> t : running) {
                t.cancel();
            }
            if (!running.isEmpty()) {
                try {
                    Asyncio.gatherAll(true, running);
                } catch (CancelledError e) {
                    // we are being cancelled ourselves: the losers are cancelled and close their sockets
                }
            }
            for (Task<SocketChannel> t : all) {
                if (t.done() && !t.cancelled() && t.exception() == null && resultOf(t) != winner) {
                    loop.unregister(resultOf(t));
                    resultOf(t).close(); // connected too late: not the winner
                }
            }
        }
        if (winner == null) {
            throw Net.combined(errors);
        }
        return winner;
    }

    /** The result of an attempt known to have succeeded. */
    private static SocketChannel resultOf(Future<SocketChannel> done) {
        try {
            return done.result();
        } catch (Exception e) {
            throw new IllegalStateException("not a successful attempt: " + done, e);
        }
    }
}
