package io.jasyncio.subprocess;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.net.BaseTransport;
import io.jasyncio.net.BaseProtocol;
import io.jasyncio.net.Protocol;
import io.jasyncio.net.Transport;
import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

/**
 * A child process with its pipes: CPython's {@code BaseSubprocessTransport} and {@code
 * _UnixSubprocessTransport}, on {@link java.lang.Process}.
 */
final class ProcessTransport implements SubprocessTransport {

    /*
     * Overview (CPython's base_subprocess.py, event for event).
     *
     * Start: the process is started, each PIPE gets a pipe transport whose protocol (PipeProto)
     * forwards to this transport, and a watcher thread waits for the exit. Until the protocol's
     * connectionMade has been scheduled (connect()), the pipes' and the exit's events queue up in
     * `pendingCalls`; afterwards each is one callSoon (CPython's _call), so events keep their order.
     *
     * Finish: when the child has exited (returncode set) and every pipe has disconnected, the
     * protocol's connectionLost(null) is scheduled, and it wakes the wait() callers with the return
     * code (CPython 3.13: not at the exit, but once the pipes are closed too; a grandchild holding
     * a pipe delays it). After that the transport is finished: signals raise ProcessLookupError.
     *
     * Stdin: CPython's loop watches stdin's pipe for its reader closing, so an idle stdin pipe
     * disconnects by itself when the child exits. A blocking stream cannot be watched, so once the
     * child has exited and its stdout and stderr pipes (if any) are closed, an open stdin pipe is
     * closed here (its buffered data first). A grandchild that still reads stdin then sees EOF at
     * that point (in CPython, only when it closes stdout and stderr too or exits).
     *
     * java.lang.Process: only pid(), isAlive() and waitFor() are used on it. Its destroy() and
     * destroyForcibly() close the streams, which needs their monitors, held by the pipe threads:
     * signals go through its ProcessHandle instead, which only signals.
     *
     * Exit: a watcher thread waits in Process.waitFor() and reports the status on the loop; its
     * future is in flight until then. The JDK reports a death by signal N as status 128 + N (its
     * waitpid translation, as a shell does): such a status is reported as -N, as CPython reports a
     * signal death (see returncode()).
     */

    private static final System.Logger LOG = System.getLogger("jasyncio");
    /** A signal name for `kill -s`, without the SIG prefix. */
    private static final Pattern SIGNAL_NAME = Pattern.compile("[A-Z][A-Z0-9+-]*");
    /** The highest signal number on Linux (SIGRTMAX). */
    private static final int MAX_SIGNAL = 64;

    private final EventLoop loop;
    private SubprocessProtocol protocol;
    private final java.lang.Process proc;
    private final long pid;
    /** Null while the child runs, then its return code. */
    private Integer returncode;
    /** Futures of wait() callers, woken at the finish; null after it. */
    private List<Future<Integer>> exitWaiters = new ArrayList<>();
    /** Events held until connectionMade is scheduled; null afterwards. */
    private ArrayDeque<Runnable> pendingCalls = new ArrayDeque<>();
    /** The pipes by fd; null where the stream is not a PIPE. */
    private final PipeProto[] pipes = new PipeProto[3];
    /** connectionLost is scheduled: every pipe closed and the child exited. */
    private boolean finished;
    /** close() was called. */
    private boolean closed;
    /** connectionLost ran (CPython drops its Popen then: signals raise ProcessLookupError). */
    private boolean lost;

    private ProcessTransport(EventLoop loop, SubprocessProtocol protocol, java.lang.Process proc, boolean stdinPipe,
            boolean stdoutPipe, boolean stderrPipe) {
        this.loop = loop;
        this.protocol = protocol;
        this.proc = proc;
        this.pid = proc.pid();
        String prefix = "jasyncio-subprocess-" + pid + "-";
        // The pipes' threads first: they take their streams' monitors before the child can exit.
        if (stdinPipe) {
            PipeProto p = pipes[0] = new PipeProto(0);
            p.pipe = new WritePipeTransport(loop, proc.getOutputStream(), p, prefix + "stdin");
        }
        if (stdoutPipe) {
            PipeProto p = pipes[1] = new PipeProto(1);
            p.pipe = new ReadPipeTransport(loop, proc.getInputStream(), p, "stdout", prefix + "stdout");
        }
        if (stderrPipe) {
            PipeProto p = pipes[2] = new PipeProto(2);
            p.pipe = new ReadPipeTransport(loop, proc.getErrorStream(), p, "stderr", prefix + "stderr");
        }
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name(prefix + "wait").start(() -> {
            while (true) {
                try {
                    exit.complete(proc.waitFor());
                    return;
                } catch (InterruptedException e) {
                    // nobody interrupts this thread on purpose: keep waiting
                }
            }
        });
        Future<Integer> exited = Asyncio.wrapFuture(exit);
        exited.addDoneCallback(f -> processExited(returncode(f.result())));
    }

    /**
     * Starts {@code command} as asyncio's {@code loop.subprocess_exec} does and connects {@code
     * protocol} to it: returns once the protocol's {@code connectionMade} has run. Suspends.
     */
    static ProcessTransport start(SubprocessProtocol protocol, List<String> command, SubprocessOptions options,
            Stdio defaultStdio) throws IOException {
        EventLoop loop = Asyncio.getRunningLoop();
        Stdio stdin = options.stdin != null ? options.stdin : defaultStdio;
        Stdio stdout = options.stdout != null ? options.stdout : defaultStdio;
        Stdio stderr = options.stderr != null ? options.stderr : defaultStdio;
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.redirectInput(inputRedirect(stdin));
        pb.redirectOutput(outputRedirect(stdout, "stdout"));
        if (stderr.kind == Stdio.Kind.STDOUT) {
            pb.redirectErrorStream(true);
        } else {
            pb.redirectError(outputRedirect(stderr, "stderr"));
        }
        if (options.cwd != null) {
            pb.directory(options.cwd.toFile());
        }
        if (options.env != null) {
            pb.environment().clear();
            pb.environment().putAll(options.env);
        }
        java.lang.Process proc = pb.start();
        ProcessTransport t = new ProcessTransport(loop, protocol, proc, stdin.kind == Stdio.Kind.PIPE,
                stdout.kind == Stdio.Kind.PIPE, stderr.kind == Stdio.Kind.PIPE);
        if (loop.getDebug()) {
            LOG.log(System.Logger.Level.DEBUG, "process {0} created: pid {1}", command.get(0), t.pid);
        }
        t.connect();
        return t;
    }

    private static ProcessBuilder.Redirect inputRedirect(Stdio stdin) {
        return switch (stdin.kind) {
            case PIPE -> ProcessBuilder.Redirect.PIPE;
            case DEVNULL -> ProcessBuilder.Redirect.from(new File("/dev/null"));
            case INHERIT -> ProcessBuilder.Redirect.INHERIT;
            case REDIRECT -> {
                if (stdin.redirect.type() != ProcessBuilder.Redirect.Type.READ) {
                    throw new IllegalArgumentException("stdin needs a Redirect to read from (Redirect.from(file)), got "
                            + stdin.redirect);
                }
                yield stdin.redirect;
            }
            case STDOUT -> throw new IllegalArgumentException("STDOUT is only valid for stderr, not for stdin");
        };
    }

    private static ProcessBuilder.Redirect outputRedirect(Stdio out, String name) {
        return switch (out.kind) {
            case PIPE -> ProcessBuilder.Redirect.PIPE;
            case DEVNULL -> ProcessBuilder.Redirect.DISCARD;
            case INHERIT -> ProcessBuilder.Redirect.INHERIT;
            case REDIRECT -> {
                if (out.redirect.type() == ProcessBuilder.Redirect.Type.READ) {
                    throw new IllegalArgumentException(name + " needs a Redirect to write to (Redirect.to(file) or"
                            + " appendTo(file)), got " + out.redirect);
                }
                yield out.redirect;
            }
            case STDOUT -> throw new IllegalArgumentException("STDOUT is only valid for stderr, not for " + name);
        };
    }

    /**
     * CPython's {@code _connect_pipes} and the wait for it: lets the pipes' {@code connectionMade}
     * run, schedules the protocol's, then the events that queued up meanwhile. Cancelled, it still
     * connects (so the protocol sees its events), closes (killing the child) and waits for the
     * finish before it rethrows, as asyncio's {@code _make_subprocess_transport} does.
     */
    private void connect() {
        try {
            Asyncio.sleep(0);
            connectProtocol();
            Asyncio.sleep(0); // the protocol's connectionMade has run when this returns
        } catch (CancelledError e) {
            if (pendingCalls != null) {
                connectProtocol();
            }
            close();
            waitForExit();
            throw e;
        }
    }

    private void connectProtocol() {
        SubprocessProtocol p = protocol;
        loop.callSoon(() -> p.connectionMade(this));
        for (Runnable r : pendingCalls) {
            loop.callSoon(r);
        }
        pendingCalls = null;
    }

    /** CPython's {@code _call}: an event for the protocol, in order, once connectionMade is scheduled. */
    private void call(Runnable event) {
        if (pendingCalls != null) {
            pendingCalls.add(event);
        } else {
            loop.callSoon(event);
        }
    }

    // ---- events from the pipes and the exit ----

    private void pipeDataReceived(int fd, ByteBuffer data) {
        byte[] copy = new byte[data.remaining()];
        data.get(copy);
        call(() -> protocol.pipeDataReceived(fd, ByteBuffer.wrap(copy).asReadOnlyBuffer()));
    }

    private void pipeConnectionLost(int fd, Throwable exc) {
        call(() -> protocol.pipeConnectionLost(fd, exc));
        afterPipeOrExit();
    }

    private void processExited(int code) {
        if (loop.getDebug()) {
            LOG.log(System.Logger.Level.INFO, "{0} exited with return code {1}", this, code);
        }
        returncode = code;
        call(() -> protocol.processExited());
        afterPipeOrExit();
    }

    /** CPython's {@code _try_finish}, plus closing an idle stdin once the child and its output are gone. */
    private void afterPipeOrExit() {
        if (returncode == null || finished) {
            return;
        }
        PipeProto stdin = pipes[0];
        if (stdin != null && !stdin.disconnected && !stdin.pipe.isClosing() && disconnected(pipes[1])
                && disconnected(pipes[2])) {
            stdin.pipe.close(); // see the overview: CPython would see the pipe's reader close
        }
        for (PipeProto p : pipes) {
            if (!disconnected(p)) {
                return;
            }
        }
        finished = true;
        call(() -> callConnectionLost(null));
    }

    private static boolean disconnected(PipeProto p) {
        return p == null || p.disconnected;
    }

    private void callConnectionLost(Throwable exc) {
        try {
            protocol.connectionLost(exc);
        } finally {
            for (Future<Integer> w : exitWaiters) {
                if (!w.done()) {
                    w.setResult(returncode);
                }
            }
            exitWaiters = null;
            lost = true;
        }
    }

    /**
     * CPython's {@code _wait}: the return code at once when the child has exited, otherwise
     * suspends until the transport finishes (the child exited and every pipe is closed).
     */
    int waitForExit() {
        if (returncode != null) {
            return returncode;
        }
        Future<Integer> w = loop.createFuture();
        exitWaiters.add(w);
        return w.await();
    }

    /**
     * The return code for the JDK's exit value: a death by signal N is reported by the JDK as 128 +
     * N (as a shell reports it) and here as -N (as CPython reports it). A child that itself exits
     * with a status from 129 to 192 is therefore reported as killed by a signal: Java gives no way
     * to tell the two apart. The raw value stays available from {@link java.lang.Process#exitValue()}
     * ({@code getExtraInfo("subprocess")}).
     */
    static int returncode(int exitValue) {
        return exitValue > 128 && exitValue <= 128 + MAX_SIGNAL ? -(exitValue - 128) : exitValue;
    }

    // ---- SubprocessTransport ----

    @Override
    public long getPid() {
        return pid;
    }

    @Override
    public Integer getReturncode() {
        return returncode;
    }

    @Override
    public Transport getPipeTransport(int fd) {
        if (fd < 0 || fd > 2) {
            return null;
        }
        PipeProto p = pipes[fd];
        return p == null ? null : p.pipe;
    }

    private void checkProc() {
        if (lost) {
            throw new ProcessLookupError("process " + pid + " has exited and its transport has finished");
        }
    }

    @Override
    public void sendSignal(int signum) {
        if (signum < 1 || signum > MAX_SIGNAL) {
            throw new IllegalArgumentException("no such signal: " + signum + " (signals are 1 to " + MAX_SIGNAL + ")");
        }
        checkProc();
        switch (signum) {
            case 9 -> kill();
            case 15 -> terminate();
            default -> signalByShell(Integer.toString(signum));
        }
    }

    @Override
    public void sendSignal(String name) {
        Objects.requireNonNull(name, "name");
        String n = name.toUpperCase(Locale.ROOT);
        if (n.startsWith("SIG")) {
            n = n.substring(3);
        }
        if (!SIGNAL_NAME.matcher(n).matches()) {
            throw new IllegalArgumentException("not a signal name: \"" + name + "\" (e.g. \"HUP\" or \"SIGHUP\")");
        }
        checkProc();
        switch (n) {
            case "KILL" -> kill();
            case "TERM" -> terminate();
            default -> signalByShell(n);
        }
    }

    @Override
    public void terminate() {
        checkProc();
        if (returncode == null) {
            proc.toHandle().destroy(); // SIGTERM, if the pid is still the child's (the JDK checks its start time)
        }
    }

    @Override
    public void kill() {
        checkProc();
        if (returncode == null) {
            proc.toHandle().destroyForcibly(); // SIGKILL, if the pid is still the child's
        }
    }

    /**
     * {@code kill -s SIG PID} by {@code /bin/sh} (its builtin {@code kill}: every POSIX system has
     * it), waited for on the loop: Java cannot send other signals than SIGTERM and SIGKILL. An
     * unknown signal is an {@link IllegalArgumentException}; a child that has just exited is not an
     * error (as CPython ignores {@code ProcessLookupError} here).
     */
    private void signalByShell(String signal) {
        if (returncode != null || !proc.isAlive()) {
            return; // exited: the pid may already belong to another process
        }
        String out;
        int status;
        try {
            java.lang.Process k = new ProcessBuilder("/bin/sh", "-c", "kill -s \"$0\" \"$1\"", signal, Long.toString(pid))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true)
                    .start();
            out = new String(k.getInputStream().readAllBytes(), Charset.defaultCharset()).strip();
            status = k.waitFor();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run /bin/sh to send signal " + signal + " to process " + pid, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending signal " + signal + " to process " + pid, e);
        }
        if (status == 0 || out.contains("No such process")) {
            return;
        }
        if (out.contains("invalid signal") || out.contains("nvalid argument")) {
            throw new IllegalArgumentException("no such signal: " + signal + " (kill said: " + out + ")");
        }
        throw new IllegalStateException("cannot send signal " + signal + " to process " + pid + ": " + out);
    }

    @Override
    public boolean isClosing() {
        return closed;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (PipeProto p : pipes) {
            if (p != null) {
                p.pipe.close();
            }
        }
        if (returncode == null && proc.isAlive()) {
            if (loop.getDebug()) {
                LOG.log(System.Logger.Level.WARNING, "Close running child process: kill {0}", this);
            }
            proc.toHandle().destroyForcibly();
        }
    }

    /** {@code "subprocess"}: the {@link java.lang.Process}. */
    @Override
    public Object getExtraInfo(String name) {
        return "subprocess".equals(name) ? proc : null;
    }

    /**
     * @throws IllegalArgumentException unless {@code protocol} is a {@link SubprocessProtocol}
     */
    @Override
    public void setProtocol(BaseProtocol protocol) {
        if (!(Objects.requireNonNull(protocol, "protocol") instanceof SubprocessProtocol p)) {
            throw new IllegalArgumentException("a subprocess transport needs a SubprocessProtocol, got " + protocol);
        }
        this.protocol = p;
    }

    @Override
    public BaseProtocol getProtocol() {
        return protocol;
    }

    /** As CPython's repr: {@code <SubprocessTransport pid=42 running stdin=<...> stdout=<...>>}. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("<SubprocessTransport");
        if (closed) {
            b.append(" closed");
        }
        b.append(" pid=").append(pid);
        b.append(returncode != null ? " returncode=" + returncode : " running");
        String[] names = {"stdin", "stdout", "stderr"};
        for (int fd = 0; fd < 3; fd++) {
            if (pipes[fd] != null) {
                b.append(' ').append(names[fd]).append('=').append(pipes[fd].pipe);
            }
        }
        return b.append('>').toString();
    }

    /**
     * The protocol of one pipe: CPython's {@code WriteSubprocessPipeProto} and {@code
     * ReadSubprocessPipeProto}, forwarding to the transport.
     */
    private final class PipeProto implements Protocol {
        final int fd;
        /** The pipe's transport, set when it is made. */
        Transport pipe;
        /** The pipe's connectionLost ran. */
        boolean disconnected;

        PipeProto(int fd) {
            this.fd = fd;
        }

        @Override
        public void connectionMade(BaseTransport transport) {
            pipe = (Transport) transport;
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            pipeDataReceived(fd, data);
        }

        @Override
        public void connectionLost(Throwable exc) {
            disconnected = true;
            pipeConnectionLost(fd, exc);
        }

        @Override
        public void pauseWriting() {
            protocol.pauseWriting();
        }

        @Override
        public void resumeWriting() {
            protocol.resumeWriting();
        }

        @Override
        public String toString() {
            return "<PipeProto fd=" + fd + " pipe=" + pipe + ">";
        }
    }
}
