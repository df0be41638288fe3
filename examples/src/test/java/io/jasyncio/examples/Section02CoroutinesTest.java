package io.jasyncio.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.jasyncio.testing.AsyncioExtension;
import io.jasyncio.testing.VirtualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(AsyncioExtension.class)
class Section02CoroutinesTest {

    @Test
    void processAwaitsFetchDataAndPrintsTheDictAsPythonDoes(VirtualClock clock) {
        TimedOutput out = new TimedOutput(clock::time);

        new Section02Coroutines(out.stream()).process();

        assertThat(out.transcript()).containsExactly(
                "[0.000] Fetching https://api.example.com",
                "[0.500] Processed: {'data': 'sample'}");
    }
}
