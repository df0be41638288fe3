package io.jasyncio.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.jasyncio.testing.AsyncioExtension;
import io.jasyncio.testing.VirtualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(AsyncioExtension.class)
class Section09ExceptionHandlingTest {

    @Test
    void gatherReturnsTheFailureInPlaceOfTheResultAfterAllThreeSlept(VirtualClock clock) {
        TimedOutput out = new TimedOutput(clock::time);

        new Section09ExceptionHandling(out.stream()).main();

        // The extension also checks that the loop reported nothing: gather retrieved the error.
        assertThat(out.transcript()).containsExactly(
                "[0.200] Success: 1",
                "[0.200] Caught: Bad number 2",
                "[0.200] Success: 3");
    }
}
