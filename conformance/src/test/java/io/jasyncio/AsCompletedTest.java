package io.jasyncio;

import static io.jasyncio.Asyncio.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jasyncio.testing.AsyncioExtension;
import io.jasyncio.testing.VirtualClock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * asCompleted: completion order, the original futures (3.13's async for), the plain awaitables
 * form, the timeout that raises on the remaining steps without cancelling, duplicates. Ported from
 * CPython 3.13's test_tasks.py (test_as_completed*) and surface notes 2.5.
 */
@ExtendWith(AsyncioExtension.class)
class AsCompletedTest {

    // ---- completion order (test_as_completed, test_as_completed_same_tasks_in_as_out) ----

    @Test
    void iteratingYieldsTheOriginalFuturesInCompletionOrder(VirtualClock clock) {
        Task<String> a = createTask(() -> sleep(0.01, "a"));
        Task<String> b = createTask(() -> sleep(0.02, "b"));
        Task<String> c = createTask(() -> sleep(0.15, "c"));
        List<String> log = new ArrayList<>();
        for (Future<String> f : asCompleted(List.of(c, b, a))) {
            assertThat(f).isIn(a, b, c);
            log.add(f.result() + " at " + clock.time());
        }
        assertThat(log).containsExactly("a at 0.01", "b at 0.02", "c at 0.15");
    }

    @Test
    void theYieldedItemsAreTheSameObjectsThatWerePassedIn() {
        Task<String> b = createTask(() -> "b");
        Task<String> d = createTask(() -> "d");
        List<Future<String>> out = new ArrayList<>();
        for (Future<String> f : asCompleted(List.of(b, d))) {
            out.add(f);
        }
        assertThat(out).containsExactly(b, d);
        assertThat(out.get(0)).isSameAs(b);
    }

    @Test
    void nextSuspendsUntilTheNextCompletion(VirtualClock clock, EventLoop loop) {
        Future<String> f1 = loop.createFuture();
        Future<String> f2 = loop.createFuture();
        loop.callLater(2, () -> f2.setResult("two"));
        loop.callLater(5, () -> f1.setResult("one"));
        Iterator<Future<String>> it = asCompleted(List.of(f1, f2)).iterator();
        assertThat(it.hasNext()).isTrue();
        assertThat(clock.time()).isZero();
        assertThat(it.next()).isSameAs(f2);
        assertThat(clock.time()).isEqualTo(2.0);
        assertThat(it.next()).isSameAs(f1);
        assertThat(clock.time()).isEqualTo(5.0);
        assertThat(it.hasNext()).isFalse();
        assertThatThrownBy(it::next).isInstanceOf(NoSuchElementException.class);
    }

    @Test
    void failedAndCancelledFuturesAreYieldedLikeTheOthers(EventLoop loop) {
        Future<String> failing = loop.createFuture();
        Future<String> cancelled = loop.createFuture();
        Future<String> ok = loop.createFuture();
        loop.callLater(1, () -> failing.setException(new ArithmeticException()));
        loop.callLater(2, () -> cancelled.cancel());
        loop.callLater(3, () -> ok.setResult("ok"));
        List<Future<String>> out = new ArrayList<>();
        for (Future<String> f : asCompleted(List.of(ok, cancelled, failing))) {
            out.add(f);
        }
        assertThat(out).containsExactly(failing, cancelled, ok);
        assertThat(failing.exception()).isInstanceOf(ArithmeticException.class);
    }

    @Test
    void anEmptyCollectionYieldsNothing() {
        assertThat(asCompleted(List.<Future<String>>of())).isEmpty();
        assertThat(asCompleted(List.<Future<String>>of()).awaitables()).isEmpty();
    }

    @Test
    void aPartlyConsumedIteratorResumesWhereItStopped() {
        // test_as_completed_resume_iterator
        List<Task<Integer>> tasks = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            int n = i;
            tasks.add(createTask(() -> sleep(n + 1, n)));
        }
        AsCompleted<Integer> ac = asCompleted(tasks);
        List<Integer> collected = new ArrayList<>();
        for (Future<Integer> f : ac) {
            collected.add(f.result());
            if (collected.size() == 2) {
                break;
            }
        }
        assertThat(collected).containsExactly(0, 1);
        for (Future<Integer> f : ac) {
            collected.add(f.result());
        }
        assertThat(collected).containsExactly(0, 1, 2, 3);
    }

    // ---- timeout (test_as_completed_with_timeout, test_as_completed_with_unused_timeout) ----

    @Test
    void theTimeoutRaisesOnTheRemainingStepWithoutCancelling(VirtualClock clock) {
        Task<String> a = createTask(() -> sleep(0.1, "a"));
        Task<String> b = createTask(() -> sleep(0.15, "b"));
        List<String> values = new ArrayList<>();
        Iterator<Future<String>> it = asCompleted(List.of(a, b), 0.12).iterator();
        values.add(it.next().result() + " at " + clock.time());
        assertThat(it.hasNext()).isTrue();
        assertThatThrownBy(it::next).isInstanceOf(TimeoutError.class);
        values.add("timeout at " + clock.time());
        assertThat(values).containsExactly("a at 0.1", "timeout at 0.12");
        assertThat(b.cancelled()).isFalse();
        assertThat(b.await()).isEqualTo("b");
        assertThat(clock.time()).isEqualTo(0.15);
    }

    @Test
    void theTimeoutRaisesOnEveryRemainingStepInThePlainForm(VirtualClock clock) {
        Task<String> a = createTask(() -> sleep(0.1, "a"));
        Task<String> b = createTask(() -> sleep(0.15, "b"));
        Task<String> c = createTask(() -> sleep(0.2, "c"));
        List<String> values = new ArrayList<>();
        for (Awaitable<String> aw : asCompleted(List.of(a, b, c), 0.12).awaitables()) {
            try {
                values.add(aw.await() + " at " + clock.time());
            } catch (TimeoutError e) {
                values.add("timeout at " + clock.time());
            }
        }
        assertThat(values).containsExactly("a at 0.1", "timeout at 0.12", "timeout at 0.12");
        assertThat(b.cancelled()).isFalse();
        assertThat(c.cancelled()).isFalse();
        assertThat(currentTask().cancelling()).isZero();
        c.await();
    }

    @Test
    void anUnusedTimeoutNeitherDelaysNorFiresLater(VirtualClock clock) {
        Task<String> a = createTask(() -> sleep(0.01, "a"));
        for (Future<String> f : asCompleted(List.of(a), 1.0)) {
            assertThat(f.result()).isEqualTo("a");
        }
        assertThat(clock.time()).isEqualTo(0.01);
        sleep(2); // the cancelled timeout does nothing
        assertThat(currentTask().cancelling()).isZero();
    }

    // ---- the plain form (test_as_completed_reverse_wait, test_as_completed_concurrent) ----

    @Test
    void theKthAwaitableReturnsTheKthCompletionWhicheverIsAwaitedFirst(VirtualClock clock) {
        Task<String> a = createTask(() -> sleep(0.05, "a"));
        Task<String> b = createTask(() -> sleep(0.10, "b"));
        List<Awaitable<String>> futs = asCompleted(List.of(b, a)).awaitables();
        assertThat(futs).hasSize(2);
        assertThat(clock.time()).isZero(); // building the list does not suspend
        assertThat(futs.get(1).await()).isEqualTo("a");
        assertThat(clock.time()).isEqualTo(0.05);
        assertThat(futs.get(0).await()).isEqualTo("b");
        assertThat(clock.time()).isEqualTo(0.10);
    }

    @Test
    void thePlainFormRaisesTheFailedFuturesException() {
        Task<String> bad = createTask(() -> {
            sleep(1);
            throw new ArithmeticException("bad");
        });
        Task<String> good = createTask(() -> sleep(2, "good"));
        List<Awaitable<String>> futs = asCompleted(List.of(good, bad)).awaitables();
        assertThatThrownBy(futs.get(0)::await).isInstanceOf(ArithmeticException.class).hasMessage("bad");
        assertThat(futs.get(1).await()).isEqualTo("good");
    }

    @Test
    void awaitablesOfThePlainFormCanBeAwaitedFromConcurrentTasks(VirtualClock clock) {
        Task<String> a = createTask(() -> sleep(0.05, "a"));
        Task<String> b = createTask(() -> sleep(0.05, "b"));
        List<Awaitable<String>> futs = asCompleted(List.of(a, b)).awaitables();
        Task<String> t0 = createTask(() -> futs.get(0).await());
        Task<String> t1 = createTask(() -> futs.get(1).await());
        WaitResult<String> r = Asyncio.wait(List.of(t0, t1));
        assertThat(r.done()).extracting(Future::result).containsExactlyInAnyOrder("a", "b");
        assertThat(clock.time()).isEqualTo(0.05);
    }

    // ---- duplicates (test_as_completed_duplicate_coroutines) ----

    @Test
    void duplicatesAreYieldedOnce() {
        Task<String> ham = createTask(() -> "ham");
        Task<String> spam = createTask(() -> "spam");
        List<String> result = new ArrayList<>();
        for (Future<String> f : asCompleted(List.of(ham, ham, spam))) {
            result.add(f.result());
        }
        assertThat(result).containsExactlyInAnyOrder("ham", "spam");
        assertThat(asCompleted(List.of(ham, ham, spam)).awaitables()).hasSize(2);
    }
}
