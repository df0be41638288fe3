package io.jasyncio;

import static io.jasyncio.Asyncio.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.jasyncio.testing.AsyncioExtension;
import io.jasyncio.testing.Steps;
import io.jasyncio.testing.VirtualClock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Task cancellation: before start, while suspended, after done, at the end; propagation to the
 * awaited future or task and to awaiters; messages; cancelling()/uncancel(). Ported from CPython's
 * test_tasks.py (3.13) test_cancel* / test_uncancel* / test_cancelling and surface notes 2.3.
 */
@ExtendWith(AsyncioExtension.class)
class TaskCancellationTest {

    // ---- before start ----

    @Test
    void cancelBeforeStartEndsTheTaskWithoutRunningAnyOfItsCode() {
        List<String> log = new ArrayList<>();
        Task<Void> t = createTask(() -> {
            log.add("ran");
        });
        assertThat(t.cancel()).isTrue();
        assertThat(t.cancelled()).as("not cancelled until it runs").isFalse();
        assertThat(t.done()).isFalse();
        assertThat(t.cancelling()).isEqualTo(1);
        assertThat(catchThrowable(t::await)).isInstanceOf(CancelledError.class);
        assertThat(log).isEmpty();
        assertThat(t.cancelled()).isTrue();
        assertThat(t.cancel()).isFalse();
    }

    @Test
    void cancelTwiceBeforeStartDeliversOneCancelledErrorButCountsTwo() {
        Task<Void> t = createTask(() -> sleep(10));
        assertThat(t.cancel("first")).isTrue();
        assertThat(t.cancel("second")).isTrue();
        assertThat(t.cancelling()).isEqualTo(2);
        // The last message wins.
        assertThat(catchThrowable(t::await)).isInstanceOf(CancelledError.class).hasMessage("second");
        assertThat(t.cancelling()).isEqualTo(2);
    }

    @Test
    void cancelWithMessageBeforeStartReachesEveryoneWhoAsks() {
        // test_cancel_with_message_before_starting_task
        Task<Void> t = createTask(() -> sleep(10));
        t.cancel("my message");
        Throwable e = catchThrowable(t::await);
        assertThat(e).isInstanceOf(CancelledError.class).hasMessage("my message").hasNoCause();
        assertThat(t.cancelled()).isTrue();
    }

    @Test
    void cancelTwiceWhileReadyDeliversOneCancelledErrorButCountsTwo() {
        List<String> log = new ArrayList<>();
        Task<String> t = createTask(() -> {
            for (int i = 0; i < 3; i++) {
                try {
                    sleep(0);
                    log.add("slept");
                } catch (CancelledError e) {
                    log.add("cancelled");
                }
            }
            return "survived";
        });
        sleep(0);
        assertThat(t.cancel()).isTrue();
        assertThat(t.cancel()).isTrue();
        assertThat(t.await()).isEqualTo("survived");
        assertThat(log).containsExactly("cancelled", "slept", "slept");
        assertThat(t.cancelling()).isEqualTo(2);
        assertThat(t.cancelled()).isFalse();
    }

    @Test
    void cancelTwiceWhileAwaitingAFutureDeliversOneCancelledError(VirtualClock clock) {
        List<String> log = new ArrayList<>();
        Task<String> t = createTask(() -> {
            try {
                sleep(10);
            } catch (CancelledError e) {
                log.add("cancelled");
            }
            sleep(1);
            return "survived";
        });
        sleep(0);
        assertThat(t.cancel()).isTrue();
        assertThat(t.cancel()).isTrue();
        assertThat(t.await()).isEqualTo("survived");
        assertThat(log).containsExactly("cancelled");
        assertThat(t.cancelling()).isEqualTo(2);
        assertThat(clock.time()).isEqualTo(1.0);
    }

    @Test
    void secondCancelWhileSleepingDoesNotChangeTheMessageOfTheFirst() {
        Task<Void> t = createTask(() -> sleep(10));
        sleep(0);
        t.cancel("first");
        t.cancel("second");
        assertThat(catchThrowable(t::await)).isInstanceOf(CancelledError.class).hasMessage("first");
    }

    @Test
    void secondCancelWhileAwaitingAFutureDoesNotChangeTheMessageOfTheFirst(EventLoop loop) {
        Future<String> fut = loop.createFuture();
        Task<String> t = createTask(fut::await);
        sleep(0);
        t.cancel("first");
        t.cancel("second");
        assertThat(catchThrowable(t::await)).isInstanceOf(CancelledError.class).hasMessage("first");
    }

    // ---- while suspended (test_cancel, test_cancel_yield, test_task_cancel_waiter_future) ----

    @Test
    void cancelWhileSleepingRaisesAtTheSleep(EventLoop loop, VirtualClock clock) {
        List<String> log = new ArrayList<>();
        Task<Integer> t = createTask(() -> {
            log.add("started");
            sleep(10);
            log.add("not reached");
            return 12;
        });
        loop.callSoon(t::cancel);
        assertThat(catchThrowable(t::await)).isInstanceOf(CancelledError.class);
        assertThat(log).containsExactly("started");
        assertThat(t.done()).isTrue();
        assertThat(t.cancelled()).isTrue();
        assertThat(t.cancel()).isFalse();
        assertThat(clock.time()).isEqualTo(0.0);
    }

    @Test
    void cancelWhileYieldingRaisesAtTheNextStep() {
        List<String> log = new ArrayList<>();
        Task<Integer> t = createTask(() -> {
            sleep(0);
            log.add("second step");
            sleep(0);
            log.add("not reached");
            return 12;
        });
        sleep(0);
        t.cancel();
        assertThat(catchThrowable(t::await)).isInstanceOf(CancelledError.class);
        assertThat(log).isEmpty();
        assertThat(t.cancelled()).isTrue();
    }

    @Test
    void cancelOfATaskAwaitingAFutureCancelsThatFutureWithTheMessage(EventLoop loop) {
        Future<String> fut = loop.createFuture();
        Task<String> t = createTask(fut::await);
        sleep(0);
        assertThat(t.cancel("msg")).isTrue();
        assertThat(fut.cancelled()).as("cancelled at once").isTrue();
        assertThat(catchThrowable(fut::result)).hasMessage("msg");
        assertThat(catchThrowable(t::await)).isInstanceOf(CancelledError.class).hasMessage("msg");
        assertThat(t.cancelled()).isTrue();
    }

    @Test
    void cancelOfASleepingTaskFromATimer(EventLoop loop, VirtualClock clock) {
        // test_task_cancel_sleeping_task
        Task<Void> sleeper = createTask(() -> sleep(5000));
        loop.callLater(0.1, sleeper::cancel);
        String outcome;
        try {
            sleeper.await();
            outcome = "slept in";
        } catch (CancelledError e) {
            outcome = "cancelled";
        }
        assertThat(outcome).isEqualTo("cancelled");
        assertThat(clock.time()).isEqualTo(0.1);
    }

    @Test
    void cancelledAwaitedFutureCancelsTheTaskThatAwaitsIt(EventLoop loop) {
        // test_cancel_inner_future
        Future<String> fut = loop.createFuture();
        Task<Integer> t = createTask(() -> {
            fut.await();
            return 12;
        });
        sleep(0);
        fut.cancel();
        assertThat(catchThrowable(t::await)).isInstanceOf(CancelledError.class);
        assertThat(t.cancelled()).isTrue();
        assertThat(t.cancelling()).as("nobody cancelled the task itself").isEqualTo(0);
    }

    @Test
    void cancelOfBothTheTaskAndItsAwaitedFutureEndsItCancelled(EventLoop loop) {
        // test_cancel_both_task_and_inner_future
        Future<String> fut = loop.createFuture();
        Task<Integer> t = createTask(() -> {
            fut.await();
            return 12;
        });
        sleep(0);
        fut.cancel();
        assertThat(t.cancel()).isTrue();
        assertThat(catchThrowable(t::await)).isInstanceOf(CancelledError.class);
        assertThat(t.cancelled()).isTrue();
        assertThat(fut.cancelled()).isTrue();
    }

    @Test
    void cancelWinsOverAResultThatArrivedBeforeTheTaskRan(EventLoop loop) {
        Future<String> fut = loop.createFuture();
        List<String> log = new ArrayList<>();
        Task<String> t = createTask(() -> {
            try {
                return fut.await();
            } catch (CancelledError e) {
                log.add("cancelled although the result was there");
                throw e;
            }
        });
        sleep(0);
        fut.setResult("result");
        assertThat(t.cancel()).as("the request is kept although the future refused it").isTrue();
        assertThat(catchThrowable(t::await)).isInstanceOf(CancelledError.class);
        assertThat(log).containsExactly("cancelled although the result was there");
    }

    @Test
    void cancelWinsOverAnExceptionThatArrivedBeforeTheTaskRanAndThatExceptionCountsAsRetrieved(EventLoop loop) {
        // asyncio's __wakeup calls future.result() before __step throws the cancellation in, so the
        // future's exception is not reported as lost (this test has no ExceptionRecorder, so any
        // report fails it).
        Future<String> fut = loop.createFuture();
        Task<String> t = createTask(fut::await);
        sleep(0);
        fut.setException(new IllegalStateException("overtaken by the cancel"));
        t.cancel();
        assertThat(catchThrowable(t::await)).isInstanceOf(CancelledError.class);
        assertThat(t.cancelled()).isTrue();
    }

    // ---- a task that catches the cancellation (test_cancel_task_catching, test_cancel_task_ignoring) ----

    @Test
    void taskThatCatchesCancelledErrorKeepsRunningAndIsNotCancelled(EventLoop loop) {
        Future<String> fut1 = loop.createFuture();
        Future<String> fut2 = loop.createFuture();
        Task<Integer> t = createTask(() -> {
            fut1.await();
            try {
                fut2.await();
            } catch (CancelledError e) {
                return 42;
            }
            return 0;
        });
        sleep(0);
        fut1.setResult(null);
        sleep(0);
        t.cancel();
        assertThat(fut2.cancelled()).isTrue();
        assertThat(t.await()).isEqualTo(42);
        assertThat(t.cancelled()).isFalse();
        assertThat(t.cancelling()).isEqualTo(1);
    }

    @Test
    void taskIgnoringCancellationIsNotInterruptedAtItsNextAwait(EventLoop loop) {
        Future<String> fut1 = loop.createFuture();
        Future<String> fut2 = loop.createFuture();
        Future<Integer> fut3 = loop.createFuture();
        Task<Integer> t = createTask(() -> {
            fut1.await();
            try {
                fut2.await();
            } catch (CancelledError e) {
                // ignored
            }
            return fut3.await();
        });
        sleep(0);
        fut1.setResult(null);
        sleep(0);
        t.cancel();
        assertThat(fut2.cancelled()).isTrue();
        sleep(0);
        assertThat(t.done()).isFalse();
        fut3.setResult(42);
        assertThat(t.await()).isEqualTo(42);
        assertThat(fut3.cancelled()).isFalse();
        assertThat(t.cancelled()).isFalse();
    }

    @Test
    void cleanupInFinallyMayAwaitAfterTheCancellation(VirtualClock clock) {
        List<String> log = new ArrayList<>();
        Task<Void> t = createTask(() -> {
            try {
                sleep(10);
            } finally {
                log.add("cleanup start at " + clock.time());
                sleep(1);
                log.add("cleanup end at " + clock.time());
            }
        });
        sleep(0);
        t.cancel();
        assertThat(catchThrowable(t::await)).isInstanceOf(CancelledError.class);
        assertThat(log).containsExactly("cleanup start at 0.0", "cleanup end at 1.0");
        assertThat(t.cancelled()).isTrue();
    }

    @Test
    void cancelledErrorIsNotCaughtByCatchExceptionInATask() {
        List<String> log = new ArrayList<>();
        Task<Void> t = createTask(() -> {
            try {
                sleep(10);
            } catch (Exception e) {
                log.add("swallowed");
            }
            log.add("went on");
        });
        sleep(0);
        t.cancel();
        assertThat(catchThrowable(t::await)).isInstanceOf(CancelledError.class);
        assertThat(log).isEmpty();
        assertThat(t.cancelled()).isTrue();
    }

    @Test
    void exceptionRaisedWhileHandlingTheCancellationEndsTheTaskWithThatException() {
        // test_baseexception_during_cancel, with an ordinary exception: the task is not cancelled.
        IllegalStateException replacement = new IllegalStateException("instead");
        Task<Void> t = createTask(() -> {
            try {
                sleep(10);
            } catch (CancelledError e) {
                throw replacement;
            }
        });
        sleep(0);
        t.cancel();
        assertThat(t.done()).isFalse();
        assertThat(catchThrowable(t::await)).isSameAs(replacement);
        assertThat(t.cancelled()).isFalse();
        assertThat(t.exception()).isSameAs(replacement);
    }

    // ---- after done, at the end, self-cancellation ----

    @Test
    void cancelAfterDoneReturnsFalseAndChangesNothing() {
        Task<String> t = createTask(() -> "r");
        t.await();
        assertThat(t.cancel()).isFalse();
        assertThat(t.cancel("msg")).isFalse();
        assertThat(t.cancelling()).isEqualTo(0);
        assertThat(t.cancelled()).isFalse();
        assertThat(t.result()).isEqualTo("r");
    }

    @Test
    void cancelAtTheEndEndsTheTaskCancelled() {
        // test_cancel_at_end: the coroutine returns right after its task was cancelled.
        Task<?>[] self = new Task<?>[1];
        self[0] = createTask(() -> {
            self[0].cancel("at end");
            return 12;
        });
        assertThat(catchThrowable(self[0]::await)).isInstanceOf(CancelledError.class).hasMessage("at end");
        assertThat(self[0].done()).isTrue();
        assertThat(self[0].cancelled()).isTrue();
        assertThat(self[0].cancel()).isFalse();
    }

    @Test
    void cancelOfTheCurrentTaskInterruptsItsNextAwaitAtOnce(VirtualClock clock) {
        // test_cancel_current_task
        List<String> log = new ArrayList<>();
        Task<?>[] self = new Task<?>[1];
        self[0] = createTask(() -> {
            assertThat(self[0].cancel()).isTrue();
            log.add("still running after cancel()");
            sleep(100);
            log.add("not reached");
            return 12;
        });
        assertThat(catchThrowable(self[0]::await)).isInstanceOf(CancelledError.class);
        assertThat(log).containsExactly("still running after cancel()");
        assertThat(self[0].cancelled()).isTrue();
        assertThat(clock.time()).isEqualTo(0.0);
    }

    @Test
    void selfCancelledTaskCancelsTheNextTaskItAwaits(EventLoop loop) {
        // test_cancel_awaited_task (bpo-34872)
        Future<String> fut = loop.createFuture();
        Task<?>[] nested = new Task<?>[1];
        Task<?>[] self = new Task<?>[1];
        self[0] = createTask(() -> {
            nested[0] = createTask(fut::await);
            sleep(0);
            self[0].cancel();
            nested[0].await();
        });
        assertThat(catchThrowable(self[0]::await)).isInstanceOf(CancelledError.class);
        assertThat(self[0].cancelled()).isTrue();
        assertThat(nested[0].cancelled()).isTrue();
        assertThat(fut.cancelled()).isTrue();
    }

    @Test
    void selfCancelledTaskIsNotInterruptedByAwaitingADoneFuture(EventLoop loop) {
        // Awaiting a done future does not suspend, so the request waits for a real suspension.
        Future<String> done = loop.createFuture();
        done.setResult("ready");
        List<String> log = new ArrayList<>();
        Task<?>[] self = new Task<?>[1];
        self[0] = createTask(() -> {
            self[0].cancel();
            log.add(done.await());
            sleep(0);
            log.add("not reached");
        });
        assertThat(catchThrowable(self[0]::await)).isInstanceOf(CancelledError.class);
        assertThat(log).containsExactly("ready");
    }

    @Test
    void raisingCancelledErrorWithoutACancelRequestStillEndsTheTaskCancelled() {
        CancelledError own = new CancelledError("self");
        Task<Void> t = createTask(() -> {
            throw own;
        });
        Throwable e = catchThrowable(t::await);
        assertThat(e).isSameAs(own);
        assertThat(t.cancelled()).isTrue();
        assertThat(t.cancelling()).isEqualTo(0);
    }

    // ---- propagation through calls and tasks ----

    private static int proof;

    private static void innerWaitsOn(Future<?> waiter) {
        try {
            waiter.await();
        } catch (CancelledError e) {
            proof += 1;
            throw e;
        }
        throw new AssertionError("got past the await in inner()");
    }

    @Test
    void cancellationPropagatesOutOfNestedCallsOfTheTask(EventLoop loop) {
        // test_yield_future_passes_cancel: cancelling outer() cancels inner() cancels waiter.
        proof = 0;
        Future<String> waiter = loop.createFuture();
        Task<Void> f = createTask(() -> {
            try {
                innerWaitsOn(waiter);
            } catch (CancelledError e) {
                proof += 100;
            }
        });
        sleep(0);
        f.cancel();
        f.await();
        assertThat(proof).isEqualTo(101);
        assertThat(waiter.cancelled()).isTrue();
        assertThat(f.cancelled()).isFalse();
    }

    @Test
    void cancelOfATaskAwaitingATaskCancelsTheInnerTaskWithTheMessage() {
        Task<Void> inner = createTask(() -> sleep(10));
        Task<Void> outer = createTask(inner::await);
        sleep(0);
        assertThat(outer.cancel("m")).isTrue();
        assertThat(inner.cancelling()).isEqualTo(1);
        assertThat(catchThrowable(outer::await)).isInstanceOf(CancelledError.class).hasMessage("m");
        assertThat(inner.cancelled()).isTrue();
        assertThat(outer.cancelled()).isTrue();
        assertThat(outer.cancelling()).isEqualTo(1);
    }

    @Test
    void outerTaskGetsTheInnerResultWhenTheInnerTaskSwallowsTheCancellation() {
        Task<String> inner = createTask(() -> {
            try {
                sleep(10);
            } catch (CancelledError e) {
                return "inner swallowed it";
            }
            return "inner slept";
        });
        Task<String> outer = createTask(() -> "outer got: " + inner.await());
        sleep(0);
        outer.cancel();
        assertThat(outer.await()).isEqualTo("outer got: inner swallowed it");
        assertThat(outer.cancelled()).isFalse();
        assertThat(outer.cancelling()).isEqualTo(1);
    }

    @Test
    void awaiterOfACancelledTaskGetsTheVeryCancelledErrorThatEndedIt() {
        // test_task_cancel_message_getter
        CancelledError[] raised = new CancelledError[1];
        Task<Void> t = createTask(() -> {
            try {
                sleep(10);
            } catch (CancelledError e) {
                raised[0] = e;
                throw e;
            }
        });
        sleep(0);
        t.cancel("my message");
        Throwable e = catchThrowable(t::await);
        assertThat(e).isSameAs(raised[0]).hasMessage("my message");
    }

    @Test
    void awaiterOfACancelledTaskIsItselfCancelledWhenItLetsTheErrorPropagate() {
        Task<Void> inner = createTask(() -> sleep(10));
        Task<Void> outer = createTask(inner::await);
        sleep(0);
        inner.cancel("inner only");
        assertThat(catchThrowable(outer::await)).isInstanceOf(CancelledError.class).hasMessage("inner only");
        assertThat(outer.cancelled()).isTrue();
        assertThat(outer.cancelling()).isEqualTo(0);
    }

    @Test
    void cancelledErrorCanBeTheCauseOfAnotherException(EventLoop loop) {
        // test_cancellation_exception_context, with Java's explicit cause.
        Future<String> started = loop.createFuture();
        Task<Void> innerTask = createTask(() -> {
            started.setResult(null);
            sleep(10);
        });
        Task<Void> t = createTask(() -> {
            started.await();
            loop.callSoon(() -> innerTask.cancel("msg"));
            try {
                innerTask.await();
            } catch (CancelledError ex) {
                throw new IllegalStateException("cancelled", ex);
            }
        });
        Throwable e = catchThrowable(t::await);
        assertThat(e).isInstanceOf(IllegalStateException.class).hasMessage("cancelled");
        assertThat(e.getCause()).isInstanceOf(CancelledError.class).hasMessage("msg").hasNoCause();
        assertThat(t.cancelled()).isFalse();
    }

    @Test
    void resultAndExceptionOfACancelledTaskRaiseCancelledErrorWithTheMessage() {
        // test_cancel_with_message_then_future_result / _exception (first retrieval)
        for (boolean viaResult : new boolean[] {true, false}) {
            Task<Void> t = createTask(() -> sleep(10));
            sleep(0);
            t.cancel("my message");
            sleep(0);
            assertThat(t.done()).isTrue();
            Throwable e = viaResult ? catchThrowable(t::result) : catchThrowable(t::exception);
            assertThat(e).isInstanceOf(CancelledError.class).hasMessage("my message").hasNoCause();
        }
    }

    // ---- cancelling() and uncancel() ----

    @Test
    void cancellingCountsTheRequestsAndKeepsTheCountOnceDone() {
        Task<Void> t = createTask(() -> sleep(10));
        assertThat(t.cancelling()).isEqualTo(0);
        assertThat(t.cancel()).isTrue();
        assertThat(t.cancelling()).isEqualTo(1);
        assertThat(t.cancel()).as("a second request is accepted too").isTrue();
        assertThat(t.cancelling()).isEqualTo(2);
        assertThat(catchThrowable(t::await)).isInstanceOf(CancelledError.class);
        assertThat(t.cancelling()).isEqualTo(2);
        assertThat(t.uncancel()).as("uncancel still counts down once done").isEqualTo(1);
        assertThat(t.cancelled()).isTrue();
    }

    @Test
    void uncancelDecrementsAndReturnsTheRemainingCountNeverBelowZero() {
        Task<Void> t = createTask(() -> sleep(10));
        assertThat(t.uncancel()).isEqualTo(0);
        t.cancel();
        t.cancel();
        t.cancel();
        assertThat(t.uncancel()).isEqualTo(2);
        assertThat(t.uncancel()).isEqualTo(1);
        assertThat(t.uncancel()).isEqualTo(0);
        assertThat(t.uncancel()).isEqualTo(0);
        assertThat(t.cancelling()).isEqualTo(0);
        t.cancel();
        catchThrowable(t::await);
    }

    @Test
    void uncancelToZeroDropsACancelRequestNotYetDelivered(EventLoop loop) {
        // test_uncancel_resets_must_cancel (3.13)
        Future<String> fut = loop.createFuture();
        Task<Integer> t = createTask(() -> {
            fut.await();
            return 42;
        });
        sleep(0);
        fut.setResult(null);
        t.cancel();
        assertThat(t.cancelling()).isEqualTo(1);
        assertThat(t.uncancel()).isEqualTo(0);
        assertThat(t.await()).isEqualTo(42);
        assertThat(t.cancelled()).isFalse();
    }

    @Test
    void uncancelToZeroBeforeStartLetsTheTaskRunNormally() {
        Task<String> t = createTask(() -> sleep(0, "ran"));
        t.cancel();
        t.uncancel();
        assertThat(t.await()).isEqualTo("ran");
    }

    @Test
    void uncancelAboveZeroKeepsTheRequestNotYetDelivered() {
        Task<String> t = createTask(() -> sleep(0, "ran"));
        t.cancel();
        t.cancel();
        assertThat(t.uncancel()).isEqualTo(1);
        assertThat(catchThrowable(t::await)).isInstanceOf(CancelledError.class);
    }

    @Test
    void uncancelCannotRecallACancellationAlreadyPassedToTheAwaitedFuture(EventLoop loop) {
        Future<String> fut = loop.createFuture();
        Task<String> t = createTask(() -> {
            try {
                fut.await();
                return "normal";
            } catch (CancelledError e) {
                return "cancelled: " + e.getMessage();
            }
        });
        sleep(0);
        t.cancel("x");
        assertThat(t.uncancel()).isEqualTo(0);
        assertThat(t.await()).isEqualTo("cancelled: x");
        assertThat(fut.cancelled()).isTrue();
    }

    @Test
    void uncancelCannotRecallACancellationAlreadyPassedToASleep() {
        Task<String> t = createTask(() -> {
            try {
                sleep(10);
                return "normal";
            } catch (CancelledError e) {
                return "cancelled: " + e.getMessage();
            }
        });
        sleep(0);
        t.cancel("x");
        assertThat(t.uncancel()).isEqualTo(0);
        assertThat(t.await()).isEqualTo("cancelled: x");
    }

    @Test
    void uncancelledTaskContinuesAndCanBeCancelledAgain() {
        // test_uncancel_basic, without the repr checks (see reprSaysCancellingWhileARequestIsPending)
        Task<Void> t = createTask(() -> {
            try {
                sleep(10);
            } catch (CancelledError e) {
                currentTask().uncancel();
                sleep(10);
            }
        });
        sleep(0.01);
        assertThat(t.cancel()).isTrue();
        assertThat(t.cancelling()).isEqualTo(1);
        assertThat(t.cancelled()).isFalse();
        sleep(0.01);
        assertThat(t.cancelling()).isEqualTo(0);
        assertThat(t.done()).isFalse();
        assertThat(t.cancel()).isTrue();
        assertThat(t.cancelling()).isEqualTo(1);
        assertThat(catchThrowable(t::await)).isInstanceOf(CancelledError.class);
        assertThat(t.cancelled()).isTrue();
        t.uncancel();
        assertThat(t.cancelled()).as("uncancel does not undo a finished cancellation").isTrue();
        assertThat(t.done()).isTrue();
    }

    /** test_uncancel_structured_blocks: a hand-written timeout around a block, using uncancel(). */
    private static List<Object> requestWithTimeout(double sleepFor, double timeout) {
        Task<?> task = currentTask();
        EventLoop loop = task.getLoop();
        boolean[] timedOut = {false};
        boolean structuredBlockFinished = false;
        TimerHandle handle = loop.callLater(timeout, () -> {
            timedOut[0] = true;
            task.cancel();
        });
        try {
            try {
                sleep(sleepFor);
                structuredBlockFinished = true;
            } catch (CancelledError e) {
                handle.cancel();
                if (timedOut[0] && task.uncancel() == 0) {
                    throw new java.util.concurrent.TimeoutException();
                }
                throw e;
            } finally {
                handle.cancel();
            }
        } catch (java.util.concurrent.TimeoutException e) {
            assertThat(timedOut[0]).isTrue();
        }
        sleep(0);
        return List.of(timedOut[0], structuredBlockFinished, "outer code reached");
    }

    @Test
    void uncancelLetsAStructuredBlockTurnItsOwnCancellationIntoATimeout(VirtualClock clock) {
        Task<List<Object>> t1 = createTask(() -> requestWithTimeout(10.0, 0.1));
        assertThat(t1.await()).containsExactly(true, false, "outer code reached");
        assertThat(t1.cancelling()).isEqualTo(0);
        assertThat(t1.cancelled()).isFalse();
        assertThat(clock.time()).isEqualTo(0.1, org.assertj.core.data.Offset.offset(1e-9));

        Task<List<Object>> t2 = createTask(() -> requestWithTimeout(0, 10.0));
        assertThat(t2.await()).containsExactly(false, true, "outer code reached");
        assertThat(t2.cancelling()).isEqualTo(0);
    }

    @Test
    void structuredBlockPassesOnACancellationThatIsNotItsOwn(EventLoop loop, VirtualClock clock) {
        // Someone else cancels at the moment the block times out: uncancel() does not reach 0,
        // so the CancelledError goes on and the task ends cancelled.
        Task<List<Object>> t = createTask(() -> requestWithTimeout(10.0, 0.1));
        loop.callLater(0.1, t::cancel);
        assertThat(catchThrowable(t::await)).isInstanceOf(CancelledError.class);
        assertThat(t.cancelled()).isTrue();
    }

    // ---- repr while cancelling (test_cancelling, test_uncancel_basic, test_task_repr) ----

    @Test
    void reprSaysCancellingWhileARequestIsPending() {
        Task<Void> notStarted = createTask(() -> sleep(10), "A");
        assertThat(notStarted.toString()).startsWith("<Task pending name='A'");
        notStarted.cancel();
        assertThat(notStarted.toString()).startsWith("<Task cancelling name='A'");

        Task<Void> sleeping = createTask(() -> {
            try {
                sleep(10);
            } catch (CancelledError e) {
                currentTask().uncancel();
                sleep(10);
            }
        }, "B");
        sleep(0);
        sleeping.cancel();
        assertThat(sleeping.toString()).startsWith("<Task cancelling name='B'");
        sleep(0);
        assertThat(sleeping.toString()).startsWith("<Task pending name='B'");
        sleeping.cancel();
        catchThrowable(sleeping::await);
        catchThrowable(notStarted::await);
        assertThat(notStarted).hasToString("<Task cancelled name='A'>");
    }

    // ---- where the CancelledError comes from (test_cancel_traceback_for_future_result) ----

    private static void sleepDeepDown() {
        sleep(10);
    }

    @Test
    void cancelledErrorStackTraceShowsWhereTheTaskWasSuspended(EventLoop loop) {
        Future<String> fut = loop.createFuture();
        Task<Void> sleeping = createTask(TaskCancellationTest::sleepDeepDown);
        Task<Void> awaiting = createTask(() -> {
            innerWaitsOn(fut);
        });
        Task<Void> ready = createTask(() -> {
            sleep(0);
            sleepDeepDown();
        });
        sleep(0);
        proof = 0;
        for (Task<Void> t : List.of(sleeping, awaiting, ready)) {
            t.cancel();
        }
        assertThat(methodsOf(catchThrowable(sleeping::await))).contains("sleepDeepDown");
        assertThat(methodsOf(catchThrowable(awaiting::await))).contains("innerWaitsOn");
        assertThat(methodsOf(catchThrowable(ready::await))).doesNotContain("sleepDeepDown")
                .anyMatch(m -> m.startsWith("lambda$"));
    }

    private static List<String> methodsOf(Throwable e) {
        assertThat(e).isInstanceOf(CancelledError.class);
        return java.util.Arrays.stream(e.getStackTrace())
                .filter(f -> f.getClassName().equals(TaskCancellationTest.class.getName()))
                .map(StackTraceElement::getMethodName).toList();
    }

    // ---- ordering of the delivery ----

    @Test
    void cancellationIsDeliveredInTheNextIterationNotInsideCancel(EventLoop loop) {
        Steps steps = new Steps();
        Task<Void> t = createTask(() -> {
            steps.expect(1);
            try {
                sleep(10);
            } catch (CancelledError e) {
                steps.expect(4);
                throw e;
            }
        });
        sleep(0);
        steps.expect(2);
        t.cancel();
        steps.expect(3);
        catchThrowable(t::await);
        steps.finish(5);
    }
}
