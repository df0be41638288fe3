package io.jasyncio;

import static io.jasyncio.Asyncio.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jasyncio.testing.AsyncioExtension;
import io.jasyncio.testing.VirtualClock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** BridgeQueue: tasks on one side, real threads on the other; handshakes by latches, never sleeps. */
@ExtendWith(AsyncioExtension.class)
class BridgeQueueTest {

    @Test
    void aThreadProducesAndATaskConsumesEveryItemInOrder(EventLoop loop, VirtualClock clock) throws Exception {
        BridgeQueue<Integer> q = new BridgeQueue<>(loop, 4);
        Thread producer = Thread.ofPlatform().start(() -> {
            try {
                for (int i = 0; i < 1000; i++) {
                    q.putBlocking(i);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        List<Integer> got = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            got.add(q.get());
        }
        producer.join();
        assertThat(got).hasSize(1000).isSorted();
        assertThat(clock.time()).as("waiting for the thread kept virtual time still").isZero();
    }

    @Test
    void aTaskProducesAndAThreadConsumes(EventLoop loop) throws Exception {
        BridgeQueue<String> q = new BridgeQueue<>(loop, 1);
        List<String> got = new ArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        Thread consumer = Thread.ofPlatform().start(() -> {
            try {
                for (int i = 0; i < 50; i++) {
                    got.add(q.takeBlocking());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            done.countDown();
        });
        for (int i = 0; i < 50; i++) {
            q.put("item" + i); // maxsize 1: suspends until the thread took the previous one
        }
        toThread(() -> {
            done.await();
            return null;
        });
        consumer.join();
        assertThat(got).hasSize(50).first().isEqualTo("item0");
        assertThat(q.size()).isZero();
    }

    @Test
    void aCancelledTaskGetterTakesNothingAndTheItemReachesTheNextGetter(EventLoop loop) throws Exception {
        BridgeQueue<String> q = new BridgeQueue<>(loop, 0);
        Task<String> g1 = createTask(q::get);
        Task<String> g2 = createTask(q::get);
        sleep(0);
        g1.cancel();
        toThread(() -> {
            q.putBlocking("only");
            return null;
        });
        assertThat(g2.await()).isEqualTo("only");
        assertThat(g1.cancelled()).isTrue();
        assertThat(q.size()).isZero();
    }

    @Test
    void anInterruptedThreadTakesNothing(EventLoop loop) throws Exception {
        BridgeQueue<String> q = new BridgeQueue<>(loop, 0);
        CountDownLatch blocked = new CountDownLatch(1);
        List<Throwable> errors = new ArrayList<>();
        Thread taker = Thread.ofPlatform().start(() -> {
            try {
                blocked.countDown();
                q.takeBlocking();
            } catch (InterruptedException e) {
                errors.add(e);
            }
        });
        toThread(() -> {
            blocked.await();
            while (taker.getState() != Thread.State.WAITING) {
                Thread.onSpinWait();
            }
            taker.interrupt();
            taker.join();
            return null;
        });
        assertThat(errors).singleElement().isInstanceOf(InterruptedException.class);
        q.put("kept");
        assertThat(toThread(() -> q.pollBlocking(1, TimeUnit.SECONDS))).isEqualTo("kept");
    }

    @Test
    void blockingCallsOnTheLoopThreadAndForeignLoopsAreRefused(EventLoop loop) throws Exception {
        BridgeQueue<String> q = new BridgeQueue<>(loop, 0);
        // On the continuation engine a task runs on the loop's thread; on the portable engine on
        // a virtual thread of the loop: both count as the loop's.
        assertThatThrownBy(q::takeBlocking).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("would block the event loop");
        Throwable foreign = toThread(() -> {
            try (EventLoop other = new EventLoop(new VirtualClock())) {
                return other.runUntilComplete(() -> {
                    try {
                        q.get();
                        return null;
                    } catch (IllegalStateException e) {
                        return e;
                    }
                });
            }
        });
        assertThat(foreign).hasMessageContaining("different event loop");
    }

    @Test
    void manyThreadsAndTasksOnBothSidesLoseAndDuplicateNothing(EventLoop loop) throws Exception {
        BridgeQueue<Integer> q = new BridgeQueue<>(loop, 8);
        int perProducer = 500;
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < 3; p++) {
            int base = p * perProducer;
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    for (int i = 0; i < perProducer; i++) {
                        q.putBlocking(base + i);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        List<Integer> got = new ArrayList<>();
        List<Task<Void>> consumers = new ArrayList<>();
        for (int c = 0; c < 3; c++) {
            consumers.add(createTask(() -> {
                for (int i = 0; i < perProducer; i++) {
                    got.add(q.get());
                }
            }));
        }
        gatherAll(false, consumers);
        for (Thread t : threads) {
            t.join();
        }
        assertThat(got).hasSize(3 * perProducer);
        assertThat(new HashSet<>(got)).hasSize(3 * perProducer);
    }
}
