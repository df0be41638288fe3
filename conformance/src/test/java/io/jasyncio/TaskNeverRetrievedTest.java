package io.jasyncio;

import static io.jasyncio.Asyncio.*;
import static io.jasyncio.FutureNeverRetrievedTest.reportsOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.jasyncio.testing.ExceptionRecorder;
import io.jasyncio.testing.VirtualClock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the loop reports about tasks nobody looked after: "Task exception was never retrieved"
 * (asyncio logs it when the task is collected; jasyncio at the latest when the loop closes) and
 * "Task was destroyed but it is pending!". These tests drive their own loop so that they can look
 * at the reports made by {@code close()}.
 */
class TaskNeverRetrievedTest {

    @Test
    void unretrievedTaskExceptionIsReportedWhenTheLoopCloses() {
        IllegalStateException exc = new IllegalStateException("lost");
        List<ExceptionContext> reports = reportsOf(() -> {
            createTask(() -> {
                throw exc;
            }, "Doomed");
            sleep(0);
        });
        assertThat(reports).hasSize(1);
        ExceptionContext r = reports.get(0);
        assertThat(r.message()).isEqualTo("Task exception was never retrieved");
        assertThat(r.exception()).isSameAs(exc);
        // asyncio: {'future': <the task>}; jasyncio keeps the task's description (not the
        // collected object) under the same key.
        assertThat(String.valueOf(r.get("future"))).contains("name='Doomed'");
    }

    @Test
    void unretrievedExceptionOfAnEagerTaskIsReportedLikeAnyOther() {
        IllegalStateException exc = new IllegalStateException("nobody looks");
        List<ExceptionContext> reports = reportsOf(() -> {
            getRunningLoop().setTaskFactory(eagerTaskFactory());
            Task<Void> t = createTask(() -> {
                throw exc;
            });
            assertThat(t.done()).isTrue();
        });
        assertThat(reports).extracting(ExceptionContext::message).containsExactly("Task exception was never retrieved");
        assertThat(reports.get(0).exception()).isSameAs(exc);
    }

    @Test
    void awaitedTaskExceptionIsNotReported() {
        assertThat(reportsOf(() -> {
            Task<Void> t = createTask(() -> {
                throw new IllegalStateException();
            });
            catchThrowable(t::await);
        })).isEmpty();
    }

    @Test
    void taskExceptionRetrievedByExceptionIsNotReported() {
        assertThat(reportsOf(() -> {
            Task<Void> t = createTask(() -> {
                throw new IllegalStateException();
            });
            sleep(0);
            assertThat(t.exception()).isNotNull();
        })).isEmpty();
    }

    @Test
    void cancelledTaskIsNotReported() {
        assertThat(reportsOf(() -> {
            Task<Void> t = createTask(() -> sleep(10));
            sleep(0);
            t.cancel();
            sleep(0);
        })).isEmpty();
    }

    @Test
    void cancelOfAFailedTaskSuppressesTheNeverRetrievedReport() {
        assertThat(reportsOf(() -> {
            Task<Void> t = createTask(() -> {
                throw new IllegalStateException();
            });
            sleep(0.05);
            assertThat(t.cancel()).isFalse();
        })).isEmpty();
    }

    @Test
    void taskStillPendingWhenTheLoopClosesIsReportedAsDestroyed() {
        List<ExceptionContext> reports = reportsOf(() -> {
            createTask(() -> sleep(10), "Forgotten");
            sleep(0);
        });
        assertThat(reports).hasSize(1);
        assertThat(reports.get(0).message()).isEqualTo("Task was destroyed but it is pending!");
        assertThat(reports.get(0).task()).isNotNull();
        assertThat(reports.get(0).task().getName()).isEqualTo("Forgotten");
    }

    @Test
    void runCancelsTasksLeftPendingLetsThemCleanUpAndReportsNothing() {
        ExceptionRecorder recorder = new ExceptionRecorder();
        List<String> log = new ArrayList<>();
        String result = Asyncio.run(() -> {
            createTask(() -> {
                try {
                    sleep(10);
                } finally {
                    log.add("cleanup");
                    sleep(1);
                    log.add("cleanup done");
                }
            });
            sleep(0);
            return "main done";
        }, null, () -> {
            EventLoop loop = new EventLoop(new VirtualClock());
            loop.setExceptionHandler(recorder);
            return loop;
        });
        assertThat(result).isEqualTo("main done");
        assertThat(log).containsExactly("cleanup", "cleanup done");
        assertThat(recorder.contexts()).isEmpty();
    }

    @Test
    void taskFailingWhileRunCancelsItIsReported() {
        ExceptionRecorder recorder = new ExceptionRecorder();
        IllegalStateException exc = new IllegalStateException("failed on cancel");
        Asyncio.run(() -> {
            createTask(() -> {
                try {
                    sleep(10);
                } catch (CancelledError e) {
                    throw exc;
                }
            });
            sleep(0);
            return null;
        }, null, () -> {
            EventLoop loop = new EventLoop(new VirtualClock());
            loop.setExceptionHandler(recorder);
            return loop;
        });
        assertThat(recorder.messages()).containsExactly("unhandled exception during Asyncio.run() shutdown");
        assertThat(recorder.contexts().get(0).exception()).isSameAs(exc);
    }
}
