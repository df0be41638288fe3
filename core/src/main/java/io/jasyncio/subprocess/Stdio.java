package io.jasyncio.subprocess;

import java.util.Objects;

/**
 * Where a child's stdin, stdout or stderr goes: asyncio's {@code PIPE}, {@code DEVNULL},
 * {@code STDOUT} and {@code None} (here {@link #INHERIT}), or a {@link ProcessBuilder.Redirect}
 * (a file).
 */
public final class Stdio {
    /** The kinds of destination. */
    enum Kind { PIPE, DEVNULL, STDOUT, INHERIT, REDIRECT }

    /** A pipe to this process: a pipe transport, or a stream of {@link Process}. */
    public static final Stdio PIPE = new Stdio(Kind.PIPE, null);
    /** {@code /dev/null}: the child reads EOF, or what it writes is discarded. */
    public static final Stdio DEVNULL = new Stdio(Kind.DEVNULL, null);
    /** For stderr only: into the same place as stdout (asyncio's {@code STDOUT}). */
    public static final Stdio STDOUT = new Stdio(Kind.STDOUT, null);
    /** This process's own stream (asyncio's {@code None}). */
    public static final Stdio INHERIT = new Stdio(Kind.INHERIT, null);

    final Kind kind;
    /** For {@link Kind#REDIRECT}: where to. */
    final ProcessBuilder.Redirect redirect;

    private Stdio(Kind kind, ProcessBuilder.Redirect redirect) {
        this.kind = kind;
        this.redirect = redirect;
    }

    /**
     * {@code redirect}: a file to read stdin from ({@code Redirect.from(file)}) or to write stdout
     * or stderr to ({@code Redirect.to(file)}, {@code Redirect.appendTo(file)}); {@code
     * Redirect.PIPE}, {@code DISCARD} and {@code INHERIT} are {@link #PIPE}, {@link #DEVNULL} and
     * {@link #INHERIT}.
     */
    public static Stdio redirect(ProcessBuilder.Redirect redirect) {
        Objects.requireNonNull(redirect, "redirect");
        if (redirect == ProcessBuilder.Redirect.PIPE) {
            return PIPE;
        }
        if (redirect == ProcessBuilder.Redirect.INHERIT) {
            return INHERIT;
        }
        if (redirect == ProcessBuilder.Redirect.DISCARD) {
            return DEVNULL;
        }
        return new Stdio(Kind.REDIRECT, redirect);
    }

    @Override
    public String toString() {
        return kind == Kind.REDIRECT ? redirect.toString() : kind.name();
    }
}
