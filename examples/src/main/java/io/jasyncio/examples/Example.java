package io.jasyncio.examples;

import java.io.PrintStream;
import java.util.Objects;

/**
 * A ported seed example: a Python program whose {@code print} goes to an injectable stream.
 *
 * <p>Subclasses write the Python functions as methods that call {@link #print(Object)} and build
 * lines with {@link #str(Object)} where the Python uses an f-string; {@link #program()} holds the
 * module's top-level statements. See the package documentation for the shape every section has.
 */
public abstract class Example {
    /** Where {@link #print(Object)} writes: standard output when run from a main method, a capture in tests. */
    private final PrintStream out;

    /** An example that prints to {@code out}. */
    protected Example(PrintStream out) {
        this.out = Objects.requireNonNull(out, "out");
    }

    /**
     * Runs the Python module's top-level statements (usually {@code asyncio.run(main())}): creates
     * an event loop, runs, closes it.
     *
     * @throws IllegalStateException when called from a running event loop
     */
    public abstract void program();

    /** Python's {@code print(value)}: {@code str(value)} on a line of its own. */
    protected final void print(Object value) {
        out.println(PythonFormat.str(value));
    }

    /** Python's {@code str(value)}: what an f-string shows for {@code {value}}. */
    protected static String str(Object value) {
        return PythonFormat.str(value);
    }
}
