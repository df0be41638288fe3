package io.jasyncio.net;

import io.jasyncio.CancelledError;
import io.jasyncio.EventLoop;
import io.jasyncio.ExceptionContext;
import io.jasyncio.Future;
import io.jasyncio.TimerHandle;
import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLEngineResult.Status;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * TLS between a stream transport and the application's protocol: CPython's
 * {@code asyncio.sslproto.SSLProtocol}, on a {@link SSLEngine} instead of an {@code SSLObject}
 * with memory BIOs. To the transport below it is a {@link BufferedProtocol} (the transport reads
 * encrypted bytes straight into {@link #netIn}); to the application it offers a
 * {@link TlsTransport}.
 *
 * <pre>
 *   app protocol  ⇄  TlsTransport  ⇄  SslProtocol (SSLEngine)  ⇄  Transport (socket)
 *
 *   state:  UNWRAPPED ─► DO_HANDSHAKE ─► WRAPPED ─► FLUSHING ─► SHUTDOWN
 *              ▲______________ any state (connection lost, abort) ____________|
 *
 *   app:    INIT ─connectionMade─► CON_MADE [─dataReceived*─►] [─eofReceived─► EOF] ─connectionLost─► CON_LOST
 * </pre>
 */
final class SslProtocol implements BufferedProtocol {

    /*
     * Overview.
     *
     * The state machine is CPython's, transition for transition (setState refuses the others).
     * Where CPython's SSLObject reads and writes memory BIOs, the engine here wraps and unwraps
     * ByteBuffers:
     *
     * - netIn is the incoming BIO: encrypted bytes the socket transport read into it (getBuffer /
     *   bufferUpdated, no copy) and the engine has not consumed yet, held in [netInStart,
     *   position). Unwrapping advances netInStart; the bytes are moved to the front only when the
     *   socket transport needs room (so a batch of records costs no copy, nor does a partial
     *   record waiting for the rest, however small the pieces it arrives in). It
     *   grows only while the application has paused reading; above the read high-water mark the
     *   socket transport is paused (CPython's _control_ssl_reading).
     * - writeBacklog holds application data that cannot be encrypted yet: during the handshake,
     *   while the engine needs to unwrap first, or while the socket transport has paused us (its
     *   own buffer is over its high-water mark). Otherwise a write is encrypted at once from the
     *   caller's buffer and the backlog stays empty.
     * - outgoing is the outgoing BIO: encrypted bytes produced while the socket transport is
     *   paused (handshake messages, close_notify, the tail of a write that paused it). Otherwise
     *   encrypted bytes go straight to transport.write(), which writes them or copies them into its
     *   buffer.
     * - Wrap and unwrap go through scratch buffers borrowed from a per-thread pool for the length
     *   of one operation: a connection keeps only netIn between events. A nested operation (an
     *   application callback that writes, or TLS inside TLS) borrows another buffer, never the
     *   one its caller still uses.
     *
     * Write flow control: the application is paused when writeBacklog + outgoing go over the
     * write high-water mark (512 KiB); bytes handed to the socket transport count there, which
     * pauses us at its own mark. Read flow control: pauseReading() only stops delivery; netIn then
     * fills up to the read high-water mark (256 KiB) and the socket transport is paused.
     *
     * Delegated tasks (certificate checks, key exchange) run inline on the loop thread, as CPython
     * runs OpenSSL's do_handshake(): about a millisecond per handshake (ADR 0013).
     *
     * Re-entrancy: the application's dataReceived may close the transport, which flushes the read
     * side (doFlush -> doRead). The doRead already on the stack owns the plaintext it is
     * delivering, so a nested doRead returns at once ("reading") and the outer loop sees the new
     * state.
     */

    enum State { UNWRAPPED, DO_HANDSHAKE, WRAPPED, FLUSHING, SHUTDOWN }

    enum AppState { INIT, CON_MADE, EOF, CON_LOST }

    /** CPython's FLOW_CONTROL_HIGH_WATER_SSL_READ: 256 KiB. */
    static final int HIGH_WATER_READ = 256 * 1024;
    /** CPython's FLOW_CONTROL_HIGH_WATER_SSL_WRITE: 512 KiB. */
    static final int HIGH_WATER_WRITE = 512 * 1024;
    private static final int LOG_THRESHOLD_FOR_CONNLOST_WRITES = 5;
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    private static final System.Logger LOG = System.getLogger("jasyncio");

    private final EventLoop loop;
    private final SSLEngine engine;
    private final SSLContext sslContext;
    private final boolean serverSide;
    private final String serverHostname;
    private final double handshakeTimeout;
    private final double shutdownTimeout;
    /** Extra info: sslcontext from the start, the session's details after the handshake. */
    private final Map<String, Object> extra = new HashMap<>();
    /** Completed when the handshake succeeds or fails; null once woken, or when nobody waits (server side). */
    private Future<Void> waiter;

    private BaseProtocol appProtocol;
    private final TlsTransport appTransport;
    /** The transport below; null before connectionMade and after connectionLost. */
    private Transport transport;
    private State state = State.UNWRAPPED;
    private AppState appState;
    /** How often the connection was declared lost, or written to after closing (asyncio's _conn_lost). */
    private int connLost;
    /** What connectionLost reports when the transport below was aborted by us (asyncio's _force_close(exc)). */
    private Throwable closeReason;
    private TimerHandle handshakeTimeoutHandle;
    private TimerHandle shutdownTimeoutHandle;
    private double handshakeStartTime = Double.NaN;

    /** Encrypted bytes received and not yet unwrapped, in [netInStart, position); write mode between operations. */
    private ByteBuffer netIn;
    /** Where the bytes not yet unwrapped start in netIn. */
    private int netInStart;
    /** Plaintext the engine produced during the handshake, delivered by the next doRead; read mode or null. */
    private ByteBuffer earlyPlain;
    /** Application data not yet encrypted, each buffer owned here (read mode). */
    private final ArrayDeque<ByteBuffer> writeBacklog = new ArrayDeque<>();
    private int writeBacklogSize;
    /** Encrypted bytes held while the transport below has paused us (read mode). */
    private final ArrayDeque<ByteBuffer> outgoing = new ArrayDeque<>();
    private int outgoingSize;

    /** The transport below asked us to stop writing (its buffer is over its high-water mark). */
    private boolean sslWritingPaused;
    /** The application paused reading: nothing is delivered. */
    private boolean appReadingPaused;
    /** We paused the transport below because netIn is over the read high-water mark. */
    private boolean sslReadingPaused;
    /** We paused the application's writing. */
    private boolean appWritingPaused;
    /** The transport below saw the peer's TCP EOF. */
    private boolean eofReceived;
    /** A doRead is on the stack (see the overview). */
    private boolean reading;
    private int incomingHigh;
    private int incomingLow;
    private int outgoingHigh;
    private int outgoingLow;

    /**
     * A TLS layer for {@code appProtocol}, driving {@code engine} (already configured for its side,
     * SNI, verification and ALPN). {@code callConnectionMade} false: the application protocol is
     * already connected (startTls), and only its transport changes.
     */
    SslProtocol(EventLoop loop, BaseProtocol appProtocol, SSLEngine engine, SSLContext sslContext, Future<Void> waiter,
            boolean serverSide, String serverHostname, boolean callConnectionMade, double handshakeTimeout,
            double shutdownTimeout) {
        this.loop = Objects.requireNonNull(loop, "loop");
        this.engine = Objects.requireNonNull(engine, "engine");
        this.sslContext = sslContext;
        this.waiter = waiter;
        this.serverSide = serverSide;
        this.serverHostname = serverSide ? null : serverHostname;
        this.handshakeTimeout = TlsClientOptions.checkTimeout("handshakeTimeout", handshakeTimeout);
        this.shutdownTimeout = TlsClientOptions.checkTimeout("shutdownTimeout", shutdownTimeout);
        this.appState = callConnectionMade ? AppState.INIT : AppState.CON_MADE;
        setAppProtocol(appProtocol);
        extra.put("sslcontext", sslContext);
        int packet = engine.getSession().getPacketBufferSize();
        this.netIn = ByteBuffer.allocate(Math.max(2 * packet, 32 * 1024));
        setReadBufferLimits(-1, -1);
        setWriteBufferLimits(-1, -1);
        this.appTransport = new TlsTransport(this);
    }

    // ---- what the application transport calls ----

    TlsTransport appTransport() {
        return appTransport;
    }

    BaseProtocol appProtocol() {
        return appProtocol;
    }

    void setAppProtocol(BaseProtocol protocol) {
        this.appProtocol = Objects.requireNonNull(protocol, "protocol");
    }

    Object getExtraInfo(String name) {
        if (extra.containsKey(name)) {
            return extra.get(name);
        }
        Transport t = transport;
        return t != null ? t.getExtraInfo(name) : null;
    }

    boolean isAppReadingPaused() {
        return appReadingPaused;
    }

    // ---- the transport below ----

    @Override
    public void connectionMade(BaseTransport t) {
        if (!(t instanceof Transport stream)) {
            throw new IllegalArgumentException("TLS runs over a stream Transport, got " + t);
        }
        this.transport = stream;
        startHandshake();
    }

    @Override
    public void connectionLost(Throwable exc) {
        Throwable reason = exc != null ? exc : closeReason;
        writeBacklog.clear();
        writeBacklogSize = 0;
        outgoing.clear();
        outgoingSize = 0;
        connLost++;
        appTransport.markClosed();
        boolean handshaking = state == State.DO_HANDSHAKE;
        if (!handshaking && (appState == AppState.CON_MADE || appState == AppState.EOF)) {
            appState = AppState.CON_LOST;
            BaseProtocol app = appProtocol;
            loop.callSoon(() -> app.connectionLost(reason));
        }
        setState(State.UNWRAPPED);
        transport = null;
        // The waiter is still pending only if the handshake never finished. asyncio resolves it
        // with None when nothing failed; that is a failure too (the caller waits for a usable
        // connection), so say so.
        wakeupWaiter(reason != null ? reason : new SocketException("the connection was closed during the TLS handshake"));
        if (shutdownTimeoutHandle != null) {
            shutdownTimeoutHandle.cancel();
            shutdownTimeoutHandle = null;
        }
        if (handshakeTimeoutHandle != null) {
            handshakeTimeoutHandle.cancel();
            handshakeTimeoutHandle = null;
        }
    }

    @Override
    public ByteBuffer getBuffer(int sizeHint) {
        int room = engine.getSession().getPacketBufferSize();
        if (netIn.remaining() < room && netInStart > 0) {
            netIn.limit(netIn.position()).position(netInStart);
            netIn.compact();
            netInStart = 0;
        }
        if (netIn.remaining() < room) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(netIn.capacity() * 2, netIn.position() + room));
            netIn.flip();
            bigger.put(netIn);
            netIn = bigger;
        }
        return netIn;
    }

    @Override
    public void bufferUpdated(int nbytes) {
        switch (state) {
            case DO_HANDSHAKE -> doHandshake();
            case WRAPPED -> doRead();
            case FLUSHING -> doFlush();
            case SHUTDOWN -> doShutdown();
            case UNWRAPPED -> { // after the connection was lost: nobody reads these
                netIn.clear();
                netInStart = 0;
            }
        }
    }

    @Override
    public boolean eofReceived() {
        eofReceived = true;
        try {
            if (loop.getDebug()) {
                LOG.log(System.Logger.Level.DEBUG, "{0} received EOF", this);
            }
            switch (state) {
                case DO_HANDSHAKE -> onHandshakeComplete(
                        new SocketException("Connection reset: the peer closed the connection during the TLS handshake"));
                case WRAPPED -> {
                    // A TCP EOF without close_notify: like CPython, an ordinary end of stream (a
                    // peer that truncates the stream on purpose is not detected).
                    if (loop.getDebug()) {
                        LOG.log(System.Logger.Level.DEBUG, "{0}: the peer closed the connection without close_notify", this);
                    }
                    setState(State.FLUSHING);
                    if (appReadingPaused) {
                        return true; // deliver what is left when the application resumes reading
                    }
                    doFlush();
                }
                case FLUSHING -> {
                    doWrite();
                    setState(State.SHUTDOWN);
                    doShutdown();
                }
                case SHUTDOWN -> doShutdown();
                case UNWRAPPED -> { }
            }
        } catch (RuntimeException | Error e) {
            if (transport != null) {
                transport.close();
            }
            throw e;
        }
        return false;
    }

    /** The transport below is over its high-water mark: keep encrypted bytes here. */
    @Override
    public void pauseWriting() {
        sslWritingPaused = true;
    }

    /** The transport below drained: hand it what was kept. */
    @Override
    public void resumeWriting() {
        sslWritingPaused = false;
        if (!writeBacklog.isEmpty() && (state == State.WRAPPED || state == State.FLUSHING)) {
            doWrite();
        } else {
            processOutgoing();
        }
    }

    // ---- states ----

    private void setState(State next) {
        boolean allowed = next == State.UNWRAPPED
                || state == State.UNWRAPPED && next == State.DO_HANDSHAKE
                || state == State.DO_HANDSHAKE && next == State.WRAPPED
                || state == State.WRAPPED && next == State.FLUSHING
                || state == State.FLUSHING && next == State.SHUTDOWN;
        if (!allowed) {
            throw new IllegalStateException("cannot switch state from " + state + " to " + next);
        }
        state = next;
    }

    State state() {
        return state;
    }

    // ---- handshake ----

    private void startHandshake() {
        if (loop.getDebug()) {
            LOG.log(System.Logger.Level.DEBUG, "{0} starts SSL handshake", this);
            handshakeStartTime = loop.time();
        }
        setState(State.DO_HANDSHAKE);
        handshakeTimeoutHandle = loop.callLater(handshakeTimeout, this::checkHandshakeTimeout);
        try {
            engine.beginHandshake();
        } catch (SSLException e) {
            onHandshakeComplete(e);
            return;
        }
        doHandshake();
    }

    private void checkHandshakeTimeout() {
        if (state == State.DO_HANDSHAKE) {
            fatalError(new SocketTimeoutException("SSL handshake is taking longer than " + handshakeTimeout
                    + " seconds: aborting the connection"), "Fatal error on transport");
        }
    }

    /** Runs the handshake as far as the bytes in netIn allow. */
    private void doHandshake() {
        ByteBuffer out = Scratch.acquire();
        try {
            while (true) {
                switch (engine.getHandshakeStatus()) {
                    case NEED_TASK -> runDelegatedTasks();
                    case NEED_WRAP -> {
                        SSLEngineResult r = wrap(EMPTY, out);
                        if (r.getStatus() == Status.CLOSED) {
                            throw new SSLHandshakeException("the TLS engine closed during the handshake");
                        }
                    }
                    case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                        SSLEngineResult r = unwrapHandshake();
                        if (r.getStatus() == Status.BUFFER_UNDERFLOW) {
                            send(out);
                            processOutgoing();
                            return; // wait for more bytes from the peer
                        }
                        if (r.getStatus() == Status.CLOSED) {
                            throw new SSLHandshakeException("the peer closed the TLS connection during the handshake");
                        }
                    }
                    case FINISHED, NOT_HANDSHAKING -> {
                        send(out);
                        processOutgoing();
                        onHandshakeComplete(null);
                        return;
                    }
                }
            }
        } catch (SSLException e) {
            sendAlert(out);
            onHandshakeComplete(e);
        } finally {
            Scratch.release(out);
        }
    }

    private SSLEngineResult unwrapHandshake() throws SSLException {
        ByteBuffer plain = Scratch.acquire();
        try {
            SSLEngineResult r;
            try {
                r = engine.unwrap(pending(), plain);
            } finally {
                refill();
            }
            if (plain.position() > 0) {
                keepEarlyPlaintext(plain.flip());
            }
            return r;
        } finally {
            Scratch.release(plain);
        }
    }

    /** netIn in read mode over the bytes not yet unwrapped; {@link #refill()} undoes it. */
    private ByteBuffer pending() {
        return netIn.limit(netIn.position()).position(netInStart);
    }

    /** Back to write mode after an unwrap, remembering how far it consumed. */
    private void refill() {
        int end = netIn.limit();
        netInStart = netIn.position();
        if (netInStart == end) {
            netIn.clear(); // all consumed: start over at the front, for free
            netInStart = 0;
        } else {
            netIn.limit(netIn.capacity()).position(end);
        }
    }

    private boolean hasPending() {
        return netIn.position() > netInStart;
    }

    private void keepEarlyPlaintext(ByteBuffer plain) {
        ByteBuffer all = ByteBuffer.allocate((earlyPlain == null ? 0 : earlyPlain.remaining()) + plain.remaining());
        if (earlyPlain != null) {
            all.put(earlyPlain);
        }
        earlyPlain = all.put(plain).flip();
    }

    /** After a failed wrap or unwrap the engine holds an alert for the peer: send it, best effort. */
    private void sendAlert(ByteBuffer out) {
        try {
            for (int i = 0; i < 4 && !engine.isOutboundDone(); i++) {
                if (engine.wrap(EMPTY, out).bytesProduced() == 0) {
                    break;
                }
            }
        } catch (SSLException | RuntimeException e) {
            // the alert is lost; the connection is going anyway
        }
        send(out);
        processOutgoing();
    }

    private void onHandshakeComplete(Exception handshakeExc) {
        if (handshakeTimeoutHandle != null) {
            handshakeTimeoutHandle.cancel();
            handshakeTimeoutHandle = null;
        }
        List<X509Certificate> peercert;
        try {
            if (handshakeExc != null) {
                throw handshakeExc;
            }
            setState(State.WRAPPED);
            peercert = peerCertificates(engine.getSession());
        } catch (Exception exc) {
            setState(State.UNWRAPPED);
            SslCertVerificationError verification = SslCertVerificationError.classify(exc, serverHostname);
            Exception err = verification != null ? verification : exc;
            fatalError(err, verification != null ? "SSL handshake failed on verifying the certificate" : "SSL handshake failed");
            wakeupWaiter(err);
            return;
        }
        if (loop.getDebug()) {
            LOG.log(System.Logger.Level.DEBUG, "{0}: SSL handshake took {1} ms", this,
                    String.format("%.1f", (loop.time() - handshakeStartTime) * 1e3));
        }
        SSLSession session = engine.getSession();
        extra.put("peercert", peercert);
        extra.put("cipher", session.getCipherSuite());
        extra.put("compression", null);
        extra.put("ssl_object", engine);
        String alpn = engine.getApplicationProtocol();
        extra.put("selected_alpn_protocol", alpn == null || alpn.isEmpty() ? null : alpn);
        extra.put("server_hostname", serverSide ? requestedServerName(session) : serverHostname);
        if (appState == AppState.INIT) {
            appState = AppState.CON_MADE;
            appProtocol.connectionMade(appTransport);
        }
        wakeupWaiter(null);
        doRead();
    }

    private static List<X509Certificate> peerCertificates(SSLSession session) {
        try {
            List<X509Certificate> chain = new ArrayList<>();
            for (Certificate c : session.getPeerCertificates()) {
                if (c instanceof X509Certificate x) {
                    chain.add(x);
                }
            }
            return List.copyOf(chain);
        } catch (SSLPeerUnverifiedException e) {
            return null; // a client that sent no certificate: Python's getpeercert() is None too
        }
    }

    private static String requestedServerName(SSLSession session) {
        if (session instanceof ExtendedSSLSession ext) {
            for (SNIServerName n : ext.getRequestedServerNames()) {
                if (n instanceof SNIHostName h) {
                    return h.getAsciiName();
                }
            }
        }
        return null;
    }

    private void wakeupWaiter(Throwable exc) {
        Future<Void> w = waiter;
        if (w == null) {
            return;
        }
        waiter = null;
        if (!w.done()) {
            if (exc != null) {
                w.setException(exc);
            } else {
                w.setResult(null);
            }
        }
    }

    // ---- shutdown ----

    /** The application closed its transport: flush, send close_notify, wait for the peer's. */
    void startShutdown() {
        if (state == State.FLUSHING || state == State.SHUTDOWN || state == State.UNWRAPPED) {
            return;
        }
        appTransport.markClosed();
        if (state == State.DO_HANDSHAKE) {
            abort(null);
        } else {
            setState(State.FLUSHING);
            shutdownTimeoutHandle = loop.callLater(shutdownTimeout, this::checkShutdownTimeout);
            doFlush();
        }
    }

    private void checkShutdownTimeout() {
        if (state == State.FLUSHING || state == State.SHUTDOWN) {
            forceClose(new SocketTimeoutException("SSL shutdown timed out"));
        }
    }

    private void doFlush() {
        doRead();
        setState(State.SHUTDOWN);
        doShutdown();
    }

    /** CPython's unwrap(): send close_notify, then wait for the peer's (or its TCP EOF). */
    private void doShutdown() {
        ByteBuffer out = Scratch.acquire();
        try {
            if (!eofReceived) {
                if (!engine.isOutboundDone()) {
                    if (!writeBacklog.isEmpty()) {
                        doWrite(true); // everything written before close() goes before close_notify
                    }
                    engine.closeOutbound();
                    for (int i = 0; i < 4 && !engine.isOutboundDone(); i++) {
                        if (wrap(EMPTY, out).bytesProduced() == 0) {
                            break;
                        }
                    }
                }
                discardInbound(out);
                if (!engine.isInboundDone()) {
                    send(out);
                    processOutgoing();
                    return; // wait for the peer's close_notify
                }
            }
            send(out);
            processOutgoing();
            callEofReceived();
            onShutdownComplete(null);
        } catch (SSLException e) {
            send(out);
            processOutgoing();
            onShutdownComplete(e);
        } finally {
            Scratch.release(out);
        }
    }

    /** Unwraps what arrived after our close_notify, looking for the peer's; application data is dropped (we closed). */
    private void discardInbound(ByteBuffer out) throws SSLException {
        ByteBuffer plain = Scratch.acquire();
        try {
            while (!engine.isInboundDone() && hasPending()) {
                SSLEngineResult r;
                try {
                    r = engine.unwrap(pending(), plain);
                } finally {
                    refill();
                }
                plain.clear();
                if (r.getHandshakeStatus() == HandshakeStatus.NEED_TASK) {
                    runDelegatedTasks();
                } else if (r.getHandshakeStatus() == HandshakeStatus.NEED_WRAP && !engine.isOutboundDone()) {
                    wrap(EMPTY, out);
                }
                if (r.getStatus() == Status.BUFFER_UNDERFLOW || r.getStatus() == Status.CLOSED
                        || r.bytesConsumed() == 0 && r.getStatus() == Status.OK) {
                    break;
                }
            }
        } finally {
            Scratch.release(plain);
        }
    }

    private void onShutdownComplete(Exception shutdownExc) {
        if (shutdownTimeoutHandle != null) {
            shutdownTimeoutHandle.cancel();
            shutdownTimeoutHandle = null;
        }
        if (shutdownExc != null) {
            fatalError(shutdownExc, "Fatal error on transport");
        } else if (transport != null) {
            // Whatever is still held goes to the transport below, paused or not: its close()
            // writes its buffer out before closing the socket.
            if (!writeBacklog.isEmpty() && !engine.isOutboundDone()) {
                doWrite(true);
            }
            sslWritingPaused = false;
            processOutgoing();
            Transport t = transport;
            loop.callSoon(t::close);
        }
    }

    /** Drops the connection now (asyncio's _abort). */
    void abort(Throwable exc) {
        setState(State.UNWRAPPED);
        forceClose(exc);
    }

    /** asyncio's transport._force_close(exc) on the public API: abort, and report {@code exc} to connectionLost. */
    private void forceClose(Throwable exc) {
        if (transport == null) {
            return;
        }
        if (closeReason == null) {
            closeReason = exc;
        }
        transport.abort();
    }

    // ---- outgoing ----

    /** The application writes {@code data} (consumed: encrypted now or copied into the backlog). */
    void writeAppData(ByteBuffer data) {
        if (state == State.FLUSHING || state == State.SHUTDOWN || state == State.UNWRAPPED) {
            if (connLost >= LOG_THRESHOLD_FOR_CONNLOST_WRITES) {
                LOG.log(System.Logger.Level.WARNING, "SSL connection is closed");
            }
            connLost++;
            return;
        }
        if (!data.hasRemaining()) {
            return;
        }
        int n = data.remaining();
        boolean borrowed = state == State.WRAPPED && writeBacklog.isEmpty();
        ByteBuffer owned = borrowed ? data : copy(data);
        writeBacklog.add(owned);
        writeBacklogSize += n;
        try {
            if (state == State.WRAPPED) {
                doWrite();
            } else {
                controlAppWriting();
            }
        } catch (RuntimeException e) {
            fatalError(e, "Fatal error on SSL protocol");
        } finally {
            // The caller's buffer may be reused after write() returns: keep a copy of what is
            // left. It was the whole backlog, and later writes only append, so it is still first.
            if (borrowed && writeBacklog.peekFirst() == data) {
                writeBacklog.pollFirst();
                writeBacklog.addFirst(copy(data));
            }
        }
    }

    private static ByteBuffer copy(ByteBuffer data) {
        ByteBuffer c = ByteBuffer.allocate(data.remaining());
        c.put(data).flip();
        return c;
    }

    /** Encrypts the backlog (CPython's _do_write), unless the transport below is paused. */
    private void doWrite() {
        doWrite(false);
    }

    /**
     * Encrypts the backlog and hands it to the transport below. While that transport is paused
     * the data stays in the backlog as plaintext (CPython encrypts it into the outgoing BIO at
     * once; keeping it costs the same memory and saves a copy), unless {@code evenIfPaused}: the
     * shutdown must encrypt it all before close_notify.
     */
    private void doWrite(boolean evenIfPaused) {
        ByteBuffer out = Scratch.acquire();
        try {
            while (!writeBacklog.isEmpty() && !engine.isOutboundDone() && (evenIfPaused || !sslWritingPaused)) {
                ByteBuffer head = writeBacklog.peekFirst();
                int before = head.remaining();
                SSLEngineResult r = wrap(head, out);
                writeBacklogSize -= before - head.remaining();
                if (!head.hasRemaining()) {
                    writeBacklog.pollFirst();
                }
                if (r.getStatus() == Status.CLOSED) {
                    break;
                }
                if (r.bytesConsumed() == 0) {
                    HandshakeStatus hs = r.getHandshakeStatus();
                    if (hs == HandshakeStatus.NEED_TASK) {
                        runDelegatedTasks();
                    } else if (hs != HandshakeStatus.NEED_WRAP) {
                        break; // the engine must read first (renegotiation): CPython's SSLWantReadError
                    }
                }
            }
            send(out);
        } catch (SSLException e) {
            send(out);
            fatalError(e, "Fatal error on SSL protocol");
            return;
        } finally {
            Scratch.release(out);
        }
        processOutgoing();
    }

    /** Wraps into {@code out}, handing {@code out} to the transport whenever it cannot take another record. */
    private SSLEngineResult wrap(ByteBuffer src, ByteBuffer out) throws SSLException {
        while (true) {
            if (out.remaining() < engine.getSession().getPacketBufferSize()) {
                send(out);
            }
            SSLEngineResult r = engine.wrap(src, out);
            if (r.getStatus() != Status.BUFFER_OVERFLOW) {
                if (r.getHandshakeStatus() == HandshakeStatus.NEED_TASK) {
                    runDelegatedTasks();
                }
                return r;
            }
            if (out.position() == 0) {
                throw new IllegalStateException("a TLS record does not fit a " + out.capacity() + "-byte buffer");
            }
            send(out);
        }
    }

    /** Hands the encrypted bytes of {@code out} (write mode) to the transport, or keeps them while it is paused; clears {@code out}. */
    private void send(ByteBuffer out) {
        if (out.position() == 0) {
            return;
        }
        out.flip();
        if (transport != null) {
            if (sslWritingPaused || !outgoing.isEmpty()) {
                ByteBuffer kept = copy(out);
                outgoing.add(kept);
                outgoingSize += kept.remaining();
            } else {
                transport.write(out);
            }
        }
        out.clear();
    }

    /** CPython's _process_outgoing: hand kept bytes over unless paused, then check the application's flow control. */
    private void processOutgoing() {
        if (!sslWritingPaused) {
            ByteBuffer b;
            while ((b = outgoing.pollFirst()) != null) {
                outgoingSize -= b.remaining();
                if (transport != null) {
                    transport.write(b);
                }
            }
        }
        controlAppWriting();
    }

    // ---- incoming ----

    /** Decrypts what netIn holds and delivers it (CPython's _do_read). */
    private void doRead() {
        if (state != State.WRAPPED && state != State.FLUSHING) {
            return;
        }
        if (reading) {
            return; // the doRead below us on the stack goes on with the new state
        }
        reading = true;
        try {
            if (!appReadingPaused) {
                boolean closeNotify = readAndDeliver();
                if (closeNotify) {
                    callEofReceived();
                    startShutdown();
                }
                if (!writeBacklog.isEmpty()) {
                    doWrite();
                } else {
                    processOutgoing();
                }
            }
            controlSslReading();
        } catch (SSLException | RuntimeException e) {
            fatalError(e, "Fatal error on SSL protocol");
        } finally {
            reading = false;
        }
    }

    /** Unwraps and delivers until netIn runs dry; returns whether the peer's close_notify arrived. */
    private boolean readAndDeliver() throws SSLException {
        ByteBuffer plain = Scratch.acquire();
        ByteBuffer out = null;
        try {
            if (earlyPlain != null) {
                ByteBuffer early = earlyPlain;
                earlyPlain = null;
                deliver(early);
            }
            int appSize = engine.getSession().getApplicationBufferSize();
            while (hasPending() && !appReadingPaused && (state == State.WRAPPED || state == State.FLUSHING)) {
                SSLEngineResult r;
                try {
                    r = engine.unwrap(pending(), plain);
                } finally {
                    refill();
                }
                HandshakeStatus hs = r.getHandshakeStatus();
                if (hs == HandshakeStatus.NEED_TASK) {
                    runDelegatedTasks();
                    hs = engine.getHandshakeStatus();
                }
                if (hs == HandshakeStatus.NEED_WRAP && r.getStatus() != Status.CLOSED) {
                    // a post-handshake message wants an answer (key update, renegotiation)
                    if (out == null) {
                        out = Scratch.acquire();
                    }
                    wrap(EMPTY, out);
                    send(out);
                }
                switch (r.getStatus()) {
                    case OK -> {
                        if (plain.remaining() < appSize) {
                            deliver(plain.flip());
                            plain.clear();
                        }
                        if (r.bytesConsumed() == 0 && r.bytesProduced() == 0 && hs != HandshakeStatus.NEED_UNWRAP) {
                            return deliverAndReturn(plain, false);
                        }
                    }
                    case BUFFER_UNDERFLOW -> {
                        return deliverAndReturn(plain, false);
                    }
                    case BUFFER_OVERFLOW -> {
                        if (plain.position() == 0) {
                            throw new IllegalStateException("a TLS record does not fit a " + plain.capacity() + "-byte buffer");
                        }
                        deliver(plain.flip());
                        plain.clear();
                    }
                    case CLOSED -> {
                        return deliverAndReturn(plain, true);
                    }
                }
            }
            return deliverAndReturn(plain, false);
        } finally {
            Scratch.release(plain);
            if (out != null) {
                Scratch.release(out);
            }
        }
    }

    private boolean deliverAndReturn(ByteBuffer plain, boolean closeNotify) {
        if (plain.position() > 0) {
            deliver(plain.flip());
            plain.clear();
        }
        return closeNotify;
    }

    /**
     * Gives {@code data} (read mode) to the application, unless it closed its transport (it asked
     * for no more data, as a socket transport's close() stops reading).
     */
    private void deliver(ByteBuffer data) {
        if (!data.hasRemaining() || appTransport.isClosing() || appState == AppState.CON_LOST) {
            return;
        }
        BaseProtocol app = appProtocol;
        if (app instanceof BufferedProtocol bp) {
            feed(bp, data);
        } else if (app instanceof Protocol p) {
            p.dataReceived(data.asReadOnlyBuffer());
        } else {
            throw new IllegalStateException("protocol " + app + " cannot receive data: implement Protocol or BufferedProtocol");
        }
    }

    /** asyncio's _feed_data_to_buffered_proto: copies into as many getBuffer() buffers as it takes. */
    static void feed(BufferedProtocol bp, ByteBuffer data) {
        while (data.hasRemaining()) {
            ByteBuffer buf = bp.getBuffer(data.remaining());
            if (buf == null || !buf.hasRemaining()) {
                throw new IllegalStateException("getBuffer() returned an empty buffer");
            }
            int n = Math.min(buf.remaining(), data.remaining());
            buf.put(data.slice(data.position(), n));
            data.position(data.position() + n);
            bp.bufferUpdated(n);
        }
    }

    private void callEofReceived() {
        try {
            if (appState == AppState.CON_MADE) {
                appState = AppState.EOF;
                BaseProtocol app = appProtocol;
                boolean keepOpen = app instanceof Protocol p ? p.eofReceived()
                        : app instanceof BufferedProtocol bp && bp.eofReceived();
                if (keepOpen) {
                    LOG.log(System.Logger.Level.WARNING, "returning true from eofReceived() has no effect when using ssl");
                }
            }
        } catch (RuntimeException | Error e) {
            if (e instanceof VirtualMachineError) {
                throw e;
            }
            fatalError(e, "Error calling eofReceived()");
        }
    }

    // ---- flow control ----

    /** CPython's _control_app_writing: pause the application above the write high-water mark. */
    void controlAppWriting() {
        int size = getWriteBufferSize();
        if (size > 0 && size >= outgoingHigh && !appWritingPaused) {
            appWritingPaused = true;
            try {
                appProtocol.pauseWriting();
            } catch (RuntimeException e) {
                report("protocol.pauseWriting() failed", e);
            }
        } else if (size <= outgoingLow && appWritingPaused) {
            appWritingPaused = false;
            try {
                appProtocol.resumeWriting();
            } catch (RuntimeException e) {
                report("protocol.resumeWriting() failed", e);
            }
        }
    }

    int getWriteBufferSize() {
        return outgoingSize + writeBacklogSize;
    }

    void setWriteBufferLimits(int high, int low) {
        int[] hl = flowControlDefaults(high, low, HIGH_WATER_WRITE);
        outgoingHigh = hl[0];
        outgoingLow = hl[1];
    }

    int writeBufferLimitHigh() {
        return outgoingHigh;
    }

    int writeBufferLimitLow() {
        return outgoingLow;
    }

    void pauseReading() {
        appReadingPaused = true;
    }

    void resumeReading() {
        if (!appReadingPaused) {
            return;
        }
        appReadingPaused = false;
        loop.callSoon(() -> {
            switch (state) {
                case WRAPPED -> doRead();
                case FLUSHING -> doFlush();
                case SHUTDOWN -> doShutdown();
                default -> { }
            }
        });
    }

    /** CPython's _control_ssl_reading: pause the transport below while netIn is over the read high-water mark. */
    void controlSslReading() {
        Transport t = transport;
        if (t == null) {
            return;
        }
        int size = getReadBufferSize();
        if (size >= incomingHigh && !sslReadingPaused) {
            sslReadingPaused = true;
            t.pauseReading();
        } else if (size <= incomingLow && sslReadingPaused) {
            sslReadingPaused = false;
            t.resumeReading();
        }
    }

    void setReadBufferLimits(int high, int low) {
        int[] hl = flowControlDefaults(high, low, HIGH_WATER_READ);
        incomingHigh = hl[0];
        incomingLow = hl[1];
    }

    int readBufferLimitHigh() {
        return incomingHigh;
    }

    int readBufferLimitLow() {
        return incomingLow;
    }

    int getReadBufferSize() {
        return netIn.position() - netInStart;
    }

    /** asyncio's add_flowcontrol_defaults; a negative value means "default". */
    static int[] flowControlDefaults(int high, int low, int defaultHigh) {
        int hi = high < 0 ? (low < 0 ? defaultHigh : 4 * low) : high;
        int lo = low < 0 ? hi / 4 : low;
        if (!(hi >= lo && lo >= 0)) {
            throw new IllegalArgumentException("high (" + hi + ") must be >= low (" + lo + ") must be >= 0");
        }
        return new int[] {hi, lo};
    }

    // ---- errors ----

    private void runDelegatedTasks() {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
    }

    /**
     * Breaks the connection with {@code exc}. Like CPython, I/O and TLS errors (IOException: the
     * OSError family) are only logged in debug mode: the waiter or connectionLost carries them.
     */
    void fatalError(Throwable exc, String message) {
        forceClose(exc);
        if (exc instanceof IOException) {
            if (loop.getDebug()) {
                LOG.log(System.Logger.Level.DEBUG, this + ": " + message, exc);
            }
        } else if (!(exc instanceof CancelledError)) {
            loop.callExceptionHandler(ExceptionContext.builder(message).exception(exc).put("transport", transport)
                    .put("protocol", this).build());
        }
    }

    private void report(String message, Throwable e) {
        loop.callExceptionHandler(ExceptionContext.builder(message).exception(e).put("transport", appTransport)
                .put("protocol", this).build());
    }

    @Override
    public String toString() {
        return "<SslProtocol " + (serverSide ? "server" : "client") + " state=" + state + " app=" + appState
                + (serverHostname != null ? " server_hostname=" + serverHostname : "") + ">";
    }

    /**
     * Scratch buffers for one wrap or unwrap operation, per loop thread: a connection holds none
     * between events. Borrowing while a buffer is out (a nested operation) takes another one.
     */
    static final class Scratch {
        /** Holds a whole read of the socket transport's size once decrypted, or several records to encrypt. */
        static final int SIZE = 256 * 1024;
        /** Enough for the deepest nesting (handshake end: its output, its unwrap, the first read, a write). */
        private static final int KEEP = 8;
        private static final ThreadLocal<ArrayDeque<ByteBuffer>> POOL = ThreadLocal.withInitial(ArrayDeque::new);

        private Scratch() {}

        static ByteBuffer acquire() {
            ByteBuffer b = POOL.get().pollFirst();
            return b != null ? b.clear() : ByteBuffer.allocate(SIZE);
        }

        static void release(ByteBuffer b) {
            ArrayDeque<ByteBuffer> pool = POOL.get();
            if (pool.size() < KEEP) {
                pool.addFirst(b.clear());
            }
        }
    }
}
