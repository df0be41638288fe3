package io.jasyncio.subprocess;

import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.net.BaseTransport;
import io.jasyncio.net.FlowControlProtocol;
import io.jasyncio.net.StreamReader;
import io.jasyncio.net.StreamWriter;
import io.jasyncio.net.Transport;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The protocol behind a {@link Process}: asyncio's {@code SubprocessStreamProtocol}. Stdout and
 * stderr feed {@link StreamReader}s (which pause their pipes when full), stdin is written through a
 * {@link StreamWriter} whose {@code drain()} follows the stdin pipe's flow control, and once the
 * child has exited and both output pipes are closed, the transport is closed (so {@code wait()}
 * returns).
 */
final class SubprocessStreamProtocol extends FlowControlProtocol implements SubprocessProtocol {
    private final int limit;
    /** The streams of the pipes that exist; null otherwise. */
    StreamWriter stdin;
    StreamReader stdout;
    StreamReader stderr;
    /** From connectionMade until the transport is closed here. */
    private SubprocessTransport transport;
    private boolean processExited;
    /** The output pipes (1, 2) still open. */
    private final List<Integer> pipeFds = new ArrayList<>(2);
    /** Completes when stdin's pipe is closed, failed if it broke: what {@code stdin.waitClosed()} awaits. */
    private final Future<Void> stdinClosed;

    SubprocessStreamProtocol(int limit, EventLoop loop) {
        super(loop);
        this.limit = limit;
        this.stdinClosed = loop.createFuture();
    }

    @Override
    public void connectionMade(BaseTransport t) {
        SubprocessTransport tr = (SubprocessTransport) t;
        transport = tr;
        Transport out = tr.getPipeTransport(1);
        if (out != null) {
            stdout = new StreamReader(limit, getLoop());
            stdout.setTransport(out);
            pipeFds.add(1);
        }
        Transport err = tr.getPipeTransport(2);
        if (err != null) {
            stderr = new StreamReader(limit, getLoop());
            stderr.setTransport(err);
            pipeFds.add(2);
        }
        Transport in = tr.getPipeTransport(0);
        if (in != null) {
            stdin = new StreamWriter(in, this, null, getLoop());
        }
    }

    @Override
    public void pipeDataReceived(int fd, ByteBuffer data) {
        StreamReader reader = fd == 1 ? stdout : fd == 2 ? stderr : null;
        if (reader != null) {
            reader.feedData(data);
        }
    }

    @Override
    public void pipeConnectionLost(int fd, Throwable exc) {
        if (fd == 0) {
            if (stdin != null) {
                stdin.close();
            }
            connectionLost(exc);
            if (exc == null) {
                stdinClosed.setResult(null);
            } else {
                stdinClosed.setException(exc);
                stdinClosed.exception(); // waitClosed() is optional: not a "never retrieved" error
            }
            return;
        }
        StreamReader reader = fd == 1 ? stdout : fd == 2 ? stderr : null;
        if (reader != null) {
            if (exc == null) {
                reader.feedEof();
            } else {
                reader.setException(exc);
            }
        }
        pipeFds.remove(Integer.valueOf(fd));
        maybeCloseTransport();
    }

    @Override
    public void processExited() {
        processExited = true;
        maybeCloseTransport();
    }

    private void maybeCloseTransport() {
        if (pipeFds.isEmpty() && processExited && transport != null) {
            transport.close();
            transport = null;
        }
    }

    @Override
    protected Future<Void> closeWaiter(StreamWriter writer) {
        return writer == stdin ? stdinClosed : null;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("<SubprocessStreamProtocol");
        if (stdin != null) {
            b.append(" stdin=").append(stdin);
        }
        if (stdout != null) {
            b.append(" stdout=").append(stdout);
        }
        if (stderr != null) {
            b.append(" stderr=").append(stderr);
        }
        return b.append('>').toString();
    }
}
