package io.jasyncio;

import static io.jasyncio.Asyncio.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jasyncio.testing.AsyncioExtension;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Queue, PriorityQueue and LifoQueue (issue 4): the rules of CPython's test_queues.py. The
 * scenario of the first tests was run on CPython 3.13 and printed exactly what they assert.
 */
@ExtendWith(AsyncioExtension.class)
class QueueTest {

    @Test
    void aGetterCancelledAfterItWasWokenPassesTheItemToTheNext() {
        Queue<String> q = new Queue<>(2);
        Task<String> g1 = createTask(q::get);
        Task<String> g2 = createTask(q::get);
        sleep(0);
        q.putNowait("a"); // wakes g1
        g1.cancel();      // before g1 runs
        sleep(0);
        sleep(0);
        assertThat(g2.done()).isTrue();
        assertThat(g2.result()).isEqualTo("a");
        assertThat(g1.cancelled()).isTrue();
        assertThat(q.qsize()).isZero();
    }

    @Test
    void aCancelledPutterInsertsNothingAndTheReprShowsTheQueue() {
        Queue<Integer> q = new Queue<>(2);
        q.putNowait(1);
        q.putNowait(2);
        Task<Void> p = createTask(() -> q.put(3));
        sleep(0);
        assertThat(q).hasToString("<Queue maxsize=2 _queue=[1, 2] _putters[1] tasks=2>");
        p.cancel();
        sleep(0);
        assertThat(q.qsize()).isEqualTo(2);
        assertThat(q).hasToString("<Queue maxsize=2 _queue=[1, 2] tasks=2>");
        assertThat(p.cancelled()).isTrue();
    }

    @Test
    void putSuspendsWhileFullAndGetReleasesIt() {
        Queue<Integer> q = new Queue<>(1);
        List<String> log = new ArrayList<>();
        q.putNowait(1);
        Task<Void> putter = createTask(() -> {
            q.put(2);
            log.add("put 2");
        });
        sleep(0);
        assertThat(q.full()).isTrue();
        assertThat(log).isEmpty();
        assertThat(q.get()).isEqualTo(1);
        putter.await();
        assertThat(log).containsExactly("put 2");
        assertThat(q.getNowait()).isEqualTo(2);
        assertThatThrownBy(q::getNowait).isInstanceOf(QueueEmpty.class);
        q.putNowait(3);
        assertThatThrownBy(() -> q.putNowait(4)).isInstanceOf(QueueFull.class);
    }

    @Test
    void shutdownWakesBlockedPuttersToRaiseAndGetsDrainThenRaise() {
        Queue<Integer> q = new Queue<>(2);
        q.putNowait(1);
        q.putNowait(2);
        Task<Void> putter = createTask(() -> q.put(4));
        sleep(0);
        q.shutdown();
        assertThatThrownBy(putter::await).isInstanceOf(QueueShutDown.class);
        assertThat(q.get()).isEqualTo(1);
        assertThat(q.get()).isEqualTo(2);
        assertThatThrownBy(q::get).isInstanceOf(QueueShutDown.class);
        assertThatThrownBy(() -> q.putNowait(5)).isInstanceOf(QueueShutDown.class);
        assertThat(q).hasToString("<Queue maxsize=2 tasks=2 shutdown>");
    }

    @Test
    void immediateShutdownDiscardsTheItemsAndReleasesJoin() {
        Queue<String> q = new Queue<>();
        q.putNowait("x");
        q.putNowait("y");
        Task<Void> joiner = createTask(q::join);
        Task<String> getterOnEmpty = createTask(() -> {
            sleep(1);
            return q.get();
        });
        sleep(0);
        q.shutdown(true);
        sleep(0);
        assertThat(joiner.done()).isTrue();
        assertThat(q.qsize()).isZero();
        assertThatThrownBy(getterOnEmpty::await).isInstanceOf(QueueShutDown.class);
    }

    @Test
    void joinWaitsForEveryTaskDoneAndTooManyTaskDonesRaise() {
        Queue<Integer> q = new Queue<>();
        assertThatThrownBy(q::taskDone).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("taskDone() called too many times");
        List<String> log = new ArrayList<>();
        q.putNowait(1);
        q.putNowait(2);
        createTask(() -> {
            for (int i = 0; i < 2; i++) {
                q.get();
                sleep(1);
                log.add("done " + i);
                q.taskDone();
            }
        });
        q.join();
        assertThat(log).containsExactly("done 0", "done 1");
        q.join(); // nothing unfinished: returns at once
    }

    @Test
    void priorityAndLifoQueuesChangeTheOrder() {
        PriorityQueue<Integer> pq = new PriorityQueue<>();
        LifoQueue<Integer> lq = new LifoQueue<>();
        for (int x : new int[] {3, 1, 2}) {
            pq.putNowait(x);
            lq.putNowait(x);
        }
        assertThat(List.of(pq.getNowait(), pq.getNowait(), pq.getNowait())).containsExactly(1, 2, 3);
        assertThat(List.of(lq.getNowait(), lq.getNowait(), lq.getNowait())).containsExactly(2, 1, 3);
    }

    @Test
    void randomCancellationsNeverLoseNorDuplicateAnItem() {
        // Bounded stress on fixed seeds: producers put numbered items into a small queue while
        // consumers take them; random producers and consumers are cancelled at random points.
        // Every item put is taken exactly once or still in the queue; nobody is left waiting.
        for (long seed = 1; seed <= 20; seed++) {
            Random random = new Random(seed);
            Queue<Integer> q = new Queue<>(3);
            List<Integer> put = new ArrayList<>();
            List<Integer> taken = new ArrayList<>();
            List<Task<Void>> producers = new ArrayList<>();
            List<Task<Void>> consumers = new ArrayList<>();
            for (int p = 0; p < 4; p++) {
                int base = p * 1000;
                producers.add(createTask(() -> {
                    for (int i = 0; i < 25; i++) {
                        q.put(base + i);
                        put.add(base + i);
                        sleep(random.nextInt(3) * 0.01);
                    }
                }));
            }
            for (int c = 0; c < 4; c++) {
                consumers.add(createTask(() -> {
                    while (true) {
                        taken.add(q.get());
                        sleep(random.nextInt(3) * 0.01);
                    }
                }));
            }
            for (int round = 0; round < 6; round++) {
                sleep(random.nextInt(5) * 0.01);
                List<Task<Void>> victims = random.nextBoolean() ? producers : consumers;
                victims.get(random.nextInt(victims.size())).cancel();
            }
            gatherAll(true, producers);
            // Let a surviving consumer drain, then stop them all.
            Task<Void> drainer = createTask(() -> {
                while (true) {
                    taken.add(q.get());
                }
            });
            sleep(1);
            drainer.cancel();
            for (Task<Void> c : consumers) {
                c.cancel();
            }
            gatherAll(true, consumers);
            gatherAll(true, List.of(drainer));
            Set<Integer> unique = new HashSet<>(taken);
            assertThat(unique).as("seed %d: no item taken twice", seed).hasSameSizeAs(taken);
            assertThat(taken).as("seed %d: every item put was taken", seed).containsExactlyInAnyOrderElementsOf(put);
            assertThat(q.empty()).isTrue();
        }
    }
}
