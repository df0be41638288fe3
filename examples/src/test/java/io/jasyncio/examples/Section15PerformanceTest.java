package io.jasyncio.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Section 15 on a tiny workload: the advice, then one row per implementation with its figures
 * (their values are the machine's: only their shape is asserted). Needs Debian's python3 with
 * uvloop, which ./jasyncio test installs; without it the rows say "not run" and the test fails.
 */
class Section15PerformanceTest {

    private static List<String> run(String python) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new Section15Performance(new PrintStream(bytes, true, StandardCharsets.UTF_8), 200, 5, 1, python).program();
        return bytes.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void theAdviceThenARowPerLoopWithTimeRateAndRatio() {
        List<String> lines = run(Section15Performance.PYTHON);

        assertThat(lines.get(0)).startsWith("Pro tip, translated:");
        assertThat(lines).contains("200 tasks x 5 sleep(0) each, gathered (best of 1):");
        String number = "\\s+[0-9.]+ ms\\s+[0-9,]+ task steps/s\\s+[0-9.]+x CPython asyncio";
        assertThat(lines).anySatisfy(l -> assertThat(l).matches("  jasyncio, first run" + number));
        assertThat(lines).anySatisfy(l -> assertThat(l).matches("  jasyncio, warmed up" + number));
        assertThat(lines).anySatisfy(l -> assertThat(l).matches("  CPython asyncio" + number));
        assertThat(lines).anySatisfy(l -> assertThat(l).matches("  uvloop" + number));
        assertThat(lines).anySatisfy(l -> assertThat(l).matches("  CPython asyncio\\s+.*\\s1\\.0x CPython asyncio"));
        assertThat(lines.getLast()).startsWith("Don't:");
    }

    @Test
    void aMissingPythonIsReportedOnItsRowsAndTheRestStillRuns() {
        List<String> lines = run("/nonexistent/python3");

        assertThat(lines).anySatisfy(l -> assertThat(l).matches("  jasyncio, warmed up\\s+[0-9.]+ ms\\s+[0-9,]+ task steps/s"));
        assertThat(lines).contains(
                "  CPython asyncio          not run: /nonexistent/python3 not found (apt-get install python3 python3-uvloop)",
                "  uvloop                   not run: /nonexistent/python3 not found (apt-get install python3 python3-uvloop)");
    }

    @Test
    void theWorkloadRunsEveryStepOfEveryTask() {
        int[] steps = {0};
        io.jasyncio.Asyncio.run(() -> {
            @SuppressWarnings("unchecked")
            io.jasyncio.Future<Void>[] all = new io.jasyncio.Future[3];
            for (int i = 0; i < 3; i++) {
                all[i] = io.jasyncio.Asyncio.createTask(() -> {
                    Section15Performance.worker(4);
                    steps[0] += 4;
                });
            }
            io.jasyncio.Asyncio.gather(all);
        });
        assertThat(steps[0]).isEqualTo(12);
    }
}
