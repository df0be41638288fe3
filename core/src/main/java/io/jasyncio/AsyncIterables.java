package io.jasyncio;

import static io.jasyncio.Throwables.sneaky;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.function.Consumer;

/**
 * The machinery behind {@link AsyncIterable}'s operators: {@link Upstream} (the source an operator
 * iterates and closes), {@link #pipe} (an operator's generator), {@link #consume} (forEach and
 * collect) and {@link Merge}.
 */
final class AsyncIterables {
    private AsyncIterables() {}

    /** An operator's body: reads {@code in}, yields to {@code out}. */
    @FunctionalInterface
    interface Stage<T, R> {
        void run(Upstream<T> in, Yielder<R> out) throws Exception;
    }

    /**
     * A generator running {@code stage} over {@code source}, which it closes when the body ends
     * for any reason (including {@link GeneratorExit} from its own {@code aclose()}).
     */
    static <T, R> AsyncGenerator<R> pipe(AsyncIterable<T> source, Stage<T, R> stage) {
        return AsyncGenerator.of(out -> {
            Upstream<T> in = new Upstream<>(source);
            Throwable primary = null;
            try {
                stage.run(in, out);
            } catch (Throwable e) {
                primary = e;
                throw e;
            } finally {
                closeAfter(in, primary);
            }
        });
    }

    /** Feeds every element of {@code source} to {@code action}, then closes the source (also on failure). */
    static <T> void consume(AsyncIterable<T> source, Consumer<? super T> action) {
        Upstream<T> in = new Upstream<>(source);
        Throwable primary = null;
        try {
            while (in.advance()) {
                action.accept(in.value());
            }
        } catch (Throwable e) {
            primary = e;
            throw e;
        } finally {
            closeAfter(in, primary);
        }
    }

    /**
     * Closes {@code in} as a {@code finally} block does. A close failure propagates when nothing
     * else is leaving, or when what is leaving is the {@link GeneratorExit} of the operator's own
     * close (Python: an exception in {@code finally} during {@code aclose()} propagates from it);
     * otherwise it is added to {@code primary} as suppressed.
     */
    private static void closeAfter(Upstream<?> in, Throwable primary) {
        try {
            in.close();
        } catch (Throwable e) {
            if (primary == null || primary instanceof GeneratorExit) {
                throw sneaky(e);
            }
            if (e != primary) {
                primary.addSuppressed(e);
            }
        }
    }

    /** What {@code aclose()} closes for a source: its iterator if closeable, else the iterable if closeable. */
    static AsyncCloseable closeableOf(AsyncIterable<?> source, AsyncIterator<?> iterator) {
        if (iterator instanceof AsyncCloseable c) {
            return c;
        }
        return source instanceof AsyncCloseable c ? c : null;
    }

    /**
     * The source of an operator: the iterable, its iterator once asked for, and whether it was
     * closed (closing is idempotent here, whatever the source's own {@code aclose()} does).
     */
    static final class Upstream<T> {
        private final AsyncIterable<T> source;
        /** The iterator, made at the first {@link #advance()}; null before. */
        private AsyncIterator<T> iterator;
        /** The element the last successful {@link #advance()} fetched, until taken. */
        private T value;
        /** Exhausted or closed: {@link #advance()} returns false. */
        private boolean ended;
        private boolean closed;

        Upstream(AsyncIterable<T> source) {
            this.source = source;
        }

        /** Fetches the next element (suspending while the source does); false at the end. */
        boolean advance() {
            if (ended) {
                return false;
            }
            if (iterator == null) {
                iterator = source.aiter();
                if (iterator == null) {
                    throw new NullPointerException("aiter() returned null: " + source);
                }
            }
            try {
                value = iterator.anext();
                return true;
            } catch (StopAsyncIteration end) {
                ended = true;
                return false;
            }
        }

        /** The element fetched by the last {@link #advance()}. */
        T value() {
            T v = value;
            value = null;
            return v;
        }

        /** Closes the source once; later calls do nothing. May suspend. */
        void close() throws Exception {
            if (closed) {
                return;
            }
            closed = true;
            ended = true;
            value = null;
            AsyncCloseable c = closeableOf(source, iterator);
            if (c != null) {
                c.aclose();
            }
        }
    }

    // ---- merge ----

    static <T> AsyncGenerator<T> merge(List<AsyncIterable<? extends T>> sources) {
        return AsyncGenerator.of(out -> new Merge<T>(sources).run(out));
    }

    /**
     * One run of a merged generator: the body of {@link AsyncIterable#merge}.
     *
     * <p>Overview. The consumer is the task advancing the merged generator; the body below runs
     * in it. Each source has a {@link Feeder}: a task that iterates the source and hands each
     * element over in {@link Feeder#held}, queueing itself on {@link #arrivals}. The consumer
     * takes the first arrival, frees that feeder's slot and yields the element. Everything runs on
     * one loop, so no field needs a lock; suspensions are the only interleaving points.
     *
     * <pre>
     *  feeder:   anext() ──► slot busy? wait slotFree ──► held = v, arrivals.add(this), wake consumer ─┐
     *               ▲                                                                                  │
     *               └──────────────────────────────────────────────────────────────────────────────────┘
     *  consumer: failure? throw │ arrival? take it, free its slot, yield │ no feeder live? end │ else wait
     * </pre>
     *
     * <p>Invariants: a feeder is on {@link #arrivals} exactly when {@code holding}; a feeder holds
     * at most one element and has at most one more in hand (fetched while its slot was busy), which
     * is the bound on buffering. {@link #live} counts feeder tasks not yet done; it drops in their
     * done callbacks, so a feeder cancelled before its first step (whose coroutine never runs)
     * still counts down. Once {@link #stopping}, a feeder's {@link CancelledError} is the merge's
     * own doing and not a failure. Before that, someone else cancelled the feeder (Asyncio.run
     * cancelling the tasks left at its end, say): the merge fails with a
     * {@link CancellationException}, an ordinary exception, so that the consumer does not take it
     * for a cancellation of its own task.
     *
     * <p>Ending (the body's exit, whatever the reason: end, failure, {@link GeneratorExit},
     * cancellation): cancel every feeder not already ending, once (a second CancelledError would
     * interrupt the {@code finally} blocks the first one started), wait until none is live (a
     * feeder's {@code finally} closes its source, and may suspend), close the sources of feeders
     * that never started, then throw what must leave. Waiting goes on even if the consumer is
     * cancelled meanwhile, as a task group's exit does, and that {@link CancelledError} is thrown
     * afterwards.
     */
    static final class Merge<T> {
        private final List<AsyncIterable<? extends T>> sources;
        private final List<Feeder> feeders = new ArrayList<>();
        /** Feeders holding an element the consumer has not taken, in the order they handed it over. */
        private final ArrayDeque<Feeder> arrivals = new ArrayDeque<>();
        private EventLoop loop;
        /** Completed to wake the consumer; non-null only while it waits. */
        private Future<Void> consumerWakeup;
        /** The first failure of a feeder (later ones suppressed in it); thrown to the consumer. */
        private Throwable failure;
        /** Whether {@link #failure} is only a feeder cancelled from outside (no source failed). */
        private boolean failureIsCancellation;
        /** Feeder tasks not done yet. */
        private int live;
        /** The merge is ending: feeders are being cancelled on purpose. */
        private boolean stopping;

        Merge(List<AsyncIterable<? extends T>> sources) {
            this.sources = sources;
        }

        void run(Yielder<T> out) {
            loop = Task.current("iterating AsyncIterable.merge(...)").getLoop();
            for (int i = 0; i < sources.size(); i++) {
                Feeder f = new Feeder(sources.get(i));
                feeders.add(f);
                f.task = loop.createTask(f::feed, "merge-feeder-" + i);
                live++;
                f.task.addDoneCallback(t -> {
                    live--;
                    wakeConsumer();
                });
            }
            Throwable primary = null;
            try {
                consume(out);
            } catch (Throwable e) {
                primary = e;
            }
            CancelledError cancelledWhileStopping = stopFeeders();
            Throwable toThrow = chooseExit(primary, cancelledWhileStopping);
            if (toThrow != null) {
                throw sneaky(toThrow);
            }
        }

        private void consume(Yielder<T> out) {
            while (true) {
                if (failure != null) {
                    throw sneaky(failure);
                }
                Feeder f = arrivals.pollFirst();
                if (f != null) {
                    out.yield(f.take());
                    continue;
                }
                if (live == 0) {
                    return;
                }
                waitForNews();
            }
        }

        private void waitForNews() {
            consumerWakeup = loop.createFuture();
            try {
                consumerWakeup.await();
            } finally {
                consumerWakeup = null;
            }
        }

        private void wakeConsumer() {
            Future<Void> w = consumerWakeup;
            if (w != null && !w.done()) {
                w.setResult(null);
            }
        }

        /** Records a feeder's failure; the first one stops the others at once. */
        private void fail(Throwable e) {
            fail(e, false);
        }

        /** @param feederCancelled whether {@code e} stands for a feeder cancelled from outside */
        private void fail(Throwable e, boolean feederCancelled) {
            if (failure == null) {
                failure = e;
                failureIsCancellation = feederCancelled;
                stopping = true;
                for (Feeder f : feeders) {
                    f.stop();
                }
            } else if (e != failure) {
                failure.addSuppressed(e);
                failureIsCancellation &= feederCancelled;
            }
            wakeConsumer();
        }

        /**
         * Cancels the feeders and waits until all are done; closes the sources of those that never
         * ran. Returns the CancelledError if the consumer was cancelled while waiting.
         */
        private CancelledError stopFeeders() {
            stopping = true;
            for (Feeder f : feeders) {
                f.stop();
            }
            CancelledError cancelled = null;
            while (live > 0) {
                try {
                    waitForNews();
                } catch (CancelledError e) {
                    cancelled = e; // keep waiting: no feeder may outlive the merge
                }
            }
            for (Feeder f : feeders) {
                if (!f.started) {
                    try {
                        AsyncCloseable c = closeableOf(f.source, null);
                        if (c != null) {
                            c.aclose();
                        }
                    } catch (CancelledError e) {
                        cancelled = e;
                    } catch (Throwable e) {
                        fail(e);
                    }
                }
            }
            arrivals.clear();
            return cancelled;
        }

        /** What leaves the body: cancellation first, then a source's failure, then the body's own exception. */
        private Throwable chooseExit(Throwable primary, CancelledError cancelledWhileStopping) {
            Throwable f = failure;
            if (cancelledWhileStopping != null || primary instanceof CancelledError) {
                CancelledError c = cancelledWhileStopping != null ? cancelledWhileStopping : (CancelledError) primary;
                if (f != null && f != c) {
                    c.addSuppressed(f);
                }
                return c;
            }
            if (f != null) {
                if (primary instanceof GeneratorExit && failureIsCancellation) {
                    return primary; // closing stops the feeders anyway: that one stopped early is no error
                }
                // The failure itself (primary == f), or one that happened while the consumer was
                // closing the merge (replacing its GeneratorExit, as Python's finally does), or
                // added to some other exception thrown in by the consumer.
                if (primary == null || primary == f || primary instanceof GeneratorExit) {
                    return f;
                }
                primary.addSuppressed(f);
            }
            return primary;
        }

        /** Iterates one source in its own task and hands each element to the consumer. */
        final class Feeder {
            final AsyncIterable<? extends T> source;
            Task<Void> task;
            /** Whether the task's coroutine ran (a task cancelled before its first step never does). */
            boolean started;
            /**
             * Whether the feeder needs no cancel: one was requested, or it is ending on its own (its
             * {@code finally} closes the source, which a second CancelledError would interrupt).
             */
            private boolean stopped;
            /** The element handed over and not yet taken; valid while {@link #holding}. */
            private T held;
            private boolean holding;
            /** Completed when the consumer takes {@link #held}; non-null only while the feeder waits for that. */
            private Future<Void> slotFree;

            Feeder(AsyncIterable<? extends T> source) {
                this.source = source;
            }

            void feed() {
                started = true;
                AsyncIterator<? extends T> it = null;
                Throwable primary = null;
                try {
                    it = source.aiter();
                    while (true) {
                        T v;
                        try {
                            v = it.anext();
                        } catch (StopAsyncIteration end) {
                            return;
                        }
                        while (holding) {
                            slotFree = loop.createFuture();
                            try {
                                slotFree.await();
                            } finally {
                                slotFree = null;
                            }
                        }
                        held = v;
                        holding = true;
                        arrivals.addLast(this);
                        wakeConsumer();
                    }
                } catch (Throwable e) {
                    primary = e;
                    stopped = true;
                    if (!(e instanceof CancelledError)) {
                        fail(e);
                        // If the source turned a cancellation of this task into e, it was handled on
                        // purpose: e goes to the consumer, and the task may end normally.
                        while (task.cancelling() > 0) {
                            task.uncancel();
                        }
                    } else if (!stopping) {
                        CancellationException c = new CancellationException(task.getName() + " of AsyncIterable.merge"
                                + " was cancelled from outside the merge");
                        c.initCause(e);
                        fail(c, true);
                    }
                    if (e instanceof CancelledError c) {
                        throw c; // the task ends cancelled; other exceptions were handed to the consumer
                    }
                } finally {
                    stopped = true;
                    closeSource(it, primary);
                }
            }

            /**
             * Cancels the feeder's task, once, unless it is already ending or someone else's
             * cancellation is on its way through the source's {@code finally} blocks.
             */
            void stop() {
                if (!stopped) {
                    stopped = true;
                    if (task.cancelling() == 0) {
                        task.cancel();
                    }
                }
            }

            private void closeSource(AsyncIterator<? extends T> it, Throwable primary) {
                AsyncCloseable c = closeableOf(source, it);
                if (c == null) {
                    return;
                }
                try {
                    c.aclose();
                } catch (CancelledError e) {
                    if (primary == null) {
                        throw e;
                    }
                } catch (Throwable e) {
                    if (e != primary) {
                        fail(e);
                    }
                }
            }

            /** Takes the held element and lets the feeder go on. */
            T take() {
                T v = held;
                held = null;
                holding = false;
                Future<Void> w = slotFree;
                if (w != null && !w.done()) {
                    w.setResult(null);
                }
                return v;
            }
        }
    }
}
