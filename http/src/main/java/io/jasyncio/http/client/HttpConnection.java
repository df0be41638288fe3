package io.jasyncio.http.client;

import io.jasyncio.http.protocol.HttpLimits;
import io.jasyncio.http.protocol.HttpParser;
import io.jasyncio.net.StreamConnection;

/**
 * One connection of the pool: the stream, the response parser that lives as long as it, and the
 * pool's bookkeeping.
 *
 * <p>States: <em>acquired</em> (a request owns it, from {@link TcpConnector}'s acquire to its
 * release) or <em>idle</em> (in the pool, at a message boundary, nothing unread); <em>closed</em>
 * is final. An idle connection is only ever one whose last response was read to its end with the
 * parser at a message boundary and whose request was written completely.
 */
final class HttpConnection {
    final ConnectionKey key;
    final StreamConnection stream;
    final HttpParser parser;
    /** Responses completed on it: more than 0 means a request reuses it. */
    int served;
    /** Loop time it went idle (meaningful while idle). */
    double idleSince;
    /** Whether any byte of the current response arrived (a request that got none may be retried). */
    boolean gotResponseBytes;
    /** In the pool's idle list. */
    boolean idle;
    boolean closed;

    HttpConnection(ConnectionKey key, StreamConnection stream, HttpLimits limits) {
        this.key = key;
        this.stream = stream;
        this.parser = HttpParser.forResponses(limits);
    }

    /**
     * Whether an idle connection may still carry a request: the server has not closed or broken
     * it, nor sent anything unasked (a 408 before it closes would be read as the next answer).
     */
    boolean usable() {
        return !closed && !stream.writer().isClosing() && stream.reader().exception() == null
                && !stream.reader().atEof() && stream.reader().buffered() == 0 && parser.atMessageBoundary();
    }

    /** Closes gracefully (what was written is still sent; TLS sends close_notify). Idempotent. */
    void close() {
        if (!closed) {
            closed = true;
            stream.writer().close();
        }
    }

    /** Closes at once, dropping what is buffered: for a connection left in the middle of an exchange. */
    void abort() {
        if (!closed) {
            closed = true;
            stream.writer().transport().abort();
        }
    }

    @Override
    public String toString() {
        return "<HttpConnection " + key + (closed ? " closed" : idle ? " idle" : " acquired") + " served=" + served + ">";
    }
}
