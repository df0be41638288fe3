package io.jasyncio;

import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;

/**
 * The bridges between the loop and other threads: executors, {@link CompletableFuture} and
 * {@link java.util.concurrent.Future}. Every result crosses back through the loop's thread-safe
 * inbox; every cancellation crosses out through {@code cancel(true)} or back through it too.
 */
final class Interop {
    private Interop() {}

    static <T> Future<T> runInExecutor(EventLoop loop, Executor executor, Callable<T> function, Context context) {
        Future<T> result = loop.createFuture();
        EventLoop.Completer completer = loop.beginInFlight();
        FutureTask<T> job = new FutureTask<>(() -> context.call(function)) {
            @Override
            protected void done() {
                completer.complete(() -> deliver(result, this));
            }
        };
        try {
            executor.execute(job);
        } catch (RejectedExecutionException e) {
            completer.complete(() -> {});
            throw new IllegalStateException("the executor refused the job (is it shut down?): " + executor, e);
        }
        result.addDoneCallback(f -> {
            if (f.cancelled()) {
                job.cancel(true);
            }
        });
        return result;
    }

    /** Copies a finished java.util.concurrent.Future's outcome into {@code target}, unless that was cancelled. */
    private static <T> void deliver(Future<T> target, java.util.concurrent.Future<T> source) {
        if (target.done()) {
            return;
        }
        try {
            target.setResult(source.get());
        } catch (CancellationException e) {
            target.cancel();
        } catch (ExecutionException e) {
            target.setException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            target.setException(e);
        }
    }

    /** Completes {@code cf} with {@code future}, and cancels {@code future} (on its loop) if {@code cf} is cancelled. */
    static <T> void bridge(Future<T> future, CompletableFuture<T> cf) {
        future.addInternalCallback(f -> {
            if (f.cancelled()) {
                cf.cancel(false);
            } else if (f.peekException() != null) {
                f.markRetrieved();
                cf.completeExceptionally(f.peekException());
            } else {
                cf.complete(f.peekResult());
            }
        });
        cf.whenComplete((r, e) -> {
            if (cf.isCancelled() && !future.loop.isClosed()) {
                try {
                    future.loop.callSoonThreadsafe(() -> future.cancel());
                } catch (IllegalStateException closed) {
                    // The loop closed meanwhile: nothing left to cancel.
                }
            }
        });
    }

    static <T> Future<T> wrap(EventLoop loop, CompletableFuture<T> cf) {
        Future<T> result = loop.createFuture();
        EventLoop.Completer completer = loop.beginInFlight();
        cf.whenComplete((value, error) -> completer.complete(() -> {
            if (result.done()) {
                return;
            }
            Throwable e = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (e instanceof CancellationException) {
                result.cancel();
            } else if (e != null) {
                result.setException(e);
            } else {
                result.setResult(value);
            }
        }));
        result.addDoneCallback(f -> {
            if (f.cancelled()) {
                cf.cancel(true);
            }
        });
        return result;
    }

    static <T> Future<T> wrap(EventLoop loop, java.util.concurrent.Future<T> jf) {
        if (jf instanceof CompletableFuture<T> cf) {
            return wrap(loop, cf);
        }
        Future<T> result = loop.createFuture();
        EventLoop.Completer completer = loop.beginInFlight();
        Thread waiter = Thread.ofVirtual().name("jasyncio-wrap-future").start(() -> {
            try {
                jf.get();
            } catch (InterruptedException | ExecutionException | CancellationException e) {
                // Outcome read again by deliver().
            }
            completer.complete(() -> deliver(result, jf));
        });
        result.addDoneCallback(f -> {
            if (f.cancelled()) {
                jf.cancel(true);
                waiter.interrupt();
                completer.complete(() -> {});
            }
        });
        return result;
    }

    static <T> CompletableFuture<T> runCoroutineThreadsafe(Coroutine<T> coroutine, EventLoop loop) {
        CompletableFuture<T> cf = new CompletableFuture<>();
        loop.callSoonThreadsafe(() -> {
            if (cf.isDone()) {
                return;
            }
            Task<T> task;
            try {
                task = loop.createTask(coroutine);
            } catch (Throwable e) {
                cf.completeExceptionally(e);
                throw e;
            }
            bridge(task, cf);
        });
        return cf;
    }
}
