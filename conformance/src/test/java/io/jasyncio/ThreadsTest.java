package io.jasyncio;

import static io.jasyncio.Asyncio.createTask;
import static io.jasyncio.Asyncio.sleep;
import static io.jasyncio.Asyncio.toThread;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jasyncio.testing.AsyncioExtension;
import io.jasyncio.testing.ExceptionRecorder;
import io.jasyncio.testing.VirtualClock;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * toThread, runInExecutor, the default executor and runCoroutineThreadsafe: CPython's
 * test_threads.py, test_base_events.py (run_in_executor) and test_tasks.py
 * (run_coroutine_threadsafe); asyncio-surface 2.14. Cross-thread steps use latches and futures,
 * never sleeps.
 */
@ExtendWith(AsyncioExtension.class)
@Timeout(30)
class ThreadsTest {

    /** Suspends the calling task until {@code cf} completes (a wrapped future keeps virtual time still). */
    private static <T> T awaitCf(CompletableFuture<T> cf) {
        return Asyncio.wrapFuture(cf).await();
    }

    // ---- toThread ----

    @Test
    void toThreadReturnsTheValueComputedOnAnotherThread(EventLoop loop) {
        Thread loopThread = Thread.currentThread();
        Thread worker = toThread(Thread::currentThread);
        assertThat(worker).isNotSameAs(loopThread);
        assertThat(worker.getName()).startsWith("jasyncio-");
        assertThat(worker.isDaemon()).isTrue();
        assertThat(worker.isVirtual()).isFalse();
        assertThat(toThread(() -> 6 * 7)).isEqualTo(42);
    }

    @Test
    void toThreadWithoutAResultRuns() {
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        toThread(() -> log.add("ran on " + Thread.currentThread().getName()));
        assertThat(log).singleElement().asString().startsWith("ran on jasyncio-");
        Asyncio.toThread((ThrowingRunnable) () -> log.add("void form"));
        assertThat(log).hasSize(2);
    }

    @Test
    void toThreadRethrowsTheVeryExceptionObject() {
        IllegalStateException boom = new IllegalStateException("boom");
        assertThatThrownBy(() -> toThread(() -> {
            throw boom;
        })).isSameAs(boom);
    }

    @Test
    void toThreadRethrowsCheckedExceptionsUnwrapped() {
        IOException io = new IOException("disk on fire");
        try {
            toThread(() -> {
                throw io;
            });
            throw new AssertionError("not thrown");
        } catch (Exception e) {
            if (!(e instanceof IOException caught)) {
                throw new AssertionError("wrapped: " + e, e);
            }
            assertThat(caught).isSameAs(io);
        }
    }

    @Test
    void toThreadRunsManyJobsConcurrentlyOnThePool() {
        // Two jobs that each wait for the other: only possible when both run at once.
        CountDownLatch both = new CountDownLatch(2);
        java.util.function.Supplier<Coroutine<Boolean>> job = () -> () -> toThread(() -> {
            both.countDown();
            return both.await(20, TimeUnit.SECONDS);
        });
        // Two distinct coroutine objects: gather awaits one object only once.
        assertThat(Asyncio.gather(job.get(), job.get())).containsExactly(true, true);
    }

    /** jasyncio goes beyond asyncio here (ADR 0004): cancelling the awaiting task interrupts the worker. */
    @Test
    void cancellingTheAwaitingTaskInterruptsTheWorker() {
        CompletableFuture<Void> started = new CompletableFuture<>();
        CompletableFuture<Boolean> interrupted = new CompletableFuture<>();
        Task<String> t = createTask(() -> toThread(() -> {
            started.complete(null);
            try {
                new CountDownLatch(1).await();
                return "never";
            } catch (InterruptedException e) {
                interrupted.complete(true);
                throw e;
            }
        }));
        awaitCf(started);
        assertThat(t.cancel()).isTrue();
        assertThat(awaitCf(interrupted)).isTrue();
        assertThatThrownBy(t::await).isInstanceOf(CancelledError.class);
        assertThat(t.cancelled()).isTrue();
    }

    @Test
    void aWorkerThatIgnoresTheInterruptRunsOnButItsResultIsDropped(ExceptionRecorder recorder) {
        CompletableFuture<Void> started = new CompletableFuture<>();
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<String> finished = new CompletableFuture<>();
        Task<String> t = createTask(() -> toThread(() -> {
            started.complete(null);
            while (true) {
                try {
                    release.await();
                    break;
                } catch (InterruptedException ignored) {
                    // keeps running
                }
            }
            finished.complete("worker finished");
            return "dropped";
        }));
        awaitCf(started);
        t.cancel();
        assertThatThrownBy(t::await).isInstanceOf(CancelledError.class);
        release.countDown();
        assertThat(awaitCf(finished)).isEqualTo("worker finished");
        sleep(0);
        assertThat(recorder.contexts()).isEmpty();
    }

    @Test
    void toThreadOutsideATaskRaisesNamingIt() throws Exception {
        Throwable e = CompletableFuture.supplyAsync(() -> {
            try {
                toThread(() -> "x");
                return null;
            } catch (IllegalStateException ex) {
                return ex;
            }
        }).get(10, TimeUnit.SECONDS);
        assertThat(e).hasMessageContaining("toThread()");
    }

    // ---- runInExecutor ----

    @Test
    void runInExecutorUsesTheGivenExecutor() {
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().name("custom-worker").unstarted(r));
        try {
            assertThat(Asyncio.runInExecutor(executor, () -> Thread.currentThread().getName())).isEqualTo("custom-worker");
            RuntimeException boom = new RuntimeException("boom");
            assertThatThrownBy(() -> Asyncio.runInExecutor(executor, () -> {
                throw boom;
            })).isSameAs(boom);
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void runInExecutorReturnsAFutureOfTheLoop(EventLoop loop) {
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        try {
            Future<Boolean> f = loop.runInExecutor(executor, () -> Thread.currentThread().isVirtual());
            assertThat(f.getLoop()).isSameAs(loop);
            assertThat(f.await()).isTrue();
            Future<String> viaDefault = loop.runInExecutor(null, () -> Thread.currentThread().getName());
            assertThat(viaDefault.await()).startsWith("jasyncio-");
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void runInExecutorOnAShutDownExecutorRaises(EventLoop loop) {
        ExecutorService executor = Executors.newSingleThreadExecutor();
        executor.shutdown();
        assertThatThrownBy(() -> loop.runInExecutor(executor, () -> "x"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("refused");
        // The refused job is not left "in flight": virtual time still moves.
        double t0 = loop.time();
        sleep(5);
        assertThat(loop.time() - t0).isEqualTo(5.0);
    }

    @Test
    void cancellingARunInExecutorFutureInterruptsTheJob(EventLoop loop) {
        CompletableFuture<Void> started = new CompletableFuture<>();
        CompletableFuture<Boolean> interrupted = new CompletableFuture<>();
        Future<String> f = loop.runInExecutor(null, () -> {
            started.complete(null);
            try {
                new CountDownLatch(1).await();
                return "never";
            } catch (InterruptedException e) {
                interrupted.complete(true);
                return "interrupted";
            }
        });
        awaitCf(started);
        assertThat(f.cancel()).isTrue();
        assertThat(awaitCf(interrupted)).isTrue();
        assertThat(f.cancelled()).isTrue();
    }

    /** test_base_events.py::test_run_in_executor_after_shutdown... asyncio-surface 2.14.2. */
    @Test
    void afterShutdownDefaultExecutorRunInExecutorWithNullFails(EventLoop loop) {
        assertThat(toThread(() -> "before")).isEqualTo("before");
        loop.shutdownDefaultExecutor();
        assertThatThrownBy(() -> loop.runInExecutor(null, () -> "x"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("Executor shutdown has been called");
        assertThatThrownBy(() -> toThread(() -> "x"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("Executor shutdown has been called");
        // An explicit executor still works.
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            assertThat(Asyncio.runInExecutor(executor, () -> "explicit")).isEqualTo("explicit");
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void shutdownDefaultExecutorWithoutAnExecutorStillForbidsLaterUse(EventLoop loop) {
        loop.shutdownDefaultExecutor();
        assertThatThrownBy(() -> toThread(() -> "x")).hasMessage("Executor shutdown has been called");
    }

    @Test
    void shutdownDefaultExecutorWaitsForRunningJobs(EventLoop loop) {
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Void> started = new CompletableFuture<>();
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        loop.runInExecutor(null, () -> {
            started.complete(null);
            release.await();
            log.add("job done");
            return null;
        });
        awaitCf(started);
        Task<Void> shutdown = createTask(() -> {
            loop.shutdownDefaultExecutor();
            log.add("shutdown returned");
        });
        sleep(0);
        assertThat(shutdown.done()).isFalse();
        release.countDown();
        shutdown.await();
        assertThat(log).containsExactly("job done", "shutdown returned");
    }

    @Test
    void setDefaultExecutorReplacesThePool() {
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().name("my-default").unstarted(r));
        try {
            Asyncio.getRunningLoop().setDefaultExecutor(executor);
            assertThat(toThread(() -> Thread.currentThread().getName())).isEqualTo("my-default");
        } finally {
            executor.shutdownNow();
        }
    }

    // ---- runCoroutineThreadsafe ----

    @Test
    void runCoroutineThreadsafeFromAnotherThreadReturnsTheResult(EventLoop loop) {
        Thread loopThread = Thread.currentThread();
        List<String> seen = toThread(() -> {
            CompletableFuture<List<String>> cf = Asyncio.runCoroutineThreadsafe(() -> {
                sleep(0);
                return List.of(String.valueOf(Asyncio.getRunningLoop() == loop),
                        String.valueOf(Asyncio.currentTask() != null));
            }, loop);
            return cf.get(20, TimeUnit.SECONDS);
        });
        assertThat(seen).containsExactly("true", "true");
        assertThat(Thread.currentThread()).isSameAs(loopThread);
    }

    /** Verified on CPython 3.13: the task sees the submitting thread's context (call_soon_threadsafe copies it). */
    @Test
    void runCoroutineThreadsafeRunsInACopyOfTheSubmittersContext(EventLoop loop) {
        ContextVar<String> v = new ContextVar<>("v", "unset");
        v.set("loop task");
        String seen = toThread(() -> new Context().call(() -> {
            v.set("submitter");
            return Asyncio.runCoroutineThreadsafe(() -> v.get(), loop).get(20, TimeUnit.SECONDS);
        }));
        assertThat(seen).isEqualTo("submitter");
        assertThat(v.get()).isEqualTo("loop task");
    }

    /** A job still queued in the executor when its awaiting task is cancelled never runs. */
    @Test
    void cancellingBeforeTheJobStartsMeansItNeverRuns() {
        ExecutorService single = Executors.newSingleThreadExecutor();
        try {
            CountDownLatch release = new CountDownLatch(1);
            CompletableFuture<Void> blockerStarted = new CompletableFuture<>();
            List<String> ran = Collections.synchronizedList(new ArrayList<>());
            Task<Object> blocker = createTask(() -> Asyncio.runInExecutor(single, () -> {
                blockerStarted.complete(null);
                release.await();
                ran.add("blocker");
                return null;
            }));
            awaitCf(blockerStarted);
            Task<Object> queued = createTask(() -> Asyncio.runInExecutor(single, () -> {
                ran.add("queued");
                return null;
            }));
            sleep(0);
            queued.cancel();
            assertThatThrownBy(queued::await).isInstanceOf(CancelledError.class);
            release.countDown();
            blocker.await();
            // Drain the executor: a job submitted after the cancelled one runs after it would have.
            Asyncio.runInExecutor(single, () -> ran.add("after"));
            assertThat(ran).containsExactly("blocker", "after");
        } finally {
            single.shutdownNow();
        }
    }

    @Test
    void runCoroutineThreadsafeDeliversTheVeryException(EventLoop loop) {
        IllegalStateException boom = new IllegalStateException("boom");
        Throwable cause = toThread(() -> {
            CompletableFuture<String> cf = Asyncio.runCoroutineThreadsafe(() -> {
                sleep(0);
                throw boom;
            }, loop);
            try {
                cf.get(20, TimeUnit.SECONDS);
                return null;
            } catch (ExecutionException e) {
                return e.getCause();
            }
        });
        assertThat(cause).isSameAs(boom);
    }

    /** test_tasks.py::test_run_coroutine_threadsafe_task_cancelled. */
    @Test
    void cancellingTheCompletableFutureCancelsTheTask(EventLoop loop) {
        CompletableFuture<Task<?>> started = new CompletableFuture<>();
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        Task<?> task = toThread(() -> {
            CompletableFuture<String> cf = Asyncio.runCoroutineThreadsafe(() -> {
                started.complete(Asyncio.currentTask());
                try {
                    return Asyncio.getRunningLoop().<String>createFuture().await();
                } catch (CancelledError e) {
                    log.add("task cancelled");
                    throw e;
                }
            }, loop);
            Task<?> t = started.get(20, TimeUnit.SECONDS);
            assertThat(cf.cancel(true)).isTrue();
            assertThatThrownBy(() -> cf.get()).isInstanceOf(CancellationException.class);
            return t;
        });
        assertThatThrownBy(task::await).isInstanceOf(CancelledError.class);
        assertThat(task.cancelled()).isTrue();
        assertThat(log).containsExactly("task cancelled");
    }

    @Test
    void aCancelledTaskCancelsTheCompletableFuture(EventLoop loop) {
        CompletableFuture<Task<?>> started = new CompletableFuture<>();
        CompletableFuture<String> cf = toThread(() -> Asyncio.runCoroutineThreadsafe(() -> {
            started.complete(Asyncio.currentTask());
            return Asyncio.getRunningLoop().<String>createFuture().await();
        }, loop));
        Task<?> task = awaitCf(started);
        task.cancel();
        Throwable e = toThread(() -> {
            try {
                cf.get(20, TimeUnit.SECONDS);
                return null;
            } catch (CancellationException ex) {
                return ex;
            }
        });
        assertThat(e).isInstanceOf(CancellationException.class);
        assertThat(cf.isCancelled()).isTrue();
    }

    /** test_tasks.py::test_run_coroutine_threadsafe_task_factory_exception. */
    @Test
    void aFailingTaskFactoryFailsTheCompletableFutureAndIsReported(EventLoop loop, ExceptionRecorder recorder) {
        IllegalStateException factoryBug = new IllegalStateException("factory bug");
        loop.setTaskFactory(new TaskFactory() {
            @Override
            public <T> Task<T> create(EventLoop l, Coroutine<T> coroutine, String name, Context context) {
                throw factoryBug;
            }
        });
        CompletableFuture<String> cf;
        try {
            cf = toThread(() -> Asyncio.runCoroutineThreadsafe(() -> "never", loop));
            Throwable cause = toThread(() -> {
                try {
                    cf.get(20, TimeUnit.SECONDS);
                    return null;
                } catch (ExecutionException e) {
                    return e.getCause();
                }
            });
            assertThat(cause).isSameAs(factoryBug);
        } finally {
            loop.setTaskFactory(null);
        }
        assertThat(recorder.contexts()).singleElement().satisfies(c -> assertThat(c.exception()).isSameAs(factoryBug));
    }

    @Test
    void aCompletableFutureCancelledBeforeTheLoopRunsItNeverStartsTheCoroutine() {
        // On a worker thread: a loop cannot run inside this test's loop.
        toThread(ThreadsTest::cancelledBeforeTheLoopRuns);
    }

    private static void cancelledBeforeTheLoopRuns() {
        EventLoop loop = new EventLoop(new VirtualClock());
        List<String> log = new ArrayList<>();
        CompletableFuture<String> cf = Asyncio.runCoroutineThreadsafe(() -> {
            log.add("ran");
            return "x";
        }, loop);
        cf.cancel(true);
        loop.stop();
        loop.runForever();
        loop.stop();
        loop.runForever();
        assertThat(log).isEmpty();
        assertThat(loop.allTasks()).isEmpty();
        loop.close();
    }

    /** The canonical use: a loop running in its own thread, driven from outside. */
    @Test
    void runCoroutineThreadsafeOnALoopRunningInAnotherThread() throws Exception {
        EventLoop loop = new EventLoop();
        CountDownLatch running = new CountDownLatch(1);
        Thread loopThread = Thread.ofPlatform().name("loop-thread").start(() -> {
            loop.callSoon(running::countDown);
            loop.runForever();
        });
        try {
            running.await();
            CompletableFuture<String> cf = Asyncio.runCoroutineThreadsafe(() -> {
                sleep(0.001);
                return "from " + Asyncio.getRunningLoop().getClass().getSimpleName();
            }, loop);
            // Blocking here is fine: this test method runs as a task of another loop, but the
            // coroutine runs on loop-thread.
            assertThat(toThread(() -> cf.get(20, TimeUnit.SECONDS))).isEqualTo("from EventLoop");
            CompletableFuture<String> failing = Asyncio.runCoroutineThreadsafe(() -> {
                throw new IOException("io");
            }, loop);
            Throwable cause = toThread(() -> {
                try {
                    failing.get(20, TimeUnit.SECONDS);
                    return null;
                } catch (ExecutionException e) {
                    return e.getCause();
                }
            });
            assertThat(cause).isInstanceOf(IOException.class).hasMessage("io");
        } finally {
            loop.callSoonThreadsafe(loop::stop);
            toThread(() -> loopThread.join());
            loop.close();
        }
    }

    @Test
    void runCoroutineThreadsafeOnAClosedLoopRaises() {
        EventLoop loop = new EventLoop(new VirtualClock());
        loop.close();
        assertThatThrownBy(() -> Asyncio.runCoroutineThreadsafe(() -> "x", loop))
                .isInstanceOf(IllegalStateException.class).hasMessage("Event loop is closed");
    }

    @Test
    void callSoonThreadsafeFromAWorkerWakesTheAwaitingTask(EventLoop loop) {
        Future<String> f = loop.createFuture();
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        Task<Handle> poster = createTask(() -> toThread(() -> loop.callSoonThreadsafe(() -> {
            ranOn.set(Thread.currentThread());
            f.setResult("posted");
        })));
        assertThat(f.await()).isEqualTo("posted");
        poster.await();
        assertThat(ranOn.get().getName()).doesNotStartWith("jasyncio-");
    }
}
