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

/** First checks of timeout, waitFor, shield, TaskGroup, wait and asCompleted (issue 3 adds the full suite). */
@ExtendWith(AsyncioExtension.class)
class ScopesSmokeTest {

    @Test
    void timeoutConvertsItsOwnExpiryIntoTimeoutErrorAfterTheBlockCleanedUp(VirtualClock clock) {
        List<String> log = new ArrayList<>();
        assertThatThrownBy(() -> timeout(1).run(() -> {
            try {
                sleep(10);
            } finally {
                log.add("cleanup at " + clock.time());
                sleep(0.5); // cleanup that suspends
            }
        })).isInstanceOf(TimeoutError.class).hasCauseInstanceOf(CancelledError.class);
        assertThat(log).containsExactly("cleanup at 1.0");
        assertThat(clock.time()).isEqualTo(1.5);
        assertThat(currentTask().cancelling()).isZero();
    }

    @Test
    void waitForCancelsTheInnerTaskAndAwaitsItsCleanup(VirtualClock clock) {
        List<String> log = new ArrayList<>();
        Task<String> inner = createTask(() -> {
            try {
                sleep(10);
                return "late";
            } finally {
                sleep(1);
                log.add("inner cleaned up at " + clock.time());
            }
        });
        assertThatThrownBy(() -> waitFor(inner, 2.0)).isInstanceOf(TimeoutError.class);
        assertThat(inner.cancelled()).isTrue();
        assertThat(log).containsExactly("inner cleaned up at 3.0");
        assertThat(waitFor(() -> sleep(1, "ok"), null)).isEqualTo("ok");
    }

    @Test
    void shieldedTaskSurvivesTheCancellationOfItsAwaiter() {
        Task<String> inner = createTask(() -> sleep(2, "done"));
        Task<String> outer = createTask(() -> shield(inner).await());
        sleep(1);
        outer.cancel();
        assertThatThrownBy(outer::await).isInstanceOf(CancelledError.class);
        assertThat(inner.await()).isEqualTo("done");
    }

    @Test
    void taskGroupCancelsSiblingsOnFirstFailureAndRaisesAGroup() {
        List<String> log = new ArrayList<>();
        assertThatThrownBy(() -> taskGroup(tg -> {
            tg.createTask(() -> {
                try {
                    sleep(10);
                } catch (CancelledError e) {
                    log.add("sibling cancelled");
                    throw e;
                }
            });
            tg.createTask(() -> {
                sleep(1);
                throw new IllegalStateException("boom");
            });
            sleep(5);
            log.add("body not cancelled?!");
        })).isInstanceOfSatisfying(ExceptionGroup.class, g -> {
            assertThat(g.exceptions()).singleElement().isInstanceOf(IllegalStateException.class);
            assertThat(g.message()).isEqualTo("unhandled errors in a TaskGroup");
        });
        assertThat(log).containsExactly("sibling cancelled");
        assertThat(currentTask().cancelling()).isZero();
    }

    @Test
    void waitReturnsDoneAndPendingWithoutCancelling() {
        Task<Integer> fast = createTask(() -> sleep(1, 1));
        Task<Integer> slow = createTask(() -> sleep(5, 2));
        WaitResult<Integer> r = Asyncio.wait(List.of(fast, slow), null, ReturnWhen.FIRST_COMPLETED);
        assertThat(r.done()).containsExactly(fast);
        assertThat(r.pending()).containsExactly(slow);
        assertThat(slow.cancelled()).isFalse();
        slow.await();
    }

    @Test
    void debugModeReportsATaskThatSwallowsItsCancellation(EventLoop loop, io.jasyncio.testing.ExceptionRecorder recorder) {
        loop.setDebug(true);
        Task<String> swallower = createTask(() -> {
            try {
                sleep(10);
            } catch (CancelledError e) {
                // swallowed: no rethrow, no uncancel()
            }
            return "went on";
        }, "swallower");
        Task<String> handled = createTask(() -> {
            try {
                sleep(10);
            } catch (CancelledError e) {
                currentTask().uncancel(); // handled on purpose
            }
            return "handled";
        }, "handled");
        sleep(1);
        swallower.cancel();
        handled.cancel();
        assertThat(swallower.await()).isEqualTo("went on");
        assertThat(handled.await()).isEqualTo("handled");
        assertThat(recorder.messages()).singleElement().asString()
                .startsWith("Task swallower swallowed a cancellation");
        loop.setDebug(false);
    }

    @Test
    void asCompletedYieldsTheOriginalsInCompletionOrder() {
        Task<String> a = createTask(() -> sleep(3, "a"));
        Task<String> b = createTask(() -> sleep(1, "b"));
        List<String> order = new ArrayList<>();
        for (Future<String> f : asCompleted(List.of(a, b))) {
            order.add(f.result());
        }
        assertThat(order).containsExactly("b", "a");
    }
}
