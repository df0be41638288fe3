package io.jasyncio.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.jasyncio.testing.AsyncioExtension;
import io.jasyncio.testing.VirtualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(AsyncioExtension.class)
class Section03TasksTest {

    @Test
    void workersRunConcurrentlyAndGatherKeepsArgumentOrder(VirtualClock clock) {
        TimedOutput out = new TimedOutput(clock::time);

        new Section03Tasks(out.stream()).main();

        assertThat(out.transcript()).containsExactly(
                "[0.000] A started",
                "[0.000] B started",
                "[1.000] B finished after 1s",
                "[2.000] A finished after 2s",
                "[2.000] ['Result from A', 'Result from B']");
    }

    @Test
    void waitReturnsTheFirstFinishedWorkerThenTheOther(VirtualClock clock) {
        TimedOutput out = new TimedOutput(clock::time);

        new Section03Tasks(out.stream()).mainWithWait();

        assertThat(out.transcript()).containsExactly(
                "[0.000] A started",
                "[0.000] B started",
                "[1.000] B finished after 1s",
                "[1.000] done first: Result from B",
                "[2.000] A finished after 2s",
                "[2.000] then: Result from A");
    }
}
