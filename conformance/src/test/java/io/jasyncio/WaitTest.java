package io.jasyncio;

import static io.jasyncio.Asyncio.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jasyncio.testing.AsyncioExtension;
import io.jasyncio.testing.Steps;
import io.jasyncio.testing.VirtualClock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Asyncio.wait: the three return conditions, the timeout that neither raises nor cancels,
 * duplicates, the empty collection, cancellation of the waiter. Ported from CPython 3.13's
 * test_tasks.py (test_wait*) and surface notes 2.5. Called qualified: a bare wait(...) is Object.wait.
 */
@ExtendWith(AsyncioExtension.class)
class WaitTest {

    // ---- ALL_COMPLETED (test_wait, test_wait_with_exception) ----

    @Test
    void allCompletedReturnsEverythingAsDoneWhenTheLastOneCompletes(VirtualClock clock) {
        Task<Void> a = createTask(() -> sleep(0.1));
        Task<Void> b = createTask(() -> sleep(0.15));
        WaitResult<Void> r = Asyncio.wait(List.of(b, a));
        assertThat(r.done()).containsExactlyInAnyOrder(a, b);
        assertThat(r.pending()).isEmpty();
        assertThat(clock.time()).isEqualTo(0.15);

        // again: everything is already done, no time passes
        WaitResult<Void> again = Asyncio.wait(List.of(b, a), null, ReturnWhen.ALL_COMPLETED);
        assertThat(again.done()).containsExactlyInAnyOrder(a, b);
        assertThat(again.pending()).isEmpty();
        assertThat(clock.time()).isEqualTo(0.15);
    }

    @Test
    void allCompletedDoesNotRaiseTheChildrensExceptions(VirtualClock clock) {
        Task<Void> a = createTask(() -> sleep(0.1));
        Task<Void> b = createTask(() -> {
            sleep(0.15);
            throw new ArithmeticException("really");
        });
        WaitResult<Void> r = Asyncio.wait(List.of(b, a));
        assertThat(r.done()).hasSize(2);
        assertThat(r.pending()).isEmpty();
        assertThat(r.done()).filteredOn(f -> f.exception() != null).containsExactly(b);
        assertThat(clock.time()).isEqualTo(0.15);
    }

    @Test
    void doneAndPendingKeepTheArgumentOrder(VirtualClock clock) {
        Task<Integer> slow = createTask(() -> sleep(3, 3));
        Task<Integer> fast = createTask(() -> sleep(1, 1));
        Task<Integer> mid = createTask(() -> sleep(2, 2));
        Task<Integer> never = createTask(() -> sleep(10, 10));
        WaitResult<Integer> r = Asyncio.wait(List.of(slow, fast, never, mid), 2.5, ReturnWhen.ALL_COMPLETED);
        assertThat(r.done()).containsExactly(fast, mid);
        assertThat(r.pending()).containsExactly(slow, never);
    }

    @Test
    void waitingOnFuturesThatAreAlreadyDoneStillLetsTheLoopRunOnce(EventLoop loop) {
        // _wait registers done callbacks, which for a done future are scheduled with call_soon
        List<String> log = new ArrayList<>();
        Future<String> f = loop.createFuture();
        f.setResult("x");
        loop.callSoon(() -> log.add("callback queued before wait"));
        WaitResult<String> r = Asyncio.wait(List.of(f));
        log.add("wait returned");
        assertThat(r.done()).containsExactly(f);
        assertThat(log).containsExactly("callback queued before wait", "wait returned");
    }

    // ---- FIRST_COMPLETED (test_wait_first_completed, test_wait_really_done) ----

    @Test
    void firstCompletedReturnsAtTheFirstCompletionLeavingTheRestRunning(VirtualClock clock) {
        Task<Void> a = createTask(() -> sleep(10));
        Task<Void> b = createTask(() -> sleep(0.1));
        WaitResult<Void> r = Asyncio.wait(List.of(b, a), null, ReturnWhen.FIRST_COMPLETED);
        assertThat(r.done()).containsExactly(b);
        assertThat(r.pending()).containsExactly(a);
        assertThat(a.done()).isFalse();
        assertThat(b.result()).isNull();
        assertThat(clock.time()).isEqualTo(0.1);
        a.await();
        assertThat(clock.time()).isEqualTo(10.0);
    }

    @Test
    void firstCompletedReportsEveryFutureThatIsDoneWhenTheWaiterResumes() {
        // test_wait_really_done: b finishes in the same loop iteration the waiter is woken in
        Task<Void> a = createTask(() -> sleep(0));
        Task<Void> b = createTask(() -> {
            sleep(0);
            sleep(0);
        });
        WaitResult<Void> r = Asyncio.wait(List.of(b, a), null, ReturnWhen.FIRST_COMPLETED);
        assertThat(r.done()).containsExactlyInAnyOrder(a, b);
        assertThat(r.pending()).isEmpty();
    }

    @Test
    void firstCompletedCountsACancelledFutureAsCompleted(EventLoop loop) {
        Future<String> f = loop.createFuture();
        Task<Void> slow = createTask(() -> sleep(10));
        loop.callSoon(f::cancel);
        WaitResult<Object> r = Asyncio.wait(List.<Future<Object>>of(cast(f), cast(slow)), null, ReturnWhen.FIRST_COMPLETED);
        assertThat(r.done()).containsExactly(cast(f));
        assertThat(f.cancelled()).isTrue();
        assertThat(slow.done()).isFalse();
    }

    @SuppressWarnings("unchecked")
    private static Future<Object> cast(Future<?> f) {
        return (Future<Object>) f;
    }

    // ---- FIRST_EXCEPTION (test_wait_first_exception, test_wait_first_exception_in_wait) ----

    @Test
    void firstExceptionReturnsAtOnceForAChildThatFailsWithoutSuspending(VirtualClock clock) {
        Task<Void> a = createTask(() -> sleep(10));
        Task<Void> b = createTask(() -> {
            throw new ArithmeticException("err");
        });
        WaitResult<Void> r = Asyncio.wait(List.of(b, a), null, ReturnWhen.FIRST_EXCEPTION);
        assertThat(r.done()).containsExactly(b);
        assertThat(r.pending()).containsExactly(a);
        assertThat(clock.time()).isZero();
    }

    @Test
    void firstExceptionReturnsWhenAChildFailsWhileWaiting(VirtualClock clock) {
        Task<Void> a = createTask(() -> sleep(10));
        Task<Void> b = createTask(() -> {
            sleep(0.01);
            throw new ArithmeticException("err");
        });
        WaitResult<Void> r = Asyncio.wait(List.of(b, a), null, ReturnWhen.FIRST_EXCEPTION);
        assertThat(r.done()).containsExactly(b);
        assertThat(r.pending()).containsExactly(a);
        assertThat(clock.time()).isEqualTo(0.01);
        assertThat(a.cancelled()).isFalse();
    }

    @Test
    void firstExceptionIgnoresCancelledChildren(VirtualClock clock) {
        Task<Void> cancelled = createTask(() -> sleep(10));
        Task<Void> ok = createTask(() -> sleep(0.5));
        Task<Void> failing = createTask(() -> {
            sleep(2);
            throw new ArithmeticException("err");
        });
        Task<Void> slow = createTask(() -> sleep(10));
        Task<Void> canceller = createTask(() -> {
            sleep(1);
            cancelled.cancel();
        });
        WaitResult<Void> r = Asyncio.wait(List.of(cancelled, ok, failing, slow), null, ReturnWhen.FIRST_EXCEPTION);
        assertThat(clock.time()).isEqualTo(2.0);
        assertThat(r.done()).containsExactly(cancelled, ok, failing);
        assertThat(r.pending()).containsExactly(slow);
        canceller.await();
    }

    @Test
    void firstExceptionWithoutAnyExceptionWaitsForAll(VirtualClock clock) {
        Task<Void> a = createTask(() -> sleep(1));
        Task<Void> b = createTask(() -> sleep(2));
        Task<Void> c = createTask(() -> sleep(3));
        createTask(() -> {
            sleep(0.5);
            a.cancel();
        });
        WaitResult<Void> r = Asyncio.wait(List.of(a, b, c), null, ReturnWhen.FIRST_EXCEPTION);
        assertThat(clock.time()).isEqualTo(3.0);
        assertThat(r.done()).containsExactly(a, b, c);
        assertThat(a.cancelled()).isTrue();
    }

    // ---- timeout (test_wait_with_timeout, test_wait_concurrent_complete) ----

    @Test
    void timeoutReturnsDoneAndPendingWithoutRaisingOrCancelling(VirtualClock clock) {
        Task<Void> a = createTask(() -> sleep(0.1));
        Task<Void> b = createTask(() -> sleep(0.15));
        WaitResult<Void> r = Asyncio.wait(List.of(b, a), 0.11, ReturnWhen.ALL_COMPLETED);
        assertThat(r.done()).containsExactly(a);
        assertThat(r.pending()).containsExactly(b);
        assertThat(clock.time()).isEqualTo(0.11);
        assertThat(b.cancelled()).isFalse();
        b.await();
        assertThat(clock.time()).isEqualTo(0.15);
    }

    @Test
    void timeoutWithNothingDoneReturnsEverythingPending(VirtualClock clock) {
        Task<Void> a = createTask(() -> sleep(5));
        WaitResult<Void> r = Asyncio.wait(List.of(a), 1.0, ReturnWhen.FIRST_COMPLETED);
        assertThat(r.done()).isEmpty();
        assertThat(r.pending()).containsExactly(a);
        assertThat(clock.time()).isEqualTo(1.0);
        assertThat(a.cancelled()).isFalse();
        assertThat(a.cancelling()).isZero();
        assertThat(currentTask().cancelling()).isZero();
    }

    @Test
    void aFutureCompletingAtTheSameInstantAsTheTimeoutCountsAsDone(VirtualClock clock) {
        // test_wait_concurrent_complete: the children's timers were scheduled before the timeout's
        Task<Void> a = createTask(() -> sleep(0.1));
        Task<Void> b = createTask(() -> sleep(0.15));
        sleep(0); // let a and b start (in CPython's test they run before the wait task)
        WaitResult<Void> r = Asyncio.wait(List.of(b, a), 0.1, ReturnWhen.ALL_COMPLETED);
        assertThat(r.done()).containsExactly(a);
        assertThat(r.pending()).containsExactly(b);
        assertThat(clock.time()).isEqualTo(0.1);
    }

    @Test
    void anUnusedTimeoutDoesNotDelayTheReturn(VirtualClock clock) {
        Task<Void> a = createTask(() -> sleep(1));
        WaitResult<Void> r = Asyncio.wait(List.of(a), 100.0, ReturnWhen.ALL_COMPLETED);
        assertThat(r.done()).containsExactly(a);
        assertThat(clock.time()).isEqualTo(1.0);
        sleep(0);
    }

    // ---- arguments (test_wait_errors, test_wait_duplicate_coroutines) ----

    @Test
    void anEmptyCollectionIsRejected() {
        assertThatThrownBy(() -> Asyncio.wait(List.<Future<Void>>of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Set of Tasks/Futures is empty.");
        assertThatThrownBy(() -> Asyncio.wait(List.<Future<Void>>of(), 1.0, ReturnWhen.FIRST_COMPLETED))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aMissingReturnWhenIsRejected() {
        Task<Void> a = createTask(() -> sleep(0));
        assertThatThrownBy(() -> Asyncio.wait(List.of(a), null, null)).isInstanceOf(NullPointerException.class);
        a.await();
    }

    @Test
    void duplicatesCollapse() {
        Task<String> c = createTask(() -> "test");
        Task<String> spam = createTask(() -> "spam");
        WaitResult<String> r = Asyncio.wait(List.of(c, c, spam));
        assertThat(r.pending()).isEmpty();
        assertThat(r.done()).containsExactly(c, spam);
    }

    @Test
    void duplicatesCountOnceForAllCompleted(VirtualClock clock) {
        // with a per-item counter, the duplicate's completion would be counted twice and end the wait early
        Task<Void> a = createTask(() -> sleep(1));
        Task<Void> b = createTask(() -> sleep(2));
        WaitResult<Void> r = Asyncio.wait(List.of(a, a, b));
        assertThat(clock.time()).isEqualTo(2.0);
        assertThat(r.done()).containsExactly(a, b);
    }

    // ---- cancellation of the waiter ----

    @Test
    void cancellingTheWaitingTaskDoesNotCancelTheChildren(VirtualClock clock) {
        Steps steps = new Steps();
        Task<Integer> a = createTask(() -> sleep(1, 1));
        Task<Integer> b = createTask(() -> sleep(2, 2));
        Task<WaitResult<Integer>> waiter = createTask(() -> {
            steps.expect(2);
            try {
                return Asyncio.wait(List.of(a, b));
            } catch (CancelledError e) {
                steps.expect(4);
                throw e;
            }
        });
        steps.expect(1);
        sleep(0.5);
        steps.expect(3);
        waiter.cancel();
        assertThatThrownBy(waiter::await).isInstanceOf(CancelledError.class);
        steps.expect(5);
        assertThat(a.cancelled()).isFalse();
        assertThat(b.cancelled()).isFalse();
        assertThat(a.await() + b.await()).isEqualTo(3);
        assertThat(clock.time()).isEqualTo(2.0);
        steps.finish(6);
    }
}
