package io.jasyncio.subprocess;

import io.jasyncio.net.StreamReader;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * How to start a child process: its stdin, stdout and stderr ({@link Stdio}), working directory,
 * environment, and the limit of its {@link Process} stream readers. Immutable: every method returns
 * a copy with one setting changed.
 *
 * <pre>{@code
 * Process p = createSubprocessExec(List.of("sort"), options().stdin(PIPE).stdout(PIPE).cwd(dir));
 * }</pre>
 *
 * <p>An unset stream takes the default of the function it is passed to: {@link Stdio#PIPE} for
 * {@link Subprocess#subprocessExec}/{@link Subprocess#subprocessShell} (asyncio's {@code
 * loop.subprocess_exec}), {@link Stdio#INHERIT} for {@link Subprocess#createSubprocessExec}/{@link
 * Subprocess#createSubprocessShell} (asyncio's {@code create_subprocess_exec}).
 */
public final class SubprocessOptions {
    private static final SubprocessOptions NONE = new SubprocessOptions(null, null, null, null, null, -1);

    /** The streams, null when unset. */
    final Stdio stdin;
    final Stdio stdout;
    final Stdio stderr;
    /** The working directory, or null: this process's. */
    final Path cwd;
    /** The whole environment of the child, or null: this process's. */
    final Map<String, String> env;
    /** The stream readers' limit, or -1: {@link StreamReader#DEFAULT_LIMIT}. */
    final int limit;

    private SubprocessOptions(Stdio stdin, Stdio stdout, Stdio stderr, Path cwd, Map<String, String> env, int limit) {
        this.stdin = stdin;
        this.stdout = stdout;
        this.stderr = stderr;
        this.cwd = cwd;
        this.env = env;
        this.limit = limit;
    }

    /** No setting: every one takes its default. */
    public static SubprocessOptions defaults() {
        return NONE;
    }

    /**
     * Where the child's stdin comes from.
     *
     * @throws IllegalArgumentException for {@link Stdio#STDOUT}, which only stderr may use
     */
    public SubprocessOptions stdin(Stdio stdin) {
        if (Objects.requireNonNull(stdin, "stdin").kind == Stdio.Kind.STDOUT) {
            throw new IllegalArgumentException("STDOUT is only valid for stderr, not for stdin");
        }
        return new SubprocessOptions(stdin, stdout, stderr, cwd, env, limit);
    }

    /**
     * Where the child's stdout goes.
     *
     * @throws IllegalArgumentException for {@link Stdio#STDOUT}, which only stderr may use
     */
    public SubprocessOptions stdout(Stdio stdout) {
        if (Objects.requireNonNull(stdout, "stdout").kind == Stdio.Kind.STDOUT) {
            throw new IllegalArgumentException("STDOUT is only valid for stderr, not for stdout");
        }
        return new SubprocessOptions(stdin, stdout, stderr, cwd, env, limit);
    }

    /** Where the child's stderr goes; {@link Stdio#STDOUT}: wherever stdout goes. */
    public SubprocessOptions stderr(Stdio stderr) {
        return new SubprocessOptions(stdin, stdout, Objects.requireNonNull(stderr, "stderr"), cwd, env, limit);
    }

    /** The child's working directory (Popen's {@code cwd}). */
    public SubprocessOptions cwd(Path cwd) {
        return new SubprocessOptions(stdin, stdout, stderr, Objects.requireNonNull(cwd, "cwd"), env, limit);
    }

    /**
     * The child's whole environment (Popen's {@code env}): it replaces this process's. To add to
     * it, pass a copy of {@link System#getenv()} with the additions.
     */
    public SubprocessOptions env(Map<String, String> env) {
        Objects.requireNonNull(env, "env");
        env.forEach((k, v) -> {
            if (k == null || v == null) {
                throw new IllegalArgumentException("env holds a null name or value: " + k + "=" + v);
            }
        });
        return new SubprocessOptions(stdin, stdout, stderr, cwd, Map.copyOf(env), limit);
    }

    /**
     * The buffer limit of a {@link Process}'s stdout and stderr readers ({@link StreamReader}'s
     * {@code limit}; default 64 KiB). Only {@code createSubprocessExec}/{@code Shell} use it.
     *
     * @throws IllegalArgumentException unless {@code limit > 0}
     */
    public SubprocessOptions limit(int limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be > 0, got " + limit);
        }
        return new SubprocessOptions(stdin, stdout, stderr, cwd, env, limit);
    }

    @Override
    public String toString() {
        return "SubprocessOptions[stdin=" + stdin + ", stdout=" + stdout + ", stderr=" + stderr + ", cwd=" + cwd
                + ", env=" + (env == null ? "inherited" : env.size() + " variables") + ", limit="
                + (limit < 0 ? "default" : limit) + "]";
    }
}
