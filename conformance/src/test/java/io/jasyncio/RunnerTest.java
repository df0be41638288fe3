package io.jasyncio;

import static io.jasyncio.Asyncio.createTask;
import static io.jasyncio.Asyncio.sleep;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jasyncio.testing.ExceptionRecorder;
import io.jasyncio.testing.VirtualClock;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link Runner} and {@link Asyncio#run}: CPython's test_runners.py (asyncio-surface 2.12). */
class RunnerTest {

    private final List<String> log = Collections.synchronizedList(new ArrayList<>());
    private final VirtualClock clock = new VirtualClock();
    private final ExceptionRecorder recorder = new ExceptionRecorder();

    /** A loop factory on the test's virtual clock, whose reports go to the test's recorder. */
    private Supplier<EventLoop> loops() {
        return () -> {
            EventLoop loop = new EventLoop(clock);
            loop.setExceptionHandler(recorder);
            return loop;
        };
    }

    // ---- Asyncio.run ----

    @Test
    void runReturnsTheResult() {
        assertThat(Asyncio.run(() -> {
            sleep(1);
            return "result";
        }, null, loops())).isEqualTo("result");
        assertThat(clock.time()).isEqualTo(1.0);
    }

    @Test
    void runOnTheSystemClockReturnsTheResult() {
        assertThat(Asyncio.run(() -> {
            sleep(0.001);
            return 42;
        })).isEqualTo(42);
    }

    @Test
    void runOfAVoidCoroutineRuns() {
        Asyncio.run(() -> {
            sleep(0);
            log.add("ran");
        });
        assertThat(log).containsExactly("ran");
    }

    @Test
    void runRethrowsTheVeryExceptionCheckedOrNot() {
        IllegalStateException unchecked = new IllegalStateException("unchecked");
        assertThatThrownBy(() -> Asyncio.run(() -> {
            sleep(0);
            throw unchecked;
        }, null, loops())).isSameAs(unchecked);
        IOException checked = new IOException("checked");
        try {
            Asyncio.run(() -> {
                sleep(0);
                throw checked;
            }, null, loops());
            throw new AssertionError("not thrown");
        } catch (Exception e) {
            assertThat(e).isSameAs(checked);
        }
        assertThat(recorder.contexts()).isEmpty();
    }

    @Test
    void runClosesTheLoop() {
        AtomicReference<EventLoop> seen = new AtomicReference<>();
        Asyncio.run(() -> seen.set(Asyncio.getRunningLoop()));
        assertThat(seen.get().isClosed()).isTrue();
        assertThat(seen.get().isRunning()).isFalse();
    }

    @Test
    void runSetsDebugMode() {
        assertThat(Asyncio.run(() -> Asyncio.getRunningLoop().getDebug(), true)).isTrue();
        assertThat(Asyncio.run(() -> Asyncio.getRunningLoop().getDebug(), false)).isFalse();
    }

    @Test
    void runUsesTheLoopFactory() {
        EventLoop mine = new EventLoop(clock);
        assertThat(Asyncio.run(() -> Asyncio.getRunningLoop(), null, () -> mine)).isSameAs(mine);
        assertThat(mine.isClosed()).isTrue();
    }

    /** test_runners.py::test_asyncio_run_cancels_hanging_tasks. */
    @Test
    void runCancelsTasksLeftBehindAndWaitsForTheirCleanup() {
        List<Task<?>> left = new ArrayList<>();
        String result = Asyncio.run(() -> {
            left.add(createTask(() -> {
                try {
                    sleep(1000);
                } finally {
                    log.add("cleanup starts at " + clock.time());
                    sleep(5);
                    log.add("cleanup ends at " + clock.time());
                }
            }));
            sleep(1);
            return "main done";
        }, null, loops());
        assertThat(result).isEqualTo("main done");
        assertThat(left.get(0).cancelled()).isTrue();
        assertThat(log).containsExactly("cleanup starts at 1.0", "cleanup ends at 6.0");
        assertThat(recorder.contexts()).isEmpty();
    }

    /** test_runners.py::test_asyncio_run_reports_hanging_tasks_errors. */
    @Test
    void runReportsErrorsOfTasksCancelledAtShutdown() {
        RuntimeException cleanupError = new RuntimeException("cleanup failed");
        AtomicReference<Task<?>> task = new AtomicReference<>();
        Asyncio.run(() -> {
            task.set(createTask(() -> {
                try {
                    sleep(1000);
                } finally {
                    sleep(1);
                    throw cleanupError;
                }
            }));
            sleep(0);
        }, null, loops());
        assertThat(recorder.contexts()).singleElement().satisfies(c -> {
            assertThat(c.message()).isEqualTo("unhandled exception during Asyncio.run() shutdown");
            assertThat(c.exception()).isSameAs(cleanupError);
            assertThat(c.task()).isSameAs(task.get());
        });
    }

    @Test
    void tasksThatCatchTheCancellationAndReturnAreNotReported() {
        Asyncio.run(() -> {
            createTask(() -> {
                try {
                    sleep(1000);
                } catch (CancelledError e) {
                    log.add("caught");
                }
                return "swallowed";
            });
            sleep(0);
        }, null, loops());
        assertThat(log).containsExactly("caught");
        assertThat(recorder.contexts()).isEmpty();
    }

    @Test
    void runInsideARunningLoopRaises() {
        Throwable error = Asyncio.run(() -> {
            try {
                Asyncio.run(() -> "nested");
                return null;
            } catch (IllegalStateException e) {
                return e;
            }
        }, null, loops());
        assertThat(error).hasMessageStartingWith("Asyncio.run() cannot be called from a running event loop");
    }

    @Test
    void runnerRunInsideARunningLoopRaises() {
        try (Runner outer = new Runner(null, loops()); Runner inner = new Runner(null, loops())) {
            Throwable error = outer.run(() -> {
                try {
                    inner.run(() -> "nested");
                    return null;
                } catch (IllegalStateException e) {
                    return e;
                }
            });
            assertThat(error).hasMessageStartingWith("Runner.run() cannot be called from a running event loop");
        }
    }

    @Test
    void runInsideAPlainCallbackRaisesToo() {
        EventLoop loop = new EventLoop(clock);
        AtomicReference<Throwable> error = new AtomicReference<>();
        loop.callSoon(() -> {
            try {
                Asyncio.run(() -> "nested");
            } catch (IllegalStateException e) {
                error.set(e);
            }
        });
        loop.stop();
        loop.runForever();
        loop.close();
        assertThat(error.get()).hasMessageStartingWith("Asyncio.run() cannot be called from a running event loop");
    }

    @Test
    void getRunningLoopOutsideALoopRaises() {
        assertThatThrownBy(Asyncio::getRunningLoop).isInstanceOf(IllegalStateException.class).hasMessage("no running event loop");
        assertThat(Asyncio.currentTask()).isNull();
        assertThatThrownBy(() -> createTask(() -> "x")).isInstanceOf(IllegalStateException.class).hasMessage("no running event loop");
        assertThatThrownBy(Asyncio::allTasks).isInstanceOf(IllegalStateException.class).hasMessage("no running event loop");
    }

    @Test
    void suspendingOutsideATaskRaisesNamingTheMethod() {
        assertThatThrownBy(() -> sleep(1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("sleep()").hasMessageContaining("Asyncio.run");
    }

    @Test
    void runFromTwoThreadsAtOnceUsesTwoLoops() throws Exception {
        AtomicReference<EventLoop> other = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> other.set(Asyncio.run(() -> {
            sleep(0);
            return Asyncio.getRunningLoop();
        })));
        EventLoop mine = Asyncio.run(() -> {
            sleep(0);
            return Asyncio.getRunningLoop();
        });
        t.join();
        assertThat(other.get()).isNotNull().isNotSameAs(mine);
    }

    // ---- Runner ----

    @Test
    void runnerRunsTwiceOnTheSameLoop() {
        try (Runner runner = new Runner(null, loops())) {
            EventLoop first = runner.run(() -> {
                sleep(1);
                return Asyncio.getRunningLoop();
            });
            EventLoop second = runner.run(Asyncio::getRunningLoop);
            assertThat(second).isSameAs(first).isSameAs(runner.getLoop());
            assertThat(first.isClosed()).isFalse();
            assertThat(first.isRunning()).isFalse();
        }
    }

    @Test
    void aTaskCreatedInOneRunKeepsRunningInTheNext() {
        try (Runner runner = new Runner(null, loops())) {
            Task<String> background = runner.run(() -> createTask(() -> {
                sleep(5);
                return "background";
            }));
            assertThat(background.done()).isFalse();
            assertThat(runner.run(background::await)).isEqualTo("background");
            assertThat(clock.time()).isEqualTo(5.0);
        }
    }

    /**
     * test_runners.py::test_run_keeps_context: the runner runs every coroutine in its own context
     * (a copy taken once, in _lazy_init), so a variable set in one run is seen by the next.
     * Verified on CPython 3.13: runner.run(f(1)), runner.run(f(2)) return -1, 1.
     */
    @Test
    void runnerKeepsItsContextAcrossRuns() {
        ContextVar<Integer> cvar = new ContextVar<>("cvar", -1);
        try (Runner runner = new Runner(null, loops())) {
            Coroutine<Integer> first = () -> {
                int old = cvar.get();
                sleep(0);
                cvar.set(1);
                return old;
            };
            Coroutine<Integer> second = () -> {
                int old = cvar.get();
                cvar.set(2);
                return old;
            };
            assertThat(runner.run(first)).isEqualTo(-1);
            assertThat(runner.run(second)).isEqualTo(1);
            assertThat(runner.run(() -> Context.current().copy()).containsKey(cvar)).isTrue();
        }
        // The caller's own context is untouched.
        assertThat(cvar.get()).isEqualTo(-1);
    }

    /** test_runners.py::test_run_with_context (asyncio: the explicit context is used as is). */
    @Test
    void runnerRunsInAnExplicitContext() {
        ContextVar<String> cvar = new ContextVar<>("cvar", "default");
        Context ctx = new Context();
        try (Runner runner = new Runner(null, loops())) {
            runner.run(() -> {
                cvar.set("set in run");
                return null;
            }, ctx);
            assertThat(ctx.run(() -> cvar.get())).isEqualTo("set in run");
            assertThat(runner.run(() -> cvar.get(), ctx)).isEqualTo("set in run");
        }
        assertThat(cvar.get()).isEqualTo("default");
    }

    @Test
    void runnerCloseCancelsRemainingTasksAndWaitsForTheirCleanup() {
        Runner runner = new Runner(null, loops());
        Task<Void> left = runner.run(() -> {
            Task<Void> t = createTask(() -> {
                try {
                    sleep(1000);
                } finally {
                    sleep(2);
                    log.add("cleaned up at " + clock.time());
                }
            });
            sleep(0);
            return t;
        });
        assertThat(left.done()).isFalse();
        EventLoop loop = runner.getLoop();
        runner.close();
        assertThat(left.cancelled()).isTrue();
        assertThat(log).containsExactly("cleaned up at 2.0");
        assertThat(loop.isClosed()).isTrue();
        assertThat(recorder.contexts()).isEmpty();
    }

    @Test
    void runnerCloseCancelsEveryTaskAtOnceAndTheyCleanUpConcurrently() {
        Runner runner = new Runner(null, loops());
        runner.run(() -> {
            for (int i = 0; i < 3; i++) {
                int n = i;
                createTask(() -> {
                    try {
                        sleep(1000);
                    } catch (CancelledError e) {
                        log.add("cancelled " + n);
                        sleep(1 + n);
                        log.add("done " + n + " at " + clock.time());
                        throw e;
                    }
                });
            }
            sleep(0);
        });
        runner.close();
        // allTasks() is a set (asyncio's too): the cancellation order is unspecified.
        assertThat(log.subList(0, 3)).containsExactlyInAnyOrder("cancelled 0", "cancelled 1", "cancelled 2");
        assertThat(log.subList(3, 6)).containsExactly("done 0 at 1.0", "done 1 at 2.0", "done 2 at 3.0");
    }

    @Test
    void runnerCloseReportsErrorsOfCancelledTasks() {
        RuntimeException error = new RuntimeException("failed while cancelled");
        Runner runner = new Runner(null, loops());
        Task<?> t = runner.run(() -> {
            Task<Void> task = createTask(() -> {
                try {
                    sleep(1000);
                } catch (CancelledError e) {
                    throw error;
                }
            });
            sleep(0);
            return task;
        });
        runner.close();
        assertThat(recorder.messages()).containsExactly("unhandled exception during Asyncio.run() shutdown");
        assertThat(recorder.contexts().get(0).exception()).isSameAs(error);
        assertThat(recorder.contexts().get(0).task()).isSameAs(t);
    }

    @Test
    void runnerCloseIsIdempotentAndAClosedRunnerRefusesToRun() {
        Runner runner = new Runner(null, loops());
        runner.run(() -> "x");
        EventLoop loop = runner.getLoop();
        runner.close();
        runner.close();
        assertThat(loop.isClosed()).isTrue();
        assertThatThrownBy(() -> runner.run(() -> "y")).isInstanceOf(IllegalStateException.class).hasMessage("Runner is closed");
        assertThatThrownBy(runner::getLoop).isInstanceOf(IllegalStateException.class).hasMessage("Runner is closed");
    }

    @Test
    void runnerCreatesItsLoopLazilyAndCloseWithoutRunIsFine() {
        List<EventLoop> created = new ArrayList<>();
        Runner runner = new Runner(true, () -> {
            EventLoop l = new EventLoop(clock);
            created.add(l);
            return l;
        });
        assertThat(created).isEmpty();
        EventLoop loop = runner.getLoop();
        assertThat(created).containsExactly(loop);
        assertThat(loop.getDebug()).isTrue();
        assertThat(runner.getLoop()).isSameAs(loop);
        runner.close();
        assertThat(loop.isClosed()).isTrue();
        new Runner(null, loops()).close();
    }

    @Test
    void runnerCloseShutsTheDefaultExecutorDown() throws InterruptedException {
        Runner runner = new Runner(null, loops());
        Thread worker = runner.run(() -> Asyncio.toThread(Thread::currentThread));
        runner.close();
        // The pool was shut down: its idle worker ends at once (a live pool keeps it 60 s). The
        // worker may still be returning from its run() when awaitTermination reports, hence join.
        worker.join(20_000);
        assertThat(worker.isAlive()).isFalse();
    }

    @Test
    void runnerToStringShowsItsState() {
        Runner runner = new Runner(null, loops());
        assertThat(runner.toString()).isEqualTo("<Runner created>");
        runner.getLoop();
        assertThat(runner.toString()).isEqualTo("<Runner initialized>");
        runner.close();
        assertThat(runner.toString()).isEqualTo("<Runner closed>");
    }

    @Test
    @Timeout(30)
    void runnerOnTheSystemClockCleansUpToo() {
        Runner runner = new Runner();
        Task<?> t = runner.run(() -> {
            Task<Void> task = createTask(() -> sleep(3600));
            sleep(0);
            return task;
        });
        runner.close();
        assertThat(t.cancelled()).isTrue();
    }

    @Test
    void theMainTaskOfAStoppedRunIsLeftPendingAndCancelledAtClose() {
        Runner runner = new Runner(null, loops());
        AtomicReference<Task<?>> main = new AtomicReference<>();
        assertThatThrownBy(() -> runner.run(() -> {
            main.set(Asyncio.currentTask());
            Asyncio.getRunningLoop().stop();
            sleep(10);
            return "never";
        })).isInstanceOf(IllegalStateException.class).hasMessage("Event loop stopped before Future completed.");
        assertThat(main.get().done()).isFalse();
        runner.close();
        assertThat(main.get().cancelled()).isTrue();
    }
}
