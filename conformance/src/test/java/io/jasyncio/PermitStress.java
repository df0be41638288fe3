package io.jasyncio;

import static io.jasyncio.Asyncio.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The bounded random-cancellation scenario shared by the permit-counting primitives' tests: 30 tasks
 * take a permit at random times and hold it a random while; 10 of them are cancelled at random
 * points. Must run inside a task.
 */
final class PermitStress {
    private PermitStress() {}

    /**
     * Runs the scenario once for {@code seed} against a fresh primitive of {@code capacity} permits
     * (made by {@code newPrimitive}; {@code acquire} takes one and returns what releases it), and
     * checks that never more than {@code capacity} tasks held one at once.
     *
     * @return the primitive, for the caller's checks that no permit was lost or invented
     */
    static <P> P run(long seed, int capacity, Supplier<P> newPrimitive, Function<P, AutoCloseable> acquire) {
        Random random = new Random(seed);
        P primitive = newPrimitive.get();
        int[] holders = {0};
        int[] maxHolders = {0};
        List<Task<Void>> tasks = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            double start = random.nextInt(5) * 0.1;
            double hold = random.nextInt(5) * 0.1;
            tasks.add(createTask(() -> {
                sleep(start);
                try (var _ = acquire.apply(primitive)) {
                    holders[0]++;
                    maxHolders[0] = Math.max(maxHolders[0], holders[0]);
                    try {
                        sleep(hold);
                    } finally {
                        holders[0]--;
                    }
                }
            }));
        }
        for (int round = 0; round < 10; round++) {
            sleep(random.nextInt(3) * 0.05);
            tasks.get(random.nextInt(tasks.size())).cancel();
        }
        gatherAll(true, tasks);
        assertThat(maxHolders[0]).as("seed %d: holders at once", seed).isLessThanOrEqualTo(capacity);
        return primitive;
    }
}
