package io.jasyncio.examples;

import java.io.PrintStream;
import java.util.Objects;
import java.util.function.Function;

/**
 * One of the seed's fifteen sections, as {@link Tour}'s table lists it: either ported (it has an
 * example to run) or planned (an open issue will bring it).
 */
sealed interface Section {

    /** The section's number in the seed, 1 to 15. */
    int number();

    /** The section's title in the seed. */
    String title();

    /** The tour's heading for the section: {@code === 3. Tasks: Running Coroutines Concurrently ===}. */
    default String heading() {
        return "=== " + number() + ". " + title() + " ===";
    }

    /** A section with its example, made for a given output stream. */
    record Ported(int number, String title, Function<PrintStream, Example> example) implements Section {
        /** Checks the example is there. */
        public Ported {
            Objects.requireNonNull(example, "example");
        }
    }

    /** A section not ported yet; {@code issue} is the project issue that brings it. */
    record Planned(int number, String title, int issue) implements Section {}
}
