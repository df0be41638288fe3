package io.jasyncio.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.jasyncio.testing.AsyncioExtension;
import io.jasyncio.testing.VirtualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(AsyncioExtension.class)
class Section06SynchronizationTest {

    @Test
    void theLockSerializesTheWorkersAsInPython(VirtualClock clock) {
        TimedOutput out = new TimedOutput(clock::time);

        new Section06Synchronization(out.stream()).lockMain();

        // CPython 3.13, same lines at the same times.
        assertThat(out.transcript()).containsExactly(
                "[0.100] Appended 0",
                "[0.200] Appended 1",
                "[0.300] Appended 2",
                "[0.400] Appended 3",
                "[0.500] Appended 4",
                "[0.500] [0, 1, 2, 3, 4]");
    }

    @Test
    void theSemaphoreLetsThreeFetchesRunAtATimeAsInPython(VirtualClock clock) {
        TimedOutput out = new TimedOutput(clock::time);

        new Section06Synchronization(out.stream()).semaphoreMain();

        assertThat(out.transcript()).containsExactly(
                "[0.000] Fetching http://example.com/0",
                "[0.000] Fetching http://example.com/1",
                "[0.000] Fetching http://example.com/2",
                "[1.000] Fetching http://example.com/3",
                "[1.000] Fetching http://example.com/4",
                "[1.000] Fetching http://example.com/5",
                "[2.000] Fetching http://example.com/6",
                "[2.000] Fetching http://example.com/7",
                "[2.000] Fetching http://example.com/8",
                "[3.000] Fetching http://example.com/9",
                "[4.000] Fetched 10 URLs");
    }
}
