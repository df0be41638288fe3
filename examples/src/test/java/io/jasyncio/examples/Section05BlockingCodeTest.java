package io.jasyncio.examples;

import static io.jasyncio.Asyncio.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.jasyncio.Task;
import io.jasyncio.testing.AsyncioExtension;
import io.jasyncio.testing.VirtualClock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/*
 * blocking_task runs on a real worker thread. While such work is in flight a virtual clock keeps
 * still (the loop waits for the thread, not for a timer), so these tests assert what happened and
 * in which order, never how long it took; and the example's time.sleep is replaced by a stand-in,
 * so nothing here really sleeps.
 */
@ExtendWith(AsyncioExtension.class)
class Section05BlockingCodeTest {

    @Test
    void blockingTaskRunsOnAWorkerThreadAndItsResultIsPrinted(VirtualClock clock) {
        TimedOutput out = new TimedOutput(clock::time);
        List<Double> sleeps = new CopyOnWriteArrayList<>();
        List<Thread> threads = new CopyOnWriteArrayList<>();
        Section05BlockingCode.Time time = seconds -> {
            sleeps.add(seconds);
            threads.add(Thread.currentThread());
        };

        new Section05BlockingCode(out.stream(), time).main();

        assertThat(out.transcript()).containsExactly("[0.000] Slept 2s");  // virtual time stood still
        assertThat(sleeps).containsExactly(2.0);
        assertThat(threads).hasSize(1).doesNotContain(Thread.currentThread());
    }

    @Test
    void theLoopRunsOtherTasksWhileBlockingTaskBlocks() {
        TimedOutput out = new TimedOutput(() -> 0);
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Section05BlockingCode example = new Section05BlockingCode(out.stream(), seconds -> {
            entered.countDown();
            release.await();  // blocks the worker thread until this test, on the loop, lets it go
        });

        Task<Void> main = createTask(() -> example.main());
        // Let main start and hand blocking_task to a worker thread. This task then runs on the
        // loop while that thread is still blocked: the loop is not.
        toThread(() -> entered.await());
        assertThat(main.done()).isFalse();
        assertThat(out.texts()).isEmpty();

        release.countDown();
        await(main);

        assertThat(out.texts()).containsExactly("Slept 2s");
    }
}
