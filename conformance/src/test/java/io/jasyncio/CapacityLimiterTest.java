package io.jasyncio;

import static io.jasyncio.Asyncio.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jasyncio.testing.AsyncioExtension;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** CapacityLimiter: trio's semantics (borrowers, FIFO, capacity changes) on jasyncio tasks. */
@ExtendWith(AsyncioExtension.class)
class CapacityLimiterTest {

    @Test
    void aBorrowerMayNotAcquireTwiceNorReleaseWhatItDoesNotHold() {
        CapacityLimiter limiter = new CapacityLimiter(2);
        limiter.acquire();
        assertThatThrownBy(limiter::acquire).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already holding");
        Object stranger = "stranger";
        assertThatThrownBy(() -> limiter.releaseOnBehalfOf(stranger)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("isn't holding");
        limiter.release();
        assertThatThrownBy(limiter::release).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new CapacityLimiter(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void waitersAreServedInFifoOrderAndStatisticsNameTheBorrowers() {
        CapacityLimiter limiter = new CapacityLimiter(1);
        List<Integer> order = new ArrayList<>();
        limiter.acquireOnBehalfOf("main");
        List<Task<Void>> tasks = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int n = i;
            tasks.add(createTask(() -> {
                try (var _ = limiter.acquire()) {
                    order.add(n);
                    sleep(1);
                }
            }, "t" + i));
        }
        sleep(0);
        assertThat(limiter.statistics()).isEqualTo(new CapacityLimiter.Statistics(1, 1, List.of("main"), 3));
        assertThat(limiter).hasToString("<CapacityLimiter 1/1 borrowed, waiters:3>");
        limiter.releaseOnBehalfOf("main");
        gatherAll(false, tasks);
        assertThat(order).containsExactly(0, 1, 2);
        assertThat(limiter.availableTokens()).isEqualTo(1);
    }

    @Test
    void growingTheCapacityWakesWaitersAtOnce() {
        CapacityLimiter limiter = new CapacityLimiter(1);
        limiter.acquireOnBehalfOf("main");
        List<String> log = new ArrayList<>();
        Task<Void> a = createTask(() -> {
            limiter.acquire();
            log.add("a");
        });
        Task<Void> b = createTask(() -> {
            limiter.acquire();
            log.add("b");
        });
        sleep(0);
        limiter.setTotalTokens(3);
        sleep(0);
        assertThat(log).containsExactly("a", "b");
        assertThat(limiter.borrowedTokens()).isEqualTo(3);
        gather(a, b);
    }

    @Test
    void randomCancellationsNeverLoseOrInventAToken() {
        for (long seed = 1; seed <= 20; seed++) {
            CapacityLimiter limiter = PermitStress.run(seed, 3, () -> new CapacityLimiter(3), CapacityLimiter::acquire);
            assertThat(limiter.borrowedTokens()).as("seed %d", seed).isZero();
            assertThat(limiter.availableTokens()).as("seed %d", seed).isEqualTo(3);
            assertThat(limiter.statistics().waiting()).as("seed %d", seed).isZero();
        }
    }
}
