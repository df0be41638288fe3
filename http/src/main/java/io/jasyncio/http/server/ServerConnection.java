package io.jasyncio.http.server;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.EventLoop;
import io.jasyncio.ExceptionContext;
import io.jasyncio.Future;
import io.jasyncio.Task;
import io.jasyncio.TimeoutError;
import io.jasyncio.TimerHandle;
import io.jasyncio.http.protocol.HttpEvent;
import io.jasyncio.http.protocol.HttpParseException;
import io.jasyncio.http.protocol.HttpParser;
import io.jasyncio.http.protocol.HttpWriter;
import io.jasyncio.http.protocol.RequestHead;
import io.jasyncio.net.BaseTransport;
import io.jasyncio.net.BufferedProtocol;
import io.jasyncio.net.FlowControlProtocol;
import io.jasyncio.net.StreamWriter;
import io.jasyncio.net.Transport;
import java.io.IOException;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * One HTTP connection on the server: aiohttp's {@code RequestHandler}. A protocol on the transport
 * (bytes in, into slabs the parser slices) and a task per connection that reads request heads,
 * runs each request in a task of its own, and decides keep-alive.
 */
final class ServerConnection extends FlowControlProtocol implements BufferedProtocol {

    /*
     * Overview.
     *
     * Reading. The transport reads into slabs of options.readBufferSize bytes (BufferedProtocol):
     * each read goes after the previous one in the same slab and is fed to the parser, which
     * borrows the fed range when it has nothing pending and hands out body Data events as slices
     * of it. A slab range is never written twice, so a slice stays valid; a new slab is taken when
     * the current one is nearly full, and the current one is rewound when nothing can point into
     * it (no request in progress, the parser empty). A keep-alive connection doing small requests
     * allocates nothing per request on the read side. Over highWater bytes buffered in the parser
     * the transport is paused, and resumed once the consumer has pulled most of it.
     *
     * Tasks. The connection task (serve) loops: read a head, run the request in a task of its own
     * (eagerly started, so a handler that does not suspend costs no extra loop turn), await it,
     * then either wait for the next head (keep-alive) or close. The request task runs the
     * application (router, middlewares, handler), turns exceptions into responses, sends the
     * response, and skips what is left of the request body. Only one party pulls events from the
     * parser at a time: the connection task between requests, the request task during one.
     *
     *   connection task:  [wait head: IDLE/HEAD deadline] -> head -> await request task -> loop / close
     *   request task:     app.handle -> finish: send head (+ body) -> [skip rest of body] -> keepAlive?
     *
     * Waiting. One waiter future at a time (the party pulling from the parser): bufferUpdated,
     * eofReceived, connectionLost, a shutdown and the deadline timer complete it. Deadlines (IDLE
     * keep-alive, HEAD read, BODY read idle, WRITE drain, LINGER) are fields; one lazy timer per
     * connection fires at the earliest deadline it was armed for and re-arms itself if the
     * deadline moved later, so the common path (a request arriving, a response sent) only writes
     * fields and never touches the timer heap.
     *
     * Closing. Graceful shutdown sets shuttingDown and wakes an idle connection, which closes at
     * once; a busy one finishes its request (answered with Connection: close) and closes. At the
     * shutdown deadline abortNow() cancels the request and connection tasks and aborts the
     * transport. When the client may still be sending (an error answered before the body was
     * read), the close lingers: half-close, discard input until EOF or lingeringTime, then close,
     * so that the client reads the answer instead of a reset.
     */

    private static final System.Logger LOG = System.getLogger("io.jasyncio.http.server");

    /** Deadline kinds. */
    private static final int NONE = 0;
    private static final int IDLE = 1;
    private static final int HEAD = 2;
    private static final int BODY = 3;
    private static final int WRITE = 4;
    private static final int LINGER = 5;

    /** A slab with less room than this is replaced. */
    private static final int MIN_ROOM = 1024;
    /** Bodies up to this size are copied after the head into one write. */
    private static final int INLINE_BODY = 16 * 1024;
    /** The most body bytes skipped after a response to keep the connection. */
    private static final long MAX_SKIP = 256 * 1024;

    final HttpServer server;
    /** The site that accepted the connection, or null. */
    final BaseSite site;
    private final EventLoop loop;
    private final ServerOptions options;
    private final Application app;
    private final HttpParser parser;
    /** Parser bytes over which reading pauses; it resumes under a quarter of it. */
    private final int highWater;
    private Transport transport;
    /** The connection task. */
    private Task<Void> task;
    /** The running request's task, or null. */
    private Task<Boolean> handlerTask;

    // ---- reading ----
    private byte[] slab;
    private int slabPos;
    private ByteBuffer slabView;
    private boolean readingPaused;
    /** Lingering: input is dropped, not parsed. */
    private boolean discarding;

    // ---- state ----
    /** What the party pulling from the parser waits on, or null. */
    private Future<Void> waiter;
    private boolean eofReceived;
    private boolean lost;
    /** The deadline fired for the current wait. */
    private boolean timedOut;
    private boolean writeTimedOut;
    /** The transport asked us to stop writing. */
    private boolean writePaused;
    /** A graceful shutdown started: no more requests. */
    private boolean shuttingDown;
    /** Close after the current response. */
    private boolean mustClose;
    /** Half-close and discard before closing (the client may still be sending). */
    private boolean lingerOnClose;
    /** The connection task waits for a request head. */
    private boolean waitingForHead;
    private final double connectedAt;
    /** When the connection became idle (last response done). */
    private double idleSince;
    /** When the first bytes of a pending head were seen; NaN when none. */
    private double headStart = Double.NaN;
    private int requests;

    // ---- the request in progress ----
    private Request current;
    /** The current request's body has been consumed to its End (or it has none). */
    private boolean bodyComplete;
    private boolean continueSent;

    // ---- deadline ----
    private int deadlineKind = NONE;
    private double deadline = Double.POSITIVE_INFINITY;
    private TimerHandle timer;
    private final Runnable onTimer = this::onTimer;
    /** Completes when the connection is lost (FlowControlProtocol's close waiter). */
    private Future<Void> closed;

    ServerConnection(HttpServer server, BaseSite site) {
        super(server.loop());
        this.server = server;
        this.site = site;
        this.loop = server.loop();
        this.options = server.options();
        this.app = server.app();
        this.parser = HttpParser.forRequests(options.limits());
        this.highWater = Math.max(64 * 1024, options.limits().maxHeadersTotal() + options.limits().maxLineSize()
                + 2 * options.readBufferSize());
        this.connectedAt = loop.time();
    }

    ServerOptions options() {
        return options;
    }

    Object getExtraInfo(String name) {
        Transport t = transport;
        return t == null ? null : t.getExtraInfo(name);
    }

    // ---- protocol callbacks ----

    @Override
    public void connectionMade(BaseTransport t) {
        transport = (Transport) t;
        server.attach(this);
        task = loop.createTask(this::serve);
        task.addDoneCallback(done -> {
            server.detach(this); // only now: a lost connection whose handler still runs is still in flight
            if (!done.cancelled() && done.exception() != null) {
                loop.callExceptionHandler(ExceptionContext.builder("Unhandled exception in an HTTP connection")
                        .exception(done.exception()).put("transport", transport).build());
                if (!lost) {
                    transport.abort();
                }
            }
        });
    }

    @Override
    public ByteBuffer getBuffer(int sizeHint) {
        if (slab != null && current == null && parser.buffered() == 0 && !discarding) {
            slabPos = 0; // nothing can point into the slab: reuse it from the start
        }
        if (slab == null || slab.length - slabPos < MIN_ROOM) {
            slab = new byte[options.readBufferSize()];
            slabPos = 0;
            slabView = ByteBuffer.wrap(slab);
        }
        slabView.limit(slab.length).position(slabPos);
        return slabView;
    }

    @Override
    public void bufferUpdated(int nbytes) {
        int off = slabPos;
        if (discarding) {
            wake();
            return;
        }
        slabPos += nbytes;
        parser.feed(slab, off, nbytes);
        if (!readingPaused && parser.buffered() > highWater) {
            readingPaused = true;
            transport.pauseReading();
        }
        wake();
    }

    @Override
    public boolean eofReceived() {
        eofReceived = true;
        if (!discarding) {
            parser.feedEof();
        }
        wake();
        return true; // keep the transport open to send the response
    }

    @Override
    public void connectionLost(Throwable exc) {
        lost = true;
        super.connectionLost(exc);
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
        deadlineKind = NONE;
        wake();
        if (closed != null && !closed.done()) {
            closed.setResult(null);
        }
        Task<Boolean> ht = handlerTask;
        if (ht != null && !ht.done() && options.handlerCancellation()) {
            ht.cancel("client disconnected");
        }
    }

    @Override
    public void pauseWriting() {
        writePaused = true;
        super.pauseWriting();
    }

    @Override
    public void resumeWriting() {
        writePaused = false;
        super.resumeWriting();
    }

    @Override
    protected Future<Void> closeWaiter(StreamWriter writer) {
        if (closed == null) {
            closed = loop.createFuture();
            if (lost) {
                closed.setResult(null);
            }
        }
        return closed;
    }

    // ---- the connection task ----

    private void serve() {
        try {
            while (true) {
                RequestHead head = readHead();
                if (head == null) {
                    break;
                }
                if (!handle(head)) {
                    break;
                }
            }
        } catch (CancelledError e) {
            if (!lost) {
                transport.abort(); // the shutdown deadline: nothing more is sent
            }
            throw e;
        } finally {
            clearDeadline();
            if (!lost && !transport.isClosing()) {
                closeConnection();
            }
        }
    }

    /** The next request head, or null when the connection should close (EOF, timeout, error, shutdown). */
    private RequestHead readHead() {
        boolean first = requests == 0;
        while (true) {
            HttpEvent ev;
            try {
                ev = nextEvent();
            } catch (HttpParseException e) {
                answerError(e.status(), e.getMessage());
                return null;
            }
            if (ev instanceof RequestHead h) {
                clearDeadline();
                waitingForHead = false;
                headStart = Double.NaN;
                return h;
            }
            if (ev != HttpEvent.NeedData.INSTANCE) {
                throw new IllegalStateException("unexpected " + ev + " between requests");
            }
            if (eofReceived || lost || shuttingDown) {
                return null;
            }
            boolean partial = !parser.atMessageBoundary(); // part of a head is in (maybe parsed already)
            if (partial) {
                if (Double.isNaN(headStart)) {
                    headStart = loop.time();
                }
                setDeadline(HEAD, headStart + options.headerReadTimeout());
            } else if (first) {
                setDeadline(HEAD, connectedAt + options.headerReadTimeout());
            } else {
                setDeadline(IDLE, idleSince + options.keepaliveTimeout());
            }
            waitingForHead = true;
            boolean ok = await();
            waitingForHead = false;
            if (!ok) {
                if (!parser.atMessageBoundary()) {
                    answerError(408, "the request head took longer than " + options.headerReadTimeout() + " s");
                }
                return null;
            }
        }
    }

    /** Runs one request; true to keep the connection for the next one. */
    private boolean handle(RequestHead head) {
        requests++;
        server.requestsCount++;
        Request req = new Request(this, head, loop.time(), app);
        current = req;
        bodyComplete = false;
        continueSent = false;
        if (!hasBody(head)) {
            try {
                if (nextEvent() instanceof HttpEvent.End) {
                    bodyComplete = true; // a request without a body: its End follows the head at once
                }
            } catch (HttpParseException e) {
                mustClose = true;
            }
        }
        if (head.method().equals("CONNECT")) {
            mustClose = true; // the parser switched protocols: nothing more can be read as HTTP
        }
        Task<Boolean> t = loop.newTask(() -> runRequest(req), null, null, true);
        handlerTask = t;
        boolean keep;
        try {
            keep = t.await();
        } catch (CancelledError e) {
            if (t.cancelled() && Asyncio.currentTask().cancelling() == 0) {
                keep = false; // the request's task was cancelled (client disconnect), not this one
            } else {
                t.cancel();
                throw e;
            }
        } finally {
            handlerTask = null;
            current = null;
        }
        idleSince = loop.time();
        return keep && !mustClose && !shuttingDown && !lost;
    }

    private static boolean hasBody(RequestHead head) {
        String cl = head.headers().get("Content-Length");
        if (cl != null) {
            int comma = cl.indexOf(',');
            try {
                return Long.parseLong((comma < 0 ? cl : cl.substring(0, comma)).trim()) > 0;
            } catch (NumberFormatException e) {
                return true; // the parser accepted it: be safe
            }
        }
        return head.headers().contains("Transfer-Encoding");
    }

    // ---- the request task ----

    private boolean runRequest(Request req) {
        StreamResponse resp;
        try {
            resp = app.handle(req);
            if (resp == null) {
                throw new IllegalStateException("the handler of " + req.method() + " " + req.rawPath()
                        + " returned null: return a Response (or a StreamResponse)");
            }
        } catch (HttpException e) {
            if (req.response != null && req.response.prepared()) {
                report(req, new IllegalStateException("HttpException " + e.status()
                        + " thrown after the response was prepared: it cannot be sent", e));
                return false;
            }
            resp = e.toResponse();
        } catch (CancelledError e) {
            throw e;
        } catch (Throwable e) {
            resp = failed(req, e);
            if (resp == null) {
                return false;
            }
        }
        try {
            return finish(req, resp);
        } catch (CancelledError e) {
            throw e;
        } catch (IOException e) {
            if (!lost) {
                LOG.log(System.Logger.Level.DEBUG, "sending the response failed", e);
            }
            return false;
        } catch (Throwable e) {
            report(req, e);
            mustClose = true;
            return false;
        }
    }

    /** The response for a handler that threw {@code e} (reported), or null when nothing can be sent. */
    private StreamResponse failed(Request req, Throwable e) {
        if (e instanceof IOException && (lost || eofReceived || writeTimedOut)) {
            LOG.log(System.Logger.Level.DEBUG, "Ignored premature client disconnection", e);
            return null;
        }
        int status = 500;
        if (e instanceof TimeoutError) {
            status = 504;
            LOG.log(System.Logger.Level.DEBUG, "Request handler timed out", e);
        } else {
            report(req, e);
        }
        if (req.response != null && req.response.prepared()) {
            mustClose = true; // the head is out: the client sees a truncated body when we close
            return null;
        }
        Response r = status == 500
                ? Response.text(500, "500 Internal Server Error\n\nServer got itself in trouble")
                : Response.text(504, "504: Gateway Timeout");
        r.forceClose();
        return r;
    }

    private void report(Request req, Throwable e) {
        loop.callExceptionHandler(ExceptionContext.builder("Error handling request")
                .exception(e).put("request", req).put("transport", transport).build());
    }

    /** Sends {@code resp} (unless the handler did), skips the rest of the body; true to keep the connection. */
    private boolean finish(Request req, StreamResponse resp) throws IOException {
        try {
            if (resp.prepared()) {
                if (resp.request != req) {
                    throw new IllegalStateException("the handler returned a response prepared for another request");
                }
                resp.complete();
            } else {
                if (req.response != null && req.response != resp) {
                    throw new IllegalStateException("the handler prepared " + req.response + " but returned " + resp);
                }
                if (!bodyComplete) {
                    skipBufferedBody();
                }
                sendHead(resp, req, resp instanceof Response r && !r.chunked() ? r.body() : null);
                resp.complete();
            }
            drain();
        } finally {
            if (resp.prepared()) {
                logAccess(req, resp);
            }
        }
        if (!Boolean.TRUE.equals(resp.keepAlive()) || mustClose || shuttingDown || lost) {
            if (!bodyComplete) {
                lingerOnClose = true;
            }
            return false;
        }
        if (!bodyComplete && !skipBody()) {
            lingerOnClose = true;
            return false;
        }
        return true;
    }

    private void logAccess(Request req, StreamResponse resp) {
        AccessLog log = options.accessLog();
        if (log == null) {
            return;
        }
        try {
            log.log(req, resp, loop.time() - req.startTime());
        } catch (RuntimeException e) {
            loop.callExceptionHandler(ExceptionContext.builder("Error in the access log " + log)
                    .exception(e).put("request", req).build());
        }
    }

    // ---- sending (called by StreamResponse in the request task) ----

    /**
     * Sends the head of {@code resp}; with {@code whole} (a {@link Response}'s body) the body too,
     * in the same write when it is small.
     */
    void sendHead(StreamResponse resp, Request req, byte[] whole) throws IOException {
        checkOpen();
        if (req != current) {
            throw new IllegalStateException("the request " + req + " is finished: responses are sent by its handler");
        }
        if (req.response != null && req.response != resp) {
            throw new IllegalStateException("another response (" + req.response + ") was already prepared for " + req);
        }
        boolean close = mustClose || shuttingDown || (!bodyComplete && continuePending(req));
        Wire w = server.wire().reset();
        resp.encodeHead(w, req, close, options.serverHeader(), whole == null ? -1 : whole.length);
        req.response = resp;
        if (!resp.keepAlive()) {
            mustClose = true;
        }
        resp.bytesSent += w.size();
        if (whole != null) {
            Response r = (Response) resp;
            r.bodyWritten = true;
            resp.bodyLength += whole.length;
            if (!resp.dropBody && resp.mode == StreamResponse.FIXED && whole.length > 0) {
                resp.bytesSent += whole.length;
                if (whole.length <= INLINE_BODY) {
                    w.put(whole);
                    transport.write(w.buffer());
                } else {
                    transport.write(w.buffer());
                    transport.write(ByteBuffer.wrap(whole));
                }
                resp.wholeBodySent(whole.length);
                return;
            }
            resp.wholeBodySent(resp.mode == StreamResponse.FIXED ? whole.length : 0);
        }
        transport.write(w.buffer());
    }

    /** Sends a piece of body (a chunk when {@code chunked}); returns the bytes put on the wire. */
    int sendBody(byte[] data, int off, int len, boolean chunked) throws IOException {
        checkOpen();
        Wire w = server.wire().reset();
        if (chunked) {
            w.hex(len).crlf();
        }
        int sent = w.size() + len + (chunked ? 2 : 0);
        if (len <= INLINE_BODY) {
            w.put(data, off, len);
            if (chunked) {
                w.crlf();
            }
            transport.write(w.buffer());
        } else {
            if (w.size() > 0) {
                transport.write(w.buffer());
            }
            transport.write(ByteBuffer.wrap(data, off, len));
            if (chunked) {
                transport.write(ByteBuffer.wrap(Wire.CRLF));
            }
        }
        return sent;
    }

    /** Sends the last chunk (no trailers); returns its size. */
    int sendLastChunk() throws IOException {
        checkOpen();
        transport.write(server.wire().reset().put(Wire.LAST_CHUNK).buffer());
        return Wire.LAST_CHUNK.length;
    }

    /**
     * Suspends while the transport's buffer is over its high-water mark, at most
     * {@link ServerOptions#writeTimeout()} (then the connection is aborted).
     *
     * @throws SocketException when the connection is lost or the write timed out
     */
    void drain() throws IOException {
        checkOpen();
        if (!writePaused) {
            return;
        }
        setDeadline(WRITE, loop.time() + options.writeTimeout());
        try {
            drainHelper();
        } finally {
            if (deadlineKind == WRITE) {
                clearDeadline();
            }
        }
        checkOpen();
    }

    private void checkOpen() throws SocketException {
        if (lost) {
            throw new SocketException(writeTimedOut
                    ? "write timed out: the client read nothing for " + options.writeTimeout() + " s"
                    : "Connection lost");
        }
    }

    /** A body read or a body-dependent decision: close after the response. */
    void closeAfterResponse() {
        mustClose = true;
    }

    // ---- the request body (called by BodyReader in the request task) ----

    private boolean continuePending(Request req) {
        return req.head().expectsContinue() && !continueSent;
    }

    /** The first read of {@code req}'s body: sends 100 Continue if the client waits for it. */
    void bodyReadStarting(Request req) throws IOException {
        checkCurrent(req);
        if (continuePending(req) && !bodyComplete && (req.response == null || !req.response.prepared())) {
            continueSent = true;
            checkOpen();
            transport.write(server.wire().reset().put(Wire.CONTINUE).buffer());
        }
    }

    void checkCurrent(Request req) {
        if (req != current) {
            throw new IllegalStateException("the request " + req + " is finished: read its body in its handler");
        }
    }

    /** The next event of the current request's body. */
    HttpEvent nextBodyEvent() throws HttpParseException {
        if (bodyComplete) {
            return new HttpEvent.End(new io.jasyncio.http.protocol.Headers());
        }
        return nextEvent();
    }

    void bodyDone(Request req) {
        if (req == current) {
            bodyComplete = true;
        }
    }

    /** Waits for more body bytes, at most the body-read timeout; false when it expired. */
    boolean awaitBodyData() {
        setDeadline(BODY, loop.time() + options.bodyReadTimeout());
        boolean ok = await();
        if (deadlineKind == BODY) {
            clearDeadline();
        }
        return ok;
    }

    /** Whether the client closed its side or the connection is gone. */
    boolean peerGone() {
        return eofReceived || lost;
    }

    /** Skips the body events already buffered, without waiting. */
    private void skipBufferedBody() {
        long budget = MAX_SKIP;
        try {
            while (!bodyComplete && budget > 0) {
                HttpEvent ev = nextEvent();
                if (ev instanceof HttpEvent.Data d) {
                    budget -= d.length();
                } else if (ev instanceof HttpEvent.End) {
                    bodyComplete = true;
                } else {
                    return;
                }
            }
        } catch (HttpParseException e) {
            mustClose = true;
        }
    }

    /** Skips the rest of the body after the response, waiting for it; false when the connection must close. */
    private boolean skipBody() {
        if (continuePending(current)) {
            return false; // the client waits for a 100 that will never come: it will not send the body
        }
        long budget = MAX_SKIP;
        try {
            while (!bodyComplete) {
                HttpEvent ev = nextEvent();
                if (ev instanceof HttpEvent.Data d) {
                    budget -= d.length();
                    if (budget < 0) {
                        return false;
                    }
                } else if (ev instanceof HttpEvent.End) {
                    bodyComplete = true;
                } else if (peerGone() || shuttingDown || !awaitBodyData()) {
                    return false;
                }
            }
            return true;
        } catch (HttpParseException e) {
            return false;
        }
    }

    // ---- parser access and waiting ----

    private HttpEvent nextEvent() throws HttpParseException {
        HttpEvent ev = parser.next();
        if (readingPaused && parser.buffered() <= highWater / 4 && !lost) {
            readingPaused = false;
            transport.resumeReading();
        }
        return ev;
    }

    /** Suspends until something happens (data, EOF, loss, shutdown, the deadline); false when the deadline fired. */
    private boolean await() {
        timedOut = false;
        Future<Void> w = loop.createFuture();
        waiter = w;
        try {
            w.await();
        } finally {
            waiter = null;
        }
        return !timedOut;
    }

    private void wake() {
        Future<Void> w = waiter;
        if (w != null && !w.done()) {
            w.setResult(null);
        }
    }

    private void setDeadline(int kind, double when) {
        deadlineKind = kind;
        deadline = when;
        if (when == Double.POSITIVE_INFINITY) {
            return;
        }
        TimerHandle t = timer;
        if (t == null) {
            timer = loop.callAt(when, onTimer);
        } else if (t.when() > when) {
            t.cancel();
            timer = loop.callAt(when, onTimer);
        }
    }

    private void clearDeadline() {
        deadlineKind = NONE;
        deadline = Double.POSITIVE_INFINITY;
    }

    private void onTimer() {
        timer = null;
        if (deadlineKind == NONE || lost) {
            return;
        }
        if (loop.time() < deadline) {
            timer = loop.callAt(deadline, onTimer);
            return;
        }
        int kind = deadlineKind;
        clearDeadline();
        if (kind == WRITE) {
            writeTimedOut = true;
            transport.abort();
            return;
        }
        timedOut = true;
        wake();
    }

    // ---- errors and closing ----

    /** Answers a request that could not be parsed (or read in time) and closes after it. */
    private void answerError(int status, String message) {
        if (lost) {
            return;
        }
        String reason = HttpWriter.reasonPhrase(status);
        byte[] body = (status + " " + reason + ": " + message + "\n").getBytes(StandardCharsets.UTF_8);
        Wire w = server.wire().reset();
        w.statusLine(status, null);
        if (options.serverHeader() != null) {
            w.header("Server", options.serverHeader());
        }
        w.put(Wire.dateLine());
        w.putLatin1("Content-Type: text/plain; charset=utf-8\r\nContent-Length: ").decimal(body.length).crlf();
        w.putLatin1("Connection: close\r\n\r\n").put(body);
        transport.write(w.buffer());
        mustClose = true;
        lingerOnClose = true;
    }

    /** Closes the transport, lingering first when the client may still be sending. */
    private void closeConnection() {
        try {
            if (lingerOnClose && options.lingeringTime() > 0 && !eofReceived && transport.canWriteEof()) {
                transport.writeEof();
                discarding = true;
                double end = loop.time() + options.lingeringTime();
                while (!eofReceived && !lost) {
                    setDeadline(LINGER, end);
                    if (!await()) {
                        break;
                    }
                }
                clearDeadline();
            }
        } finally {
            if (!lost) {
                transport.close();
            }
        }
    }

    // ---- graceful shutdown (HttpServer) ----

    /** Stops taking requests: an idle connection closes now, a busy one after its request. */
    void shutdown() {
        shuttingDown = true;
        if (waitingForHead) {
            wake();
        }
    }

    /** The shutdown deadline passed: cancels the request and the connection, and aborts the transport. */
    void abortNow() {
        Task<Boolean> ht = handlerTask;
        if (ht != null && !ht.done()) {
            ht.cancel("server shutdown deadline");
        }
        if (task != null && !task.done()) {
            task.cancel("server shutdown deadline");
        }
        if (transport != null && !lost) {
            transport.abort();
        }
    }

    /** The connection task (for HttpServer's shutdown), or null before connectionMade. */
    Task<Void> task() {
        return task;
    }

    /** Throws {@code e} as it is, checked or not. */
    @SuppressWarnings("unchecked")
    static <E extends Throwable> RuntimeException sneaky(Throwable e) throws E {
        throw (E) e;
    }

    @Override
    public String toString() {
        return "<ServerConnection " + (transport == null ? "unconnected" : String.valueOf(getExtraInfo("peername")))
                + " requests=" + requests + (lost ? " lost" : "") + (shuttingDown ? " shutting down" : "") + ">";
    }
}
