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
 * {@code timeout()} / {@code timeoutAt()} scopes: expiry, nesting, the uncancel() counting that
 * decides which scope converts, rescheduling and the state machine. Ported from CPython 3.13's
 * test_timeouts.py and surface notes 2.7.
 */
@ExtendWith(AsyncioExtension.class)
class TimeoutTest {

    // ---- basic expiry ----

    @Test
    void timeoutCancelsTheBlockAtTheDeadlineAndRaisesTimeoutError(VirtualClock clock) {
        // test_timeout_basic, test_waiter_cancelled
        List<String> log = new ArrayList<>();
        Timeout cm = timeout(1);
        Throwable e = catchThrowable(() -> cm.run(() -> {
            try {
                sleep(10);
                log.add("not reached");
            } catch (CancelledError c) {
                log.add("block sees CancelledError at " + clock.time());
                throw c;
            }
        }));
        assertThat(e).isInstanceOf(TimeoutError.class).hasCauseInstanceOf(CancelledError.class);
        assertThat(log).containsExactly("block sees CancelledError at 1.0");
        assertThat(cm.expired()).isTrue();
        assertThat(clock.time()).isEqualTo(1.0);
        assertThat(currentTask().cancelling()).isZero();
    }

    @Test
    void timeoutAtExpiresAtTheAbsoluteDeadlineAndReportsIt(EventLoop loop, VirtualClock clock) {
        // test_timeout_at_basic
        sleep(3);
        double deadline = loop.time() + 2;
        Timeout cm = timeoutAt(deadline);
        assertThatThrownBy(() -> cm.run(() -> sleep(10))).isInstanceOf(TimeoutError.class);
        assertThat(cm.expired()).isTrue();
        assertThat(cm.when()).isEqualTo(deadline);
        assertThat(clock.time()).isEqualTo(5.0);
    }

    @Test
    void timeoutNotReachedReturnsTheBlockResultAndKeepsItsDeadline(VirtualClock clock) {
        // test_timeout_not_called
        Timeout cm = timeout(10);
        String r = cm.run(() -> sleep(0.5, "ok"));
        assertThat(r).isEqualTo("ok");
        assertThat(cm.expired()).isFalse();
        assertThat(cm.when()).isEqualTo(10.0);
        assertThat(clock.time()).isEqualTo(0.5);
        // the deadline's timer was cancelled on exit: nothing fires at 10
        sleep(20);
        assertThat(currentTask().cancelling()).isZero();
    }

    @Test
    void timeoutHelperWithABlockRunsItUnderTheDeadline(VirtualClock clock) {
        assertThat(timeout(2, () -> sleep(1, 7))).isEqualTo(7);
        assertThatThrownBy(() -> timeout(2, () -> sleep(5))).isInstanceOf(TimeoutError.class);
        assertThat(clock.time()).isEqualTo(3.0);
    }

    @Test
    void outerTaskIsNotCancelledByATimeoutThatExpiredInsideIt() {
        // test_outer_task_is_not_cancelled
        Task<String> t = createTask(() -> {
            try {
                timeout(0.001).run(() -> sleep(10));
                return "no timeout?!";
            } catch (TimeoutError e) {
                return "timed out";
            }
        });
        assertThat(t.await()).isEqualTo("timed out");
        assertThat(t.cancelled()).isFalse();
        assertThat(t.done()).isTrue();
        assertThat(t.cancelling()).isZero();
    }

    // ---- null, zero and negative ----

    @Test
    void nullTimeoutNeverExpires(VirtualClock clock) {
        // test_timeout_disabled
        Timeout cm = timeout((Double) null);
        cm.run(() -> sleep(1000));
        assertThat(cm.expired()).isFalse();
        assertThat(cm.when()).isNull();
        assertThat(clock.time()).isEqualTo(1000.0);
    }

    @Test
    void nullTimeoutAtNeverExpires(VirtualClock clock) {
        // test_timeout_at_disabled
        Timeout cm = timeoutAt(null);
        cm.run(() -> sleep(1000));
        assertThat(cm.expired()).isFalse();
        assertThat(cm.when()).isNull();
    }

    @Test
    void zeroTimeoutInterruptsALongSleepAtOnce(VirtualClock clock) {
        // test_timeout_zero
        sleep(1);
        Timeout cm = timeout(0);
        assertThatThrownBy(() -> cm.run(() -> sleep(10))).isInstanceOf(TimeoutError.class);
        assertThat(cm.expired()).isTrue();
        assertThat(cm.when()).isEqualTo(1.0);
        assertThat(clock.time()).isEqualTo(1.0);
    }

    @Test
    void zeroTimeoutInterruptsEvenSleepZero(VirtualClock clock) {
        // test_timeout_zero_sleep_zero
        List<String> log = new ArrayList<>();
        Timeout cm = timeout(0);
        assertThatThrownBy(() -> cm.run(() -> {
            log.add("entered");
            sleep(0);
            log.add("not reached");
        })).isInstanceOf(TimeoutError.class);
        assertThat(log).containsExactly("entered");
        assertThat(cm.expired()).isTrue();
        assertThat(cm.when()).isEqualTo(0.0);
        assertThat(clock.time()).isEqualTo(0.0);
    }

    @Test
    void negativeTimeoutInterruptsEvenSleepZero(VirtualClock clock) {
        // test_timeout_in_the_past_sleep_zero
        sleep(20);
        Timeout cm = timeout(-11);
        assertThatThrownBy(() -> cm.run(() -> sleep(0))).isInstanceOf(TimeoutError.class);
        assertThat(cm.expired()).isTrue();
        assertThat(cm.when()).isEqualTo(9.0);
        assertThat(clock.time()).isEqualTo(20.0);
    }

    @Test
    void timeoutAtInThePastInterruptsEvenSleepZero() {
        sleep(5);
        Timeout cm = timeoutAt(1.0);
        assertThatThrownBy(() -> cm.run(() -> sleep(0))).isInstanceOf(TimeoutError.class);
        assertThat(cm.expired()).isTrue();
    }

    @Test
    void zeroTimeoutLetsABlockThatNeverSuspendsFinish() {
        // The deadline fires at the next loop iteration; a block that does not suspend is gone by then.
        Timeout cm = timeout(0);
        assertThat(cm.run(() -> "done")).isEqualTo("done");
        assertThat(cm.expired()).isFalse();
        assertThat(currentTask().cancelling()).isZero();
        sleep(0); // no stray cancellation arrives later
        sleep(1);
    }

    @Test
    void nanDeadlineIsRefused() {
        assertThatThrownBy(() -> timeoutAt(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }

    // ---- what the block does ----

    @Test
    void foreignExceptionPassesThroughAnUnexpiredTimeout() {
        // test_foreign_exception_passed
        Timeout cm = timeout(0.01);
        IllegalStateException boom = new IllegalStateException("key");
        assertThat(catchThrowable(() -> cm.run(() -> {
            throw boom;
        }))).isSameAs(boom);
        assertThat(cm.expired()).isFalse();
    }

    @Test
    void foreignExceptionRaisedWhileHandlingTheExpiryPropagatesWithTheTimeoutRecorded(VirtualClock clock) {
        // test_foreign_exception_on_timeout: asyncio chains a TimeoutError into __context__;
        // jasyncio records it as a suppressed exception.
        ArithmeticException boom = new ArithmeticException("/ by zero");
        Timeout cm = timeout(0.5);
        Throwable e = catchThrowable(() -> cm.run(() -> {
            try {
                sleep(1);
            } finally {
                throw boom;
            }
        }));
        assertThat(e).isSameAs(boom);
        assertThat(e.getSuppressed()).singleElement().isInstanceOf(TimeoutError.class);
        assertThat(cm.expired()).isTrue();
        assertThat(clock.time()).isEqualTo(0.5);
        assertThat(currentTask().cancelling()).isZero();
    }

    @Test
    void expiryDuringASuspendingFinallyOfAFailingBlockRaisesTimeoutError(VirtualClock clock) {
        // test_timeout_exception_context
        Timeout cm = timeout(0.01);
        Throwable e = catchThrowable(() -> cm.run(() -> {
            try {
                throw new ArithmeticException("/ by zero");
            } finally {
                sleep(1);
            }
        }));
        assertThat(e).isInstanceOf(TimeoutError.class).hasCauseInstanceOf(CancelledError.class);
        assertThat(clock.time()).isEqualTo(0.01);
    }

    @Test
    void blockThatSwallowsTheExpiryReturnsNormallyAndTheScopeSaysExpired(VirtualClock clock) {
        Timeout cm = timeout(1);
        String r = cm.run(() -> {
            try {
                sleep(10);
                return "slept";
            } catch (CancelledError e) {
                return "swallowed";
            }
        });
        assertThat(r).isEqualTo("swallowed");
        assertThat(cm.expired()).isTrue();
        assertThat(currentTask().cancelling()).isZero();
        sleep(1); // the swallowed cancellation does not come back
        assertThat(clock.time()).isEqualTo(2.0);
    }

    @Test
    void expiryWaitsForACleanupThatSuspendsBeforeRaising(VirtualClock clock) {
        Steps steps = new Steps();
        steps.expect(1);
        Throwable e = catchThrowable(() -> timeout(1).run(() -> {
            try {
                steps.expect(2);
                sleep(10);
            } finally {
                steps.expect(3);
                sleep(2); // cleanup in the cancelled block suspends and is not interrupted again
                steps.expect(4);
            }
        }));
        steps.finish(5);
        assertThat(e).isInstanceOf(TimeoutError.class);
        assertThat(clock.time()).isEqualTo(3.0);
    }

    // ---- nesting ----

    @Test
    void nestedTimeoutsExpiringAtTheSameInstantOnlyTheOuterConverts(EventLoop loop, VirtualClock clock) {
        // test_nested_timeouts
        List<String> log = new ArrayList<>();
        double deadline = loop.time() + 0.01;
        Timeout cm1 = timeoutAt(deadline);
        Timeout[] cm2 = new Timeout[1];
        Throwable e = catchThrowable(() -> cm1.run(() -> {
            try {
                cm2[0] = timeoutAt(deadline);
                cm2[0].run(() -> sleep(10));
            } catch (CancelledError c) {
                log.add("inner scope let CancelledError through, cancelling=" + currentTask().cancelling());
                throw c;
            } catch (TimeoutError t) {
                log.add("inner scope converted?!");
                throw t;
            }
        }));
        assertThat(e).isInstanceOf(TimeoutError.class);
        assertThat(log).containsExactly("inner scope let CancelledError through, cancelling=1");
        assertThat(cm1.expired()).isTrue();
        assertThat(cm2[0].expired()).isTrue();
        assertThat(clock.time()).isEqualTo(0.01);
        assertThat(currentTask().cancelling()).isZero();
    }

    @Test
    void outerExpiryPassesThroughAnUnexpiredInnerScopeAsCancelledError(VirtualClock clock) {
        // test_nested_timeouts_concurrent
        List<String> log = new ArrayList<>();
        Timeout outer = timeout(1);
        Timeout inner = timeout(5);
        Throwable e = catchThrowable(() -> outer.run(() -> {
            try {
                inner.run(() -> sleep(10));
            } catch (Throwable t) {
                log.add("inner scope raised " + t.getClass().getSimpleName() + " at " + clock.time());
                throw t;
            }
        }));
        assertThat(e).isInstanceOf(TimeoutError.class);
        assertThat(log).containsExactly("inner scope raised CancelledError at 1.0");
        assertThat(outer.expired()).isTrue();
        assertThat(inner.expired()).isFalse();
    }

    @Test
    void innerTimeoutConvertsItsOwnExpiryAndTheOuterStillExpiresLater(VirtualClock clock) {
        // test_nested_timeouts_loop_busy, without the busy loop
        List<String> log = new ArrayList<>();
        Throwable e = catchThrowable(() -> timeout(10).run(() -> {
            try {
                timeout(1).run(() -> sleep(5));
            } catch (TimeoutError t) {
                log.add("inner timed out at " + clock.time());
            }
            try {
                sleep(100);
            } catch (CancelledError c) {
                log.add("outer expiry at " + clock.time());
                throw c;
            }
        }));
        assertThat(e).isInstanceOf(TimeoutError.class);
        assertThat(log).containsExactly("inner timed out at 1.0", "outer expiry at 10.0");
    }

    @Test
    void innerDeadlinePassedWhileTheLoopWasBusyConvertsInnerThenOuterInterruptsTheNextSleep(EventLoop loop, VirtualClock clock) {
        // test_nested_timeouts_loop_busy: the loop is blocked (time.sleep) past the inner deadline only
        List<String> log = new ArrayList<>();
        Throwable e = catchThrowable(() -> timeout(0.1).run(() -> {
            try {
                timeout(0.01).run(() -> {
                    clock.advance(0.05); // blocking work: the loop does not run
                    sleep(1);
                });
            } catch (TimeoutError t) {
                log.add("inner timed out at " + clock.time());
            }
            try {
                sleep(10);
            } catch (CancelledError c) {
                log.add("outer interrupts the next sleep at " + clock.time());
                throw c;
            }
        }));
        assertThat(e).isInstanceOf(TimeoutError.class);
        assertThat(log).containsExactly("inner timed out at 0.05", "outer interrupts the next sleep at 0.1");
    }

    @Test
    void bothDeadlinesPassedWhileTheLoopWasBusyOnlyTheOuterConverts(VirtualClock clock) {
        // Both timers fire in the same iteration, so two cancel requests are pending when the inner
        // scope exits: it lets its CancelledError through and only the outer converts (as asyncio 3.13).
        List<String> log = new ArrayList<>();
        Throwable e = catchThrowable(() -> timeout(0.1).run(() -> {
            try {
                timeout(0.01).run(() -> {
                    clock.advance(0.15); // blocking work past both deadlines
                    sleep(1);
                });
            } catch (TimeoutError t) {
                log.add("inner timed out?!");
            } catch (CancelledError c) {
                log.add("inner let CancelledError through, cancelling=" + currentTask().cancelling());
                throw c;
            }
            log.add("not reached");
        }));
        assertThat(e).isInstanceOf(TimeoutError.class);
        assertThat(log).containsExactly("inner let CancelledError through, cancelling=1");
        assertThat(currentTask().cancelling()).isZero();
    }

    @Test
    void nestedTimeoutInAFinallyOfAnExpiredBlockWorks(VirtualClock clock) {
        // test_nested_timeout_in_finally
        List<String> log = new ArrayList<>();
        Throwable e1 = catchThrowable(() -> timeout(0.01).run(() -> {
            try {
                sleep(1);
            } finally {
                Throwable e2 = catchThrowable(() -> timeout(0.01).run(() -> sleep(10)));
                log.add("nested scope raised " + e2.getClass().getSimpleName() + " at " + clock.time());
            }
        }));
        assertThat(e1).isInstanceOf(TimeoutError.class).hasCauseInstanceOf(CancelledError.class);
        assertThat(log).containsExactly("nested scope raised TimeoutError at 0.02");
        assertThat(currentTask().cancelling()).isZero();
    }

    // ---- cancellation from outside ----

    @Test
    void foreignCancelInsideAnUnexpiredTimeoutStaysCancelledError() {
        // test_foreign_cancel_doesnt_timeout_if_not_expired
        Timeout[] cm = new Timeout[1];
        Task<Void> t = createTask(() -> {
            cm[0] = timeout(10);
            cm[0].run(() -> {
                currentTask().cancel();
                sleep(10);
            });
        });
        assertThat(catchThrowable(t::await)).isInstanceOf(CancelledError.class);
        assertThat(t.cancelled()).isTrue();
        assertThat(cm[0].expired()).isFalse();
    }

    @Test
    void taskCancelledFromOutsideWhileInATimeoutStaysCancelled(VirtualClock clock) {
        List<String> log = new ArrayList<>();
        Timeout[] cm = new Timeout[1];
        Task<Void> t = createTask(() -> {
            cm[0] = timeout(5);
            try {
                cm[0].run(() -> sleep(10));
            } catch (Throwable e) {
                log.add("scope raised " + e.getClass().getSimpleName() + " at " + clock.time());
                throw e;
            }
        });
        sleep(1);
        t.cancel();
        assertThat(catchThrowable(t::await)).isInstanceOf(CancelledError.class);
        assertThat(log).containsExactly("scope raised CancelledError at 1.0");
        assertThat(t.cancelled()).isTrue();
        assertThat(cm[0].expired()).isFalse();
        sleep(10); // the scope's timer is gone
    }

    @Test
    void taskCancelledFromOutsideAtTheInstantTheTimeoutExpiresStaysCancelled(EventLoop loop, VirtualClock clock) {
        List<String> log = new ArrayList<>();
        Timeout[] cm = new Timeout[1];
        Task<Void> t = createTask(() -> {
            cm[0] = timeout(1);
            try {
                cm[0].run(() -> sleep(10));
            } catch (Throwable e) {
                log.add("scope raised " + e.getClass().getSimpleName() + " at " + clock.time()
                        + ", cancelling=" + currentTask().cancelling());
                throw e;
            }
        });
        sleep(0); // the timeout is entered
        loop.callAt(1.0, t::cancel);
        assertThat(catchThrowable(t::await)).isInstanceOf(CancelledError.class);
        assertThat(log).containsExactly("scope raised CancelledError at 1.0, cancelling=1");
        assertThat(t.cancelled()).isTrue();
        assertThat(cm[0].expired()).isTrue();
    }

    @Test
    void timeoutExpiringWhileTheBlockHandlesAnOuterCancellationInASuspendingFinallyStaysCancelled(VirtualClock clock) {
        List<String> log = new ArrayList<>();
        Timeout[] cm = new Timeout[1];
        Task<Void> t = createTask(() -> {
            cm[0] = timeout(1);
            try {
                cm[0].run(() -> {
                    try {
                        sleep(10);
                    } finally {
                        log.add("finally at " + clock.time());
                        try {
                            sleep(5);
                        } catch (CancelledError e) {
                            log.add("finally interrupted at " + clock.time());
                            throw e;
                        }
                    }
                });
            } catch (Throwable e) {
                log.add("scope raised " + e.getClass().getSimpleName() + ", expired=" + cm[0].expired()
                        + ", cancelling=" + currentTask().cancelling());
                throw e;
            }
        });
        sleep(0.5);
        t.cancel();
        assertThat(catchThrowable(t::await)).isInstanceOf(CancelledError.class);
        assertThat(log).containsExactly(
                "finally at 0.5",
                "finally interrupted at 1.0",
                "scope raised CancelledError, expired=true, cancelling=1");
        assertThat(t.cancelled()).isTrue();
    }

    @Test
    void timeoutInAFinallyAfterTheTaskWasCancelledStillTimesOut(VirtualClock clock) {
        // test_timeout_after_cancellation
        Task<String> t = createTask(() -> {
            try {
                currentTask().cancel();
                sleep(1);
            } catch (CancelledError e) {
                // handled
            } finally {
                try {
                    timeout(0.0).run(() -> sleep(1));
                    return "cleanup finished?!";
                } catch (TimeoutError e) {
                    return "cleanup timed out";
                }
            }
        });
        assertThat(t.await()).isEqualTo("cleanup timed out");
        assertThat(clock.time()).isEqualTo(0.0);
    }

    @Test
    void cancelInATimeoutAfterTheTaskWasCancelledStaysCancelledError(VirtualClock clock) {
        // test_cancel_in_timeout_after_cancellation
        Task<String> t = createTask(() -> {
            try {
                currentTask().cancel();
                sleep(1);
            } catch (CancelledError e) {
                // handled
            } finally {
                try {
                    timeout(1.0).run(() -> {
                        currentTask().cancel();
                        sleep(2);
                    });
                    return "cleanup finished?!";
                } catch (CancelledError e) {
                    return "cleanup cancelled";
                } catch (TimeoutError e) {
                    return "cleanup timed out?!";
                }
            }
        });
        assertThat(t.await()).isEqualTo("cleanup cancelled");
        assertThat(clock.time()).isEqualTo(0.0);
    }

    // ---- reschedule, when, expired ----

    @Test
    void rescheduleMovesTheDeadlineAndNullRemovesIt(EventLoop loop) {
        // test_reschedule
        Future<Timeout> fut = loop.createFuture();
        double deadline1 = loop.time() + 10;
        double deadline2 = deadline1 + 20;
        Task<Void> task = createTask(() -> {
            Timeout cm = timeoutAt(deadline1);
            cm.run(() -> {
                fut.setResult(cm);
                sleep(50);
            });
        });
        Timeout cm = fut.await();
        assertThat(cm.when()).isEqualTo(deadline1);
        cm.reschedule(deadline2);
        assertThat(cm.when()).isEqualTo(deadline2);
        cm.reschedule(null);
        assertThat(cm.when()).isNull();
        sleep(40); // past both deadlines: nothing fires
        assertThat(task.done()).isFalse();
        task.cancel();
        assertThat(catchThrowable(task::await)).isInstanceOf(CancelledError.class);
        assertThat(cm.expired()).isFalse();
    }

    @Test
    void rescheduleFromInsideTheBlockExtendsTheDeadline(EventLoop loop, VirtualClock clock) {
        Timeout cm = timeout(1);
        String r = cm.run(() -> {
            sleep(0.5);
            cm.reschedule(loop.time() + 5);
            return sleep(3, "finished");
        });
        assertThat(r).isEqualTo("finished");
        assertThat(cm.when()).isEqualTo(5.5);
        assertThat(clock.time()).isEqualTo(3.5);
    }

    @Test
    void rescheduleToAnEarlierDeadlineExpiresThen(EventLoop loop, VirtualClock clock) {
        Timeout cm = timeout(10);
        assertThatThrownBy(() -> cm.run(() -> {
            sleep(1);
            cm.reschedule(loop.time() + 1);
            sleep(100);
        })).isInstanceOf(TimeoutError.class);
        assertThat(clock.time()).isEqualTo(2.0);
        assertThat(cm.when()).isEqualTo(2.0);
    }

    @Test
    void rescheduleToThePastExpiresAtTheNextSuspension(EventLoop loop, VirtualClock clock) {
        List<String> log = new ArrayList<>();
        Timeout cm = timeout(null);
        assertThatThrownBy(() -> cm.run(() -> {
            sleep(3);
            cm.reschedule(loop.time() - 1);
            log.add("still running");
            sleep(0);
            log.add("not reached");
        })).isInstanceOf(TimeoutError.class);
        assertThat(log).containsExactly("still running");
        assertThat(clock.time()).isEqualTo(3.0);
    }

    @Test
    void rescheduleOfATimeoutNotEnteredIsAnError() {
        // test_timeout_not_entered
        Timeout cm = timeout(0.01);
        assertThatThrownBy(() -> cm.reschedule(0.02))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("has not been entered");
    }

    @Test
    void rescheduleWhileTheExpiryIsInFlightIsAnError() {
        // test_timeout_expiring
        Timeout cm = timeout(0.01);
        List<String> log = new ArrayList<>();
        cm.run(() -> {
            assertThatThrownBy(() -> sleep(1)).isInstanceOf(CancelledError.class);
            log.add("expired=" + cm.expired());
            assertThatThrownBy(() -> cm.reschedule(0.02))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("expiring");
        });
        assertThat(log).containsExactly("expired=true");
    }

    @Test
    void rescheduleAfterExpiryIsAnError() {
        // test_timeout_expired
        Timeout cm = timeout(0.01);
        assertThatThrownBy(() -> cm.run(() -> sleep(1))).isInstanceOf(TimeoutError.class);
        assertThatThrownBy(() -> cm.reschedule(0.02))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("expired");
    }

    @Test
    void rescheduleAfterANormalExitIsAnError() {
        // test_timeout_finished
        Timeout cm = timeout(0.01);
        cm.run(() -> {});
        assertThatThrownBy(() -> cm.reschedule(0.02))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("finished");
        assertThat(cm.expired()).isFalse();
    }

    // ---- entering ----

    @Test
    void enteringATimeoutFromItsOwnBlockIsAnError() {
        // test_timeout_already_entered
        Timeout cm = timeout(0.01);
        List<String> log = new ArrayList<>();
        cm.run(() -> {
            assertThatThrownBy(() -> cm.run(() -> log.add("nested block ran?!")))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("has already been entered");
        });
        assertThat(log).isEmpty();
        assertThat(cm.expired()).isFalse();
    }

    @Test
    void enteringATimeoutTwiceIsAnError() {
        // test_timeout_double_enter
        Timeout cm = timeout(0.01);
        cm.run(() -> {});
        List<String> log = new ArrayList<>();
        assertThatThrownBy(() -> cm.run(() -> log.add("ran twice?!")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("has already been entered");
        assertThat(log).isEmpty();
    }

    @Test
    void timeoutOutsideATaskIsRefusedAndStaysNotEntered(EventLoop loop) {
        // test_timeout_without_task
        Future<List<String>> outcome = loop.createFuture();
        loop.callSoon(() -> {
            List<String> log = new ArrayList<>();
            Timeout cm = timeout(0.01);
            try {
                cm.run(() -> log.add("block ran?!"));
            } catch (IllegalStateException e) {
                log.add(e.getMessage());
            }
            try {
                cm.reschedule(0.02);
            } catch (IllegalStateException e) {
                log.add(e.getMessage());
            }
            outcome.setResult(log);
        });
        assertThat(outcome.await()).satisfiesExactly(
                m -> assertThat(m).contains("task"),
                m -> assertThat(m).contains("has not been entered"));
    }

    // ---- repr ----

    @Test
    void reprShowsTheStateAndTheDeadline() {
        // test_repr_active, test_repr_expired, test_repr_finished, test_repr_disabled
        Timeout active = timeout(10);
        active.run(() -> assertThat(active.toString()).matches("<Timeout \\[active\\] when=\\d+\\.\\d*>"));
        assertThat(active.toString()).isEqualTo("<Timeout [finished]>");
        Timeout disabled = timeout(null);
        disabled.run(() -> assertThat(disabled.toString()).isEqualTo("<Timeout [active] when=None>"));
        Timeout expired = timeout(0.01);
        assertThatThrownBy(() -> expired.run(() -> sleep(10))).isInstanceOf(TimeoutError.class);
        assertThat(expired.toString()).isEqualTo("<Timeout [expired]>");
        assertThat(timeout(1).toString()).isEqualTo("<Timeout [created]>");
    }
}
