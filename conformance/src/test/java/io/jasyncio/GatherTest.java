package io.jasyncio;

import static io.jasyncio.Asyncio.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.jasyncio.testing.AsyncioExtension;
import io.jasyncio.testing.VirtualClock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * gather: order, duplicates, the empty case, the first failure, returnExceptions, cancellation in
 * both directions. Ported from CPython's test_tasks.py (3.13) GatherTestsBase, FutureGatherTests,
 * CoroutineGatherTests, test_cancel_gather_1/2, and surface notes 2.4.
 */
@ExtendWith(AsyncioExtension.class)
class GatherTest {

    // ---- results (test_success, test_result_exception_success) ----

    @Test
    void gatherReturnsResultsInArgumentOrderNotCompletionOrder(EventLoop loop) {
        for (boolean returnExceptions : new boolean[] {false, true}) {
            Future<Integer> a = loop.createFuture();
            Future<Integer> b = loop.createFuture();
            Future<Integer> c = loop.createFuture();
            Task<List<Object>> t = createTask(() -> gather(returnExceptions, a, b, c));
            sleep(0);
            b.setResult(1);
            a.setResult(2);
            sleep(0);
            sleep(0);
            assertThat(t.done()).as("waits for every child").isFalse();
            c.setResult(3);
            assertThat(t.await()).containsExactly(2, 1, 3);
        }
    }

    @Test
    void gatherOfCoroutinesRunsThemConcurrentlyAsTasks(VirtualClock clock) {
        Task<?> main = currentTask();
        List<String> names = new ArrayList<>();
        List<Integer> r = gather(
                () -> {
                    names.add(currentTask() == main ? "main" : "own task");
                    return sleep(3, 3);
                },
                () -> sleep(1, 1),
                () -> sleep(2, 2));
        assertThat(r).containsExactly(3, 1, 2);
        assertThat(clock.time()).isEqualTo(3.0);
        assertThat(names).containsExactly("own task");
    }

    @Test
    void gatherWrapsEachCoroutineInATaskWithADefaultName() {
        List<String> names = gather(() -> currentTask().getName(), () -> currentTask().getName());
        assertThat(names).allMatch(n -> n.matches("Task-\\d+"));
        assertThat(names.get(0)).isNotEqualTo(names.get(1));
    }

    @Test
    void childrenStartInArgumentOrder() {
        List<String> log = new ArrayList<>();
        gather(() -> log.add("a"), () -> log.add("b"), () -> log.add("c"));
        assertThat(log).containsExactly("a", "b", "c");
    }

    @Test
    void gatherOfNothingReturnsAnEmptyListWithoutSuspending(EventLoop loop) {
        List<String> log = new ArrayList<>();
        loop.callSoon(() -> log.add("callback"));
        assertThat(gatherAll(false, List.of())).isEmpty();
        assertThat(gatherAll(true, List.of())).isEmpty();
        assertThat(log).isEmpty();
    }

    @Test
    void gatherOfDoneFuturesReturnsWithoutSuspending(EventLoop loop) {
        List<String> log = new ArrayList<>();
        Future<String> a = loop.createFuture();
        Future<String> b = loop.createFuture();
        a.setResult("a");
        b.setResult("b");
        loop.callSoon(() -> log.add("callback"));
        assertThat(gather(a, b)).containsExactly("a", "b");
        assertThat(log).isEmpty();
    }

    @Test
    void gatherAwaitsADuplicateOnceAndRepeatsItsResult() {
        // test_duplicate_coroutines
        int[] runs = {0};
        Coroutine<String> c = () -> {
            runs[0]++;
            return "abc";
        };
        assertThat(gather(c, c, () -> "def", c)).containsExactly("abc", "abc", "def", "abc");
        assertThat(runs[0]).isEqualTo(1);
    }

    @Test
    void gatherOfTheSameFutureTwiceRepeatsItsResult(EventLoop loop) {
        Future<String> f = loop.createFuture();
        loop.callSoon(() -> f.setResult("x"));
        Task<String> t = createTask(() -> "t");
        assertThat(gather(f, t, f, t)).containsExactly("x", "t", "x", "t");
    }

    @Test
    void duplicatesAmongDoneAndPendingFuturesAreEachAwaitedOnce(EventLoop loop) {
        Future<String> done = loop.createFuture();
        done.setResult("done");
        Future<String> pending = loop.createFuture();
        // Callbacks of others on the pending future: the gather must still recognise its own.
        List<String> others = new ArrayList<>();
        pending.addDoneCallback(f -> others.add("first"));
        pending.addDoneCallback(f -> others.add("second"));
        Future<List<String>> g = createTask(() -> gather(done, pending, done, pending, pending));
        sleep(0);
        assertThat(g.done()).isFalse(); // the duplicates of the done future did not count as the pending one
        pending.setResult("later");
        assertThat(g.await()).containsExactly("done", "later", "done", "later", "later");
        assertThat(others).containsExactly("first", "second");
        assertThat(pending.callbackCount()).isZero();
    }

    @Test
    void aFailedDoneFutureGivenTwiceIsReportedTwiceWithReturnExceptions(EventLoop loop) {
        Future<String> failed = loop.createFuture();
        IllegalStateException boom = new IllegalStateException("boom");
        failed.setException(boom);
        assertThat(gather(true, failed, failed)).containsExactly(boom, boom);
    }

    @Test
    void gatherAllMixesFuturesTasksAndCoroutines(EventLoop loop) {
        Future<String> f = loop.createFuture();
        loop.callSoon(() -> f.setResult("future"));
        Task<String> t = createTask(() -> "task");
        Coroutine<String> c = () -> "coroutine";
        VoidCoroutine v = () -> sleep(1);
        assertThat(gatherAll(false, List.of(f, t, c, v))).containsExactly("future", "task", "coroutine", null);
    }

    @Test
    void gatherRefusesSomethingThatIsNotAwaitable() {
        // test_issue46672: the coroutine before the bad element was already wrapped in a task; it
        // runs to completion and nothing is reported.
        Coroutine<String> c = () -> "abc";
        assertThatThrownBy(() -> gatherAll(false, List.of(c, "not awaitable")))
                .isInstanceOf(IllegalArgumentException.class);
        sleep(0);
    }

    @Test
    void gatherRefusesAFutureOfAnotherLoop(EventLoop loop) {
        // test_constructor_heterogenous_futures
        EventLoop other = new EventLoop(new VirtualClock());
        try {
            Future<String> mine = loop.createFuture();
            Future<String> theirs = other.createFuture();
            assertThatThrownBy(() -> gather(mine, theirs)).isInstanceOf(IllegalArgumentException.class);
            mine.cancel();
        } finally {
            other.close();
        }
    }

    // ---- the first failure (test_one_exception, test_exception_marking) ----

    @Test
    void firstExceptionReachesTheAwaiterAtOnceWhileTheOthersKeepRunning(VirtualClock clock) {
        List<String> log = new ArrayList<>();
        IllegalStateException exc = new IllegalStateException("a failed");
        Task<String> a = createTask(() -> {
            sleep(1);
            throw exc;
        });
        Task<String> b = createTask(() -> {
            sleep(2);
            log.add("b finished at " + clock.time());
            return "b";
        });
        Throwable e = catchThrowable(() -> gather(a, b));
        assertThat(e).isSameAs(exc);
        assertThat(clock.time()).isEqualTo(1.0);
        assertThat(b.done()).as("not cancelled").isFalse();
        assertThat(b.await()).isEqualTo("b");
        assertThat(log).containsExactly("b finished at 2.0");
    }

    @Test
    void laterFailuresAfterTheFirstAreNotReportedAsLost(EventLoop loop) {
        // test_exception_marking: the second child's exception is marked retrieved by gather (this
        // test has no ExceptionRecorder, so a "never retrieved" report would fail it).
        Future<String> a = loop.createFuture();
        Future<String> b = loop.createFuture();
        Task<List<String>> f = createTask(() -> gather(
                () -> {
                    a.await();
                    throw new IllegalStateException("first");
                },
                () -> {
                    b.await();
                    throw new IllegalStateException("should not be ignored");
                }));
        sleep(0);
        a.setResult(null);
        sleep(0);
        b.setResult(null);
        sleep(0);
        sleep(0);
        assertThat(catchThrowable(f::await)).hasMessage("first");
    }

    @Test
    void childrenFinishingAfterTheFirstFailureDoNothing(EventLoop loop) {
        // test_one_exception
        Future<Integer> a = loop.createFuture();
        Future<Integer> b = loop.createFuture();
        Future<Integer> c = loop.createFuture();
        Future<Integer> d = loop.createFuture();
        Future<Integer> e = loop.createFuture();
        Task<List<Integer>> t = createTask(() -> gather(a, b, c, d, e));
        sleep(0);
        ArithmeticException exc = new ArithmeticException("/ by zero");
        a.setResult(1);
        b.setException(exc);
        sleep(0);
        sleep(0);
        assertThat(t.done()).isTrue();
        assertThat(t.exception()).isSameAs(exc);
        c.setResult(3);
        d.cancel();
        e.setException(new RuntimeException());
        sleep(0);
    }

    // ---- returnExceptions (test_return_exceptions, test_result_exception_one_cancellation) ----

    @Test
    void returnExceptionsPutsTheExceptionsInPlaceOfResults(EventLoop loop) {
        Future<Integer> a = loop.createFuture();
        Future<Integer> b = loop.createFuture();
        Future<Integer> c = loop.createFuture();
        Future<Integer> d = loop.createFuture();
        Task<List<Object>> t = createTask(() -> gather(true, a, b, c, d));
        sleep(0);
        ArithmeticException exc = new ArithmeticException();
        RuntimeException exc2 = new RuntimeException();
        b.setResult(1);
        c.setException(exc);
        a.setResult(3);
        sleep(0);
        sleep(0);
        assertThat(t.done()).isFalse();
        d.setException(exc2);
        List<Object> r = t.await();
        assertThat(r).hasSize(4);
        assertThat(r.subList(0, 2)).containsExactly(3, 1);
        assertThat(r.get(2)).isSameAs(exc);
        assertThat(r.get(3)).isSameAs(exc2);
    }

    @Test
    void returnExceptionsGivesACancelledErrorForAChildCancelledOnItsOwn(EventLoop loop) {
        Future<Integer> a = loop.createFuture();
        Future<Integer> b = loop.createFuture();
        Future<Integer> c = loop.createFuture();
        Future<Integer> d = loop.createFuture();
        Future<Integer> e = loop.createFuture();
        Future<Integer> f = loop.createFuture();
        Task<List<Object>> t = createTask(() -> gather(true, a, b, c, d, e, f));
        sleep(0);
        a.setResult(1);
        ArithmeticException zde = new ArithmeticException();
        b.setException(zde);
        c.cancel("c's message");
        sleep(0);
        sleep(0);
        assertThat(t.done()).isFalse();
        d.setResult(3);
        e.cancel();
        RuntimeException rte = new RuntimeException();
        f.setException(rte);
        List<Object> r = t.await();
        assertThat(r.get(0)).isEqualTo(1);
        assertThat(r.get(1)).isSameAs(zde);
        assertThat(r.get(2)).isInstanceOf(CancelledError.class);
        assertThat((Throwable) r.get(2)).hasMessage("c's message");
        assertThat(r.get(3)).isEqualTo(3);
        assertThat(r.get(4)).isInstanceOf(CancelledError.class);
        assertThat(r.get(5)).isSameAs(rte);
        assertThat(t.cancelled()).isFalse();
    }

    // ---- a child cancelled on its own (test_one_cancellation) ----

    @Test
    void childCancelledOnItsOwnRaisesCancelledErrorInTheAwaiterWhileTheOthersKeepRunning(VirtualClock clock) {
        Task<String> c1 = createTask(() -> sleep(10, "c1"));
        Task<String> c2 = createTask(() -> sleep(1, "c2"));
        Task<List<String>> awaiter = createTask(() -> gather(c1, c2));
        sleep(0);
        c1.cancel("own");
        Throwable e = catchThrowable(awaiter::await);
        assertThat(e).isInstanceOf(CancelledError.class).hasMessage("own");
        assertThat(awaiter.cancelled()).as("it let the CancelledError propagate").isTrue();
        assertThat(awaiter.cancelling()).isEqualTo(0);
        assertThat(c2.done()).isFalse();
        assertThat(c2.await()).isEqualTo("c2");
        assertThat(clock.time()).isEqualTo(1.0);
    }

    @Test
    void futureCancelledOnItsOwnIsACancelledErrorExceptionOfTheGather(EventLoop loop) {
        Future<Integer> a = loop.createFuture();
        Future<Integer> b = loop.createFuture();
        Future<Integer> c = loop.createFuture();
        List<String> log = new ArrayList<>();
        Task<List<Integer>> t = createTask(() -> {
            try {
                return gather(a, b, c);
            } catch (CancelledError e) {
                log.add("gather raised CancelledError " + e.getMessage());
                return List.of();
            }
        });
        sleep(0);
        a.setResult(1);
        b.cancel("b cancelled");
        assertThat(t.await()).isEmpty();
        assertThat(log).containsExactly("gather raised CancelledError b cancelled");
        assertThat(c.done()).as("c is not touched").isFalse();
        c.cancel();
    }

    // ---- cancelling the awaiting task (test_cancellation_broadcast, test_cancel_gather_1/2) ----

    @Test
    void cancellingTheAwaitingTaskCancelsEveryChild(EventLoop loop) {
        int[] proof = {0};
        Future<String> waiter = loop.createFuture();
        Task<Void> child1 = createTask(() -> {
            waiter.await();
            proof[0] += 1;
        });
        Task<Void> child2 = createTask(() -> {
            waiter.await();
            proof[0] += 1;
        });
        Task<Void> outer = createTask(() -> {
            gather(child1, child2);
            proof[0] += 100;
        });
        sleep(0);
        assertThat(outer.cancel()).isTrue();
        assertThat(catchThrowable(outer::await)).isInstanceOf(CancelledError.class);
        assertThat(outer.cancelled()).isTrue();
        assertThat(waiter.cancelled()).isTrue();
        assertThat(child1.cancelled()).isTrue();
        assertThat(child2.cancelled()).isTrue();
        sleep(0);
        assertThat(proof[0]).isEqualTo(0);
    }

    private static Task<Void> gatherOfASlowCleanerAndASleeper(boolean returnExceptions, VirtualClock clock,
            List<String> log) {
        return createTask(() -> {
            gather(returnExceptions, () -> {
                try {
                    sleep(10);
                } finally {
                    sleep(2);
                    log.add("slow cleanup done at " + clock.time());
                }
                return null;
            }, () -> sleep(10, null));
        });
    }

    @Test
    void cancelledGatherWithReturnExceptionsWaitsForEveryChildsCleanup(VirtualClock clock) {
        List<String> log = new ArrayList<>();
        Task<Void> outer = gatherOfASlowCleanerAndASleeper(true, clock, log);
        sleep(0);
        sleep(0);
        outer.cancel();
        assertThat(catchThrowable(outer::await)).isInstanceOf(CancelledError.class);
        assertThat(log).containsExactly("slow cleanup done at 2.0");
        assertThat(clock.time()).isEqualTo(2.0);
    }

    @Test
    void cancelledGatherWithoutReturnExceptionsRaisesAsSoonAsOneChildIsCancelled(VirtualClock clock) {
        // The first child that ends cancelled completes the gather (asyncio 3.13 does the same:
        // _done_callback sets the exception before looking at _cancel_requested); the others
        // finish their cleanup on their own.
        List<String> log = new ArrayList<>();
        Task<Void> outer = gatherOfASlowCleanerAndASleeper(false, clock, log);
        sleep(0);
        sleep(0);
        outer.cancel();
        assertThat(catchThrowable(outer::await)).isInstanceOf(CancelledError.class);
        assertThat(clock.time()).isEqualTo(0.0);
        assertThat(log).isEmpty();
        sleep(3);
        assertThat(log).containsExactly("slow cleanup done at 2.0");
    }

    @Test
    void cancellationOfTheAwaiterIsRaisedWithItsMessageEvenWithReturnExceptions() {
        // test_cancel_gather_2
        for (String msg : new String[] {null, "my message"}) {
            Task<Void> qwe = createTask(() -> {
                double time = 0;
                while (true) {
                    time += 0.05;
                    gather(true, () -> sleep(0.05, null));
                    if (time > 1) {
                        return;
                    }
                }
            });
            sleep(0.2);
            qwe.cancel(msg);
            Throwable e = catchThrowable(qwe::await);
            assertThat(e).isInstanceOf(CancelledError.class).hasMessage(msg).hasNoCause();
            assertThat(qwe.cancelled()).isTrue();
        }
    }

    @Test
    void childSwallowingTheCancellationDoesNotStopGatherFromRaisingCancelledError() {
        // bpo-32684: once gather was cancelled it raises CancelledError whatever the children did,
        // with or without returnExceptions.
        for (boolean returnExceptions : new boolean[] {false, true}) {
            Task<String> swallower = createTask(() -> {
                try {
                    sleep(10);
                } catch (CancelledError e) {
                    return "swallowed";
                }
                return "slept";
            });
            Task<Void> normal = createTask(() -> sleep(10));
            Task<List<Object>> awaiter = createTask(() -> gather(returnExceptions, swallower, normal));
            sleep(0);
            awaiter.cancel("m");
            assertThat(catchThrowable(awaiter::await)).isInstanceOf(CancelledError.class).hasMessage("m");
            assertThat(awaiter.cancelled()).isTrue();
            assertThat(swallower.result()).isEqualTo("swallowed");
            assertThat(normal.cancelled()).isTrue();
        }
    }

    @Test
    void gatherRaisesCancelledErrorEvenWhenEveryChildSwallowedTheCancellation() {
        Task<String> swallower = createTask(() -> {
            try {
                sleep(10);
            } catch (CancelledError e) {
                return "swallowed";
            }
            return "slept";
        });
        Task<List<String>> awaiter = createTask(() -> gather(swallower));
        sleep(0);
        assertThat(awaiter.cancel()).isTrue();
        assertThat(catchThrowable(awaiter::await)).isInstanceOf(CancelledError.class);
        assertThat(awaiter.cancelled()).isTrue();
        assertThat(swallower.result()).isEqualTo("swallowed");
    }

    @Test
    void cancellingTheAwaiterAfterEveryChildFinishedLeavesTheChildrenAloneButStillCancelsTheAwaiter(
            EventLoop loop) {
        // test_cancel_gather_1 (bpo-26923), seen from the task that awaits the gather: the gather
        // refuses the cancellation, so the request waits on the task and hits it when it resumes.
        Future<Integer> fut = loop.createFuture();
        Task<Integer> child = createTask(fut::await);
        Task<List<Integer>> awaiter = createTask(() -> gather(child));
        sleep(0);
        List<Boolean> cancelResult = new ArrayList<>();
        fut.addDoneCallback(f -> cancelResult.add(awaiter.cancel()));
        fut.setResult(42);
        Throwable e = catchThrowable(awaiter::await);
        assertThat(e).isInstanceOf(CancelledError.class);
        assertThat(cancelResult).containsExactly(true);
        assertThat(awaiter.cancelled()).isTrue();
        assertThat(child.cancelled()).isFalse();
        assertThat(child.result()).isEqualTo(42);
    }

    @Test
    void cancellingTheAwaiterDoesNotCancelChildrenThatAreAlreadyDone(EventLoop loop) {
        Task<String> quick = createTask(() -> "quick");
        Task<Void> slow = createTask(() -> sleep(10));
        Task<List<Object>> awaiter = createTask(() -> gather(true, quick, slow));
        sleep(0);
        sleep(0);
        assertThat(quick.done()).isTrue();
        awaiter.cancel();
        assertThat(catchThrowable(awaiter::await)).isInstanceOf(CancelledError.class);
        assertThat(quick.cancelled()).isFalse();
        assertThat(quick.result()).isEqualTo("quick");
        assertThat(slow.cancelled()).isTrue();
    }

    // ---- issue 3's hard case: a gather cancelled while one child already failed ----

    @Test
    void cancellingAGatherWhoseChildAlreadyFailedCancelsNothingAndTheOthersRunOn(EventLoop loop) {
        IllegalStateException failure = new IllegalStateException("a failed");
        Task<String> a = createTask(() -> {
            sleep(1);
            throw failure;
        });
        Task<String> b = createTask(() -> sleep(3, "b"));
        Future<List<Object>> gathering = Gathering.of(loop, List.of(a, b), false);
        sleep(2);
        assertThat(gathering.done()).isTrue();
        // asyncio: cancel() of a done gather returns False and cancels no child.
        assertThat(gathering.cancel()).isFalse();
        assertThat(gathering.exception()).isSameAs(failure);
        assertThat(b.cancelled()).isFalse();
        assertThat(b.await()).isEqualTo("b");
    }

    @Test
    void cancellingTheAwaiterRightAfterAChildFailedDeliversCancellationAndSparesTheOthers() {
        List<String> log = new ArrayList<>();
        Task<String> a = createTask(() -> {
            sleep(1);
            throw new IllegalStateException("a failed");
        });
        Task<String> b = createTask(() -> {
            sleep(3);
            log.add("b finished");
            return "b";
        });
        Task<List<String>> awaiter = createTask(() -> gather(a, b));
        sleep(0); // the awaiter runs and the gather registers its callbacks on a and b first
        // When a fails, the gather's callback (registered first) completes the gather with a's
        // exception; this one, in the same iteration and before the awaiter's wakeup runs,
        // cancels the awaiter: the gather is done, so the cancel is delivered at the wakeup.
        a.addDoneCallback(f -> assertThat(awaiter.cancel("stop")).isTrue());
        Throwable thrown = catchThrowable(awaiter::await);
        assertThat(thrown).isInstanceOf(CancelledError.class).hasMessage("stop");
        assertThat(b.done()).isFalse();
        assertThat(b.await()).isEqualTo("b");
        assertThat(log).containsExactly("b finished");
    }
}
