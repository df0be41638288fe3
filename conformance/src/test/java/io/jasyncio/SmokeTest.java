package io.jasyncio;

import static io.jasyncio.Asyncio.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.jasyncio.testing.AsyncioExtension;
import io.jasyncio.testing.VirtualClock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(AsyncioExtension.class)
class SmokeTest {
    @Test
    void tasksInterleaveAtSleep(VirtualClock clock) {
        List<String> log = new ArrayList<>();
        Task<String> a = createTask(() -> { log.add("A start"); sleep(2); log.add("A end"); return "A"; });
        Task<String> b = createTask(() -> { log.add("B start"); sleep(1); log.add("B end"); return "B"; });
        List<String> r = gather(a, b);
        assertThat(r).containsExactly("A", "B");
        assertThat(log).containsExactly("A start", "B start", "B end", "A end");
        assertThat(clock.time()).isEqualTo(2.0);
    }
}
