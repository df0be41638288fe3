package io.jasyncio;

import static io.jasyncio.Asyncio.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.jasyncio.testing.ExceptionRecorder;
import io.jasyncio.testing.VirtualClock;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * "Future exception was never retrieved": asyncio logs it from the finalizer (test_futures.py
 * test_tb_logger_*); jasyncio reports it at the latest when the loop closes. These tests drive
 * their own loop so that they can look at what it reported after {@code close()}.
 */
class FutureNeverRetrievedTest {

    /** Runs {@code body} as the main task of a fresh loop, closes the loop, returns its reports. */
    static List<ExceptionContext> reportsOf(VoidCoroutine body) {
        ExceptionRecorder recorder = new ExceptionRecorder();
        EventLoop loop = new EventLoop(new VirtualClock());
        loop.setExceptionHandler(recorder);
        try {
            loop.runUntilComplete(body);
        } finally {
            loop.close();
        }
        return recorder.contexts();
    }

    // ---- "Future exception was never retrieved" (test_tb_logger_*) ----

    @Test
    void abandonedPendingFutureIsNotReported() {
        assertThat(reportsOf(() -> getRunningLoop().createFuture())).isEmpty();
    }

    @Test
    void unretrievedResultIsNotReported() {
        assertThat(reportsOf(() -> getRunningLoop().createFuture().setResult(42))).isEmpty();
    }

    @Test
    void unretrievedExceptionIsReportedWhenTheLoopCloses() {
        RuntimeException exc = new RuntimeException("lost");
        List<ExceptionContext> reports = reportsOf(() -> getRunningLoop().createFuture().setException(exc));
        assertThat(reports).hasSize(1);
        assertThat(reports.get(0).message()).isEqualTo("Future exception was never retrieved");
        assertThat(reports.get(0).exception()).isSameAs(exc);
        // asyncio puts the future itself under "future"; jasyncio keeps only its description, so
        // that the report does not keep the future alive.
        assertThat(reports.get(0).get("future"))
                .isEqualTo("<Future finished exception=java.lang.RuntimeException: lost>");
    }

    @Test
    void exceptionRetrievedByExceptionIsNotReported() {
        assertThat(reportsOf(() -> {
            Future<Object> f = getRunningLoop().createFuture();
            f.setException(new RuntimeException());
            f.exception();
        })).isEmpty();
    }

    @Test
    void exceptionRetrievedByResultIsNotReported() {
        assertThat(reportsOf(() -> {
            Future<Object> f = getRunningLoop().createFuture();
            f.setException(new RuntimeException());
            catchThrowable(f::result);
        })).isEmpty();
    }

    @Test
    void exceptionRetrievedByAwaitIsNotReported() {
        assertThat(reportsOf(() -> {
            Future<Object> f = getRunningLoop().createFuture();
            getRunningLoop().callSoon(() -> f.setException(new RuntimeException()));
            catchThrowable(f::await);
        })).isEmpty();
    }

    @Test
    void cancelledFutureIsNotReported() {
        assertThat(reportsOf(() -> getRunningLoop().createFuture().cancel("bye"))).isEmpty();
    }

    @Test
    void cancelOfAFailedFutureSuppressesTheNeverRetrievedReport() {
        // asyncio's Future.cancel() starts with `self.__log_traceback = False`, before the done
        // check: whoever cancels a future has taken charge of it.
        assertThat(reportsOf(() -> {
            Future<Object> f = getRunningLoop().createFuture();
            f.setException(new RuntimeException());
            assertThat(f.cancel()).isFalse();
        })).isEmpty();
    }

    @Test
    void reprDoesNotMarkTheExceptionRetrieved() {
        // Inspecting a future must not count as handling its error.
        ExceptionRecorder recorder = new ExceptionRecorder();
        EventLoop loop = new EventLoop(new VirtualClock());
        loop.setExceptionHandler(recorder);
        Future<String> f = loop.createFuture();
        f.setException(new RuntimeException("boom"));
        assertThat(f.toString()).contains("boom");
        loop.close();
        assertThat(recorder.messages()).containsExactly("Future exception was never retrieved");
    }

}
