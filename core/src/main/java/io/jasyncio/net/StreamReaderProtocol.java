package io.jasyncio.net;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.ExceptionContext;
import io.jasyncio.Future;
import io.jasyncio.Task;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The protocol between a transport and a {@link StreamReader}: asyncio's
 * {@code StreamReaderProtocol}. Received data and EOF go to the reader, a lost connection ends it
 * (with the exception if the connection broke), and the write side's flow control serves
 * {@link StreamWriter#drain()}.
 *
 * <p>On a server ({@link Streams#startServer}) it also has a {@link ClientConnected} callback: when
 * the connection is made, it makes the {@link StreamWriter} and runs the callback as a task. An
 * exception escaping that task is reported to the loop's exception handler ("Unhandled exception in
 * client_connected_cb") and closes the connection; a cancelled task closes it too (asyncio 3.12+).
 *
 * <p>EOF from the peer keeps the transport open ({@code eofReceived} returns true, except over TLS):
 * a half-closed connection can still be written to, and is closed by the writer.
 */
public final class StreamReaderProtocol extends FlowControlProtocol implements Protocol {
    /** Where received data goes; null when there is none, and after the connection is lost. */
    private StreamReader reader;
    /** The server's callback, or null for a client connection. */
    private final ClientConnected clientConnected;
    /** The transport, from connectionMade to connectionLost. */
    private Transport transport;
    /** Whether the transport is TLS (EOF then closes it). */
    private boolean overSsl;
    /** Completes when the connection is lost: with the exception if it broke. */
    private final Future<Void> closed;

    /** A client's protocol feeding {@code reader}, on the running loop. */
    public StreamReaderProtocol(StreamReader reader) {
        this(reader, null, Asyncio.getRunningLoop());
    }

    /**
     * A protocol feeding {@code reader} (null: none) on {@code loop}; with a non-null
     * {@code clientConnected}, a server's, running it when the connection is made.
     */
    public StreamReaderProtocol(StreamReader reader, ClientConnected clientConnected, EventLoop loop) {
        super(loop);
        this.reader = reader;
        this.clientConnected = clientConnected;
        this.closed = loop.createFuture();
    }

    /**
     * Hands the transport to the reader (for flow control) and, on a server, starts the
     * {@link ClientConnected} task with a new {@link StreamWriter}.
     *
     * @throws IllegalArgumentException when the transport is not a stream {@link Transport}
     */
    @Override
    public void connectionMade(BaseTransport t) {
        if (!(t instanceof Transport tr)) {
            throw new IllegalArgumentException("a StreamReaderProtocol needs a stream Transport, got " + t);
        }
        transport = tr;
        if (reader != null) {
            reader.setTransport(tr);
        }
        overSsl = tr.getExtraInfo("sslcontext") != null;
        if (clientConnected != null) {
            EventLoop loop = getLoop();
            StreamReader r = reader;
            StreamWriter writer = new StreamWriter(tr, this, r, loop);
            Task<Void> task = loop.createTask(() -> clientConnected.run(r, writer));
            task.addDoneCallback(done -> {
                // The writer's transport: after startTls, the TLS one (asyncio closes the original).
                if (done.cancelled()) {
                    writer.transport().close();
                    return;
                }
                Throwable exc = done.exception();
                if (exc != null) {
                    loop.callExceptionHandler(ExceptionContext.builder("Unhandled exception in client_connected_cb")
                            .exception(exc).put("transport", writer.transport()).build());
                    writer.transport().close();
                }
            });
        }
    }

    /**
     * Ends the reader (EOF, or {@code exc}), completes {@link #closeWaiter}'s future, and wakes
     * {@code drain()} callers.
     */
    @Override
    public void connectionLost(Throwable exc) {
        if (reader != null) {
            if (exc == null) {
                reader.feedEof();
            } else {
                reader.setException(exc);
            }
        }
        if (!closed.done()) {
            if (exc == null) {
                closed.setResult(null);
            } else {
                closed.setException(exc);
                // Nobody need ever wait for the close: the error reaches the reader and drain().
                // (asyncio's __del__ retrieves it for the same reason.)
                closed.exception();
            }
        }
        super.connectionLost(exc);
        reader = null;
        transport = null;
    }

    /** Feeds the reader. */
    @Override
    public void dataReceived(ByteBuffer data) {
        if (reader != null) {
            reader.feedData(data);
        }
    }

    /** Feeds EOF to the reader; keeps the transport open (half-close) unless it is TLS. */
    @Override
    public boolean eofReceived() {
        if (reader != null) {
            reader.feedEof();
        }
        return !overSsl;
    }

    @Override
    protected Future<Void> closeWaiter(StreamWriter writer) {
        return closed;
    }

    /** Switches to the transport that {@code startTls} returned (asyncio's {@code _replace_transport}). */
    void replaceTransport(Transport newTransport) {
        transport = Objects.requireNonNull(newTransport, "transport");
        overSsl = newTransport.getExtraInfo("sslcontext") != null;
    }

    /** Whether this is a server's protocol (it has a {@link ClientConnected}): its TLS upgrade is server-side. */
    boolean isServerSide() {
        return clientConnected != null;
    }

    @Override
    public String toString() {
        return "<StreamReaderProtocol" + (clientConnected != null ? " server" : "")
                + (transport != null ? " transport=" + transport : "") + ">";
    }
}
