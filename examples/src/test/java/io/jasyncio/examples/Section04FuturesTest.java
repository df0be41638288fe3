package io.jasyncio.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.jasyncio.testing.AsyncioExtension;
import io.jasyncio.testing.VirtualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(AsyncioExtension.class)
class Section04FuturesTest {

    @Test
    void awaitingTheFutureReturnsWhatTheOtherTaskSetOneSecondLater(VirtualClock clock) {
        TimedOutput out = new TimedOutput(clock::time);

        new Section04Futures(out.stream()).main();

        assertThat(out.transcript()).containsExactly("[1.000] Done!");
    }
}
