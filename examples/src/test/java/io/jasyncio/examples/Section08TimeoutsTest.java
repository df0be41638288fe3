package io.jasyncio.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.jasyncio.testing.AsyncioExtension;
import io.jasyncio.testing.VirtualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(AsyncioExtension.class)
class Section08TimeoutsTest {

    @Test
    void bothTimeoutsFireAtTheirDeadlinesAndPrintAsPythonDoes(VirtualClock clock) {
        TimedOutput out = new TimedOutput(clock::time);

        new Section08Timeouts(out.stream()).main();

        // Python 3.13: "Operation timed out" after 2 s, "Again timed out" 1 s later.
        assertThat(out.transcript()).containsExactly(
                "[2.000] Operation timed out",
                "[3.000] Again timed out");
    }
}
