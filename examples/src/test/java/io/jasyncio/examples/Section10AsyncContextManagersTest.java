package io.jasyncio.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.jasyncio.testing.AsyncioExtension;
import io.jasyncio.testing.VirtualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(AsyncioExtension.class)
class Section10AsyncContextManagersTest {

    @Test
    void setupAndTeardownSuspendAroundTheBlockAsInPython(VirtualClock clock) {
        TimedOutput out = new TimedOutput(clock::time);

        new Section10AsyncContextManagers(out.stream()).main();

        // CPython 3.13: the same lines at the same times; the teardown's sleep ends at 0.2.
        assertThat(out.transcript()).containsExactly(
                "[0.000] Acquiring resource",
                "[0.100] Using resource",
                "[0.100] Releasing resource");
        assertThat(clock.time()).isEqualTo(0.2);
    }
}
