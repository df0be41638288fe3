package io.jasyncio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jasyncio.testing.AsyncioExtension;
import io.jasyncio.testing.ExceptionRecorder;
import io.jasyncio.testing.VirtualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The event loop driven by hand (runForever, runUntilComplete, stop, close), as CPython's
 * test_base_events.py does; the {@link InTask} tests run inside a task of a loop instead.
 */
class EventLoopTest {

    private final List<EventLoop> loops = new ArrayList<>();
    private final List<String> log = Collections.synchronizedList(new ArrayList<>());

    /** A loop on a virtual clock (autojump), closed after the test. */
    private EventLoop newLoop() {
        return track(new EventLoop(new VirtualClock()));
    }

    private EventLoop track(EventLoop loop) {
        loops.add(loop);
        return loop;
    }

    @AfterEach
    void closeLoops() {
        for (EventLoop loop : loops) {
            if (!loop.isRunning()) {
                loop.close();
            }
        }
    }

    private Runnable add(String s) {
        return () -> log.add(s);
    }

    /** Runs the loop until the callbacks already scheduled and their descendants ran, then one more iteration. */
    private static void runBriefly(EventLoop loop) {
        loop.runUntilComplete(() -> {
            Asyncio.sleep(0);
            return null;
        });
    }

    // ---- scheduling order (asyncio-surface 2.1) ----

    @Test
    void callSoonIsFifo() {
        EventLoop loop = newLoop();
        for (int i = 0; i < 10; i++) {
            loop.callSoon(add("cb" + i));
        }
        loop.callSoon(loop::stop);
        loop.runForever();
        assertThat(log).containsExactly("cb0", "cb1", "cb2", "cb3", "cb4", "cb5", "cb6", "cb7", "cb8", "cb9");
    }

    /** test_base_events.py::test__run_once_schedule_handle; verified a, b, a2 on CPython. */
    @Test
    void callbacksScheduledDuringAnIterationRunInTheNextOne() {
        EventLoop loop = newLoop();
        loop.callSoon(() -> {
            log.add("a");
            loop.callSoon(add("a2"));
        });
        loop.callSoon(add("b"));
        loop.stop();
        loop.runForever();
        assertThat(log).containsExactly("a", "b");
        loop.stop();
        loop.runForever();
        assertThat(log).containsExactly("a", "b", "a2");
    }

    @Test
    void equalDeadlinesFireInSchedulingOrder() {
        EventLoop loop = newLoop();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            loop.callLater(1.0, add("t" + i));
            expected.add("t" + i);
        }
        for (int i = 20; i < 40; i++) {
            loop.callAt(loop.time() + 1.0, add("t" + i));
            expected.add("t" + i);
        }
        loop.callLater(1.0, loop::stop);
        loop.runForever();
        assertThat(log).containsExactlyElementsOf(expected);
    }

    @Test
    void timersFireInDeadlineOrderWhateverTheSchedulingOrder() {
        EventLoop loop = newLoop();
        loop.callLater(3, add("c"));
        loop.callLater(Duration.ofMillis(1000), add("a"));
        loop.callAt(loop.time() + 2, add("b"));
        loop.callLater(0.5, add("first"));
        loop.callLater(3, loop::stop);
        loop.runForever();
        assertThat(log).containsExactly("first", "a", "b", "c");
        assertThat(loop.time()).isEqualTo(3.0);
    }

    @Test
    void timerFiresAtItsDeadlineOnTheLoopClock() {
        VirtualClock clock = new VirtualClock();
        EventLoop loop = track(new EventLoop(clock));
        List<Double> at = new ArrayList<>();
        TimerHandle h = loop.callLater(2.5, () -> at.add(loop.time()));
        assertThat(h.when()).isEqualTo(2.5);
        loop.callLater(2.5, loop::stop);
        loop.runForever();
        assertThat(at).containsExactly(2.5);
        assertThat(clock.time()).isEqualTo(2.5);
    }

    /** Zero and negative delays: due at once, after the callbacks already ready. */
    @Test
    void zeroAndNegativeDelaysRunAsSoonAsPossible() {
        EventLoop loop = newLoop();
        loop.callSoon(add("soon"));
        loop.callLater(0, add("zero"));
        loop.callLater(-5, add("negative"));
        loop.callLater(Duration.ofSeconds(-1), add("negative duration"));
        loop.stop();
        loop.runForever();
        assertThat(log).containsExactlyInAnyOrder("soon", "zero", "negative", "negative duration");
        assertThat(log.get(0)).isEqualTo("soon");
        assertThat(loop.time()).isEqualTo(0.0);
    }

    /**
     * test_base_events.py::test_call_later_negative_delays: call_later(-1, 'a') then call_later(-2,
     * 'b') run b first (their deadlines are now-1 and now-2). Verified on CPython 3.13:
     * call_later(-1,a); call_later(-2,b); call_later(0,c); call_soon(d) runs d, b, a, c.
     */
    @Test
    void negativeDelaysKeepDeadlineOrder() {
        EventLoop loop = newLoop();
        loop.callLater(-1, add("a"));
        loop.callLater(-2, add("b"));
        loop.callLater(0, add("c"));
        loop.callSoon(add("d"));
        loop.stop();
        loop.runForever();
        assertThat(log).containsExactly("d", "b", "a", "c");
    }

    @Test
    void nanDelaysAreRejected() {
        EventLoop loop = newLoop();
        assertThatThrownBy(() -> loop.callLater(Double.NaN, add("x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NaN");
        assertThatThrownBy(() -> loop.callAt(Double.NaN, add("x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NaN");
        loop.stop();
        loop.runForever();
        assertThat(log).isEmpty();
    }

    @Test
    void nullCallbacksAndDelaysAreRejected() {
        EventLoop loop = newLoop();
        assertThatThrownBy(() -> loop.callSoon(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> loop.callLater(1.0, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> loop.callLater((Duration) null, add("x"))).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> loop.callSoonThreadsafe(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void hugeDelaysAreAcceptedAndNeverFireEarly() {
        EventLoop loop = newLoop();
        TimerHandle h = loop.callLater(Double.POSITIVE_INFINITY, add("never"));
        TimerHandle d = loop.callLater(Duration.ofDays(365L * 1_000_000), add("never either"));
        loop.callLater(3600, add("hour"));
        loop.callLater(3600, loop::stop);
        loop.runForever();
        assertThat(log).containsExactly("hour");
        assertThat(h.when()).isGreaterThan(1e9);
        h.cancel();
        d.cancel();
    }

    // ---- cancelled handles ----

    @Test
    void cancelledHandlesNeverRun() {
        EventLoop loop = newLoop();
        Handle soon = loop.callSoon(add("soon"));
        TimerHandle later = loop.callLater(1, add("later"));
        loop.callSoon(add("kept"));
        soon.cancel();
        later.cancel();
        assertThat(soon.cancelled()).isTrue();
        assertThat(later.cancelled()).isTrue();
        loop.callLater(2, loop::stop);
        loop.runForever();
        assertThat(log).containsExactly("kept");
    }

    /** A handle cancelled by an earlier callback of the same iteration is skipped (verified on CPython). */
    @Test
    void handleCancelledByAnEarlierCallbackOfTheSameIterationIsSkipped() {
        EventLoop loop = newLoop();
        AtomicReference<Handle> second = new AtomicReference<>();
        AtomicReference<TimerHandle> timer = new AtomicReference<>();
        loop.callSoon(() -> {
            log.add("first");
            second.get().cancel();
            timer.get().cancel();
        });
        second.set(loop.callSoon(add("second")));
        timer.set(loop.callLater(0, add("timer")));
        loop.callSoon(add("third"));
        loop.stop();
        loop.runForever();
        assertThat(log).containsExactly("first", "third");
    }

    @Test
    void cancelIsIdempotentAndHarmlessAfterTheCallbackRan() {
        EventLoop loop = newLoop();
        Handle h = loop.callSoon(add("ran"));
        runBriefly(loop);
        h.cancel();
        h.cancel();
        assertThat(h.cancelled()).isTrue();
        assertThat(log).containsExactly("ran");
    }

    @Test
    void manyCancelledTimersArePurgedAndTheRestStillFire() {
        EventLoop loop = newLoop();
        List<TimerHandle> handles = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            handles.add(loop.callLater(10 + i, add("t" + i)));
        }
        for (int i = 0; i < 300; i++) {
            if (i % 100 != 0) {
                handles.get(i).cancel();
            }
        }
        loop.callLater(1000, loop::stop);
        loop.runForever();
        assertThat(log).containsExactly("t0", "t100", "t200");
    }

    // ---- stop / runUntilComplete ----

    /** test_base_events.py::test_run_forever_pre_stopped. */
    @Test
    void stopBeforeRunForeverRunsExactlyOneIteration() {
        EventLoop loop = newLoop();
        loop.callSoon(() -> {
            log.add("one");
            loop.callSoon(add("two"));
        });
        loop.stop();
        loop.runForever();
        assertThat(log).containsExactly("one");
        assertThat(loop.isRunning()).isFalse();
    }

    @Test
    void stopBeforeRunForeverOnAnEmptyLoopReturnsWithoutWaiting() {
        // On a virtual clock an idle wait with nothing scheduled would be a StalledError.
        EventLoop loop = newLoop();
        loop.stop();
        loop.runForever();
        assertThat(loop.isRunning()).isFalse();
    }

    @Test
    void stopFinishesTheCurrentIteration() {
        EventLoop loop = newLoop();
        loop.callSoon(() -> {
            log.add("stopper");
            loop.stop();
        });
        loop.callSoon(add("same iteration"));
        loop.callSoon(() -> loop.callSoon(add("next iteration")));
        loop.runForever();
        assertThat(log).containsExactly("stopper", "same iteration");
        // The stop request was consumed: the next run goes on until stopped again.
        loop.callSoon(() -> loop.callSoon(loop::stop));
        loop.runForever();
        assertThat(log).containsExactly("stopper", "same iteration", "next iteration");
    }

    @Test
    void isRunningIsTrueOnlyInsideRunForever() {
        EventLoop loop = newLoop();
        AtomicReference<Boolean> inside = new AtomicReference<>();
        loop.callSoon(() -> inside.set(loop.isRunning()));
        loop.stop();
        assertThat(loop.isRunning()).isFalse();
        loop.runForever();
        assertThat(inside.get()).isTrue();
        assertThat(loop.isRunning()).isFalse();
    }

    @Test
    void runUntilCompleteStoppedEarlyRaises() {
        EventLoop loop = newLoop();
        Future<String> fut = loop.createFuture();
        loop.callSoon(loop::stop);
        assertThatThrownBy(() -> loop.runUntilComplete(fut))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("Event loop stopped before Future completed.");
        // The future is untouched and can still complete later.
        loop.callSoon(() -> fut.setResult("late"));
        assertThat(loop.runUntilComplete(fut)).isEqualTo("late");
    }

    @Test
    void runUntilCompleteReturnsTheResultOrThrowsTheVeryException() {
        EventLoop loop = newLoop();
        assertThat(loop.runUntilComplete(() -> {
            Asyncio.sleep(1);
            return "done";
        })).isEqualTo("done");
        IllegalStateException boom = new IllegalStateException("boom");
        assertThatThrownBy(() -> loop.runUntilComplete(() -> {
            throw boom;
        })).isSameAs(boom);
        Future<Integer> fut = loop.createFuture();
        loop.callLater(2, () -> fut.setResult(42));
        assertThat(loop.runUntilComplete(fut)).isEqualTo(42);
        assertThat(loop.time()).isEqualTo(3.0);
    }

    @Test
    void runUntilCompleteOfADoneFutureReturnsAfterOneIteration() {
        EventLoop loop = newLoop();
        Future<String> fut = loop.createFuture();
        fut.setResult("x");
        loop.callSoon(add("ran"));
        assertThat(loop.runUntilComplete(fut)).isEqualTo("x");
        assertThat(log).containsExactly("ran");
    }

    @Test
    void runUntilCompleteRejectsAFutureOfAnotherLoop() {
        EventLoop loop = newLoop();
        EventLoop other = newLoop();
        Future<String> fut = other.createFuture();
        assertThatThrownBy(() -> loop.runUntilComplete(fut))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("different loop");
    }

    @Test
    void runUntilCompleteOfACancelledTaskThrowsCancelledError() {
        EventLoop loop = newLoop();
        Task<String> t = loop.createTask(() -> {
            Asyncio.sleep(10);
            return "never";
        });
        loop.callLater(1, () -> t.cancel("stop it"));
        assertThatThrownBy(() -> loop.runUntilComplete(t)).isInstanceOf(CancelledError.class);
        assertThat(t.cancelled()).isTrue();
    }

    // ---- re-entrancy ----

    @Test
    void runningALoopThatIsAlreadyRunningRaises() {
        EventLoop loop = newLoop();
        List<Throwable> errors = new ArrayList<>();
        Future<String> fut = loop.createFuture();
        loop.runUntilComplete(() -> {
            try {
                loop.runForever();
            } catch (IllegalStateException e) {
                errors.add(e);
            }
            try {
                loop.runUntilComplete(fut);
            } catch (IllegalStateException e) {
                errors.add(e);
            }
            return null;
        });
        assertThat(errors).extracting(Throwable::getMessage)
                .containsExactly("This event loop is already running", "This event loop is already running");
        assertThat(fut.done()).isFalse();
    }

    @Test
    void runningAnotherLoopInsideARunningOneRaises() {
        EventLoop loop = newLoop();
        EventLoop other = newLoop();
        Future<String> fut = other.createFuture();
        List<Throwable> errors = new ArrayList<>();
        loop.runUntilComplete(() -> {
            try {
                other.runForever();
            } catch (IllegalStateException e) {
                errors.add(e);
            }
            try {
                other.runUntilComplete(fut);
            } catch (IllegalStateException e) {
                errors.add(e);
            }
            return null;
        });
        assertThat(errors).extracting(Throwable::getMessage).containsExactly(
                "Cannot run the event loop while another loop is running",
                "Cannot run the event loop while another loop is running");
        assertThat(other.isRunning()).isFalse();
    }

    @Test
    void reentrantRunFromAPlainCallbackRaisesToo() {
        EventLoop loop = newLoop();
        AtomicReference<Throwable> error = new AtomicReference<>();
        loop.callSoon(() -> {
            try {
                loop.runForever();
            } catch (IllegalStateException e) {
                error.set(e);
            }
        });
        loop.stop();
        loop.runForever();
        assertThat(error.get()).hasMessage("This event loop is already running");
    }

    // ---- close ----

    @Test
    void closeWhileRunningRaises() {
        EventLoop loop = newLoop();
        AtomicReference<Throwable> error = new AtomicReference<>();
        loop.callSoon(() -> {
            try {
                loop.close();
            } catch (IllegalStateException e) {
                error.set(e);
            }
        });
        loop.stop();
        loop.runForever();
        assertThat(error.get()).isInstanceOf(IllegalStateException.class).hasMessage("Cannot close a running event loop");
        assertThat(loop.isClosed()).isFalse();
    }

    @Test
    void closeIsIdempotentAndAClosedLoopRefusesWork() {
        EventLoop loop = newLoop();
        loop.callSoon(add("dropped"));
        loop.close();
        loop.close();
        assertThat(loop.isClosed()).isTrue();
        assertThatThrownBy(() -> loop.callSoon(add("x"))).isInstanceOf(IllegalStateException.class).hasMessage("Event loop is closed");
        assertThatThrownBy(() -> loop.callLater(1, add("x"))).isInstanceOf(IllegalStateException.class).hasMessage("Event loop is closed");
        assertThatThrownBy(() -> loop.callSoonThreadsafe(add("x"))).isInstanceOf(IllegalStateException.class).hasMessage("Event loop is closed");
        assertThatThrownBy(loop::runForever).isInstanceOf(IllegalStateException.class).hasMessage("Event loop is closed");
        assertThatThrownBy(() -> loop.runUntilComplete(() -> "x")).isInstanceOf(IllegalStateException.class).hasMessage("Event loop is closed");
        assertThatThrownBy(() -> loop.createTask(() -> "x")).isInstanceOf(IllegalStateException.class).hasMessage("Event loop is closed");
        assertThat(log).isEmpty();
    }

    @Test
    void closeReportsTasksStillPending() {
        EventLoop loop = newLoop();
        ExceptionRecorder recorder = new ExceptionRecorder();
        loop.setExceptionHandler(recorder);
        Task<String> t = loop.createTask(() -> {
            Asyncio.sleep(100);
            return "x";
        });
        runBriefly(loop);
        loop.close();
        assertThat(recorder.messages()).containsExactly("Task was destroyed but it is pending!");
        assertThat(recorder.contexts().get(0).task()).isSameAs(t);
    }

    // ---- errors ----

    /** asyncio-surface 2.1.6 / events.py Handle._run. */
    @Test
    void anExceptionInACallbackGoesToTheHandlerWithTheHandleAndTheLoopGoesOn() {
        EventLoop loop = newLoop();
        ExceptionRecorder recorder = new ExceptionRecorder();
        loop.setExceptionHandler(recorder);
        RuntimeException boom = new RuntimeException("boom");
        Handle h = loop.callSoon(() -> {
            throw boom;
        });
        loop.callSoon(add("next callback ran"));
        loop.callLater(1, add("timer ran"));
        TimerHandle failingTimer = loop.callLater(0.5, () -> {
            throw new IllegalStateException("timer boom");
        });
        loop.callLater(1, loop::stop);
        loop.runForever();
        assertThat(log).containsExactly("next callback ran", "timer ran");
        List<ExceptionContext> reports = recorder.contexts();
        assertThat(reports).hasSize(2);
        assertThat(reports.get(0).message()).startsWith("Exception in callback");
        assertThat(reports.get(0).exception()).isSameAs(boom);
        assertThat(reports.get(0).handle()).isSameAs(h);
        assertThat(reports.get(0).asMap()).containsKeys("message", "exception", "handle");
        assertThat(reports.get(1).handle()).isSameAs(failingTimer);
        assertThat(reports.get(1).exception()).hasMessage("timer boom");
    }

    @Test
    void checkedExceptionsFromCallbacksAreReportedToo() {
        EventLoop loop = newLoop();
        ExceptionRecorder recorder = new ExceptionRecorder();
        loop.setExceptionHandler(recorder);
        java.io.IOException io = new java.io.IOException("io");
        loop.callSoon(() -> {
            throw Throwables.sneaky(io);
        });
        loop.stop();
        loop.runForever();
        assertThat(recorder.contexts()).singleElement().satisfies(c -> assertThat(c.exception()).isSameAs(io));
    }

    /** test_base_events.py::test_set_exc_handler_broken. */
    @Test
    void aFailingCustomHandlerIsReportedByTheDefaultHandlerAndTheLoopGoesOn() {
        List<ExceptionContext> defaultReports = new ArrayList<>();
        EventLoop loop = track(new EventLoop(new VirtualClock()) {
            @Override
            public void defaultExceptionHandler(ExceptionContext context) {
                defaultReports.add(context);
            }
        });
        RuntimeException handlerBug = new RuntimeException("handler bug");
        loop.setExceptionHandler((l, c) -> {
            throw handlerBug;
        });
        RuntimeException boom = new RuntimeException("boom");
        loop.callSoon(() -> {
            throw boom;
        });
        loop.callSoon(add("loop went on"));
        loop.stop();
        loop.runForever();
        assertThat(log).containsExactly("loop went on");
        assertThat(defaultReports).singleElement().satisfies(c -> {
            assertThat(c.message()).isEqualTo("Unhandled error in exception handler");
            assertThat(c.exception()).isSameAs(handlerBug);
            assertThat(c.get("context")).isInstanceOfSatisfying(ExceptionContext.class,
                    original -> assertThat(original.exception()).isSameAs(boom));
        });
    }

    @Test
    void theDefaultHandlerIsUsedWithoutACustomOne() {
        List<ExceptionContext> defaultReports = new ArrayList<>();
        EventLoop loop = track(new EventLoop(new VirtualClock()) {
            @Override
            public void defaultExceptionHandler(ExceptionContext context) {
                defaultReports.add(context);
            }
        });
        assertThat(loop.getExceptionHandler()).isNull();
        ExceptionHandler custom = (l, c) -> log.add(c.message());
        loop.setExceptionHandler(custom);
        assertThat(loop.getExceptionHandler()).isSameAs(custom);
        loop.setExceptionHandler(null);
        loop.callSoon(() -> {
            throw new RuntimeException("boom");
        });
        loop.stop();
        loop.runForever();
        assertThat(log).isEmpty();
        assertThat(defaultReports).singleElement().satisfies(c -> assertThat(c.message()).startsWith("Exception in callback"));
    }

    @Test
    void callExceptionHandlerPassesTheContextThrough() {
        EventLoop loop = newLoop();
        ExceptionRecorder recorder = new ExceptionRecorder();
        loop.setExceptionHandler(recorder);
        ExceptionContext ctx = ExceptionContext.builder("custom report").put("socket", "s").build();
        loop.callExceptionHandler(ctx);
        assertThat(recorder.contexts()).containsExactly(ctx);
        assertThat(ctx.toString()).isEqualTo("custom report\nsocket: s");
    }

    // ---- time ----

    @Test
    void timeFollowsTheLoopClock() {
        VirtualClock clock = new VirtualClock(false);
        EventLoop loop = track(new EventLoop(clock));
        assertThat(loop.clock()).isSameAs(clock);
        assertThat(loop.time()).isEqualTo(0.0);
        clock.advance(5);
        assertThat(loop.time()).isEqualTo(5.0);
        clock.advance(0.25);
        assertThat(loop.time()).isEqualTo(5.25);
    }

    @Test
    void aTimerFiresOnlyWhenTheClockReachesItsDeadline() {
        VirtualClock clock = new VirtualClock(false);
        EventLoop loop = track(new EventLoop(clock));
        loop.callLater(2, add("timer"));
        loop.stop();
        loop.runForever();
        assertThat(log).isEmpty();
        clock.advance(1.999);
        loop.stop();
        loop.runForever();
        assertThat(log).isEmpty();
        clock.advance(0.001);
        loop.stop();
        loop.runForever();
        assertThat(log).containsExactly("timer");
    }

    @Test
    void systemClockTimeIsMonotonic() {
        EventLoop loop = track(new EventLoop());
        double t0 = loop.time();
        double t1 = loop.time();
        assertThat(t1).isGreaterThanOrEqualTo(t0);
        assertThat(loop.clock()).isSameAs(Clock.system());
    }

    // ---- threads ----

    /** The loop blocks in its selector with nothing scheduled; a call from another thread wakes it. */
    @Test
    @Timeout(30)
    void callSoonThreadsafeWakesABlockedLoop() throws Exception {
        EventLoop loop = track(new EventLoop());
        CountDownLatch loopRan = new CountDownLatch(1);
        loop.callSoon(loopRan::countDown);
        CompletableFuture<Thread> callbackThread = new CompletableFuture<>();
        Thread other = Thread.ofPlatform().name("poster").start(() -> {
            try {
                loopRan.await();
                loop.callSoonThreadsafe(() -> {
                    callbackThread.complete(Thread.currentThread());
                    loop.stop();
                });
            } catch (InterruptedException e) {
                callbackThread.completeExceptionally(e);
            }
        });
        loop.runForever();
        other.join();
        assertThat(callbackThread.get(0, TimeUnit.SECONDS)).isNotSameAs(other);
    }

    @Test
    @Timeout(30)
    void callSoonThreadsafeFromManyThreadsDeliversEveryCallOnce() throws Exception {
        EventLoop loop = track(new EventLoop());
        int threads = 4;
        int perThread = 500;
        int[] count = {0};
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> posters = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            posters.add(Thread.ofPlatform().start(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < perThread; i++) {
                    loop.callSoonThreadsafe(() -> {
                        if (++count[0] == threads * perThread) {
                            loop.stop();
                        }
                    });
                }
            }));
        }
        loop.callSoon(go::countDown);
        loop.runForever();
        for (Thread p : posters) {
            p.join();
        }
        assertThat(count[0]).isEqualTo(threads * perThread);
    }

    @Test
    @Timeout(30)
    void callSoonThreadsafeKeepsPerThreadOrder() throws Exception {
        EventLoop loop = track(new EventLoop());
        List<Integer> seen = new ArrayList<>();
        CountDownLatch loopRan = new CountDownLatch(1);
        loop.callSoon(loopRan::countDown);
        Thread other = Thread.ofPlatform().start(() -> {
            try {
                loopRan.await();
            } catch (InterruptedException e) {
                return;
            }
            for (int i = 0; i < 100; i++) {
                int n = i;
                loop.callSoonThreadsafe(() -> seen.add(n));
            }
            loop.callSoonThreadsafe(loop::stop);
        });
        loop.runForever();
        other.join();
        assertThat(seen).hasSize(100).isSorted();
    }

    /**
     * Ping-pong across threads: each call is posted while the loop is (most likely) blocked in its
     * selector, and the poster waits for it to run before posting the next. A lost wakeup would
     * leave the loop asleep with a call in its inbox; the poster's bounded wait turns that into a
     * failure instead of a hang.
     */
    @Test
    @Timeout(60)
    void callSoonThreadsafePingPongNeverLosesAWakeup() throws Exception {
        EventLoop loop = track(new EventLoop());
        int rounds = 5_000;
        AtomicReference<String> failure = new AtomicReference<>();
        CountDownLatch loopRan = new CountDownLatch(1);
        loop.callSoon(loopRan::countDown);
        Thread poster = Thread.ofPlatform().name("ping").start(() -> {
            try {
                loopRan.await();
                for (int i = 0; i < rounds; i++) {
                    CountDownLatch pong = new CountDownLatch(1);
                    loop.callSoonThreadsafe(pong::countDown);
                    if (!pong.await(10, TimeUnit.SECONDS)) {
                        failure.set("round " + i + ": the loop did not wake up within 10 s");
                        break;
                    }
                }
            } catch (InterruptedException e) {
                failure.set("interrupted");
            } finally {
                loop.callSoonThreadsafe(loop::stop);
            }
        });
        loop.runForever();
        poster.join();
        assertThat(failure.get()).isNull();
    }

    /** Extension-based tests: the test body is the main task of a loop on a virtual clock. */
    @Nested
    @ExtendWith(AsyncioExtension.class)
    class InTask {

        @Test
        void debugModeRejectsCallSoonFromAnotherThreadNamingCallSoonThreadsafe(EventLoop loop) {
            loop.setDebug(true);
            assertThat(loop.getDebug()).isTrue();
            Throwable error = Asyncio.toThread(() -> {
                try {
                    loop.callSoon(() -> {});
                    return null;
                } catch (IllegalStateException e) {
                    return e;
                }
            });
            assertThat(error).isInstanceOf(IllegalStateException.class).hasMessageContaining("callSoonThreadsafe");
            Throwable later = Asyncio.toThread(() -> {
                try {
                    loop.callLater(1, () -> {});
                    return null;
                } catch (IllegalStateException e) {
                    return e;
                }
            });
            assertThat(later).isInstanceOf(IllegalStateException.class).hasMessageContaining("callSoonThreadsafe");
            Throwable task = Asyncio.toThread(() -> {
                try {
                    loop.createTask(() -> "x");
                    return null;
                } catch (IllegalStateException e) {
                    return e;
                }
            });
            assertThat(task).isInstanceOf(IllegalStateException.class).hasMessageContaining("callSoonThreadsafe");
            // The thread-safe entry is fine from the same thread.
            Future<String> f = loop.createFuture();
            Asyncio.toThread(() -> loop.callSoonThreadsafe(() -> f.setResult("ok")));
            assertThat(f.await()).isEqualTo("ok");
            loop.setDebug(false);
        }

        @Test
        void debugModeAllowsCallSoonOnTheLoopThread(EventLoop loop) {
            loop.setDebug(true);
            Future<String> f = loop.createFuture();
            loop.callSoon(() -> f.setResult("from the loop"));
            assertThat(f.await()).isEqualTo("from the loop");
            Task<String> t = loop.createTask(() -> "task");
            assertThat(t.await()).isEqualTo("task");
            loop.setDebug(false);
        }

        @Test
        void debugModeHandlesRecordWhereTheyWereCreated(EventLoop loop) {
            loop.setDebug(true);
            Handle h = loop.callSoon(() -> {});
            assertThat(h.toString()).contains("created at").contains("EventLoopTest");
            h.cancel();
            loop.setDebug(false);
            Handle plain = loop.callSoon(() -> {});
            assertThat(plain.toString()).doesNotContain("created at");
        }

        @Test
        void slowCallbackDurationIsValidated(EventLoop loop) {
            assertThat(loop.getSlowCallbackDuration()).isEqualTo(0.1);
            loop.setSlowCallbackDuration(0.5);
            assertThat(loop.getSlowCallbackDuration()).isEqualTo(0.5);
            assertThatThrownBy(() -> loop.setSlowCallbackDuration(-1)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> loop.setSlowCallbackDuration(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        void getRunningLoopInsideATaskIsTheLoop(EventLoop loop) {
            assertThat(Asyncio.getRunningLoop()).isSameAs(loop);
            assertThat(loop.isRunning()).isTrue();
            Future<EventLoop> inCallback = loop.createFuture();
            loop.callSoon(() -> inCallback.setResult(Asyncio.getRunningLoop()));
            assertThat(inCallback.await()).isSameAs(loop);
            assertThat(Asyncio.createTask(Asyncio::getRunningLoop).await()).isSameAs(loop);
        }

        @Test
        void currentTaskIsNullInPlainCallbacks(EventLoop loop) {
            Task<?> me = Asyncio.currentTask();
            assertThat(me).isNotNull();
            assertThat(loop.currentTask()).isSameAs(me);
            Future<Boolean> inCallback = loop.createFuture();
            loop.callSoon(() -> inCallback.setResult(loop.currentTask() == null && Asyncio.currentTask() == null));
            assertThat(inCallback.await()).isTrue();
        }

        @Test
        void timeInsideATaskFollowsTheVirtualClock(EventLoop loop, VirtualClock clock) {
            assertThat(loop.clock()).isSameAs(clock);
            double start = loop.time();
            Asyncio.sleep(7.5);
            assertThat(loop.time() - start).isEqualTo(7.5);
            assertThat(clock.time()).isEqualTo(loop.time());
        }

        @Test
        void callSoonFromTwoTasksInterleavesInCallOrder(EventLoop loop) {
            List<String> order = new ArrayList<>();
            Task<Void> a = Asyncio.createTask(() -> {
                loop.callSoon(() -> order.add("a1"));
                Asyncio.sleep(0);
                loop.callSoon(() -> order.add("a2"));
            });
            Task<Void> b = Asyncio.createTask(() -> {
                loop.callSoon(() -> order.add("b1"));
                Asyncio.sleep(0);
                loop.callSoon(() -> order.add("b2"));
            });
            Asyncio.gather(a, b);
            Asyncio.sleep(0);
            assertThat(order).containsExactly("a1", "b1", "a2", "b2");
        }

        @Test
        void aTaskWakesInTheIterationAfterItsFutureCompletes(EventLoop loop) {
            List<String> order = new ArrayList<>();
            Future<String> fut = loop.createFuture();
            Task<Void> waiter = Asyncio.createTask(() -> {
                order.add("waiting");
                order.add("woke with " + fut.await());
            });
            Asyncio.sleep(0);
            loop.callSoon(() -> {
                fut.setResult("x");
                order.add("set");
            });
            loop.callSoon(() -> order.add("same iteration as set"));
            waiter.await();
            assertThat(order).containsExactly("waiting", "set", "same iteration as set", "woke with x");
        }
    }
}
