package io.jasyncio.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.jasyncio.examples.Section.Planned;
import io.jasyncio.examples.Section.Ported;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/*
 * Tour.run is main without System.exit: it returns the exit code. The tests that run a real section
 * pick section 13, which does not sleep (the others sleep real seconds outside a test loop).
 */
class TourTest {

    /** Standard output and error of one Tour.run call. */
    private static final class Streams {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();

        int run(List<Section> sections, String... args) {
            return Tour.run(args, sections,
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        }

        String out() {
            return out.toString(StandardCharsets.UTF_8);
        }

        String err() {
            return err.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void exampleNPrintsExactlyThePythonLinesWithoutAHeading() {
        Streams s = new Streams();

        int code = s.run(Tour.SECTIONS, "13");

        assertThat(code).isEqualTo(Tour.OK);
        assertThat(s.out()).isEqualTo("333333283333335000000" + System.lineSeparator());
        assertThat(s.err()).isEmpty();
    }

    @Test
    void aSectionNotPortedYetNamesItsIssueAndExitsWith3() {
        Streams s = new Streams();

        // Every seed section is ported now: the mechanism, on a table of its own.
        List<Section> sections = List.of(new Ported(1, "First", out -> printing(out, "one")), new Planned(2, "Second", 8));
        int code = s.run(sections, "2");

        assertThat(code).isEqualTo(Tour.NOT_PORTED).isEqualTo(3);
        assertThat(s.out()).isEmpty();
        assertThat(s.err()).contains("section 2 (Second) is not ported yet").contains("issue 8")
                .contains("Ported so far: 1.");
    }

    @Test
    void anythingButOneSectionNumberIsAUsageErrorWithExit2() {
        for (String[] args : List.of(new String[] {"0"}, new String[] {"16"}, new String[] {"-1"},
                new String[] {"three"}, new String[] {""}, new String[] {"1", "2"})) {
            Streams s = new Streams();

            int code = s.run(Tour.SECTIONS, args);

            assertThat(code).as("args %s", List.of(args)).isEqualTo(Tour.USAGE).isEqualTo(2);
            assertThat(s.out()).isEmpty();
            assertThat(s.err()).contains("usage: ./jasyncio example N   (N = 1..15");
        }
    }

    @Test
    void theTourRunsThePortedSectionsInOrderUnderHeadingsThenListsTheRest() {
        List<Section> sections = List.of(
                new Ported(1, "First", out -> printing(out, "one")),
                new Planned(2, "Second", 7),
                new Ported(3, "Third", out -> printing(out, "three", "and more")),
                new Planned(4, "Fourth", 8));
        Streams s = new Streams();

        int code = s.run(sections);

        assertThat(code).isEqualTo(Tour.OK);
        assertThat(s.out().lines()).containsExactly(
                "=== 1. First ===",
                "one",
                "",
                "=== 3. Third ===",
                "three",
                "and more",
                "",
                "Not ported yet: sections 2, 4 (./jasyncio example N says which issue brings each).");
        assertThat(s.err()).isEmpty();
    }

    @Test
    void theTableHasEverySeedSectionOnceInOrder() {
        assertThat(Tour.SECTIONS).extracting(Section::number)
                .containsExactlyElementsOf(IntStream.rangeClosed(1, 15).boxed().toList());
        assertThat(Tour.SECTIONS).filteredOn(s -> s instanceof Ported).extracting(Section::number)
                .containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        assertThat(Tour.SECTIONS.get(2).heading()).isEqualTo("=== 3. Tasks: Running Coroutines Concurrently ===");
    }

    /** An example that prints {@code lines}. */
    private static Example printing(PrintStream out, String... lines) {
        return new Example(out) {
            @Override
            public void program() {
                for (String line : lines) {
                    print(line);
                }
            }
        };
    }
}
