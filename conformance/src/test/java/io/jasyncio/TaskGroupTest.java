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
 * TaskGroup: awaiting children, the first failure, grouping of errors, cancellation from outside,
 * the state machine, nesting and shield. Ported from CPython 3.13's test_taskgroups.py and surface
 * notes 2.8; every test runs on the virtual clock and pins the order of events.
 */
@ExtendWith(AsyncioExtension.class)
class TaskGroupTest {

    static final class MyExc extends RuntimeException {
        MyExc(String m) {
            super(m);
        }
    }

    private static List<Class<?>> types(ExceptionGroup g) {
        List<Class<?>> out = new ArrayList<>();
        for (Throwable t : g.exceptions()) {
            out.add(t.getClass());
        }
        return out;
    }

    private static ExceptionGroup group(Throwable t) {
        assertThat(t).isInstanceOf(ExceptionGroup.class);
        return (ExceptionGroup) t;
    }

    // ---- children awaited on exit (test_taskgroup_01/02/24) ----

    @Test
    void leavingTheBlockAwaitsEveryChild(VirtualClock clock) {
        List<String> log = new ArrayList<>();
        List<Task<Integer>> tasks = new ArrayList<>();
        taskGroup(tg -> {
            tasks.add(tg.createTask(() -> {
                sleep(1);
                log.add("a at " + clock.time());
                return 42;
            }));
            tasks.add(tg.createTask(() -> {
                sleep(2);
                log.add("b at " + clock.time());
                return 11;
            }));
            log.add("block done at " + clock.time());
        });
        log.add("group done at " + clock.time());
        assertThat(log).containsExactly("block done at 0.0", "a at 1.0", "b at 2.0", "group done at 2.0");
        assertThat(tasks.get(0).result()).isEqualTo(42);
        assertThat(tasks.get(1).result()).isEqualTo(11);
    }

    @Test
    void childrenAwaitedByTheBlockStillCountAsDone(VirtualClock clock) {
        // test_taskgroup_02: the block awaits one child itself, the group awaits the other
        List<String> log = new ArrayList<>();
        taskGroup(tg -> {
            Task<Integer> a = tg.createTask(() -> sleep(1, 42));
            Task<Integer> b = tg.createTask(() -> sleep(2, 11));
            log.add("a=" + a.await() + " at " + clock.time());
            log.add("b done? " + b.done());
        });
        log.add("group done at " + clock.time());
        assertThat(log).containsExactly("a=42 at 1.0", "b done? false", "group done at 2.0");
    }

    @Test
    void childrenCreatedWhileTheGroupIsExitingAreAwaitedToo(VirtualClock clock) {
        // test_taskgroup_24: a child adds children after the block has left
        List<String> log = new ArrayList<>();
        taskGroup(tg -> tg.createTask(() -> {
            sleep(0.5);
            log.add("root adds at " + clock.time());
            tg.createTask(() -> {
                sleep(1);
                log.add("grandchild 1 at " + clock.time());
            });
            tg.createTask(() -> {
                sleep(2);
                log.add("grandchild 2 at " + clock.time());
            });
        }));
        log.add("group done at " + clock.time());
        assertThat(log).containsExactly("root adds at 0.5", "grandchild 1 at 1.5", "grandchild 2 at 2.5",
                "group done at 2.5");
    }

    @Test
    void anEmptyGroupReturnsWithoutChildren(VirtualClock clock) {
        taskGroup(tg -> {});
        assertThat(clock.time()).isZero();
    }

    @Test
    void createTaskPassesTheNameThrough() {
        // test_taskgroup_task_name
        taskGroup(tg -> {
            Task<Void> t = tg.createTask(() -> sleep(0), "yolo");
            assertThat(t.getName()).isEqualTo("yolo");
        });
    }

    // ---- first failure cancels siblings and the body, once (test_cancel_children_on_child_error) ----

    @Test
    void firstFailureCancelsTheSiblingsAndTheBodyOnce(VirtualClock clock) {
        List<String> log = new ArrayList<>();
        Task<?> me = currentTask();
        Throwable thrown = catchThrowable(() -> taskGroup(tg -> {
            tg.createTask(() -> {
                sleep(1);
                log.add("child fails at " + clock.time());
                throw new ArithmeticException("/ by zero");
            });
            tg.createTask(() -> {
                try {
                    sleep(5);
                    log.add("sibling not cancelled?!");
                } catch (CancelledError e) {
                    log.add("sibling cancelled at " + clock.time());
                    throw e;
                }
            });
            try {
                sleep(10);
                log.add("body not cancelled?!");
            } catch (CancelledError e) {
                log.add("body cancelled at " + clock.time() + ", cancelling=" + me.cancelling());
                sleep(0.5); // not interrupted again: the group cancelled the body only once
                log.add("body cleaned up at " + clock.time());
                throw e;
            }
        }));
        ExceptionGroup g = group(thrown);
        assertThat(types(g)).containsExactly(ArithmeticException.class);
        assertThat(log).containsExactly("child fails at 1.0", "sibling cancelled at 1.0",
                "body cancelled at 1.0, cancelling=1", "body cleaned up at 1.5");
        assertThat(me.cancelling()).isZero();
        assertThat(clock.time()).isEqualTo(1.5);
    }

    @Test
    void aSecondFailureDuringTheAbortDoesNotCancelTheBodyAgain(VirtualClock clock) {
        List<String> log = new ArrayList<>();
        Task<?> me = currentTask();
        Throwable thrown = catchThrowable(() -> taskGroup(tg -> {
            tg.createTask(() -> {
                sleep(1);
                throw new MyExc("first");
            });
            tg.createTask(() -> {
                try {
                    sleep(5);
                } finally {
                    sleep(0.25);
                    log.add("sibling fails in its cleanup at " + clock.time());
                    throw new MyExc("second");
                }
            });
            try {
                sleep(10);
            } catch (CancelledError e) {
                log.add("body cancelled at " + clock.time());
                sleep(1);
                log.add("body cleanup not interrupted at " + clock.time() + ", cancelling=" + me.cancelling());
                throw e;
            }
        }));
        ExceptionGroup g = group(thrown);
        assertThat(g.exceptions()).extracting(Throwable::getMessage).containsExactly("first", "second");
        assertThat(log).containsExactly("body cancelled at 1.0", "sibling fails in its cleanup at 1.25",
                "body cleanup not interrupted at 2.0, cancelling=1");
        assertThat(me.cancelling()).isZero();
    }

    @Test
    void aFailureCancelsChildrenThatWereStillPendingAndLaterOnesAreNotStarted(VirtualClock clock) {
        // test_taskgroup_25-like: a child that keeps adding children is stopped by a failing sibling
        int[] spawned = {0};
        List<String> log = new ArrayList<>();
        Throwable thrown = catchThrowable(() -> taskGroup(tg -> {
            tg.createTask(() -> {
                for (;;) {
                    sleep(1);
                    spawned[0]++;
                    tg.createTask(() -> sleep(100));
                }
            });
            tg.createTask(() -> {
                sleep(3.5);
                log.add("fails at " + clock.time());
                throw new ArithmeticException();
            });
        }));
        assertThat(types(group(thrown))).containsExactly(ArithmeticException.class);
        assertThat(spawned[0]).isEqualTo(3);
        assertThat(log).containsExactly("fails at 3.5");
        assertThat(clock.time()).isEqualTo(3.5);
    }

    // ---- errors grouped ----

    @Test
    void aSingleFailureStillComesOutAsAGroup() {
        MyExc boom = new MyExc("boom");
        Throwable thrown = catchThrowable(() -> taskGroup(tg -> tg.createTask(() -> {
            sleep(0);
            throw boom;
        })));
        ExceptionGroup g = group(thrown);
        assertThat(g.exceptions()).containsExactly(boom);
        assertThat(g.message()).isEqualTo("unhandled errors in a TaskGroup");
        assertThat(g.getMessage()).isEqualTo("unhandled errors in a TaskGroup (1 sub-exception)");
    }

    @Test
    void theBodysOwnExceptionCancelsTheChildrenAndJoinsTheGroup(VirtualClock clock) {
        // test_taskgroup_09/10
        List<Task<Integer>> tasks = new ArrayList<>();
        Throwable thrown = catchThrowable(() -> taskGroup(tg -> {
            tasks.add(tg.createTask(() -> sleep(1, 42)));
            tasks.add(tg.createTask(() -> sleep(2, 11)));
            sleep(0.1);
            throw new ArithmeticException("body");
        }));
        ExceptionGroup g = group(thrown);
        assertThat(g.exceptions()).singleElement().extracting(Throwable::getMessage).isEqualTo("body");
        assertThat(tasks).allMatch(Task::cancelled);
        assertThat(clock.time()).isEqualTo(0.1);
    }

    @Test
    void theBodyFailingBeforeItSuspendedCancelsChildrenThatNeverStarted() {
        // test_taskgroup_10
        List<String> log = new ArrayList<>();
        List<Task<Void>> tasks = new ArrayList<>();
        Throwable thrown = catchThrowable(() -> taskGroup(tg -> {
            tasks.add(tg.createTask(() -> {
                log.add("child ran?!");
            }));
            throw new ArithmeticException("body");
        }));
        assertThat(types(group(thrown))).containsExactly(ArithmeticException.class);
        assertThat(tasks.get(0).cancelled()).isTrue();
        assertThat(log).isEmpty();
    }

    @Test
    void theBodyRaisingWhileCancelledByAFailureAddsItsExceptionAfterTheChilds(VirtualClock clock) {
        // test_taskgroup_19: errors are [child's, body's]
        Throwable thrown = catchThrowable(() -> taskGroup(tg -> {
            tg.createTask(() -> {
                sleep(0.1);
                throw new ArithmeticException("child");
            });
            try {
                sleep(10);
            } finally {
                throw new MyExc("body");
            }
        }));
        assertThat(group(thrown).exceptions()).extracting(Throwable::getMessage).containsExactly("child", "body");
        assertThat(currentTask().cancelling()).isZero();
    }

    @Test
    void aFailingChildAndAFailingInnerScopeBothReachTheGroupAndTheTaskIsNotLeftCancelled() {
        // test_taskgroup_context_manager_exit_raises (gh-95289)
        Task<?> me = currentTask();
        Throwable thrown = catchThrowable(() -> taskGroup(tg -> {
            try {
                tg.createTask(() -> {
                    throw new MyExc("child");
                });
                sleep(1);
            } finally {
                throw new MyExc("scope exit");
            }
        }));
        assertThat(group(thrown).exceptions()).extracting(Throwable::getMessage).containsExactly("child", "scope exit");
        assertThat(me.cancelling()).isZero();
    }

    @Test
    void cancelledChildrenAreNotErrors(VirtualClock clock) {
        List<String> log = new ArrayList<>();
        taskGroup(tg -> {
            Task<Void> victim = tg.createTask(() -> sleep(10));
            Task<Integer> other = tg.createTask(() -> sleep(1, 7));
            sleep(0.5);
            victim.cancel();
            log.add("cancelled victim at " + clock.time());
            other.addDoneCallback(f -> log.add("other done at " + clock.time()));
        });
        log.add("group done at " + clock.time());
        assertThat(log).containsExactly("cancelled victim at 0.5", "other done at 1.0", "group done at 1.0");
        assertThat(currentTask().cancelling()).isZero();
    }

    @Test
    void aVirtualMachineErrorIsRethrownAsItselfAfterTheChildrenAreDone(VirtualClock clock) {
        // test_taskgroup_20: KeyboardInterrupt/SystemExit are not grouped
        InternalError fatal = new InternalError("simulated");
        List<String> log = new ArrayList<>();
        Throwable thrown = catchThrowable(() -> taskGroup(tg -> {
            tg.createTask(() -> {
                sleep(0.1);
                throw new ArithmeticException();
            });
            tg.createTask(() -> {
                try {
                    sleep(10);
                } finally {
                    sleep(1);
                    log.add("sibling cleaned up at " + clock.time());
                }
            });
            try {
                sleep(10);
            } finally {
                throw fatal;
            }
        }));
        assertThat(thrown).isSameAs(fatal);
        assertThat(log).containsExactly("sibling cleaned up at 1.1");
    }

    // ---- external cancellation (test_cancellation, test_taskgroup_07/17/22) ----

    @Test
    void externalCancellationCancelsChildrenAndPropagatesAfterTheyFinish(VirtualClock clock) {
        List<String> log = new ArrayList<>();
        Task<Void> runner = createTask(() -> taskGroup(tg -> {
            for (int i = 0; i < 3; i++) {
                int n = i;
                tg.createTask(() -> {
                    try {
                        sleep(5);
                    } catch (CancelledError e) {
                        sleep(1); // cleanup that suspends
                        log.add("child " + n + " cleaned up at " + clock.time());
                        throw e;
                    }
                });
            }
            try {
                sleep(10);
            } catch (CancelledError e) {
                log.add("body cancelled at " + clock.time());
                throw e;
            }
        }));
        sleep(0.1);
        assertThat(runner.done()).isFalse();
        runner.cancel();
        assertThatThrownBy(runner::await).isInstanceOf(CancelledError.class);
        assertThat(runner.cancelled()).isTrue();
        assertThat(log).containsExactly("body cancelled at 0.1", "child 0 cleaned up at 1.1",
                "child 1 cleaned up at 1.1", "child 2 cleaned up at 1.1");
        assertThat(clock.time()).isEqualTo(1.1);
    }

    @Test
    void externalCancellationWhileTheGroupWaitsOnExitPropagates(VirtualClock clock) {
        // test_taskgroup_22
        List<Task<Integer>> tasks = new ArrayList<>();
        Task<Void> runner = createTask(() -> taskGroup(tg -> {
            tasks.add(tg.createTask(() -> sleep(1, 42)));
            tasks.add(tg.createTask(() -> sleep(2, 11)));
        }));
        sleep(0.05);
        runner.cancel();
        assertThatThrownBy(runner::await).isInstanceOf(CancelledError.class);
        assertThat(tasks).allMatch(Task::cancelled);
        assertThat(clock.time()).isEqualTo(0.05);
    }

    @Test
    void externalCancellationOfAGroupWithoutChildrenPropagates() {
        // test_taskgroup_17
        int[] num = {0};
        Task<Void> runner = createTask(() -> taskGroup(tg -> {
            try {
                sleep(10);
            } catch (CancelledError e) {
                num[0] += 10;
                throw e;
            }
        }));
        sleep(0.1);
        runner.cancel();
        assertThatThrownBy(runner::await).isInstanceOf(CancelledError.class);
        assertThat(num[0]).isEqualTo(10);
    }

    @Test
    void cancellingTheParentRepeatedlyWhileItWaitsForChildrenStillWaitsForAll(VirtualClock clock) {
        List<String> log = new ArrayList<>();
        Task<Void> runner = createTask(() -> taskGroup(tg -> tg.createTask(() -> {
            try {
                sleep(10);
            } finally {
                sleep(2);
                log.add("child cleaned up at " + clock.time());
            }
        })));
        sleep(1);
        runner.cancel();
        sleep(1);
        runner.cancel();
        assertThat(runner.done()).isFalse();
        assertThatThrownBy(runner::await).isInstanceOf(CancelledError.class);
        assertThat(log).containsExactly("child cleaned up at 3.0");
        assertThat(clock.time()).isEqualTo(3.0);
    }

    // ---- errors win over an external cancellation (test_taskgroup_08/15/16/18, test_error_and_cancel) ----

    @Test
    void childErrorsWinOverAnExternalCancellation() {
        // test_taskgroup_08
        Task<Void> runner = createTask(() -> taskGroup(tg -> {
            for (int i = 0; i < 3; i++) {
                tg.createTask(() -> {
                    try {
                        sleep(10);
                    } finally {
                        throw new ArithmeticException("in cleanup");
                    }
                });
            }
            sleep(10);
        }));
        sleep(0.1);
        runner.cancel();
        Throwable thrown = catchThrowable(runner::await);
        assertThat(types(group(thrown))).containsExactly(ArithmeticException.class, ArithmeticException.class,
                ArithmeticException.class);
    }

    @Test
    void aChildFailingWhileTheCancelledBodyCleansUpInterruptsTheCleanupAndWins(VirtualClock clock) {
        // test_taskgroup_15: the failure cancels the parent (the body's cleanup sleep) once more
        List<String> log = new ArrayList<>();
        Task<Void> runner = createTask(() -> taskGroup(tg -> {
            tg.createTask(() -> {
                sleep(0.3);
                log.add("child fails at " + clock.time());
                throw new ArithmeticException();
            });
            try {
                sleep(10);
            } catch (CancelledError e) {
                try {
                    sleep(0.5);
                } catch (CancelledError again) {
                    log.add("cleanup interrupted at " + clock.time());
                    throw again;
                }
                log.add("cleanup not interrupted?!");
                throw e;
            }
        }));
        sleep(0.1);
        runner.cancel();
        Throwable thrown = catchThrowable(runner::await);
        assertThat(types(group(thrown))).containsExactly(ArithmeticException.class);
        assertThat(runner.cancelled()).isFalse();
        assertThat(log).containsExactly("child fails at 0.3", "cleanup interrupted at 0.3");
        assertThat(clock.time()).isEqualTo(0.3);
    }

    @Test
    void errorsWinThroughAnIntermediateTaskToo(VirtualClock clock) {
        // test_taskgroup_16: the group runs in a task the cancelled task awaits
        Task<Void> runner = createTask(() -> {
            Task<Void> nested = createTask(() -> taskGroup(tg -> {
                tg.createTask(() -> {
                    sleep(0.3);
                    throw new ArithmeticException();
                });
                try {
                    sleep(10);
                } catch (CancelledError e) {
                    sleep(0.5);
                    throw e;
                }
            }));
            nested.await();
        });
        sleep(0.1);
        runner.cancel();
        Throwable thrown = catchThrowable(runner::await);
        assertThat(types(group(thrown))).containsExactly(ArithmeticException.class);
        assertThat(clock.time()).isEqualTo(0.3);
    }

    @Test
    void theBodyRaisingInsteadOfItsCancellationIsGrouped() {
        // test_taskgroup_18
        Task<Void> runner = createTask(() -> taskGroup(tg -> {
            try {
                sleep(10);
            } catch (CancelledError e) {
                throw new MyExc("instead of cancel");
            }
        }));
        sleep(0.1);
        runner.cancel();
        Throwable thrown = catchThrowable(runner::await);
        assertThat(types(group(thrown))).containsExactly(MyExc.class);
    }

    @Test
    void afterErrorsWinTheParentStaysCancelledWithItsCancellingLevelPreserved(EventLoop loop, VirtualClock clock) {
        // test_error_and_cancel (3.13)
        Steps steps = new Steps();
        Future<Void> started = loop.createFuture();
        List<String> log = new ArrayList<>();
        Task<Void> inner = createTask(() -> {
            Throwable thrown = catchThrowable(() -> taskGroup(tg -> {
                tg.createTask(() -> {
                    started.setResult(null);
                    sleep(0);
                    throw new IllegalStateException("child");
                });
                sleep(1);
                log.add("sleep in group not cancelled?!");
            }));
            steps.expect(3);
            assertThat(types(group(thrown))).containsExactly(IllegalStateException.class);
            log.add("after group cancelling=" + currentTask().cancelling());
            try {
                sleep(1);
                log.add("sleep after group not cancelled?!");
            } catch (CancelledError e) {
                log.add("next sleep cancelled at " + clock.time());
                throw e;
            }
        });
        steps.expect(1);
        started.await();
        assertThat(inner.cancelling()).isZero();
        inner.cancel();
        assertThat(inner.cancelling()).isEqualTo(1);
        steps.expect(2);
        assertThatThrownBy(inner::await).isInstanceOf(CancelledError.class);
        steps.finish(4);
        assertThat(inner.cancelled()).isTrue();
        assertThat(log).containsExactly("after group cancelling=1", "next sleep cancelled at 0.0");
    }

    @Test
    void theCancellingLevelReturnsToZeroAfterTheGroupCancelledItsParent() {
        // test_cancelling_level_preserved
        Throwable thrown = catchThrowable(() -> taskGroup(tg -> tg.createTask(() -> {
            sleep(0);
            throw new IllegalStateException();
        })));
        assertThat(types(group(thrown))).containsExactly(IllegalStateException.class);
        assertThat(currentTask().cancelling()).isZero();
        sleep(0); // and the task is not cancelled
    }

    @Test
    void nestedGroupsBothCancellingTheParentUnwindTheCancellingLevelOneAtATime() {
        // test_nested_groups_both_cancelled
        List<String> log = new ArrayList<>();
        Throwable outer = catchThrowable(() -> taskGroup(outerTg -> {
            Throwable inner = catchThrowable(() -> taskGroup(innerTg -> {
                innerTg.createTask(() -> {
                    sleep(0);
                    throw new IllegalStateException("inner");
                });
                outerTg.createTask(() -> {
                    sleep(0);
                    throw new IllegalArgumentException("outer");
                });
            }));
            assertThat(types(group(inner))).containsExactly(IllegalStateException.class);
            log.add("between groups cancelling=" + currentTask().cancelling());
        }));
        assertThat(types(group(outer))).containsExactly(IllegalArgumentException.class);
        log.add("after cancelling=" + currentTask().cancelling());
        assertThat(log).containsExactly("between groups cancelling=1", "after cancelling=0");
    }

    // ---- nested groups (test_taskgroup_11..14) ----

    @Test
    void aNestedGroupsFailureIsKeptAsANestedGroup() {
        // test_taskgroup_14
        Throwable thrown = catchThrowable(() -> taskGroup(g1 -> {
            g1.createTask(() -> {
                sleep(10);
                throw new MyExc("outer child");
            });
            taskGroup(g2 -> g2.createTask(() -> {
                sleep(0.1);
                throw new MyExc("inner child");
            }));
        }));
        ExceptionGroup g = group(thrown);
        assertThat(types(g)).containsExactly(ExceptionGroup.class);
        ExceptionGroup nested = (ExceptionGroup) g.exceptions().get(0);
        assertThat(nested.exceptions()).extracting(Throwable::getMessage).containsExactly("inner child");
        assertThat(g.leaves()).extracting(Throwable::getMessage).containsExactly("inner child");
    }

    @Test
    void anOuterFailureCancelsANestedGroupWhoseCancellationIsNotAnError(VirtualClock clock) {
        // test_taskgroup_13
        List<String> log = new ArrayList<>();
        Throwable thrown = catchThrowable(() -> taskGroup(g1 -> {
            g1.createTask(() -> {
                sleep(0.1);
                throw new MyExc("outer child");
            });
            taskGroup(g2 -> g2.createTask(() -> {
                try {
                    sleep(10);
                    throw new MyExc("inner child");
                } catch (CancelledError e) {
                    log.add("inner child cancelled at " + clock.time());
                    throw e;
                }
            }));
            log.add("after inner group?!");
        }));
        assertThat(group(thrown).exceptions()).extracting(Throwable::getMessage).containsExactly("outer child");
        assertThat(log).containsExactly("inner child cancelled at 0.1");
        assertThat(currentTask().cancelling()).isZero();
    }

    @Test
    void externalCancellationWithFailingCleanupInANestedGroupComesOutNested() {
        // test_taskgroup_11 / 12
        Task<Void> runner = createTask(() -> taskGroup(g1 -> {
            g1.createTask(() -> sleep(10));
            taskGroup(g2 -> {
                for (int i = 0; i < 2; i++) {
                    g2.createTask(() -> {
                        try {
                            sleep(10);
                        } finally {
                            throw new ArithmeticException();
                        }
                    });
                }
                sleep(10);
            });
        }));
        sleep(0.1);
        runner.cancel();
        ExceptionGroup g = group(catchThrowable(runner::await));
        assertThat(types(g)).containsExactly(ExceptionGroup.class);
        assertThat(types((ExceptionGroup) g.exceptions().get(0))).containsExactly(ArithmeticException.class,
                ArithmeticException.class);
    }

    // ---- shield (issue 3's hard case) ----

    @Test
    void aChildFailingWhileASiblingAwaitsAShieldedTaskLeavesTheShieldedTaskRunning(VirtualClock clock) {
        List<String> log = new ArrayList<>();
        List<Task<String>> shielded = new ArrayList<>();
        Throwable thrown = catchThrowable(() -> taskGroup(tg -> {
            tg.createTask(() -> {
                Task<String> inner = createTask(() -> {
                    sleep(2);
                    log.add("shielded finished at " + clock.time());
                    return "inner";
                });
                shielded.add(inner);
                try {
                    shield(inner).await();
                } catch (CancelledError e) {
                    log.add("awaiter cancelled at " + clock.time());
                    throw e;
                }
            });
            tg.createTask(() -> {
                sleep(1);
                throw new MyExc("boom");
            });
        }));
        log.add("group done at " + clock.time());
        assertThat(types(group(thrown))).containsExactly(MyExc.class);
        Task<String> inner = shielded.get(0);
        assertThat(inner.cancelled()).isFalse();
        assertThat(inner.await()).isEqualTo("inner");
        assertThat(log).containsExactly("awaiter cancelled at 1.0", "group done at 1.0", "shielded finished at 2.0");
    }

    @Test
    void aChildThatReawaitsTheShieldedTaskAfterCancellationKeepsTheGroupOpen(VirtualClock clock) {
        List<String> log = new ArrayList<>();
        Throwable thrown = catchThrowable(() -> taskGroup(tg -> {
            tg.createTask(() -> {
                Task<String> inner = createTask(() -> sleep(2, "inner"));
                try {
                    shield(inner).await();
                } catch (CancelledError e) {
                    log.add("awaiter finishes the work: " + inner.await() + " at " + clock.time());
                    throw e;
                }
            });
            tg.createTask(() -> {
                sleep(1);
                throw new MyExc("boom");
            });
        }));
        log.add("group done at " + clock.time());
        assertThat(types(group(thrown))).containsExactly(MyExc.class);
        assertThat(log).containsExactly("awaiter finishes the work: inner at 2.0", "group done at 2.0");
    }

    // ---- state machine (test_taskgroup_not_entered/finished/double_enter/already_entered/no_create_task_after_failure) ----

    @Test
    void createTaskBeforeRunRaisesAndDoesNotRunTheCoroutine() {
        boolean[] ran = {false};
        TaskGroup tg = new TaskGroup();
        assertThatThrownBy(() -> tg.createTask(() -> {
            ran[0] = true;
        })).isInstanceOf(IllegalStateException.class).hasMessageContaining("has not been entered");
        sleep(0);
        assertThat(ran[0]).isFalse();
    }

    @Test
    void createTaskAfterTheGroupFinishedRaisesAndDoesNotRunTheCoroutine() {
        boolean[] ran = {false};
        TaskGroup tg = new TaskGroup();
        tg.run(g -> g.createTask(() -> sleep(0)));
        assertThatThrownBy(() -> tg.createTask(() -> {
            ran[0] = true;
        })).isInstanceOf(IllegalStateException.class).hasMessageContaining("is finished");
        sleep(0);
        assertThat(ran[0]).isFalse();
    }

    @Test
    void createTaskWhileTheGroupIsAbortingRaises() {
        List<String> log = new ArrayList<>();
        Throwable thrown = catchThrowable(() -> taskGroup(tg -> {
            tg.createTask(() -> {
                sleep(0.001);
                throw new ArithmeticException();
            });
            tg.createTask(() -> {
                try {
                    sleep(1);
                } catch (CancelledError e) {
                    Throwable refused = catchThrowable(() -> tg.createTask(() -> {
                        log.add("ran?!");
                    }));
                    log.add(refused.getClass().getSimpleName() + ": "
                            + (refused.getMessage().contains("is shutting down") ? "is shutting down" : refused.getMessage()));
                    throw e;
                }
            });
        }));
        assertThat(types(group(thrown))).containsExactly(ArithmeticException.class);
        assertThat(log).containsExactly("IllegalStateException: is shutting down");
    }

    @Test
    void runningAGroupTwiceRaises() {
        // test_taskgroup_double_enter
        TaskGroup tg = new TaskGroup();
        tg.run(g -> {});
        assertThatThrownBy(() -> tg.run(g -> {})).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("has already been entered");
    }

    @Test
    void runningAGroupInsideItsOwnBodyRaises() {
        // test_taskgroup_already_entered
        TaskGroup tg = new TaskGroup();
        List<String> log = new ArrayList<>();
        tg.run(g -> {
            Throwable t = catchThrowable(() -> tg.run(g2 -> log.add("inner body ran?!")));
            log.add(t.getClass().getSimpleName() + " " + t.getMessage().contains("has already been entered"));
        });
        assertThat(log).containsExactly("IllegalStateException true");
    }

    @Test
    void runningAGroupOutsideATaskRaises(EventLoop loop) {
        // test_taskgroup_without_parent_task
        Future<Throwable> seen = loop.createFuture();
        TaskGroup tg = new TaskGroup();
        loop.callSoon(() -> seen.setResult(catchThrowable(() -> tg.run(g -> {}))));
        assertThat(seen.await()).isInstanceOf(IllegalStateException.class).hasMessageContaining("parent task");
        assertThatThrownBy(() -> tg.createTask(() -> sleep(0))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("has not been entered");
    }
}
