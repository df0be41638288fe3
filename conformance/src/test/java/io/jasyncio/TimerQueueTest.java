package io.jasyncio;

import static org.assertj.core.api.Assertions.assertThat;

import io.jasyncio.testing.VirtualClock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The loop's 4-ary timer heap against java.util.PriorityQueue, under random operations. */
class TimerQueueTest {

    @Test
    void popsInDeadlineThenSchedulingOrderUnderRandomAddsPollsAndPurges() {
        EventLoop loop = new EventLoop(new VirtualClock());
        try {
            Random random = new Random(42);
            TimerQueue heap = new TimerQueue();
            Comparator<TimerHandle> order = Comparator.<TimerHandle>comparingLong(h -> h.whenNanos)
                    .thenComparingLong(h -> h.sequence);
            PriorityQueue<TimerHandle> reference = new PriorityQueue<>(order);
            List<Object> popped = new ArrayList<>();
            List<Object> expected = new ArrayList<>();
            long sequence = 0;
            for (int step = 0; step < 20_000; step++) {
                int op = random.nextInt(10);
                if (op < 6) {
                    // Few distinct deadlines, so that ties are common.
                    TimerHandle h = new TimerHandle(loop, random.nextInt(50), sequence++, () -> {}, null);
                    heap.add(h);
                    reference.add(h);
                } else if (op < 9 && !reference.isEmpty()) {
                    popped.add(heap.poll());
                    expected.add(reference.poll());
                } else if (!reference.isEmpty()) {
                    // Cancel a random third, purge them from both.
                    for (TimerHandle h : reference) {
                        if (random.nextInt(3) == 0) {
                            h.cancelled = true;
                        }
                    }
                    heap.removeCancelled();
                    reference.removeIf(h -> h.cancelled);
                }
                assertThat(heap.size()).isEqualTo(reference.size());
            }
            while (!reference.isEmpty()) {
                popped.add(heap.poll());
                expected.add(reference.poll());
            }
            assertThat(heap.isEmpty()).isTrue();
            assertThat(popped).containsExactlyElementsOf(expected);
        } finally {
            loop.close();
        }
    }
}
