package io.jasyncio.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.jasyncio.testing.AsyncioExtension;
import io.jasyncio.testing.VirtualClock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(AsyncioExtension.class)
class Section11AsyncGeneratorsTest {

    @Test
    void counterYieldsOneValueEveryTenthOfASecondAsInPython(VirtualClock clock) {
        TimedOutput out = new TimedOutput(clock::time);

        new Section11AsyncGenerators(out.stream()).main();

        // CPython 3.13: each value is printed right after its sleep.
        assertThat(out.transcript()).containsExactly(
                "[0.100] 0", "[0.200] 1", "[0.300] 2", "[0.400] 3", "[0.500] 4");
        assertThat(clock.time()).isEqualTo(0.5);
    }

    @Test
    void classFormIteratesTheSameWay(VirtualClock clock) {
        List<Integer> got = new ArrayList<>();
        for (int v : new Section11AsyncGenerators.Ticker(3)) {
            got.add(v);
        }
        assertThat(got).containsExactly(0, 1, 2);
        assertThat(clock.time()).isEqualTo(0.3);
    }

    @Test
    void recursiveWalkYieldsFromEveryDepth(VirtualClock clock) {
        TimedOutput out = new TimedOutput(clock::time);

        new Section11AsyncGenerators(out.stream()).mainWithWalk();

        // One listing (0.1 s) per directory, each before its files.
        assertThat(out.transcript()).containsExactly(
                "[0.100] data/a.csv",
                "[0.200] data/2025/jan.csv",
                "[0.200] data/2025/feb.csv",
                "[0.300] data/2025/raw/x.bin");
    }
}
