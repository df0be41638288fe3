package io.jasyncio.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.jasyncio.testing.AsyncioExtension;
import io.jasyncio.testing.VirtualClock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(AsyncioExtension.class)
class Section07QueuesTest {

    /** CPython 3.13's output of the seed's program (which then hangs), with times. */
    private static final List<String> PYTHON = List.of(
            "[0.000] Produced 0",
            "[0.000] A consumed 0",
            "[0.200] Produced 1",
            "[0.200] B consumed 1",
            "[0.400] Produced 2",
            "[0.500] A consumed 2",
            "[0.600] Produced 3",
            "[0.700] B consumed 3",
            "[0.800] Produced 4",
            "[1.000] A consumed 4",
            "[1.000] Produced 5",
            "[1.200] B consumed 5",
            "[1.200] Produced 6",
            "[1.400] Produced 7",
            "[1.500] A consumed 6",
            "[1.600] Produced 8",
            "[1.700] B consumed 7",
            "[1.800] Produced 9",
            "[2.000] A consumed 8",
            "[2.200] B consumed 9");

    @Test
    void printsThePythonLinesAndFinishes(VirtualClock clock) {
        TimedOutput out = new TimedOutput(clock::time);

        new Section07Queues(out.stream()).main();

        // Lines due at the same instant (the 0.2 s and 0.5 s sleeps meet at 1.0 s and 1.2 s) may
        // come in either order: asyncio defines no order for equal deadlines. So compare with the
        // lines of each instant sorted; any other difference fails.
        assertThat(sortedWithinInstants(out.transcript())).containsExactlyElementsOf(sortedWithinInstants(PYTHON));
        // Unlike the original, the port finishes: both consumers stop once the queue is shut down.
        assertThat(clock.time()).isEqualTo(2.7);
    }

    private static List<String> sortedWithinInstants(List<String> lines) {
        List<String> sorted = new ArrayList<>(lines);
        sorted.sort(Comparator.comparing((String line) -> line.substring(0, line.indexOf(']') + 1))
                .thenComparing(Comparator.naturalOrder()));
        return sorted;
    }
}
