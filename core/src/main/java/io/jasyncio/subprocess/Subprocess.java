package io.jasyncio.subprocess;

import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Child processes: asyncio's {@code loop.subprocess_exec}/{@code subprocess_shell} (a {@link
 * SubprocessProtocol} on a {@link SubprocessTransport}) and the {@code asyncio.subprocess} module's
 * {@code create_subprocess_exec}/{@code create_subprocess_shell} (a {@link Process} with streams).
 * Call them from a task: the running loop is used, and they suspend until the child is connected.
 *
 * <pre>{@code
 * import static io.jasyncio.subprocess.Subprocess.*;
 *
 * Process p = createSubprocessExec(List.of("sort"), options().stdin(PIPE).stdout(PIPE));
 * Process.Output out = p.communicate("b\na\n".getBytes(UTF_8));
 * // out.stdout() is "a\nb\n", p.returncode() is 0
 * }</pre>
 *
 * <h2>How it runs on the JVM</h2>
 *
 * <p>A child is a {@link java.lang.Process} ({@link ProcessBuilder} resolves the program on the
 * {@code PATH}). Its pipes are blocking streams that no selector can watch, so each pipe has a
 * thread of its own, which hands data to the loop; the child's exit is awaited by one more thread.
 * These threads count as work in flight while they may still deliver, so a virtual clock does not
 * jump past them and the loop does not report a stall while a pipe is open. A reader that is paused
 * (its buffer is full) stops reading the pipe, and the child blocks on it: no unbounded buffering.
 *
 * <h2>Where it differs from CPython, and why</h2>
 *
 * <ul>
 *   <li>Return codes: the JDK reports a death by signal N as the exit status 128 + N, as a shell
 *       does; it is reported as {@code -N} (CPython's form). A child that itself exits with a status
 *       from 129 to 192 is therefore reported as killed: Java cannot tell the two apart. The raw
 *       status is {@code ((java.lang.Process) transport.getExtraInfo("subprocess")).exitValue()}.
 *   <li>Signals: Java can only send SIGTERM ({@code terminate}) and SIGKILL ({@code kill}); any
 *       other signal is sent by {@code /bin/sh -c 'kill -s SIG PID'}.
 *   <li>Stdin: the loop cannot see the child close its stdin until a write fails ("Broken pipe");
 *       once the child has exited and its stdout and stderr pipes are closed, an idle stdin pipe is
 *       closed by the transport (CPython notices the reader closing at once).
 *   <li>Grandchildren: as in CPython, a pipe stays open while a grandchild holds it, after the
 *       child exited (the pipe threads keep the JDK from closing it at the exit). A child that
 *       exits within the first instants after its start (before its pipe threads hold the streams,
 *       a thread start) has its pipes closed by the JDK at its exit instead: its own output is all
 *       delivered, but what a grandchild writes later is lost, and it sees its stdin closed.
 *   <li>No {@code start_new_session}, {@code pass_fds}, {@code preexec_fn} or {@code bufsize}:
 *       {@link ProcessBuilder} has none of them; {@link SubprocessOptions} has what it has.
 * </ul>
 */
public final class Subprocess {
    private Subprocess() {}

    /** A pipe to this process (asyncio's {@code PIPE}). */
    public static final Stdio PIPE = Stdio.PIPE;
    /** {@code /dev/null} (asyncio's {@code DEVNULL}). */
    public static final Stdio DEVNULL = Stdio.DEVNULL;
    /** For stderr: the same place as stdout (asyncio's {@code STDOUT}). */
    public static final Stdio STDOUT = Stdio.STDOUT;
    /** This process's own stream (asyncio's {@code None}). */
    public static final Stdio INHERIT = Stdio.INHERIT;

    /** Options with nothing set: {@code options().stdin(PIPE).stdout(PIPE)}. */
    public static SubprocessOptions options() {
        return SubprocessOptions.defaults();
    }

    /**
     * Runs {@code args} (the program and its arguments) with stdin, stdout and stderr all pipes,
     * and connects a protocol from {@code protocolFactory} to it: asyncio's {@code
     * loop.subprocess_exec}. Returns once the protocol's {@code connectionMade} has run. Suspends.
     *
     * @throws IOException when the program cannot be started (not found, not executable)
     * @throws IllegalArgumentException when {@code args} is empty or holds null
     */
    public static <P extends SubprocessProtocol> SubprocessConnection<P> subprocessExec(Supplier<P> protocolFactory,
            List<String> args) throws IOException {
        return subprocessExec(protocolFactory, args, SubprocessOptions.defaults());
    }

    /**
     * {@link #subprocessExec(Supplier, List)} with {@code options}; unset streams are {@link
     * #PIPE}s, as in asyncio.
     *
     * @throws IOException when the program cannot be started (not found, not executable)
     * @throws IllegalArgumentException when {@code args} is empty or holds null, or for bad options
     */
    public static <P extends SubprocessProtocol> SubprocessConnection<P> subprocessExec(Supplier<P> protocolFactory,
            List<String> args, SubprocessOptions options) throws IOException {
        return connect(protocolFactory, command(args), options);
    }

    /**
     * Runs {@code cmd} by {@code /bin/sh -c} with stdin, stdout and stderr all pipes, and connects a
     * protocol from {@code protocolFactory} to it: asyncio's {@code loop.subprocess_shell}. The
     * shell's syntax applies: quote what comes from outside. Suspends.
     *
     * @throws IOException when the shell cannot be started
     */
    public static <P extends SubprocessProtocol> SubprocessConnection<P> subprocessShell(Supplier<P> protocolFactory,
            String cmd) throws IOException {
        return subprocessShell(protocolFactory, cmd, SubprocessOptions.defaults());
    }

    /**
     * {@link #subprocessShell(Supplier, String)} with {@code options}; unset streams are {@link
     * #PIPE}s.
     *
     * @throws IOException when the shell cannot be started
     * @throws IllegalArgumentException for bad options
     */
    public static <P extends SubprocessProtocol> SubprocessConnection<P> subprocessShell(Supplier<P> protocolFactory,
            String cmd, SubprocessOptions options) throws IOException {
        return connect(protocolFactory, shell(cmd), options);
    }

    private static <P extends SubprocessProtocol> SubprocessConnection<P> connect(Supplier<P> protocolFactory,
            List<String> command, SubprocessOptions options) throws IOException {
        Objects.requireNonNull(protocolFactory, "protocolFactory");
        Objects.requireNonNull(options, "options");
        if (options.limit >= 0) {
            throw new IllegalArgumentException("limit is the stream readers' limit of createSubprocessExec/Shell;"
                    + " subprocessExec/Shell have no readers");
        }
        P protocol = Objects.requireNonNull(protocolFactory.get(), "the protocol factory returned null");
        ProcessTransport t = ProcessTransport.start(protocol, command, options, Stdio.PIPE);
        return new SubprocessConnection<>(t, protocol);
    }

    /**
     * Runs {@code program} with {@code args}, its streams inherited from this process: asyncio's
     * {@code create_subprocess_exec(program, *args)}. Suspends.
     *
     * @throws IOException when the program cannot be started (not found, not executable)
     */
    public static Process createSubprocessExec(String program, String... args) throws IOException {
        List<String> command = new java.util.ArrayList<>(args.length + 1);
        command.add(program);
        command.addAll(List.of(args));
        return createSubprocessExec(command, SubprocessOptions.defaults());
    }

    /**
     * Runs {@code args} (the program and its arguments) and returns its {@link Process}, whose
     * {@code stdin}, {@code stdout} and {@code stderr} are streams where {@code options} asks for a
     * {@link #PIPE}: asyncio's {@code create_subprocess_exec}. Unset streams are inherited ({@link
     * #INHERIT}), as in asyncio. Suspends.
     *
     * @throws IOException when the program cannot be started (not found, not executable)
     * @throws IllegalArgumentException when {@code args} is empty or holds null, or for bad options
     */
    public static Process createSubprocessExec(List<String> args, SubprocessOptions options) throws IOException {
        return Process.start(command(args), options);
    }

    /** Runs {@code cmd} by {@code /bin/sh -c}, its streams inherited. Suspends. */
    public static Process createSubprocessShell(String cmd) throws IOException {
        return createSubprocessShell(cmd, SubprocessOptions.defaults());
    }

    /**
     * Runs {@code cmd} by {@code /bin/sh -c} and returns its {@link Process}: asyncio's {@code
     * create_subprocess_shell}. Unset streams are inherited. Suspends.
     *
     * @throws IOException when the shell cannot be started
     * @throws IllegalArgumentException for bad options
     */
    public static Process createSubprocessShell(String cmd, SubprocessOptions options) throws IOException {
        return Process.start(shell(cmd), options);
    }

    private static List<String> command(List<String> args) {
        Objects.requireNonNull(args, "args");
        if (args.isEmpty()) {
            throw new IllegalArgumentException("args is empty: it needs at least the program");
        }
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i) == null) {
                throw new IllegalArgumentException("args[" + i + "] is null");
            }
        }
        return List.copyOf(args);
    }

    private static List<String> shell(String cmd) {
        Objects.requireNonNull(cmd, "cmd");
        return List.of("/bin/sh", "-c", cmd);
    }
}
