package io.jasyncio;

import static io.jasyncio.Asyncio.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.jasyncio.testing.AsyncioExtension;
import io.jasyncio.testing.ExceptionRecorder;
import io.jasyncio.testing.VirtualClock;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * asyncio's Future: states, results, callbacks, awaiting, reprs and the "never retrieved" report.
 * Ported from CPython's Lib/test/test_asyncio/test_futures.py (3.13).
 */
@ExtendWith(AsyncioExtension.class)
class FutureTest {

    // ---- states (test_initial_state, test_result, test_exception, test_cancel) ----

    @Test
    void newFutureIsPendingAndBelongsToTheRunningLoop(EventLoop loop) {
        Future<String> f = new Future<>();
        assertThat(f.done()).isFalse();
        assertThat(f.cancelled()).isFalse();
        assertThat(f.getLoop()).isSameAs(loop);
        assertThat(loop.<String>createFuture().getLoop()).isSameAs(loop);
    }

    @Test
    void resultOfPendingFutureThrowsInvalidStateError(EventLoop loop) {
        Future<String> f = loop.createFuture();
        assertThatThrownBy(f::result).isInstanceOf(InvalidStateError.class);
        assertThat(f.done()).isFalse();
    }

    @Test
    void exceptionOfPendingFutureThrowsInvalidStateError(EventLoop loop) {
        Future<String> f = loop.createFuture();
        assertThatThrownBy(f::exception).isInstanceOf(InvalidStateError.class);
    }

    @Test
    void invalidStateErrorIsAnIllegalStateException() {
        assertThat(new InvalidStateError("x")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void setResultFinishesTheFutureWithThatResultAndNoException(EventLoop loop) {
        Future<Integer> f = loop.createFuture();
        f.setResult(42);
        assertThat(f.done()).isTrue();
        assertThat(f.cancelled()).isFalse();
        assertThat(f.result()).isEqualTo(42);
        assertThat(f.exception()).isNull();
    }

    @Test
    void nullIsAValidResult(EventLoop loop) {
        Future<String> f = loop.createFuture();
        f.setResult(null);
        assertThat(f.done()).isTrue();
        assertThat(f.result()).isNull();
        assertThat(f.exception()).isNull();
    }

    @Test
    void setResultTwiceThrowsInvalidStateErrorAndKeepsTheFirstResult(EventLoop loop) {
        Future<Integer> f = loop.createFuture();
        f.setResult(1);
        assertThatThrownBy(() -> f.setResult(2)).isInstanceOf(InvalidStateError.class);
        assertThatThrownBy(() -> f.setException(new RuntimeException())).isInstanceOf(InvalidStateError.class);
        assertThat(f.cancel()).isFalse();
        assertThat(f.cancelled()).isFalse();
        assertThat(f.result()).isEqualTo(1);
    }

    @Test
    void setExceptionFinishesTheFutureAndResultRethrowsTheVeryObject(EventLoop loop) {
        RuntimeException boom = new RuntimeException("boom");
        Future<Integer> f = loop.createFuture();
        f.setException(boom);
        assertThat(f.done()).isTrue();
        assertThat(f.cancelled()).isFalse();
        assertThat(f.exception()).isSameAs(boom);
        assertThat(catchThrowable(f::result)).isSameAs(boom);
        assertThat(catchThrowable(f::result)).isSameAs(boom);
        assertThatThrownBy(() -> f.setResult(1)).isInstanceOf(InvalidStateError.class);
        assertThatThrownBy(() -> f.setException(new RuntimeException())).isInstanceOf(InvalidStateError.class);
        assertThat(f.cancel()).isFalse();
    }

    @Test
    void checkedExceptionIsRethrownUnwrappedByResult(EventLoop loop) {
        IOException io = new IOException("disk");
        Future<Integer> f = loop.createFuture();
        f.setException(io);
        assertThat(catchThrowable(f::result)).isSameAs(io);
    }

    @Test
    void setExceptionRefusesNull(EventLoop loop) {
        Future<Integer> f = loop.createFuture();
        assertThatThrownBy(() -> f.setException(null)).isInstanceOf(NullPointerException.class);
        assertThat(f.done()).isFalse();
    }

    @Test
    void cancelMakesTheFutureCancelledAndDoneAndRefusesEverythingElse(EventLoop loop) {
        Future<Integer> f = loop.createFuture();
        assertThat(f.cancel()).isTrue();
        assertThat(f.cancelled()).isTrue();
        assertThat(f.done()).isTrue();
        assertThatThrownBy(f::result).isInstanceOf(CancelledError.class);
        assertThatThrownBy(f::exception).isInstanceOf(CancelledError.class);
        assertThatThrownBy(() -> f.setResult(1)).isInstanceOf(InvalidStateError.class);
        assertThatThrownBy(() -> f.setException(new RuntimeException())).isInstanceOf(InvalidStateError.class);
        assertThat(f.cancel()).isFalse();
    }

    @Test
    void everyCancelledErrorOfACancelledFutureCarriesTheCancelMessage(EventLoop loop) {
        Future<Integer> f = loop.createFuture();
        f.cancel("my message");
        assertThat(catchThrowable(f::result)).isInstanceOf(CancelledError.class).hasMessage("my message");
        assertThat(catchThrowable(f::result)).isInstanceOf(CancelledError.class).hasMessage("my message");
        assertThat(catchThrowable(f::exception)).isInstanceOf(CancelledError.class).hasMessage("my message");
        assertThat(catchThrowable(f::await)).isInstanceOf(CancelledError.class).hasMessage("my message");
    }

    @Test
    void cancelWithoutMessageGivesCancelledErrorWithoutMessage(EventLoop loop) {
        Future<Integer> f = loop.createFuture();
        f.cancel();
        assertThat(catchThrowable(f::result)).isInstanceOf(CancelledError.class).hasMessage(null);
    }

    @Test
    void secondCancelKeepsTheFirstMessage(EventLoop loop) {
        Future<Integer> f = loop.createFuture();
        assertThat(f.cancel("first")).isTrue();
        assertThat(f.cancel("second")).isFalse();
        assertThat(catchThrowable(f::result)).hasMessage("first");
    }

    @Test
    void cancelledErrorIsAnErrorNotAnException() {
        assertThat(new CancelledError()).isInstanceOf(Error.class).isNotInstanceOf(Exception.class);
    }

    // ---- done callbacks (BaseFutureDoneCallbackTests) ----

    @Test
    void doneCallbacksAreScheduledNotCalledInline(EventLoop loop) {
        List<Object> bag = new ArrayList<>();
        Future<String> f = loop.createFuture();
        f.addDoneCallback(x -> bag.add(42));
        f.addDoneCallback(x -> bag.add(17));
        f.setResult("foo");
        assertThat(bag).isEmpty();
        sleep(0);
        assertThat(bag).containsExactly(42, 17);
        assertThat(f.result()).isEqualTo("foo");
    }

    @Test
    void doneCallbacksRunOnSetExceptionInRegistrationOrder(EventLoop loop) {
        List<Object> bag = new ArrayList<>();
        Future<String> f = loop.createFuture();
        f.addDoneCallback(x -> bag.add(100));
        f.addDoneCallback(x -> bag.add(200));
        RuntimeException exc = new RuntimeException();
        f.setException(exc);
        assertThat(bag).isEmpty();
        sleep(0);
        assertThat(bag).containsExactly(100, 200);
        assertThat(f.exception()).isSameAs(exc);
    }

    @Test
    void doneCallbacksRunOnCancelInRegistrationOrder(EventLoop loop) {
        List<Object> bag = new ArrayList<>();
        Future<String> f = loop.createFuture();
        for (int i = 0; i < 5; i++) {
            int n = i;
            f.addDoneCallback(x -> bag.add(n + ":" + x.cancelled()));
        }
        f.cancel();
        assertThat(bag).isEmpty();
        sleep(0);
        assertThat(bag).containsExactly("0:true", "1:true", "2:true", "3:true", "4:true");
    }

    @Test
    void doneCallbackReceivesTheFutureItself(EventLoop loop) {
        List<Object> bag = new ArrayList<>();
        Future<String> f = loop.createFuture();
        f.addDoneCallback(bag::add);
        f.setResult("x");
        sleep(0);
        assertThat(bag).hasSize(1);
        assertThat(bag.get(0)).isSameAs(f);
    }

    @Test
    void doneCallbackAddedToADoneFutureIsScheduledNotCalledInline(EventLoop loop) {
        List<String> log = new ArrayList<>();
        Future<String> f = loop.createFuture();
        f.setResult("foo");
        loop.callSoon(() -> log.add("earlier callSoon"));
        f.addDoneCallback(x -> log.add("done callback"));
        assertThat(log).isEmpty();
        sleep(0);
        assertThat(log).containsExactly("earlier callSoon", "done callback");
    }

    @Test
    void doneCallbacksQueueBehindCallbacksAlreadyScheduled(EventLoop loop) {
        List<String> log = new ArrayList<>();
        Future<String> f = loop.createFuture();
        f.addDoneCallback(x -> log.add("cb1"));
        loop.callSoon(() -> log.add("soon1"));
        f.addDoneCallback(x -> log.add("cb2"));
        f.setResult("r");
        loop.callSoon(() -> log.add("soon2"));
        sleep(0);
        assertThat(log).containsExactly("soon1", "cb1", "cb2", "soon2");
    }

    @Test
    void callbacksScheduledByADoneCallbackRunInTheNextIteration(EventLoop loop) {
        List<String> log = new ArrayList<>();
        Future<String> f = loop.createFuture();
        Future<String> g = loop.createFuture();
        f.addDoneCallback(x -> {
            log.add("f done");
            g.setResult("g");
        });
        g.addDoneCallback(x -> log.add("g done"));
        f.setResult("f");
        sleep(0);
        assertThat(log).containsExactly("f done");
        sleep(0);
        assertThat(log).containsExactly("f done", "g done");
    }

    @Test
    void removeDoneCallbackRemovesEveryRegistrationAndReturnsTheCount(EventLoop loop) {
        List<Object> bag = new ArrayList<>();
        Future<String> f = loop.createFuture();
        Consumer<Future<String>> cb1 = x -> bag.add(1);
        Consumer<Future<String>> cb2 = x -> bag.add(2);
        Consumer<Future<String>> cb3 = x -> bag.add(3);
        f.addDoneCallback(cb1);
        f.addDoneCallback(cb2);
        assertThat(f.removeDoneCallback(cb2)).isEqualTo(1);
        assertThat(f.removeDoneCallback(cb3)).isEqualTo(0);
        f.addDoneCallback(cb2);
        for (int i = 0; i < 5; i++) {
            f.addDoneCallback(cb1);
        }
        assertThat(f.removeDoneCallback(cb1)).isEqualTo(6);
        f.setResult("foo");
        sleep(0);
        assertThat(bag).containsExactly(2);
    }

    @Test
    void removingTheFirstCallbackKeepsTheOthersInOrder(EventLoop loop) {
        List<Object> bag = new ArrayList<>();
        Future<String> f = loop.createFuture();
        Consumer<Future<String>> cb1 = x -> bag.add(42);
        Consumer<Future<String>> cb2 = x -> bag.add(17);
        Consumer<Future<String>> cb3 = x -> bag.add(100);
        f.addDoneCallback(cb1);
        f.addDoneCallback(cb2);
        f.addDoneCallback(cb3);
        assertThat(f.removeDoneCallback(cb1)).isEqualTo(1);
        assertThat(f.removeDoneCallback(cb1)).isEqualTo(0);
        f.setResult("foo");
        sleep(0);
        assertThat(bag).containsExactly(17, 100);
    }

    @Test
    void removingTheFirstAndSecondCallbackKeepsTheThird(EventLoop loop) {
        List<Object> bag = new ArrayList<>();
        Future<String> f = loop.createFuture();
        Consumer<Future<String>> cb1 = x -> bag.add(42);
        Consumer<Future<String>> cb2 = x -> bag.add(17);
        Consumer<Future<String>> cb3 = x -> bag.add(100);
        f.addDoneCallback(cb1);
        f.addDoneCallback(cb2);
        f.addDoneCallback(cb3);
        f.removeDoneCallback(cb1);
        f.removeDoneCallback(cb2);
        f.removeDoneCallback(cb1);
        f.setResult("foo");
        sleep(0);
        assertThat(bag).containsExactly(100);
    }

    @Test
    void removingTheThirdCallbackKeepsTheFirstTwo(EventLoop loop) {
        List<Object> bag = new ArrayList<>();
        Future<String> f = loop.createFuture();
        Consumer<Future<String>> cb1 = x -> bag.add(42);
        Consumer<Future<String>> cb2 = x -> bag.add(17);
        Consumer<Future<String>> cb3 = x -> bag.add(100);
        f.addDoneCallback(cb1);
        f.addDoneCallback(cb2);
        f.addDoneCallback(cb3);
        f.removeDoneCallback(cb3);
        f.removeDoneCallback(cb3);
        f.setResult("foo");
        sleep(0);
        assertThat(bag).containsExactly(42, 17);
    }

    @Test
    void callbackAddedAfterRemovingTheFirstRunsLast(EventLoop loop) {
        List<Object> bag = new ArrayList<>();
        Future<String> f = loop.createFuture();
        Consumer<Future<String>> cb1 = x -> bag.add(1);
        f.addDoneCallback(cb1);
        f.addDoneCallback(x -> bag.add(2));
        f.removeDoneCallback(cb1);
        f.addDoneCallback(x -> bag.add(3));
        f.addDoneCallback(cb1);
        f.setResult("foo");
        sleep(0);
        assertThat(bag).containsExactly(2, 3, 1);
    }

    @Test
    void removeDoneCallbackAfterCompletionDoesNotUnscheduleCallbacks(EventLoop loop) {
        // test_schedule_callbacks_list_mutation_1: completing the future hands every callback to
        // the loop; removing one afterwards (even from another callback) finds nothing to remove.
        List<String> log = new ArrayList<>();
        Future<String> f = loop.createFuture();
        Consumer<Future<String>> str = x -> log.add("str");
        List<Integer> removed = new ArrayList<>();
        f.addDoneCallback(x -> removed.add(x.removeDoneCallback(str)));
        f.addDoneCallback(str);
        f.addDoneCallback(str);
        f.setResult("r");
        sleep(0);
        assertThat(removed).containsExactly(0);
        assertThat(log).containsExactly("str", "str");
    }

    @Test
    void doneCallbackRunsInACopyOfTheContextItWasAddedIn(EventLoop loop) {
        ContextVar<String> var = new ContextVar<>("var", "default");
        List<String> log = new ArrayList<>();
        Future<String> f = loop.createFuture();
        var.set("at registration");
        f.addDoneCallback(x -> {
            log.add(var.get());
            var.set("changed by callback");
        });
        var.set("later");
        f.setResult("r");
        sleep(0);
        assertThat(log).containsExactly("at registration");
        assertThat(var.get()).isEqualTo("later");
    }

    @Test
    void doneCallbackRunsInTheContextGivenExplicitly(EventLoop loop) {
        ContextVar<String> var = new ContextVar<>("var", "default");
        var.set("explicit");
        Context ctx = Context.copyCurrent();
        var.set("current");
        List<String> log = new ArrayList<>();
        Future<String> f = loop.createFuture();
        f.addDoneCallback(x -> log.add(var.get()), ctx);
        f.setResult("r");
        sleep(0);
        assertThat(log).containsExactly("explicit");
    }

    @Test
    void exceptionInADoneCallbackGoesToTheExceptionHandlerAndTheOthersStillRun(EventLoop loop,
            ExceptionRecorder recorder) {
        List<String> log = new ArrayList<>();
        IllegalStateException boom = new IllegalStateException("boom");
        Future<String> f = loop.createFuture();
        f.addDoneCallback(x -> {
            throw boom;
        });
        f.addDoneCallback(x -> log.add("second"));
        f.setResult("r");
        sleep(0);
        assertThat(log).containsExactly("second");
        assertThat(recorder.contexts()).hasSize(1);
        assertThat(recorder.contexts().get(0).message()).startsWith("Exception in callback");
        assertThat(recorder.contexts().get(0).exception()).isSameAs(boom);
    }

    // ---- awaiting ----

    @Test
    void awaitSuspendsUntilTheResultIsSet(EventLoop loop, VirtualClock clock) {
        Future<String> f = loop.createFuture();
        loop.callLater(5, () -> f.setResult("done"));
        assertThat(f.await()).isEqualTo("done");
        assertThat(clock.time()).isEqualTo(5.0);
    }

    @Test
    void awaitOfADoneFutureReturnsWithoutSuspending(EventLoop loop) {
        List<String> log = new ArrayList<>();
        Future<String> f = loop.createFuture();
        f.setResult("ready");
        loop.callSoon(() -> log.add("callback"));
        assertThat(Asyncio.await(f)).isEqualTo("ready");
        assertThat(log).isEmpty();
        sleep(0);
        assertThat(log).containsExactly("callback");
    }

    @Test
    void awaitingTheSameFutureTwiceGivesTheSameResult(EventLoop loop) {
        Future<String> f = loop.createFuture();
        loop.callSoon(() -> f.setResult("x"));
        assertThat(f.await()).isEqualTo("x");
        assertThat(f.await()).isEqualTo("x");
    }

    @Test
    void awaitingAFailedFutureThrowsTheVeryExceptionObject(EventLoop loop) {
        IllegalArgumentException exc = new IllegalArgumentException("bad");
        Future<String> f = loop.createFuture();
        loop.callSoon(() -> f.setException(exc));
        assertThat(catchThrowable(f::await)).isSameAs(exc);
        assertThat(catchThrowable(f::await)).isSameAs(exc);
    }

    @Test
    void awaitingAFutureWithACheckedExceptionThrowsItUnwrapped(EventLoop loop) {
        IOException exc = new IOException("io");
        Future<String> f = loop.createFuture();
        loop.callSoon(() -> f.setException(exc));
        Throwable caught = null;
        try {
            f.await();
        } catch (Exception e) {
            caught = e;
        }
        assertThat(caught).isSameAs(exc);
    }

    @Test
    void cancelledErrorIsNotCaughtByCatchException(EventLoop loop) {
        List<String> log = new ArrayList<>();
        Future<String> f = loop.createFuture();
        loop.callSoon(() -> f.cancel("stop"));
        try {
            try {
                f.await();
            } catch (Exception e) {
                log.add("swallowed by catch (Exception)");
            }
        } catch (CancelledError e) {
            log.add("CancelledError " + e.getMessage());
        }
        assertThat(log).containsExactly("CancelledError stop");
    }

    @Test
    void waitersAreWokenInTheOrderTheyStartedAwaiting(EventLoop loop) {
        List<String> log = new ArrayList<>();
        Future<String> f = loop.createFuture();
        for (String n : List.of("a", "b", "c")) {
            createTask(() -> log.add(n + " got " + f.await()));
        }
        sleep(0);
        f.addDoneCallback(x -> log.add("plain callback"));
        f.setResult("r");
        sleep(0);
        assertThat(log).containsExactly("a got r", "b got r", "c got r", "plain callback");
    }

    @Test
    void awaitOutsideATaskFailsSayingWhatToDo(EventLoop loop) {
        List<Throwable> errors = new ArrayList<>();
        Future<String> f = loop.createFuture();
        loop.callSoon(() -> errors.add(catchThrowable(f::await)));
        sleep(0);
        assertThat(errors).hasSize(1);
        assertThat(errors.get(0)).isInstanceOf(IllegalStateException.class).hasMessageContaining("task");
        f.cancel();
    }

    @Test
    void awaitingAFutureOfAnotherLoopFails() {
        EventLoop other = new EventLoop(new VirtualClock());
        try {
            Future<String> f = other.createFuture();
            assertThatThrownBy(f::await).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("attached to a different loop");
        } finally {
            other.close();
        }
    }

    // ---- reprs (test_future_repr; jasyncio counts callbacks instead of naming them) ----

    @Test
    void reprOfPendingFuture(EventLoop loop) {
        Future<String> f = loop.createFuture();
        assertThat(f).hasToString("<Future pending>");
        f.addDoneCallback(x -> {});
        assertThat(f).hasToString("<Future pending cb=[1]>");
        f.addDoneCallback(x -> {});
        assertThat(f).hasToString("<Future pending cb=[2]>");
        f.cancel();
        assertThat(f).hasToString("<Future cancelled>");
    }

    @Test
    void reprOfFinishedFutures(EventLoop loop) {
        Future<Integer> four = loop.createFuture();
        four.setResult(4);
        assertThat(four).hasToString("<Future finished result=4>");
        Future<String> abc = loop.createFuture();
        abc.setResult("abc");
        assertThat(abc).hasToString("<Future finished result='abc'>");
        Future<String> none = loop.createFuture();
        none.setResult(null);
        assertThat(none).hasToString("<Future finished result=null>");
        Future<String> failed = loop.createFuture();
        RuntimeException exc = new RuntimeException("boom");
        failed.setException(exc);
        assertThat(failed).hasToString("<Future finished exception=java.lang.RuntimeException: boom>");
        assertThat(failed.exception()).isSameAs(exc);
    }

    @Test
    void reprOfALongStringResultIsTruncated(EventLoop loop) {
        Future<String> f = loop.createFuture();
        f.setResult("x".repeat(100));
        assertThat(f).hasToString("<Future finished result='" + "x".repeat(57) + "...'>");
    }

    @Test
    void reprInDebugModeNamesWhereTheFutureWasCreated(EventLoop loop) {
        loop.setDebug(true);
        try {
            Future<String> f = loop.createFuture();
            assertThat(f.toString()).matches("<Future pending created at .+>");
            f.cancel();
        } finally {
            loop.setDebug(false);
        }
    }

    // ---- construction outside a loop ----

    @Test
    void futureConstructorWithoutARunningLoopFails() throws InterruptedException {
        // The test body runs on the loop, so try it from a thread without one.
        Throwable[] caught = new Throwable[1];
        Thread t = Thread.ofPlatform().start(() -> caught[0] = catchThrowable(Future::new));
        t.join();
        assertThat(caught[0]).isInstanceOf(IllegalStateException.class).hasMessageContaining("no running event loop");
    }
}
