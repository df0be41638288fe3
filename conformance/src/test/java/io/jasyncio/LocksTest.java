package io.jasyncio;

import static io.jasyncio.Asyncio.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jasyncio.testing.AsyncioExtension;
import io.jasyncio.testing.VirtualClock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Lock, Event, Semaphore and BoundedSemaphore (issue 4, first part): the rules of CPython's
 * test_locks.py; each expected order below was checked on CPython 3.13.
 */
@ExtendWith(AsyncioExtension.class)
class LocksTest {

    // ---- Lock ----

    @Test
    void lockIsFairANewcomerQueuesBehindTheWokenWaiter() {
        Lock lock = new Lock();
        List<Integer> order = new ArrayList<>();
        lock.acquire();
        Task<Void> t1 = createTask(() -> {
            try (var _ = lock.acquire()) {
                order.add(1);
            }
        });
        sleep(0);
        lock.release();                       // t1 is woken but has not run yet
        Task<Void> t2 = createTask(() -> {    // a newcomer must not barge past it
            try (var _ = lock.acquire()) {
                order.add(2);
            }
        });
        gather(t1, t2);
        assertThat(order).containsExactly(1, 2);
        assertThat(lock.locked()).isFalse();
    }

    @Test
    void aWokenWaiterCancelledBeforeItRanPassesTheLockOn() {
        // bpo-27585 / test_cancel_race: otherwise the lock stays free with b waiting forever.
        Lock lock = new Lock();
        List<String> order = new ArrayList<>();
        lock.acquire();
        Task<Void> a = createTask(() -> {
            lock.acquire();
            order.add("a");
            lock.release();
        });
        Task<Void> b = createTask(() -> {
            lock.acquire();
            order.add("b");
            lock.release();
        });
        sleep(0);
        lock.release(); // wakes a
        a.cancel();     // before a runs
        gatherAll(true, List.of(a, b));
        assertThat(order).containsExactly("b");
        assertThat(a.cancelled()).isTrue();
        assertThat(lock.locked()).isFalse();
    }

    @Test
    void lockWaitersAcquireInFifoOrder() {
        Lock lock = new Lock();
        List<Integer> order = new ArrayList<>();
        lock.acquire();
        List<Task<Void>> tasks = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int n = i;
            tasks.add(createTask(() -> {
                try (var _ = lock.acquire()) {
                    order.add(n);
                    sleep(0.1);
                }
            }));
        }
        sleep(0);
        lock.release();
        gatherAll(false, tasks);
        assertThat(order).containsExactly(0, 1, 2, 3, 4);
    }

    @Test
    void releasingAFreeLockRaisesAndTheReprShowsTheState() {
        Lock lock = new Lock();
        assertThat(lock).hasToString("<Lock [unlocked]>");
        assertThatThrownBy(lock::release).isInstanceOf(IllegalStateException.class).hasMessage("Lock is not acquired.");
        lock.acquire();
        Task<Lock> waiter = createTask(lock::acquire);
        sleep(0);
        assertThat(lock).hasToString("<Lock [locked, waiters:1]>");
        lock.release();
        waiter.await().release();
    }

    @Test
    void aLockUsedFromTwoLoopsRaises() throws Exception {
        Lock lock = new Lock();
        Task<Lock> holder = createTask(lock::acquire);
        holder.await();
        createTask(lock::acquire); // parks: binds the lock's queue to this loop
        sleep(0);
        Throwable other = toThread(() -> {
            try (EventLoop second = new EventLoop(new VirtualClock())) {
                return second.runUntilComplete(() -> {
                    try {
                        lock.acquire();
                        return null;
                    } catch (IllegalStateException e) {
                        return e;
                    }
                });
            }
        });
        assertThat(other).isInstanceOf(IllegalStateException.class).hasMessageContaining("different event loop");
        lock.release();
        for (Task<?> t : allTasks()) {
            if (t != currentTask()) {
                t.cancel();
            }
        }
    }

    // ---- Event ----

    @Test
    void setWakesEveryWaiterAndWaitReturnsTrueEvenIfClearedBeforeItResumed() {
        Event event = new Event();
        List<String> log = new ArrayList<>();
        Task<Boolean> a = createTask(() -> {
            boolean r = event.await();
            log.add("a");
            return r;
        });
        Task<Boolean> b = createTask(() -> {
            boolean r = event.await();
            log.add("b");
            return r;
        });
        sleep(0);
        assertThat(event).hasToString("<Event [unset, waiters:2]>");
        event.set();
        event.clear();
        assertThat(gather(a, b)).containsExactly(true, true);
        assertThat(log).containsExactly("a", "b");
        assertThat(event.isSet()).isFalse();
        event.set();
        assertThat(event.await()).isTrue(); // set: no suspension
        assertThat(event).hasToString("<Event [set]>");
    }

    // ---- Semaphore ----

    @Test
    void semaphoreWaitersAcquireInFifoOrder() {
        Semaphore sem = new Semaphore(1);
        List<Integer> result = new ArrayList<>();
        List<Task<Void>> tasks = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int tag = i;
            tasks.add(createTask(() -> {
                sleep(0);
                sem.acquire();
                result.add(tag);
                sleep(0);
                sem.release();
            }));
        }
        gatherAll(false, tasks);
        assertThat(result).containsExactly(0, 1, 2);
    }

    @Test
    void aWaiterCancelledAfterItWasHandedAPermitGivesItToTheNext() {
        Semaphore sem = new Semaphore(0);
        List<String> order = new ArrayList<>();
        Task<Void> a = createTask(() -> {
            sem.acquire();
            order.add("a");
        });
        Task<Void> b = createTask(() -> {
            sem.acquire();
            order.add("b");
        });
        sleep(0);
        sem.release(); // handed to a
        a.cancel();    // before a runs: the permit goes to b
        sleep(0);
        sleep(0);
        assertThat(order).containsExactly("b");
        assertThat(sem.value()).isZero();
        assertThat(a.cancelled()).isTrue();
    }

    @Test
    void semaphoreIsNotBargedAndItsReprShowsPermitsAndWaiters() {
        Semaphore sem = new Semaphore(2);
        assertThat(sem).hasToString("<Semaphore [unlocked, value:2]>");
        sem.acquire();
        sem.acquire();
        Task<Semaphore> waiter = createTask(sem::acquire);
        sleep(0);
        assertThat(sem).hasToString("<Semaphore [locked, waiters:1]>");
        sem.release(); // handed to the waiter: value stays 0 and a newcomer may not take it
        assertThat(sem.locked()).isTrue();
        assertThat(sem.value()).isZero();
        waiter.await();
        sem.release();
        sem.release();
        assertThat(sem.value()).isEqualTo(2);
    }

    @Test
    void badValuesAndOverReleaseAreRefused() {
        assertThatThrownBy(() -> new Semaphore(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Semaphore initial value must be >= 0");
        BoundedSemaphore bounded = new BoundedSemaphore(1);
        try (var _ = bounded.acquire()) {
            assertThat(bounded.locked()).isTrue();
        }
        assertThatThrownBy(bounded::release).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("BoundedSemaphore released too many times");
    }

    @Test
    void randomCancellationsNeverLoseOrInventAPermit() {
        // Bounded stress on fixed seeds (PermitStress): the semaphore must end with exactly its 3
        // permits and no task left waiting.
        for (long seed = 1; seed <= 20; seed++) {
            Semaphore sem = PermitStress.run(seed, 3, () -> new Semaphore(3), Semaphore::acquire);
            assertThat(sem.value()).as("seed %d: permits", seed).isEqualTo(3);
            assertThat(sem.locked()).as("seed %d: no waiter left", seed).isFalse();
        }
    }

    // ---- misuse and introspection ----

    @Test
    void primitivesUsedFromAnotherThreadRaiseNamingTheRemedy() throws Exception {
        Lock lock = new Lock();
        Event event = new Event();
        Queue<String> queue = new Queue<>();
        List<Throwable> errors = toThread(() -> {
            List<Throwable> out = new ArrayList<>();
            for (Runnable misuse : List.<Runnable>of(lock::release, event::set, () -> queue.putNowait("x"))) {
                try {
                    misuse.run();
                } catch (IllegalStateException e) {
                    out.add(e);
                }
            }
            return out;
        });
        assertThat(errors).hasSize(3).allSatisfy(e -> assertThat(e).hasMessageContaining("callSoonThreadsafe"));
        assertThat(event.isSet()).isFalse();
        assertThat(queue.empty()).isTrue();
    }

    @Test
    void statisticsDescribeTheState() {
        Lock lock = new Lock();
        lock.acquire();
        Task<Lock> waiter = createTask(lock::acquire);
        Semaphore sem = new Semaphore(2);
        sem.acquire();
        Queue<Integer> q = new Queue<>(5);
        q.putNowait(1);
        sleep(0);
        assertThat(lock.statistics()).isEqualTo(new Lock.Statistics(true, 1));
        assertThat(sem.statistics()).isEqualTo(new Semaphore.Statistics(1, 0));
        assertThat(new Event().statistics()).isEqualTo(new Event.Statistics(false, 0));
        assertThat(q.statistics()).isEqualTo(new Queue.Statistics(1, 5, 0, 0, 1, false));
        assertThat(new Condition().statistics()).isEqualTo(new Condition.Statistics(false, 0));
        assertThat(new Barrier(3).statistics()).isEqualTo(new Barrier.Statistics(Barrier.State.FILLING, 0, 3));
        lock.release();
        waiter.await().release();
    }
}
