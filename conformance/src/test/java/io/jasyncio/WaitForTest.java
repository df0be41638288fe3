package io.jasyncio;

import static io.jasyncio.Asyncio.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.jasyncio.testing.AsyncioExtension;
import io.jasyncio.testing.Steps;
import io.jasyncio.testing.VirtualClock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code waitFor} with asyncio 3.12+ semantics (built on {@code timeout()}): the inner is cancelled
 * on timeout and its cancellation awaited; null, zero and negative timeouts; cancellation of the
 * waiter. Ported from CPython 3.13's test_waitfor.py and surface notes 2.7.
 */
@ExtendWith(AsyncioExtension.class)
class WaitForTest {

    /** SlowTask of test_waitfor.py: runs until {@code duration} has passed, ignoring cancel requests. */
    private static final class SlowTask {
        boolean exited;
        int cancelsIgnored;

        void run(EventLoop loop, double duration) {
            double exitAt = loop.time() + duration;
            while (true) {
                double toSleep = exitAt - loop.time();
                if (toSleep <= 0) {
                    break;
                }
                try {
                    sleep(toSleep);
                } catch (CancelledError e) {
                    cancelsIgnored++;
                }
            }
            exited = true;
        }
    }

    // ---- no timeout reached ----

    @Test
    void waitForReturnsTheResultOfAFutureDoneBeforeTheDeadline(EventLoop loop, VirtualClock clock) {
        // test_wait_for_race_condition
        Future<String> fut = loop.createFuture();
        loop.callSoon(() -> fut.setResult("ok"));
        assertThat(waitFor(fut, 0.2)).isEqualTo("ok");
        assertThat(clock.time()).isEqualTo(0.0);
        sleep(1); // the timeout's timer is gone
        assertThat(currentTask().cancelling()).isZero();
    }

    @Test
    void waitForWithNullTimeoutWaitsAsLongAsItTakes(VirtualClock clock) {
        // test_wait_for_blocking
        assertThat(waitFor(() -> "done", null)).isEqualTo("done");
        assertThat(waitFor(() -> sleep(1000, "late"), null)).isEqualTo("late");
        Task<String> t = createTask(() -> sleep(500, "task"));
        assertThat(waitFor(t, (Double) null)).isEqualTo("task");
        assertThat(clock.time()).isEqualTo(1500.0);
    }

    @Test
    void waitForRunsACoroutineInlineInTheCallingTask() {
        // 3.12+: wait_for(coro) is `async with timeout(): return await coro`
        Task<?> me = currentTask();
        Task<?> seen = waitFor(() -> {
            sleep(0.1);
            return currentTask();
        }, 10.0);
        assertThat(seen).isSameAs(me);
        assertThat(allTasks()).containsExactly(me);
    }

    @Test
    void waitForPropagatesTheInnerExceptionUnchanged() {
        IllegalStateException boom = new IllegalStateException("boom");
        assertThat(catchThrowable(() -> waitFor(() -> {
            sleep(0.1);
            throw boom;
        }, 1.0))).isSameAs(boom);
    }

    // ---- timeout ----

    @Test
    void waitForTimesOutCancelsTheTaskAndLetsItsFinallyRun(VirtualClock clock) {
        // test_wait_for
        List<String> log = new ArrayList<>();
        Task<String> fut = createTask(() -> {
            log.add("running");
            try {
                sleep(1000);
            } finally {
                log.add("finally at " + clock.time());
            }
            return "done";
        });
        Throwable e = catchThrowable(() -> waitFor(fut, 0.1));
        assertThat(e).isInstanceOf(TimeoutError.class);
        assertThat(fut.done()).isTrue();
        assertThat(fut.cancelled()).isTrue();
        assertThat(log).containsExactly("running", "finally at 0.1");
        assertThat(clock.time()).isEqualTo(0.1);
        assertThat(currentTask().cancelling()).isZero();
    }

    @Test
    void waitForWaitsForTheInnerCancellationToFinish(VirtualClock clock) {
        // test_wait_for_waits_for_task_cancellation (bpo-32751): total time exceeds the timeout
        Steps steps = new Steps();
        Task<Void> inner = createTask(() -> {
            try {
                steps.expect(1);
                sleep(10);
            } catch (CancelledError e) {
                steps.expect(2);
                sleep(0.5);
                steps.expect(3);
                throw e;
            }
        });
        Throwable e = catchThrowable(() -> waitFor(inner, 0.25));
        steps.finish(4);
        assertThat(e).isInstanceOf(TimeoutError.class).hasCauseInstanceOf(CancelledError.class);
        assertThat(inner.cancelled()).isTrue();
        assertThat(clock.time()).isEqualTo(0.75);
    }

    @Test
    void waitForOfACoroutineWaitsForItsSuspendingCleanup(VirtualClock clock) {
        List<String> log = new ArrayList<>();
        Throwable e = catchThrowable(() -> waitFor(() -> {
            try {
                sleep(10);
            } finally {
                log.add("cleanup starts at " + clock.time());
                sleep(2);
                log.add("cleanup ends at " + clock.time());
            }
        }, 1.0));
        assertThat(e).isInstanceOf(TimeoutError.class);
        assertThat(log).containsExactly("cleanup starts at 1.0", "cleanup ends at 3.0");
    }

    @Test
    void waitForTimeoutCancelsAPlainFuture(EventLoop loop, VirtualClock clock) {
        Future<String> fut = loop.createFuture();
        Throwable e = catchThrowable(() -> waitFor(fut, 1.0));
        assertThat(e).isInstanceOf(TimeoutError.class).hasCauseInstanceOf(CancelledError.class);
        assertThat(fut.cancelled()).isTrue();
        assertThat(clock.time()).isEqualTo(1.0);
    }

    @Test
    void outerTimeoutExpiringWhileWaitForAwaitsTheInnerCleanupInterruptsItAndOnlyTheOuterConverts(VirtualClock clock) {
        // The waitFor's own deadline (1) cancels the inner task, whose finally suspends for 5;
        // the enclosing timeout (2) fires during that cleanup: the second cancel reaches the inner
        // task, waitFor lets the CancelledError through and only the enclosing scope converts.
        List<String> log = new ArrayList<>();
        Task<Void> inner = createTask(() -> {
            try {
                sleep(10);
            } finally {
                log.add("cleanup at " + clock.time());
                try {
                    sleep(5);
                } catch (CancelledError e) {
                    log.add("cleanup interrupted at " + clock.time());
                    throw e;
                }
            }
        });
        Throwable e = catchThrowable(() -> timeout(2).run(() -> {
            try {
                waitFor(inner, 1.0);
            } catch (Throwable t) {
                log.add("waitFor raised " + t.getClass().getSimpleName());
                throw t;
            }
        }));
        assertThat(e).isInstanceOf(TimeoutError.class);
        assertThat(log).containsExactly("cleanup at 1.0", "cleanup interrupted at 2.0", "waitFor raised CancelledError");
        assertThat(inner.cancelled()).isTrue();
        assertThat(clock.time()).isEqualTo(2.0);
        assertThat(currentTask().cancelling()).isZero();
    }

    @Test
    void waitForReraisesAnExceptionRaisedDuringCancellation() {
        // test_wait_for_reraises_exception_during_cancellation
        class FooException extends RuntimeException {}
        Task<Void> inner = createTask(() -> {
            try {
                sleep(0.2);
            } finally {
                throw new FooException();
            }
        });
        assertThat(catchThrowable(() -> waitFor(inner, 0.0001))).isInstanceOf(FooException.class);
        assertThat(inner.exception()).isInstanceOf(FooException.class);
    }

    @Test
    void waitForReturnsTheValueOfACoroutineThatSuppressesTheCancellation(VirtualClock clock) {
        // test_wait_for_cancel_suppressed (GH-86296)
        int r = waitFor(() -> {
            try {
                sleep(10);
                return 0;
            } catch (CancelledError e) {
                return 42;
            }
        }, 0.1);
        assertThat(r).isEqualTo(42);
        assertThat(clock.time()).isEqualTo(0.1);
        assertThat(currentTask().cancelling()).isZero();
    }

    @Test
    void waitForReturnsTheValueOfATaskThatSuppressesTheCancellation(VirtualClock clock) {
        Task<Integer> inner = createTask(() -> {
            try {
                sleep(10);
                return 0;
            } catch (CancelledError e) {
                sleep(0.5);
                return 42;
            }
        });
        assertThat(waitFor(inner, 0.1)).isEqualTo(42);
        assertThat(inner.cancelled()).isFalse();
        assertThat(clock.time()).isEqualTo(0.6);
        assertThat(currentTask().cancelling()).isZero();
    }

    @Test
    void waitForCancellationRaceReturnsTheInnerResult() {
        // test_wait_for_cancellation_race_condition
        int r = waitFor(() -> {
            assertThatThrownBy(() -> sleep(1)).isInstanceOf(CancelledError.class);
            return 1;
        }, 0.01);
        assertThat(r).isEqualTo(1);
    }

    @Test
    void waitForOfACoroutineIgnoringCancellationReturnsWhenItEnds(EventLoop loop, VirtualClock clock) {
        // test_asyncio_wait_for_timeout: the coroutine swallows the expiry and ends normally,
        // so no TimeoutError is raised
        SlowTask t = new SlowTask();
        waitFor(() -> t.run(loop, 0.2), 0.1);
        assertThat(t.exited).isTrue();
        assertThat(t.cancelsIgnored).isEqualTo(1);
        assertThat(clock.time()).isCloseTo(0.2, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void cancellingAWaitForOfACoroutineIgnoringCancellationLetsItFinish(EventLoop loop) {
        // test_asyncio_wait_for_cancelled
        SlowTask t = new SlowTask();
        Task<Void> waitForTask = createTask(() -> waitFor(() -> t.run(loop, 0.2), 0.4));
        sleep(0);
        waitForTask.cancel();
        Asyncio.wait(List.of(waitForTask));
        assertThat(t.exited).isTrue();
        assertThat(t.cancelsIgnored).isEqualTo(1);
    }

    // ---- zero and negative timeouts ----

    @Test
    void waitForWithZeroTimeoutReturnsTheResultOfAnAlreadyDoneFuture(EventLoop loop) {
        // test_wait_for_timeout_less_then_0_or_0_future_done
        Future<String> fut = loop.createFuture();
        fut.setResult("done");
        assertThat(waitFor(fut, 0.0)).isEqualTo("done");
        assertThat(waitFor(fut, -1.0)).isEqualTo("done");
        assertThat(fut.done()).isTrue();
    }

    @Test
    void waitForWithZeroTimeoutNeverStartsTheCoroutine(VirtualClock clock) {
        // test_wait_for_timeout_less_then_0_or_0_coroutine_do_not_started
        List<String> log = new ArrayList<>();
        assertThatThrownBy(() -> waitFor(() -> log.add("started"), 0.0)).isInstanceOf(TimeoutError.class);
        assertThat(log).isEmpty();
        assertThat(clock.time()).isEqualTo(0.0);
    }

    @Test
    void waitForWithNegativeTimeoutNeverStartsTheCoroutine() {
        List<String> log = new ArrayList<>();
        assertThatThrownBy(() -> waitFor(() -> {
            log.add("started");
        }, -1.0)).isInstanceOf(TimeoutError.class);
        sleep(0); // not started later either
        assertThat(log).isEmpty();
    }

    @Test
    void waitForWithZeroOrNegativeTimeoutCancelsARunningTask(EventLoop loop) {
        // test_wait_for_timeout_less_then_0_or_0
        for (double timeout : new double[] {0, -1}) {
            List<String> log = new ArrayList<>();
            Future<Void> started = loop.createFuture();
            Task<String> fut = createTask(() -> {
                log.add("running");
                started.setResult(null);
                try {
                    sleep(10);
                } finally {
                    log.add("stopped");
                }
                return "done";
            });
            started.await();
            assertThatThrownBy(() -> waitFor(fut, timeout)).as("timeout %s", timeout).isInstanceOf(TimeoutError.class);
            assertThat(fut.done()).isTrue();
            assertThat(fut.cancelled()).isTrue();
            assertThat(log).containsExactly("running", "stopped");
        }
    }

    @Test
    void waitForWithZeroTimeoutWaitsForTheTaskCancellationToFinish(VirtualClock clock) {
        // test_wait_for_waits_for_task_cancellation_w_timeout_0
        Steps steps = new Steps();
        Task<Void> inner = createTask(() -> {
            try {
                steps.expect(1);
                sleep(10);
            } catch (CancelledError e) {
                steps.expect(2);
                sleep(0.5);
                steps.expect(3);
                throw e;
            }
        });
        sleep(0.1);
        Throwable e = catchThrowable(() -> waitFor(inner, 0.0));
        steps.finish(4);
        assertThat(e).isInstanceOf(TimeoutError.class).hasCauseInstanceOf(CancelledError.class);
        assertThat(clock.time()).isEqualTo(0.6);
    }

    @Test
    void waitForWithZeroTimeoutReturnsTheValueOfATaskThatSuppressesTheCancellation() {
        Task<Integer> inner = createTask(() -> {
            try {
                sleep(10);
                return 0;
            } catch (CancelledError e) {
                return 42;
            }
        });
        sleep(0);
        assertThat(waitFor(inner, 0.0)).isEqualTo(42);
    }

    // ---- cancelling the waiter ----

    @Test
    void cancellingABlockingWaitForCancelsTheInnerTask(EventLoop loop) {
        // test_cancel_blocking_wait_for (Python issue #23219)
        cancellingTheWaiterCancelsTheInnerTask(loop, null);
    }

    @Test
    void cancellingAWaitForWithATimeoutCancelsTheInnerTask(EventLoop loop) {
        // test_cancel_wait_for
        cancellingTheWaiterCancelsTheInnerTask(loop, 60.0);
    }

    private static void cancellingTheWaiterCancelsTheInnerTask(EventLoop loop, Double timeout) {
        Task<Void> task = createTask(() -> {
            Future<Void> fut = loop.createFuture();
            fut.await(); // never set
        });
        Task<Void> wait = createTask(() -> {
            waitFor(task, timeout);
        });
        loop.callSoon(wait::cancel);
        assertThat(catchThrowable(wait::await)).isInstanceOf(CancelledError.class);
        assertThat(task.cancelled()).isTrue();
        assertThat(wait.cancelled()).isTrue();
    }

    @Test
    void outerCancelRacingWithInnerCompletionIsNotSwallowed() {
        // test_wait_for_issue86296
        Task<String> innerTask = createTask(() -> "done");
        List<String> log = new ArrayList<>();
        Task<Void> task = createTask(() -> {
            waitFor(innerTask, 100.0);
            sleep(1);
            log.add("reached end");
        });
        assertThat(task.done()).isFalse();
        sleep(0);
        task.cancel();
        assertThat(catchThrowable(task::await)).isInstanceOf(CancelledError.class);
        assertThat(innerTask.done()).isTrue();
        assertThat(innerTask.await()).isEqualTo("done");
        assertThat(log).isEmpty();
        assertThat(task.cancelled()).isTrue();
    }

    // ---- with shield (WaitForShieldTests) ----

    @Test
    void waitForWithZeroTimeoutOfAShieldedTaskCancelsOnlyTheShield() {
        // WaitForShieldTests.test_zero_timeout
        Task<String> task = createTask(() -> sleep(0.01, "done"));
        Future<String> shielded = shield(task);
        assertThatThrownBy(() -> waitFor(shielded, 0.0)).isInstanceOf(TimeoutError.class);
        assertThat(task.done()).isFalse();
        assertThat(task.cancelled()).isFalse();
        assertThat(shielded.cancelled()).isTrue();
        sleep(0.1);
        assertThat(task.done()).isTrue();
        assertThat(task.result()).isEqualTo("done");
    }

    @Test
    void waitForWithNullTimeoutOfAShieldedTaskRunsItToCompletion() {
        // WaitForShieldTests.test_none_timeout
        Task<String> task = createTask(() -> sleep(0.1, "done"));
        assertThat(waitFor(shield(task), (Double) null)).isEqualTo("done");
        assertThat(task.done()).isTrue();
        assertThat(task.await()).isEqualTo("done");
    }

    @Test
    void waitForTimingOutOnAShieldedTaskLeavesTheTaskRunning(VirtualClock clock) {
        // WaitForShieldTests.test_shielded_timeout
        Task<String> task = createTask(() -> sleep(0.1, "done"));
        assertThatThrownBy(() -> waitFor(shield(task), 0.01)).isInstanceOf(TimeoutError.class);
        assertThat(clock.time()).isEqualTo(0.01);
        assertThat(task.done()).isFalse();
        assertThat(task.cancelled()).isFalse();
        assertThat(task.await()).isEqualTo("done");
        assertThat(clock.time()).isEqualTo(0.1);
    }
}
