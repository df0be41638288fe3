package io.jasyncio.http.client;

import io.jasyncio.Asyncio;
import io.jasyncio.Future;
import io.jasyncio.Task;
import io.jasyncio.http.protocol.Headers;
import io.jasyncio.http.protocol.HttpEvent;
import io.jasyncio.http.protocol.HttpParseException;
import io.jasyncio.http.protocol.HttpVersion;
import io.jasyncio.http.protocol.HttpWriter;
import io.jasyncio.http.protocol.RequestHead;
import io.jasyncio.http.protocol.ResponseHead;
import io.jasyncio.net.StreamWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;

/**
 * One request on one connection, up to its response head: acquire a connection, write the head and
 * the body, read the head. What a hop of {@link ClientSession#request} does.
 *
 * <p>Ownership, the rule that keeps the pool whole: from {@code acquire} until a
 * {@link ClientResponse} is made, this code owns the connection and, on any way out that is not a
 * response (an error, a timeout, a cancellation at any suspension point), discards it. From then on
 * the response owns it. A streamed body is written by a task of its own, owned the same way.
 */
final class Exchange {
    private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE");
    private static final int READ_SIZE = 64 * 1024;

    private Exchange() {}

    /**
     * What one hop sends.
     *
     * @param method the method
     * @param url the URL requested
     * @param target the request target (origin form, or absolute form through a plain proxy)
     * @param headers the complete request head's headers
     * @param body the body, or null
     * @param key where to connect
     * @param info the request as errors and responses report it
     */
    record Hop(String method, HttpUrl url, String target, Headers headers, RequestBody body, ConnectionKey key,
            RequestInfo info) {}

    /**
     * Sends {@code hop} and returns its response with the head read. Retries on a new connection when
     * a reused one turns out closed by the server before it answered, for idempotent requests whose
     * body can be sent again (the keep-alive race every HTTP client has).
     */
    static ClientResponse send(ClientSession session, Hop hop, ClientTimeout timeout, ReadTimeouts readTimeouts,
            Traces traces, List<ClientResponse> history) throws ClientError {
        TcpConnector connector = session.connector();
        while (true) {
            HttpConnection conn = Deadlines.within(Deadlines.after(timeout.connect()),
                    e -> new ConnectionTimeoutError("Connection timeout to host " + hop.url.hostHeader() + ": connect of "
                            + timeout.connect() + " s expired", e),
                    () -> connector.acquire(hop.key, traces, timeout.sockConnect(), hop.info));
            boolean owned = true;
            Task<Void> writer = null;
            try {
                // Expect: 100-continue: the body waits for the server's 100 (or is never sent).
                Future<Void> continued = hop.body != null && hop.headers.containsToken("Expect", "100-continue")
                        ? conn.stream.writer().getLoop().createFuture() : null;
                byte[] inMemory = hop.body == null ? null : hop.body.inMemory(session.objectMapper());
                writeHead(conn, hop, continued == null ? inMemory : null, traces);
                if (hop.body != null && (inMemory == null || continued != null)) {
                    writer = startBodyWriter(conn, hop, inMemory, continued, traces);
                }
                ResponseHead head;
                try {
                    head = readHead(conn, readTimeouts, continued);
                } catch (HttpParseException e) {
                    throw new ClientResponseError(hop.info, history, 400, e.getMessage(), null, e);
                } catch (ClientError e) {
                    throw writerFailure(writer, e);
                }
                boolean saidClose = hop.headers.containsToken("Connection", "close");
                ClientResponse response = new ClientResponse(session, hop.method, hop.url, hop.info, head, conn, connector,
                        writer, readTimeouts, traces, session.autoDecompress(), saidClose);
                owned = false; // the response owns the connection and the writer now
                List<String> setCookies = head.headers().getAll("Set-Cookie");
                if (!setCookies.isEmpty()) {
                    session.cookieJar().updateCookies(setCookies, hop.url);
                }
                response.start();
                return response;
            } catch (ServerDisconnectedError | ClientOSError e) {
                if (conn.served > 0 && !conn.gotResponseBytes && IDEMPOTENT.contains(hop.method)
                        && (hop.body == null || hop.body.replayable())) {
                    continue; // the finally block discards the stale connection first
                }
                throw e;
            } finally {
                if (owned) {
                    if (writer != null && !writer.done()) {
                        writer.cancel();
                    }
                    connector.discard(conn);
                }
            }
        }
    }

    /** Writes the head, and {@code body} (in memory, or null) with it. */
    private static void writeHead(HttpConnection conn, Exchange.Hop hop, byte[] body, Traces traces) {
        byte[] head = HttpWriter.encodeRequestHead(new RequestHead(hop.method, hop.target, HttpVersion.HTTP_1_1,
                hop.headers));
        conn.parser.expectResponseTo(hop.method);
        conn.gotResponseBytes = false;
        StreamWriter w = conn.stream.writer();
        if (body != null && body.length > 0 && body.length <= 16 * 1024) {
            byte[] both = new byte[head.length + body.length];
            System.arraycopy(head, 0, both, 0, head.length);
            System.arraycopy(body, 0, both, head.length, body.length);
            w.write(both);
        } else {
            w.write(head);
            if (body != null && body.length > 0) {
                // Not drained: the transport holds it while the response is read (no deadlock with a
                // server that answers while it reads).
                w.write(body);
            }
        }
        if (!traces.isEmpty()) {
            traces.send(new TraceEvent.RequestHeadersSent(hop.method, hop.url.toUri(), hop.headers.copy()));
            if (body != null && body.length > 0) {
                traces.send(new TraceEvent.RequestChunkSent(hop.method, hop.url.toUri(), body));
            }
        }
    }

    /**
     * Writes a streamed body in a task of its own, chunked unless its length is known, so the
     * response can be read meanwhile (a server may answer before it has read everything). A failure
     * aborts the connection, which ends the response side's wait too.
     */
    private static Task<Void> startBodyWriter(HttpConnection conn, Hop hop, byte[] inMemory, Future<Void> continued,
            Traces traces) {
        if (hop.body instanceof RequestBody.Stream s) {
            s.claim();
        }
        boolean chunked = inMemory == null && hop.body.length() < 0;
        StreamWriter w = conn.stream.writer();
        Task<Void> task = Asyncio.createTask(() -> {
            long[] sent = {0};
            try {
                if (continued != null) {
                    continued.await();
                }
                RequestBody.BodySink sink = (b, off, len) -> {
                    if (chunked) {
                        w.write(HttpWriter.encodeChunk(b, off, len));
                    } else {
                        w.write(ByteBuffer.wrap(b, off, len));
                    }
                    sent[0] += len;
                    if (!traces.isEmpty()) {
                        traces.send(new TraceEvent.RequestChunkSent(hop.method, hop.url.toUri(),
                                off == 0 && len == b.length ? b : java.util.Arrays.copyOfRange(b, off, off + len)));
                    }
                    w.drain();
                };
                if (inMemory != null) {
                    sink.write(inMemory, 0, inMemory.length);
                } else {
                    hop.body.writeTo(sink);
                }
                if (chunked) {
                    w.write(HttpWriter.lastChunk(null));
                } else if (inMemory == null && sent[0] != hop.body.length()) {
                    throw new IOException("the request body had " + sent[0] + " bytes, not the " + hop.body.length()
                            + " announced (a file that changed while it was sent?)");
                }
                w.drain();
            } catch (Throwable e) {
                conn.abort();
                throw e;
            }
        }, "http request body " + hop.method + " " + hop.url);
        // Whatever happens, nobody is told "exception never retrieved": the response side reports it.
        task.addDoneCallback(t -> {
            if (!t.cancelled()) {
                t.exception();
            }
        });
        return task;
    }

    /** The error to raise when reading the head failed: the body writer's, if it failed first. */
    private static ClientError writerFailure(Task<Void> writer, ClientError readError) {
        if (writer == null || !writer.done() || writer.cancelled() || writer.exception() == null) {
            return readError;
        }
        Throwable e = writer.exception();
        if (e instanceof ClientError ce) {
            return ce;
        }
        if (e instanceof IOException io) {
            return new ClientOSError("sending the request body failed: " + ClientConnectorError.describe(io), io);
        }
        // The user's stream failed: their exception, as it is.
        throw Sneaky.sneaky(e);
    }

    /**
     * Reads the next response head on {@code conn}, skipping interim (1xx) responses; a 100
     * completes {@code continued} (may be null), which the body writer of an
     * {@code Expect: 100-continue} request waits for.
     *
     * @throws ServerDisconnectedError when the connection ends before the head does
     * @throws ClientOSError when it breaks
     * @throws HttpParseException when the head is malformed (the caller says for which request)
     */
    static ResponseHead readHead(HttpConnection conn, ReadTimeouts timeouts, Future<Void> continued)
            throws HttpParseException, ClientError {
        while (true) {
            HttpEvent ev = conn.parser.next();
            switch (ev) {
                case ResponseHead h -> {
                    if (h.status() >= 200 || h.status() == 101) {
                        return h;
                    }
                    // 1xx: its End follows at once; the final response comes after it.
                    if (h.status() == 100 && continued != null && !continued.done()) {
                        continued.setResult(null);
                    }
                }
                case HttpEvent.End end -> { }
                case HttpEvent.NeedData need -> {
                    byte[] b;
                    try {
                        b = timeouts.read(conn.stream.reader(), READ_SIZE);
                    } catch (ClientError e) {
                        throw e;
                    } catch (IOException e) {
                        throw new ClientOSError("the connection broke while the response head was read: "
                                + ClientConnectorError.describe(e), e);
                    }
                    if (b.length == 0) {
                        throw new ServerDisconnectedError(conn.gotResponseBytes
                                ? "Server disconnected in the middle of the response head"
                                : "Server disconnected");
                    }
                    conn.gotResponseBytes = true;
                    conn.parser.feed(b);
                }
                default -> throw new HttpParseException(400, "unexpected " + ev + " before the response head");
            }
        }
    }
}
