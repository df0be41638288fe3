package io.jasyncio.examples;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleSupplier;

/**
 * The output stream an example prints to in a test: records every line with the time on the
 * given clock (the test loop's virtual clock) at which its newline was written.
 *
 * <pre>{@code
 * TimedOutput out = new TimedOutput(clock::time);
 * new Section03Tasks(out.stream()).main();
 * assertThat(out.transcript()).containsExactly("[0.000] A started", ...);
 * }</pre>
 */
final class TimedOutput {
    /** One printed line and the time it was printed at, in seconds. */
    record Line(double time, String text) {
        /** {@code [2.000] A finished after 2s}: the time to the millisecond, then the text. */
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "[%.3f] %s", time, text);
        }
    }

    private final DoubleSupplier clock;
    /** The lines completed so far, in order. */
    private final List<Line> lines = new ArrayList<>();
    /** The bytes of the line being written (no newline yet). */
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private final PrintStream stream;

    /** A capture that reads the time from {@code clock}. */
    TimedOutput(DoubleSupplier clock) {
        this.clock = clock;
        this.stream = new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                TimedOutput.this.write(b);
            }
        }, true, StandardCharsets.UTF_8);
    }

    /** The stream to hand to the example. */
    PrintStream stream() {
        return stream;
    }

    private synchronized void write(int b) {
        if (b == '\n') {
            lines.add(new Line(clock.getAsDouble(), partial.toString(StandardCharsets.UTF_8)));
            partial.reset();
        } else {
            partial.write(b);
        }
    }

    /** The lines printed so far; fails if the last one was left without its newline. */
    synchronized List<Line> lines() {
        if (partial.size() > 0) {
            throw new AssertionError("the example left a line without a newline: " + partial.toString(StandardCharsets.UTF_8));
        }
        return List.copyOf(lines);
    }

    /** The texts of the lines, without times. */
    List<String> texts() {
        return lines().stream().map(Line::text).toList();
    }

    /** Every line as {@code [time] text}: what the tests compare, line by line. */
    List<String> transcript() {
        return lines().stream().map(Line::toString).toList();
    }
}
