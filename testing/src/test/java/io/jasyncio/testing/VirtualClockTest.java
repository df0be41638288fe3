package io.jasyncio.testing;

import static io.jasyncio.Asyncio.createTask;
import static io.jasyncio.Asyncio.sleep;
import static io.jasyncio.Asyncio.toThread;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jasyncio.Asyncio;
import io.jasyncio.Clock;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.Task;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link VirtualClock}: the clock alone, then driving real loops. */
@Timeout(60)
class VirtualClockTest {

    private static final long S = 1_000_000_000L;

    // ---- the clock alone ----

    @Test
    void startsAtZeroAndAdvancesByHand() {
        VirtualClock clock = new VirtualClock();
        assertThat(clock.nanoTime()).isZero();
        assertThat(clock.time()).isEqualTo(0.0);
        assertThat(clock.autojump()).isTrue();
        clock.advance(1.5);
        assertThat(clock.time()).isEqualTo(1.5);
        assertThat(clock.nanoTime()).isEqualTo(1_500_000_000L);
        clock.advance(0);
        assertThat(clock.time()).isEqualTo(1.5);
        assertThat(clock.toString()).isEqualTo("VirtualClock[t=1.5, autojump]");
        assertThat(new VirtualClock(false).toString()).isEqualTo("VirtualClock[t=0.0]");
    }

    @Test
    void timeOnlyMovesForward() {
        VirtualClock clock = new VirtualClock();
        assertThatThrownBy(() -> clock.advance(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> clock.advance(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThat(clock.time()).isEqualTo(0.0);
    }

    @Test
    void idleWaitJumpsToTheDeadlineWhenNothingIsInFlight() {
        VirtualClock clock = new VirtualClock();
        assertThat(clock.idleWait(5 * S, false)).isZero();
        assertThat(clock.nanoTime()).isEqualTo(5 * S);
        // A deadline in the past does not move time backwards.
        assertThat(clock.idleWait(2 * S, false)).isZero();
        assertThat(clock.nanoTime()).isEqualTo(5 * S);
    }

    @Test
    void idleWaitKeepsTimeStillWhileWorkIsInFlight() {
        VirtualClock clock = new VirtualClock();
        // With a timer pending: a bounded real wait (the work may be waiting for that timer, so
        // time jumps after a short real-time patience), and no jump yet.
        assertThat(clock.idleWait(5 * S, true)).isPositive().isLessThanOrEqualTo(50_000_000L);
        assertThat(clock.nanoTime()).isZero();
        // No timer: wait until the work calls back.
        assertThat(clock.idleWait(Long.MAX_VALUE, true)).isEqualTo(Long.MAX_VALUE);
        assertThat(clock.nanoTime()).isZero();
        clock.advance(5);
        // Due already: no wait.
        assertThat(clock.idleWait(5 * S, true)).isZero();
    }

    @Test
    void withRealSocketsRegisteredTimeNeverJumpsAndFollowsTheRealWait() {
        VirtualClock clock = new VirtualClock();
        // The whole way to the deadline is a real wait: no patience, no jump.
        assertThat(clock.idleWait(3600 * S, false, true)).isEqualTo(3600 * S);
        assertThat(clock.nanoTime()).isZero();
        // Called again after a (short) real wait: time moved by at most what really passed, never
        // to the deadline, however often the loop asks.
        for (int i = 0; i < 100; i++) {
            long wait = clock.idleWait(3600 * S, true, true);
            assertThat(wait).isPositive();
            assertThat(clock.nanoTime() + wait).isEqualTo(3600 * S);
        }
        assertThat(clock.nanoTime()).isLessThan(3600 * S);
        // No timer: wait for the socket.
        assertThat(clock.idleWait(Long.MAX_VALUE, false, true)).isEqualTo(Long.MAX_VALUE);
        // The sockets gone: the jump is back.
        assertThat(clock.idleWait(3600 * S, false, false)).isZero();
        assertThat(clock.nanoTime()).isEqualTo(3600 * S);
    }

    @Test
    void idleWaitWithNothingToWaitForIsAStall() {
        VirtualClock clock = new VirtualClock();
        assertThatThrownBy(() -> clock.idleWait(Long.MAX_VALUE, false))
                .isInstanceOf(StalledError.class)
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("stalled");
    }

    @Test
    void withoutAutojumpTheClockOnlyMovesByHand() {
        VirtualClock clock = new VirtualClock(false);
        assertThat(clock.autojump()).isFalse();
        assertThat(clock.idleWait(5 * S, false)).isEqualTo(Long.MAX_VALUE);
        assertThat(clock.idleWait(Long.MAX_VALUE, false)).isEqualTo(Long.MAX_VALUE);
        assertThat(clock.nanoTime()).isZero();
    }

    // ---- driving a loop ----

    private static <T> T run(VirtualClock clock, io.jasyncio.Coroutine<T> main) {
        return Asyncio.run(main, null, () -> new EventLoop(clock));
    }

    @Test
    void autojumpAdvancesExactlyToEachNextTimer() {
        VirtualClock clock = new VirtualClock();
        List<Double> seen = run(clock, () -> {
            EventLoop loop = Asyncio.getRunningLoop();
            List<Double> at = new ArrayList<>();
            loop.callLater(10, () -> at.add(clock.time()));
            loop.callLater(1, () -> at.add(clock.time()));
            loop.callLater(2.5, () -> at.add(loop.time()));
            sleep(10);
            sleep(0);
            return at;
        });
        assertThat(seen).containsExactly(1.0, 2.5, 10.0);
        assertThat(clock.time()).isEqualTo(10.0);
    }

    @Test
    void anHourOfSleepTakesNoRealTime() {
        VirtualClock clock = new VirtualClock();
        long start = System.nanoTime();
        double t = run(clock, () -> {
            for (int i = 0; i < 60; i++) {
                sleep(60);
            }
            return clock.time();
        });
        assertThat(t).isEqualTo(3600.0);
        assertThat(System.nanoTime() - start).as("real nanoseconds").isLessThan(30 * S);
    }

    @Test
    void concurrentSleepersWakeInDeadlineOrderAtTheirVirtualTimes() {
        VirtualClock clock = new VirtualClock();
        List<String> log = run(clock, () -> {
            List<String> out = new ArrayList<>();
            Task<Void> a = createTask(() -> {
                sleep(3);
                out.add("a@" + clock.time());
            });
            Task<Void> b = createTask(() -> {
                sleep(1);
                out.add("b@" + clock.time());
                sleep(1);
                out.add("b@" + clock.time());
            });
            Asyncio.gather(a, b);
            return out;
        });
        assertThat(log).containsExactly("b@1.0", "b@2.0", "a@3.0");
    }

    @Test
    void awaitingAFutureNobodyCompletesIsAStalledError() {
        VirtualClock clock = new VirtualClock();
        AtomicReference<EventLoop> loop = new AtomicReference<>();
        assertThatThrownBy(() -> Asyncio.run(() -> {
            Future<String> nobody = Asyncio.getRunningLoop().createFuture();
            return nobody.await();
        }, null, () -> {
            loop.set(new EventLoop(clock));
            return loop.get();
        })).isInstanceOf(StalledError.class).hasMessageContaining("nothing can ever wake it");
        // Asyncio.run still cleaned up: the main task was cancelled and the loop closed.
        assertThat(loop.get().isClosed()).isTrue();
    }

    @Test
    void aDeadlockBetweenTwoTasksIsAStalledError() {
        VirtualClock clock = new VirtualClock();
        assertThatThrownBy(() -> run(clock, () -> {
            EventLoop loop = Asyncio.getRunningLoop();
            Future<String> fromA = loop.createFuture();
            Future<String> fromB = loop.createFuture();
            Task<Void> a = createTask(() -> fromA.setResult("a saw " + fromB.await()));
            Task<Void> b = createTask(() -> fromB.setResult("b saw " + fromA.await()));
            sleep(5);
            Asyncio.gather(a, b);
            return null;
        })).isInstanceOf(StalledError.class);
        // Time went as far as it could: the sleep's timer.
        assertThat(clock.time()).isEqualTo(5.0);
    }

    /** A clock that tells the test when the loop goes idle while work is in flight. */
    private static final class SpyClock implements Clock {
        final VirtualClock clock = new VirtualClock();
        final CountDownLatch idleWhileInFlight = new CountDownLatch(1);
        final List<String> calls = Collections.synchronizedList(new ArrayList<>());

        @Override
        public long nanoTime() {
            return clock.nanoTime();
        }

        @Override
        public long idleWait(long deadline, boolean inFlight) {
            calls.add((deadline == Long.MAX_VALUE ? "none" : String.valueOf(deadline / 1e9)) + (inFlight ? " in flight" : ""));
            long wait = clock.idleWait(deadline, inFlight);
            if (inFlight) {
                idleWhileInFlight.countDown();
            }
            return wait;
        }
    }

    /** Work in flight (a toThread job) keeps virtual time still, even with a timer pending. */
    @Test
    void workInFlightKeepsVirtualTimeStill() {
        SpyClock spy = new SpyClock();
        List<String> log = Asyncio.run(() -> {
            List<String> out = Collections.synchronizedList(new ArrayList<>());
            Task<Void> timer = createTask(() -> {
                sleep(10);
                out.add("timer fired at " + spy.clock.time());
            });
            sleep(0);
            // The worker returns only once the loop went idle with the job in flight and a timer due
            // at 10: an autojump then would have fired the timer first.
            double seenByWorker = toThread(() -> {
                if (!spy.idleWhileInFlight.await(20, TimeUnit.SECONDS)) {
                    throw new AssertionError("the loop never went idle");
                }
                return spy.clock.time();
            });
            out.add("worker saw " + seenByWorker + ", timer done=" + timer.done());
            timer.await();
            return out;
        }, null, () -> new EventLoop(spy));
        assertThat(log).containsExactly("worker saw 0.0, timer done=false", "timer fired at 10.0");
        assertThat(spy.calls).contains("10.0 in flight");
    }

    @Test
    void aClockWithoutAutojumpWaitsForAdvancePlusAWakeup() throws Exception {
        VirtualClock clock = new VirtualClock(false);
        CompletableFuture<EventLoop> armed = new CompletableFuture<>();
        Thread helper = Thread.ofPlatform().start(() -> {
            EventLoop loop = armed.join();
            clock.advance(5);
            loop.callSoonThreadsafe(() -> {});
        });
        String result = run(clock, () -> {
            EventLoop loop = Asyncio.getRunningLoop();
            Future<String> f = loop.createFuture();
            loop.callAt(5.0, () -> f.setResult("fired at " + clock.time()));
            armed.complete(loop);
            return f.await();
        });
        helper.join();
        assertThat(result).isEqualTo("fired at 5.0");
    }

    /**
     * A wrapped future that the loop itself completes from a timer: under real time it completes
     * after 2 s. Under a VirtualClock the wrapped future counts as work in flight, so time never
     * jumps to the timer and the loop waits forever (a watchdog turns the hang into a failure).
     */
    @Test
    void inFlightWorkThatDependsOnALoopTimerDoesNotFreezeTime() throws Exception {
        VirtualClock clock = new VirtualClock();
        CountDownLatch finished = new CountDownLatch(1);
        AtomicReference<EventLoop> loopRef = new AtomicReference<>();
        Thread watchdog = Thread.ofPlatform().daemon().start(() -> {
            try {
                if (!finished.await(10, TimeUnit.SECONDS)) {
                    EventLoop l = loopRef.get();
                    l.callSoonThreadsafe(() -> {
                        for (Task<?> t : l.allTasks()) {
                            t.cancel("watchdog: virtual time froze");
                        }
                    });
                }
            } catch (InterruptedException e) {
                // test over
            }
        });
        try {
            String result = Asyncio.run(() -> {
                EventLoop loop = Asyncio.getRunningLoop();
                Future<String> f = loop.createFuture();
                Future<String> back = Asyncio.wrapFuture(f.toCompletableFuture());
                loop.callLater(2, () -> f.setResult("after 2 s"));
                return back.await();
            }, null, () -> {
                loopRef.set(new EventLoop(clock));
                return loopRef.get();
            });
            assertThat(result).isEqualTo("after 2 s");
            assertThat(clock.time()).isEqualTo(2.0);
        } finally {
            finished.countDown();
            watchdog.join();
        }
    }
}
