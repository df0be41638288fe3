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
 * {@code shield()}: the outer future mirrors the inner; cancelling the outer (or the task awaiting
 * it) leaves the inner running; cancelling the inner cancels the outer. Ported from CPython 3.13's
 * test_tasks.py test_shield_* / test_gather_shield and surface notes 2.6.
 */
@ExtendWith(AsyncioExtension.class)
class ShieldTest {

    @Test
    void shieldedFutureMirrorsTheInnerResult(EventLoop loop) {
        // test_shield_result
        Future<Integer> inner = loop.createFuture();
        Future<Integer> outer = shield(inner);
        assertThat(outer).isNotSameAs(inner);
        inner.setResult(42);
        assertThat(outer.await()).isEqualTo(42);
    }

    @Test
    void shieldedFutureMirrorsTheInnerException(EventLoop loop) {
        // test_shield_exception
        Future<Integer> inner = loop.createFuture();
        Future<Integer> outer = shield(inner);
        sleep(0);
        RuntimeException exc = new RuntimeException("expected");
        inner.setException(exc);
        sleep(0);
        assertThat(outer.exception()).isSameAs(exc);
        assertThat(inner.exception()).isSameAs(exc);
    }

    @Test
    void cancellingTheInnerCancelsTheOuter(EventLoop loop) {
        // test_shield_cancel_inner
        Future<Integer> inner = loop.createFuture();
        Future<Integer> outer = shield(inner);
        sleep(0);
        inner.cancel();
        sleep(0);
        assertThat(outer.cancelled()).isTrue();
    }

    @Test
    void cancellingTheInnerTaskCancelsTheTaskAwaitingTheShield(VirtualClock clock) {
        Task<String> inner = createTask(() -> sleep(10, "late"));
        Task<String> awaiter = createTask(() -> shield(inner).await());
        sleep(1);
        inner.cancel();
        assertThat(catchThrowable(awaiter::await)).isInstanceOf(CancelledError.class);
        assertThat(awaiter.cancelled()).isTrue();
        assertThat(inner.cancelled()).isTrue();
        assertThat(clock.time()).isEqualTo(1.0);
    }

    @Test
    void cancellingTheOuterLeavesTheInnerPending(EventLoop loop) {
        // test_shield_cancel_outer
        Future<Integer> inner = loop.createFuture();
        Future<Integer> outer = shield(inner);
        sleep(0);
        assertThat(outer.cancel()).isTrue();
        sleep(0);
        assertThat(outer.cancelled()).isTrue();
        assertThat(inner.done()).isFalse();
        inner.setResult(1); // completing the inner later does not touch the cancelled outer
        sleep(0);
        assertThat(inner.result()).isEqualTo(1);
        assertThat(outer.cancelled()).isTrue();
    }

    @Test
    void shieldOfAnAlreadyDoneFutureReturnsItAsIs(EventLoop loop) {
        // test_shield_shortcut
        Future<Integer> fut = loop.createFuture();
        fut.setResult(42);
        Future<Integer> outer = shield(fut);
        assertThat(outer).isSameAs(fut);
        assertThat(outer.await()).isEqualTo(42);

        Future<Integer> failed = loop.createFuture();
        IllegalStateException boom = new IllegalStateException("boom");
        failed.setException(boom);
        assertThat(shield(failed)).isSameAs(failed);
        assertThat(failed.exception()).isSameAs(boom);

        Future<Integer> cancelled = loop.createFuture();
        cancelled.cancel();
        assertThat(shield(cancelled)).isSameAs(cancelled);
    }

    @Test
    void shieldedCoroutineSurvivesTheCancellationOfItsAwaiter(EventLoop loop) {
        // test_shield_effect
        Future<Void> waiter = loop.createFuture();
        int[] proof = {0};
        Task<Void> f = createTask(() -> {
            shield(() -> {
                waiter.await();
                proof[0] += 1;
                return null;
            }).await();
            proof[0] += 100;
        });
        sleep(0);
        f.cancel();
        assertThat(catchThrowable(f::await)).isInstanceOf(CancelledError.class);
        waiter.setResult(null);
        sleep(0);
        assertThat(proof[0]).isEqualTo(1);
    }

    @Test
    void awaiterIsCancelledAtOnceWhileTheShieldedTaskFinishesLater(VirtualClock clock) {
        Steps steps = new Steps();
        Task<String> inner = createTask(() -> {
            steps.expect(2);
            sleep(2);
            steps.expect(5);
            return "done";
        });
        Task<String> outer = createTask(() -> {
            try {
                steps.expect(3);
                return shield(inner).await();
            } catch (CancelledError e) {
                steps.expect(4);
                throw e;
            }
        });
        steps.expect(1);
        sleep(1);
        outer.cancel();
        assertThat(catchThrowable(outer::await)).isInstanceOf(CancelledError.class);
        assertThat(clock.time()).isEqualTo(1.0);
        assertThat(inner.done()).isFalse();
        assertThat(inner.await()).isEqualTo("done");
        steps.finish(6);
        assertThat(clock.time()).isEqualTo(2.0);
        assertThat(outer.cancelled()).isTrue();
    }

    @Test
    void shieldedGatherKeepsRunningWhenTheShieldIsCancelled(EventLoop loop) {
        // test_shield_gather
        Future<Integer> child1 = loop.createFuture();
        Future<Integer> child2 = loop.createFuture();
        Task<List<Integer>> parent = createTask(() -> gather(child1, child2));
        Future<List<Integer>> outer = shield(parent);
        sleep(0);
        outer.cancel();
        sleep(0);
        assertThat(outer.cancelled()).isTrue();
        child1.setResult(1);
        child2.setResult(2);
        assertThat(parent.await()).containsExactly(1, 2);
        assertThat(child1.cancelled()).isFalse();
    }

    @Test
    void cancellingAGatherOfShieldedFuturesCancelsTheShieldsNotTheChildren(EventLoop loop) {
        // test_gather_shield
        Future<Integer> child1 = loop.createFuture();
        Future<Integer> child2 = loop.createFuture();
        Future<Integer> inner1 = shield(child1);
        Future<Integer> inner2 = shield(child2);
        Task<List<Integer>> parent = createTask(() -> gather(inner1, inner2));
        sleep(0);
        parent.cancel();
        sleep(0);
        assertThat(catchThrowable(parent::await)).isInstanceOf(CancelledError.class);
        assertThat(inner1.cancelled()).isTrue();
        assertThat(inner2.cancelled()).isTrue();
        assertThat(child1.done()).isFalse();
        assertThat(child2.done()).isFalse();
        child1.setResult(1);
        child2.setResult(2);
        sleep(0);
        assertThat(child1.result()).isEqualTo(1);
        assertThat(child2.result()).isEqualTo(2);
    }

    @Test
    void gatherOfShieldedTasksCancelledKeepsTheTasksRunning(VirtualClock clock) {
        List<String> log = new ArrayList<>();
        Task<String> a = createTask(() -> {
            sleep(1);
            log.add("a done at " + clock.time());
            return "a";
        });
        Task<String> b = createTask(() -> {
            sleep(2);
            log.add("b done at " + clock.time());
            return "b";
        });
        Task<List<String>> parent = createTask(() -> gather(shield(a), shield(b)));
        sleep(0.5);
        parent.cancel();
        assertThat(catchThrowable(parent::await)).isInstanceOf(CancelledError.class);
        assertThat(clock.time()).isEqualTo(0.5);
        assertThat(gather(a, b)).containsExactly("a", "b");
        assertThat(log).containsExactly("a done at 1.0", "b done at 2.0");
    }

    @Test
    void timeoutAroundAShieldRaisesTimeoutErrorAndTheShieldedTaskRunsOn(VirtualClock clock) {
        Task<String> inner = createTask(() -> sleep(3, "done"));
        Throwable e = catchThrowable(() -> timeout(1).run(() -> shield(inner).await()));
        assertThat(e).isInstanceOf(TimeoutError.class);
        assertThat(clock.time()).isEqualTo(1.0);
        assertThat(inner.done()).isFalse();
        assertThat(inner.await()).isEqualTo("done");
        assertThat(clock.time()).isEqualTo(3.0);
    }

    @Test
    void shieldOfACoroutineRunsItAsATaskOnTheRunningLoop() {
        // test_shield_coroutine_use_running_loop
        Future<Integer> outer = shield(() -> 42);
        assertThat(outer.getLoop()).isSameAs(getRunningLoop());
        assertThat(outer.await()).isEqualTo(42);
    }

    @Test
    void innerFailureAfterTheOuterWasCancelledStaysWithTheInner(EventLoop loop, VirtualClock clock) {
        IllegalStateException boom = new IllegalStateException("boom");
        Task<Void> inner = createTask(() -> {
            sleep(1);
            throw boom;
        });
        Task<Void> awaiter = createTask(() -> {
            shield(inner).await();
        });
        sleep(0.5);
        awaiter.cancel();
        assertThat(catchThrowable(awaiter::await)).isInstanceOf(CancelledError.class);
        assertThat(catchThrowable(inner::await)).isSameAs(boom);
        assertThat(clock.time()).isEqualTo(1.0);
    }
}
