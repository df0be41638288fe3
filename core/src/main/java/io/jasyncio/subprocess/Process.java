package io.jasyncio.subprocess;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.net.StreamReader;
import io.jasyncio.net.StreamWriter;
import io.jasyncio.net.Transport;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * A child process with streams: asyncio's {@code asyncio.subprocess.Process}. Made by {@link
 * Subprocess#createSubprocessExec} and {@link Subprocess#createSubprocessShell}; loop-affine.
 *
 * <pre>{@code
 * Process p = createSubprocessExec(List.of("cat"), options().stdin(PIPE).stdout(PIPE));
 * p.stdin().write("hello\n".getBytes(UTF_8));
 * p.stdin().drain();
 * byte[] line = p.stdout().readline();   // "hello\n"
 * p.stdin().close();
 * int status = p.await();                // 0
 * }</pre>
 *
 * <p>Not {@link java.lang.Process}: that one is {@code transport().getExtraInfo("subprocess")}.
 *
 * <p>Reading one pipe to its end while the child fills another can deadlock (the child blocks on the
 * full pipe, the reader waits for an end that never comes): read both at once in two tasks, or use
 * {@link #communicate(byte[])}, which does.
 */
public final class Process {
    private final SubprocessTransport transport;
    private final SubprocessStreamProtocol protocol;
    private final EventLoop loop;

    private Process(SubprocessTransport transport, SubprocessStreamProtocol protocol, EventLoop loop) {
        this.transport = transport;
        this.protocol = protocol;
        this.loop = loop;
    }

    /** asyncio's {@code create_subprocess_exec}/{@code shell} after the command is made. */
    static Process start(List<String> command, SubprocessOptions options) throws IOException {
        java.util.Objects.requireNonNull(options, "options");
        EventLoop loop = Asyncio.getRunningLoop();
        int limit = options.limit > 0 ? options.limit : StreamReader.DEFAULT_LIMIT;
        SubprocessStreamProtocol protocol = new SubprocessStreamProtocol(limit, loop);
        ProcessTransport transport = ProcessTransport.start(protocol, command, options, Stdio.INHERIT);
        return new Process(transport, protocol, loop);
    }

    /** The child's stdin, or null unless it is a {@link Stdio#PIPE}. */
    public StreamWriter stdin() {
        return protocol.stdin;
    }

    /** The child's stdout, or null unless it is a {@link Stdio#PIPE}. */
    public StreamReader stdout() {
        return protocol.stdout;
    }

    /** The child's stderr, or null unless it is a {@link Stdio#PIPE}. */
    public StreamReader stderr() {
        return protocol.stderr;
    }

    /** The child's process id. */
    public long pid() {
        return transport.getPid();
    }

    /**
     * The return code, or null while the child runs: its exit status, or {@code -N} after signal
     * {@code N} (see {@link Subprocess} for the one ambiguity).
     */
    public Integer returncode() {
        return transport.getReturncode();
    }

    /** The transport underneath (asyncio's {@code _transport}). */
    public SubprocessTransport transport() {
        return transport;
    }

    /**
     * Suspends until the child has exited and returns its return code: asyncio's {@code wait()}
     * ({@code Object.wait} is final). As in CPython 3.13, a call made while the child runs returns
     * once its pipes are closed too (a grandchild holding one delays it; {@link #returncode()} is
     * set at the exit); a call made after the exit returns at once. Cancelling it leaves the child
     * running.
     *
     * <p>With stdout or stderr a {@link Stdio#PIPE}, read them, or the child may block on a full
     * pipe and never exit: {@link #communicate(byte[])} does both.
     */
    public int await() {
        return ((ProcessTransport) transport).waitForExit();
    }

    /** Sends signal {@code signum}: {@link SubprocessTransport#sendSignal(int)}. */
    public void sendSignal(int signum) {
        transport.sendSignal(signum);
    }

    /** Sends the signal named {@code name}: {@link SubprocessTransport#sendSignal(String)}. */
    public void sendSignal(String name) {
        transport.sendSignal(name);
    }

    /** Sends SIGTERM. */
    public void terminate() {
        transport.terminate();
    }

    /** Sends SIGKILL. */
    public void kill() {
        transport.kill();
    }

    /**
     * What {@link #communicate(byte[])} returns: the child's whole stdout and stderr, each null
     * unless it was a {@link Stdio#PIPE}.
     *
     * @param stdout everything the child wrote to stdout, or null
     * @param stderr everything the child wrote to stderr, or null
     */
    public record Output(byte[] stdout, byte[] stderr) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Output other && Arrays.equals(stdout, other.stdout) && Arrays.equals(stderr, other.stderr);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(stdout) + Arrays.hashCode(stderr);
        }

        @Override
        public String toString() {
            return "Output[stdout=" + describe(stdout) + ", stderr=" + describe(stderr) + "]";
        }

        private static String describe(byte[] b) {
            return b == null ? "null" : b.length + " bytes";
        }
    }

    /** {@link #communicate(byte[])} with no input: stdin (if a pipe) is closed at once. */
    public Output communicate() throws IOException {
        return communicate(null);
    }

    /**
     * Writes {@code input} (null: nothing) to stdin and closes it, reads stdout and stderr to their
     * ends, all at once, then waits for the child: asyncio's {@code communicate()}. Outputs of any
     * size on both pipes cannot deadlock. A child that does not read its stdin (a broken pipe) is
     * not an error here, as in asyncio.
     *
     * <p>Cancelling it leaves the child running (stdin possibly still open); what had been read
     * stays in {@link #stdout()} and {@link #stderr()} (a cancelled {@link StreamReader#read()}
     * puts back what it had collected).
     *
     * @throws IllegalStateException when {@code input} is given but stdin is not a pipe
     * @throws IOException when reading stdout or stderr fails
     */
    public Output communicate(byte[] input) throws IOException {
        StreamWriter in = stdin();
        if (input != null && in == null) {
            throw new IllegalStateException("communicate(input) needs stdin=PIPE");
        }
        List<Object> results = Asyncio.gather(
                () -> {
                    if (in != null) {
                        feedStdin(in, input);
                    }
                    return null;
                },
                () -> stdout() != null ? readStream(1) : null,
                () -> stderr() != null ? readStream(2) : null);
        await();
        return new Output((byte[]) results.get(1), (byte[]) results.get(2));
    }

    private void feedStdin(StreamWriter in, byte[] input) {
        boolean debug = loop.getDebug();
        try {
            if (input != null) {
                in.write(input);
                if (debug) {
                    log("communicate: feed stdin (" + input.length + " bytes)");
                }
            }
            in.drain();
        } catch (IOException e) {
            // asyncio ignores BrokenPipeError and ConnectionResetError here: the child did not read.
            if (debug) {
                log("communicate: stdin got " + e);
            }
        }
        if (debug) {
            log("communicate: close stdin");
        }
        in.close();
    }

    private byte[] readStream(int fd) throws IOException {
        Transport pipe = transport.getPipeTransport(fd);
        StreamReader stream = fd == 2 ? stderr() : stdout();
        byte[] output = stream.read();
        pipe.close();
        return output;
    }

    private void log(String message) {
        System.getLogger("jasyncio").log(System.Logger.Level.DEBUG, "{0} {1}", this, message);
    }

    /** {@code <Process 4242>}, as asyncio's repr. */
    @Override
    public String toString() {
        return "<Process " + pid() + ">";
    }
}
