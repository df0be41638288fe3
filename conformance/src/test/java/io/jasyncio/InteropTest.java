package io.jasyncio;

import static io.jasyncio.Asyncio.createTask;
import static io.jasyncio.Asyncio.sleep;
import static io.jasyncio.Asyncio.toThread;
import static io.jasyncio.Asyncio.wrapFuture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jasyncio.testing.AsyncioExtension;
import java.io.IOException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Bridges to java.util.concurrent: {@link Asyncio#wrapFuture} (asyncio's wrap_future, CPython's
 * test_futures.py wrap_future tests) and {@link Future#toCompletableFuture()}.
 */
@ExtendWith(AsyncioExtension.class)
@Timeout(30)
class InteropTest {

    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void stopPool() {
        pool.shutdownNow();
    }

    // ---- wrapFuture(CompletableFuture) ----

    @Test
    void wrapFutureDeliversTheResultOfACompletableFutureCompletedOnAnotherThread(EventLoop loop) {
        CompletableFuture<String> cf = new CompletableFuture<>();
        Future<String> f = wrapFuture(cf);
        assertThat(f.getLoop()).isSameAs(loop);
        assertThat(f.done()).isFalse();
        pool.execute(() -> cf.complete("from another thread"));
        assertThat(f.await()).isEqualTo("from another thread");
    }

    @Test
    void wrapFutureOfAnAlreadyCompletedFuture() {
        Future<Integer> f = wrapFuture(CompletableFuture.completedFuture(7));
        assertThat(f.await()).isEqualTo(7);
        Future<Object> nullResult = wrapFuture(CompletableFuture.completedFuture(null));
        assertThat(nullResult.await()).isNull();
    }

    @Test
    void wrapFutureUnwrapsCompletionException() {
        IllegalStateException boom = new IllegalStateException("boom");
        CompletableFuture<String> failing = CompletableFuture.supplyAsync(() -> {
            throw boom;
        }, pool);
        assertThatThrownBy(() -> wrapFuture(failing).await()).isSameAs(boom);
        // A dependent stage fails with CompletionException(boom): still unwrapped.
        CompletableFuture<String> dependent = failing.thenApply(s -> s + "!");
        assertThatThrownBy(() -> wrapFuture(dependent).await()).isSameAs(boom);
        CompletableFuture<String> explicit = CompletableFuture.failedFuture(new CompletionException(boom));
        assertThatThrownBy(() -> wrapFuture(explicit).await()).isSameAs(boom);
    }

    @Test
    void wrapFutureDeliversCheckedExceptionsAsIs() {
        IOException io = new IOException("io");
        CompletableFuture<String> cf = CompletableFuture.failedFuture(io);
        try {
            wrapFuture(cf).await();
            throw new AssertionError("not thrown");
        } catch (Exception e) {
            assertThat(e).isSameAs(io);
        }
    }

    @Test
    void cancellingTheWrappedFutureCancelsTheCompletableFuture() {
        CompletableFuture<String> cf = new CompletableFuture<>();
        Future<String> f = wrapFuture(cf);
        assertThat(f.cancel()).isTrue();
        sleep(0);
        assertThat(cf.isCancelled()).isTrue();
        assertThatThrownBy(f::await).isInstanceOf(CancelledError.class);
    }

    @Test
    void cancellingTheAwaitingTaskCancelsTheCompletableFuture() {
        CompletableFuture<String> cf = new CompletableFuture<>();
        Task<String> t = createTask(() -> wrapFuture(cf).await());
        sleep(0);
        t.cancel();
        assertThatThrownBy(t::await).isInstanceOf(CancelledError.class);
        sleep(0);
        assertThat(cf.isCancelled()).isTrue();
    }

    @Test
    void cancellingTheCompletableFutureCancelsTheWrappedFuture() throws Exception {
        CompletableFuture<String> cf = new CompletableFuture<>();
        Future<String> f = wrapFuture(cf);
        toThread(() -> cf.cancel(true));
        assertThatThrownBy(f::await).isInstanceOf(CancelledError.class);
        assertThat(f.cancelled()).isTrue();
        CompletableFuture<String> cf2 = new CompletableFuture<>();
        Future<String> f2 = wrapFuture(cf2);
        cf2.cancel(false);
        assertThatThrownBy(f2::await).isInstanceOf(CancelledError.class);
    }

    @Test
    void aResultArrivingAfterTheWrappedFutureWasCancelledIsIgnored() {
        CompletableFuture<String> cf = new CompletableFuture<>();
        Future<String> f = wrapFuture(cf);
        f.cancel();
        // The cancel reached cf (a CompletableFuture cannot be completed afterwards).
        sleep(0);
        assertThat(cf.complete("late")).isFalse();
        sleep(0);
        assertThat(f.cancelled()).isTrue();
    }

    @Test
    void wrapFutureOutsideALoopRaises() throws Exception {
        Throwable e = CompletableFuture.supplyAsync(() -> {
            try {
                wrapFuture(new CompletableFuture<String>());
                return null;
            } catch (IllegalStateException ex) {
                return ex;
            }
        }, pool).get(10, TimeUnit.SECONDS);
        assertThat(e).hasMessage("no running event loop");
    }

    // ---- wrapFuture(java.util.concurrent.Future) ----

    @Test
    void wrapFutureOfAFutureTask() {
        FutureTask<String> task = new FutureTask<>(() -> "computed on " + Thread.currentThread().getName());
        Future<String> f = wrapFuture((java.util.concurrent.Future<String>) task);
        pool.execute(task);
        assertThat(f.await()).startsWith("computed on pool-");
    }

    @Test
    void wrapFutureOfAFailingFutureTaskUnwrapsExecutionException() {
        IllegalArgumentException boom = new IllegalArgumentException("boom");
        FutureTask<String> task = new FutureTask<>(() -> {
            throw boom;
        });
        Future<String> f = wrapFuture((java.util.concurrent.Future<String>) task);
        pool.execute(task);
        assertThatThrownBy(f::await).isSameAs(boom);
        IOException io = new IOException("io");
        FutureTask<String> checked = new FutureTask<>(() -> {
            throw io;
        });
        pool.execute(checked);
        try {
            wrapFuture((java.util.concurrent.Future<String>) checked).await();
            throw new AssertionError("not thrown");
        } catch (Exception e) {
            assertThat(e).isSameAs(io);
        }
    }

    @Test
    void wrapFutureOfAnExecutorServiceFuture() {
        java.util.concurrent.Future<Integer> jf = pool.submit(() -> 21 * 2);
        assertThat(wrapFuture(jf).await()).isEqualTo(42);
    }

    @Test
    void cancellingTheWrappedFutureCancelsAndInterruptsTheFutureTask() throws Exception {
        CompletableFuture<Void> started = new CompletableFuture<>();
        CompletableFuture<Boolean> interrupted = new CompletableFuture<>();
        FutureTask<String> task = new FutureTask<>(() -> {
            started.complete(null);
            try {
                new CountDownLatch(1).await();
                return "never";
            } catch (InterruptedException e) {
                interrupted.complete(true);
                throw e;
            }
        });
        pool.execute(task);
        Future<String> f = wrapFuture((java.util.concurrent.Future<String>) task);
        wrapFuture(started).await();
        assertThat(f.cancel()).isTrue();
        assertThat(wrapFuture(interrupted).await()).isTrue();
        assertThat(task.isCancelled()).isTrue();
        assertThatThrownBy(f::await).isInstanceOf(CancelledError.class);
    }

    @Test
    void aFutureTaskCancelledElsewhereCancelsTheWrappedFuture() {
        FutureTask<String> task = new FutureTask<>(() -> "never");
        Future<String> f = wrapFuture((java.util.concurrent.Future<String>) task);
        toThread(() -> task.cancel(false));
        assertThatThrownBy(f::await).isInstanceOf(CancelledError.class);
        assertThat(f.cancelled()).isTrue();
    }

    @Test
    void aCompletableFuturePassedAsAPlainFutureStillBridgesCancellation() {
        CompletableFuture<String> cf = new CompletableFuture<>();
        Future<String> f = wrapFuture((java.util.concurrent.Future<String>) cf);
        f.cancel();
        sleep(0);
        assertThat(cf.isCancelled()).isTrue();
    }

    // ---- Future.toCompletableFuture ----

    @Test
    void toCompletableFutureCompletesWithTheResult(EventLoop loop) throws Exception {
        Future<String> f = loop.createFuture();
        CompletableFuture<String> cf = f.toCompletableFuture();
        assertThat(cf.isDone()).isFalse();
        f.setResult("value");
        sleep(0);
        assertThat(cf.getNow(null)).isEqualTo("value");
        // Another thread can block on it.
        assertThat(toThread(() -> cf.get(10, TimeUnit.SECONDS))).isEqualTo("value");
    }

    @Test
    void toCompletableFutureOfATask() {
        Task<String> t = createTask(() -> {
            sleep(3);
            return "task result";
        });
        CompletableFuture<String> cf = t.toCompletableFuture();
        assertThat(toThread(() -> cf.isDone())).isFalse();
        t.await();
        sleep(0);
        assertThat(cf.join()).isEqualTo("task result");
    }

    @Test
    void toCompletableFutureCarriesTheVeryException(EventLoop loop) {
        Future<String> f = loop.createFuture();
        CompletableFuture<String> cf = f.toCompletableFuture();
        IOException io = new IOException("io");
        f.setException(io);
        sleep(0);
        assertThat(cf.isCompletedExceptionally()).isTrue();
        assertThatThrownBy(cf::get).isInstanceOf(ExecutionException.class).cause().isSameAs(io);
        assertThatThrownBy(cf::join).isInstanceOf(CompletionException.class).cause().isSameAs(io);
    }

    @Test
    void toCompletableFutureMarksTheExceptionRetrieved(EventLoop loop) {
        // No "exception was never retrieved" report: the CompletableFuture took the exception over.
        Future<String> f = loop.createFuture();
        f.toCompletableFuture();
        f.setException(new IllegalStateException("handed over"));
        sleep(0);
    }

    @Test
    void aCancelledFutureCancelsTheCompletableFuture(EventLoop loop) {
        Future<String> f = loop.createFuture();
        CompletableFuture<String> cf = f.toCompletableFuture();
        f.cancel("stop");
        sleep(0);
        assertThat(cf.isCancelled()).isTrue();
        assertThatThrownBy(cf::join).isInstanceOf(CancellationException.class);
    }

    @Test
    void cancellingTheCompletableFutureCancelsTheFuture(EventLoop loop) {
        Future<String> f = loop.createFuture();
        CompletableFuture<String> cf = f.toCompletableFuture();
        assertThat(cf.cancel(true)).isTrue();
        assertThatThrownBy(f::await).isInstanceOf(CancelledError.class);
        assertThat(f.cancelled()).isTrue();
    }

    @Test
    void cancellingTheCompletableFutureFromAnotherThreadCancelsTheTask() {
        Task<String> t = createTask(() -> {
            sleep(3600);
            return "never";
        });
        CompletableFuture<String> cf = t.toCompletableFuture();
        sleep(0);
        toThread(() -> cf.cancel(false));
        assertThatThrownBy(t::await).isInstanceOf(CancelledError.class);
        assertThat(t.cancelled()).isTrue();
    }

    @Test
    void toCompletableFutureOfADoneFutureCompletesAfterOneIteration(EventLoop loop) {
        Future<String> f = loop.createFuture();
        f.setResult("done already");
        CompletableFuture<String> cf = f.toCompletableFuture();
        sleep(0);
        assertThat(cf.getNow(null)).isEqualTo("done already");
    }

    @Test
    void roundTripThroughCompletableFutureAndBack(EventLoop loop) {
        Future<String> f = loop.createFuture();
        Future<String> back = wrapFuture(f.toCompletableFuture());
        // callSoon, not callLater: while the wrapped future is in flight the virtual clock does not
        // jump, so a timer would never fire (see the testing module's VirtualClockTest).
        loop.callSoon(() -> f.setResult("round trip"));
        assertThat(back.await()).isEqualTo("round trip");
    }
}
