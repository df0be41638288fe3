package io.jasyncio.subprocess;

import io.jasyncio.net.BaseTransport;
import io.jasyncio.net.Transport;

/**
 * A child process and its pipes: asyncio's {@code SubprocessTransport}. Made by {@link
 * Subprocess#subprocessExec} and {@link Subprocess#subprocessShell}; loop-affine, like every
 * transport.
 *
 * <p>{@link #getExtraInfo(String)} knows {@code "subprocess"}: the {@link java.lang.Process}. Read
 * from it ({@code pid()}, {@code isAlive()}, {@code exitValue()}, {@code info()}), but do not touch
 * its streams nor call its {@code destroy()}/{@code destroyForcibly()}, which close them: the pipe
 * threads own the streams (holding their monitors, so that call would block the loop until the
 * pipes close). Use {@link #terminate()} and {@link #kill()}.
 */
public interface SubprocessTransport extends BaseTransport {

    /** The child's process id. */
    long getPid();

    /**
     * The child's return code, or null while it runs: its exit status, or {@code -N} when signal
     * {@code N} ended it (as CPython reports it; see {@link Subprocess} for how a signal death is
     * told from an exit status).
     */
    Integer getReturncode();

    /**
     * The transport of pipe {@code fd} (0 stdin, 1 stdout, 2 stderr), or null when that stream is
     * not a {@link Stdio#PIPE}. Stdin's is a write-only {@link Transport} (write, drain through the
     * water marks, {@code writeEof}/{@code close}, {@code abort}); stdout's and stderr's are
     * read-only ones ({@code pauseReading}, {@code resumeReading}, {@code close}). The other half of
     * each throws {@link UnsupportedOperationException}.
     */
    Transport getPipeTransport(int fd);

    /**
     * Sends signal {@code signum} (a number: {@code 1} is SIGHUP, {@code 15} SIGTERM, ...) to the
     * child; nothing when it has already exited. See {@link #sendSignal(String)}.
     *
     * @throws ProcessLookupError when the transport has finished (its {@code connectionLost} ran)
     * @throws IllegalArgumentException when the system does not know the signal
     */
    void sendSignal(int signum);

    /**
     * Sends the signal named {@code name} ({@code "HUP"} or {@code "SIGHUP"}, any case) to the
     * child; nothing when it has already exited. SIGTERM and SIGKILL go through {@link
     * ProcessHandle#destroy()} and {@link ProcessHandle#destroyForcibly()}; Java has no other way to
     * signal a process, so any other signal is sent by {@code /bin/sh -c 'kill -s NAME PID'}, which
     * blocks the loop for the millisecond or two that takes.
     *
     * @throws ProcessLookupError when the transport has finished (its {@code connectionLost} ran)
     * @throws IllegalArgumentException when the system does not know the signal
     */
    void sendSignal(String name);

    /** Sends SIGTERM ({@link ProcessHandle#destroy()}); nothing when the child has already exited. */
    void terminate();

    /** Sends SIGKILL ({@link ProcessHandle#destroyForcibly()}); nothing when the child has already exited. */
    void kill();

    /**
     * Closes every pipe and, when the child still runs, kills it (SIGKILL), as asyncio does. The
     * protocol's {@code connectionLost} follows once the child has exited and every pipe is closed.
     * Idempotent.
     */
    @Override
    void close();
}
