package io.jasyncio;

import static io.jasyncio.Asyncio.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.jasyncio.testing.AsyncioExtension;
import io.jasyncio.testing.ExceptionRecorder;
import io.jasyncio.testing.VirtualClock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.List;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Findings of the kernel review: each test pins asyncio 3.13's behaviour where jasyncio differs. */
@ExtendWith(AsyncioExtension.class)
class ReviewFindingsTest {

    static final ContextVar<String> V = new ContextVar<>("v", "default");

    // ---- context snapshots ----

    @Test
    void handleGetContextInsideContextRunIsTheHandlesOwnContext(EventLoop loop) {
        // asyncio: handle.get_context() is handle._context, whatever context the callback entered.
        Context other = new Context();
        Handle[] h = new Handle[1];
        List<Object> log = new ArrayList<>();
        V.set("task");
        h[0] = loop.callSoon(() -> {
            Context seen = other.run(() -> h[0].getContext());
            log.add(seen == other ? "other" : "own");
            log.add(seen == h[0].getContext() ? "same" : "different");
        });
        sleep(0);
        assertThat(log).containsExactly("own", "same");
    }

    @Test
    void taskGetContextInsideContextRunStaysTheTasksOnlyContext() {
        // asyncio: task.get_context() is the same object for the task's whole life, and
        // ContextVar.set in the task is seen through it.
        Task<String> t = createTask(() -> {
            Task<?> me = currentTask();
            Context other = new Context();
            Context seen = other.run(() -> me.getContext());
            V.set("x");
            return (seen == me.getContext() ? "same" : "different") + "/" + seen.run(() -> V.get());
        });
        assertThat(t.await()).isEqualTo("same/x");
    }

    @Test
    void eagerChildAskingForItsParentsContextKeepsTheParentOnOneContext(EventLoop loop) {
        // asyncio: parent.get_context() is parent._context, the object its steps run in.
        Task<String> parent = createTask(() -> {
            Task<?> me = currentTask();
            Context[] seen = new Context[1];
            loop.setTaskFactory(eagerTaskFactory());
            try {
                createTask(() -> {
                    seen[0] = me.getContext();
                });
            } finally {
                loop.setTaskFactory(null);
            }
            V.set("x");
            return (seen[0] == me.getContext() ? "same" : "different") + "/" + seen[0].run(() -> V.get());
        });
        assertThat(parent.await()).isEqualTo("same/x");
    }

    @Test
    void suspendingInsideContextCallIsRefusedAndLeavesBothContextsIntact() {
        // No asyncio counterpart: Python's ctx.run(fn) runs fn to completion (it cannot await).
        // jasyncio keeps that rule: a suspension inside Context.call/run raises at once, before
        // anything is registered, and the task's context and the other one are untouched.
        Context other = new Context();
        other.run(() -> V.set("other"));
        V.set("task");
        List<String> log = new ArrayList<>();
        assertThatThrownBy(() -> other.run(() -> {
            log.add(V.get());
            sleep(0);
        })).isInstanceOf(IllegalStateException.class).hasMessageContaining("cannot suspend inside Context.call()/run()");
        log.add(V.get());
        sleep(0); // the task itself still suspends and resumes normally
        log.add(V.get());
        assertThat(log).containsExactly("other", "task", "task");
        assertThat(other.run(() -> V.get())).isEqualTo("other");
    }

    // ---- executors ----

    @Test
    void cancellingShutdownDefaultExecutorReportsNoError(EventLoop loop, ExceptionRecorder recorder) throws Exception {
        // asyncio's _do_shutdown uses _set_result_unless_cancelled: cancelling the waiting task
        // reports nothing. jasyncio's completer calls done.setResult on the cancelled future.
        CountDownLatch release = new CountDownLatch(1);
        Future<Object> job = loop.runInExecutor(null, () -> {
            release.await();
            return null;
        });
        Task<Void> shutdown = createTask(() -> loop.shutdownDefaultExecutor());
        sleep(0);
        shutdown.cancel();
        assertThat(catchThrowable(shutdown::await)).isInstanceOf(CancelledError.class);
        release.countDown();
        job.await();
        ExecutorService side = Executors.newSingleThreadExecutor();
        try {
            // Join the shutdown thread: its completer has posted by then; our own result comes after it.
            runInExecutor(side, () -> {
                for (Thread t : Thread.getAllStackTraces().keySet()) {
                    if (t.getName().equals("jasyncio-executor-shutdown")) {
                        t.join(10_000);
                    }
                }
                return null;
            });
        } finally {
            side.shutdown();
        }
        sleep(0);
        sleep(0);
        assertThat(recorder.messages()).isEmpty();
    }

    // ---- errors that escape the loop ----

    @Test
    void aFatalErrorInTheMainTaskStillLetsRunCancelAndCleanUpTheOthers() {
        // asyncio (test_run_until_complete_baseexception, surface 2.3.5): a BaseException escaping
        // a task leaves no stray stop() scheduled; asyncio.run cancels the rest and re-raises.
        // jasyncio leaves runUntilComplete's stop callback on the ready queue, so Runner.close()'s
        // own runUntilComplete stops after one iteration.
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        ExceptionRecorder rec = new ExceptionRecorder();
        toThread(() -> {
            thrown.set(catchThrowable(() -> Asyncio.run(() -> {
                createTask(() -> {
                    try {
                        sleep(100);
                    } finally {
                        log.add("cleanup");
                    }
                });
                sleep(0);
                throw new InternalError("fatal");
            }, null, () -> {
                EventLoop l = new EventLoop(new VirtualClock());
                l.setExceptionHandler(rec);
                return l;
            })));
        });
        assertThat(thrown.get()).isInstanceOf(InternalError.class).hasMessage("fatal");
        assertThat(thrown.get().getSuppressed()).isEmpty();
        assertThat(log).containsExactly("cleanup");
        assertThat(rec.messages()).isEmpty();
    }

    @Test
    void runUntilCompleteLeavesNoStrayStopAfterAFatalError() {
        // test_base_events.py::test_run_until_complete_baseexception, with a VirtualMachineError
        // (jasyncio's counterpart of KeyboardInterrupt/SystemExit: rethrown out of the loop).
        AtomicReference<List<String>> result = new AtomicReference<>();
        toThread(() -> {
            EventLoop l = new EventLoop(new VirtualClock());
            ExceptionRecorder rec = new ExceptionRecorder();
            l.setExceptionHandler(rec);
            List<String> log = new ArrayList<>();
            try {
                Throwable e = catchThrowable(() -> l.runUntilComplete(() -> {
                    throw new InternalError("fatal");
                }));
                log.add(String.valueOf(e));
                l.callSoon(() -> l.callSoon(() -> {
                    l.stop();
                    log.add("func called");
                }));
                l.runForever();
            } finally {
                l.close();
            }
            log.addAll(rec.messages());
            result.set(log);
        });
        assertThat(result.get()).containsExactly("java.lang.InternalError: fatal", "func called");
    }

    // ---- interrupts ----

    @Disabled("known limitation, continuation engine: an interrupt of the loop thread that arrives during a task step cannot be told from the task's own; see docs/design.md, Interrupts")
    @Test
    void anOutsideInterruptArrivingDuringATaskStepCancelsTheMainTask(EventLoop loop) {
        // docs/design.md: "An interrupt of the loop's thread from outside cancels the Runner's main
        // task". The portable engine does so; the continuation engine files the interrupt under
        // whichever task is stepping at that moment, and the main task is never cancelled.
        Thread[] loopThread = new Thread[1];
        loop.callSoon(() -> loopThread[0] = Thread.currentThread());
        sleep(0);
        AtomicBoolean sent = new AtomicBoolean();
        Task<Void> busy = createTask(() -> {
            Thread.ofPlatform().start(() -> {
                loopThread[0].interrupt();
                sent.set(true);
            });
            while (!sent.get()) {
                Thread.onSpinWait(); // a step busy on the loop's thread, like a CPU-bound callback
            }
        });
        List<String> log = new ArrayList<>();
        try {
            busy.await();
            sleep(1);
            log.add("main not cancelled");
        } catch (CancelledError e) {
            currentTask().uncancel();
            log.add("main cancelled");
        }
        assertThat(log).containsExactly("main cancelled");
    }

    // ---- resources ----

    @Test
    void closingALoopWithAPendingTaskLeavesNoThreadRunning() {
        // asyncio: a pending task dropped by its closed loop is collected; its coroutine is closed
        // (GeneratorExit: its finally blocks run) and nothing of it is left. On the portable engine
        // the task's virtual thread stays parked forever after close().
        AtomicReference<Thread> fiberThread = new AtomicReference<>();
        AtomicReference<List<String>> reports = new AtomicReference<>();
        AtomicReference<Boolean> alive = new AtomicReference<>();
        toThread(() -> {
            EventLoop l = new EventLoop(new VirtualClock());
            ExceptionRecorder rec = new ExceptionRecorder();
            l.setExceptionHandler(rec);
            l.runUntilComplete(() -> {
                l.createTask(() -> {
                    fiberThread.set(Thread.currentThread());
                    l.createFuture().await();
                });
                sleep(0);
            });
            l.close();
            reports.set(rec.messages());
            Thread t = fiberThread.get();
            if (t != Thread.currentThread()) {
                t.join(2_000);
            }
            alive.set(t != Thread.currentThread() && t.isAlive());
        });
        assertThat(reports.get()).containsExactly("Task was destroyed but it is pending!");
        assertThat(alive.get()).as("the abandoned task's thread is still alive").isFalse();
    }

    @Test
    void closingALoopUnwindsItsPendingTasksSoTheirFinallyBlocksRun() {
        // asyncio closes an abandoned coroutine with GeneratorExit: its finally blocks run. jasyncio
        // resumes each pending task once with a CancelledError; a finally that tries to suspend
        // again gets one at once, and the task stays pending (it was reported as destroyed).
        List<String> log = new ArrayList<>();
        toThread(() -> {
            EventLoop l = new EventLoop(new VirtualClock());
            ExceptionRecorder rec = new ExceptionRecorder();
            l.setExceptionHandler(rec);
            Task<?>[] abandoned = new Task<?>[1];
            l.runUntilComplete(() -> {
                abandoned[0] = l.createTask(() -> {
                    try {
                        l.createFuture().await();
                    } catch (CancelledError e) {
                        log.add("unwound: " + e.getMessage());
                        throw e;
                    } finally {
                        log.add("finally ran");
                        try {
                            sleep(1);
                        } catch (CancelledError again) {
                            log.add("no more suspending");
                        }
                    }
                }, "worker");
                sleep(0);
            });
            l.close();
            log.add("pending after close: " + !abandoned[0].done());
            log.addAll(rec.messages());
        });
        assertThat(log).containsExactly(
                "unwound: the event loop was closed while worker was pending",
                "finally ran",
                "no more suspending",
                "pending after close: true",
                "Task was destroyed but it is pending!");
    }

    // ---- misuse ----

    @Test
    void debugModeReportsAFutureCompletedFromAnotherThread(EventLoop loop) {
        // asyncio debug mode: fut.set_result() from another thread schedules its callbacks with
        // call_soon, whose _check_thread raises RuntimeError("Non-thread-safe operation invoked on an
        // event loop other than the current one"). jasyncio mutates the ready queue from the
        // foreign thread silently.
        loop.setDebug(true);
        try {
            Future<Integer> f = loop.createFuture();
            f.addDoneCallback(x -> {});
            Throwable e = toThread(() -> catchThrowable(() -> f.setResult(1)));
            assertThat(e).isInstanceOf(IllegalStateException.class).hasMessageContaining("Non-thread-safe");
        } finally {
            loop.setDebug(false);
        }
    }

    @Test
    void codeRunByAnInternalCallbackCannotChangeTheHostThreadsContext() {
        // asyncio runs every callback in a Context, so nothing a callback sets reaches the thread
        // that called asyncio.run. jasyncio runs its internal callbacks (toCompletableFuture's
        // bridge, which completes the CompletableFuture and so runs its dependents inline) with no
        // context: a ContextVar.set there lands in the host thread's own context.
        AtomicReference<String> after = new AtomicReference<>();
        toThread(() -> {
            Asyncio.run(() -> {
                Future<Integer> f = getRunningLoop().createFuture();
                f.toCompletableFuture().thenRun(() -> V.set("leaked"));
                f.setResult(1);
                sleep(0);
                sleep(0);
            }, null, () -> new EventLoop(new VirtualClock()));
            after.set(V.get());
        });
        assertThat(after.get()).isEqualTo("default");
    }

    @Test
    void runUntilCompleteOnARunningLoopDoesNotRunTheCoroutine(EventLoop loop) {
        // asyncio: run_until_complete() calls _check_running() before ensure_future(), so the
        // coroutine never becomes a task. jasyncio's runUntilComplete(Coroutine) creates the task
        // first, then fails: the coroutine runs anyway behind the caller's back.
        List<String> log = new ArrayList<>();
        Throwable e = catchThrowable(() -> loop.runUntilComplete(() -> {
            log.add("ran");
        }));
        assertThat(e).isInstanceOf(IllegalStateException.class).hasMessageContaining("already running");
        sleep(0);
        sleep(0);
        assertThat(log).isEmpty();
        assertThat(loop.allTasks()).containsExactly(currentTask());
    }

    @Test
    void sleepWithAHugeDurationSleepsInsteadOfOverflowing() {
        // asyncio.sleep(1e12) just sleeps; callLater(Duration) caps the delay, but
        // Asyncio.sleep(Duration) calls Duration.toNanos(), which throws ArithmeticException.
        Task<Void> t = createTask(() -> sleep(java.time.Duration.ofSeconds(Long.MAX_VALUE / 2)));
        sleep(0);
        sleep(0);
        assertThat(t.done()).as("still sleeping: " + t).isFalse();
        t.cancel();
        assertThat(catchThrowable(t::await)).isInstanceOf(CancelledError.class);
    }

    @Test
    void aTaskFailingWithAnExceptionWhoseMessageThrowsStillCompletes() {
        // asyncio stores the exception and formats it only when reporting. jasyncio formats the
        // failed task (Unretrieved.Report's description, Future.toString -> exception.toString)
        // inside completeException, before scheduling the callbacks: the formatting error escapes
        // the task body, its awaiters are never woken and the error escapes the loop.
        AtomicReference<Object> outcome = new AtomicReference<>();
        toThread(() -> {
            EventLoop l = new EventLoop(new VirtualClock());
            l.setExceptionHandler(new ExceptionRecorder());
            try {
                outcome.set(l.runUntilComplete(() -> {
                    Task<Void> t = l.createTask(() -> {
                        throw new IllegalStateException() {
                            @Override
                            public String getMessage() {
                                throw new UnsupportedOperationException("no message");
                            }
                        };
                    });
                    try {
                        t.await();
                        return "no error";
                    } catch (IllegalStateException e) {
                        return "awaiter got the task's exception";
                    }
                }));
            } catch (Throwable e) {
                outcome.set("escaped the loop: " + e.getClass().getName() + ": " + e.getMessage());
            } finally {
                l.close();
            }
        });
        assertThat(outcome.get()).isEqualTo("awaiter got the task's exception");
    }
}
