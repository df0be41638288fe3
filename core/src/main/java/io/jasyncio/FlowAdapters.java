package io.jasyncio;

import static io.jasyncio.Throwables.sneaky;

import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Bridges between async iterables and {@link java.util.concurrent.Flow} (Reactive Streams), with
 * backpressure honoured both ways.
 *
 * <pre>{@code
 * // an async generator, published to any Flow subscriber on any thread
 * Flow.Publisher<Row> rows = FlowAdapters.toPublisher(queryRows(db), getRunningLoop());
 *
 * // any Flow publisher, iterated in a task
 * try (var events = FlowAdapters.fromPublisher(submissionPublisher, 64)) {
 *     for (Event e : events) handle(e);   // suspends while the buffer is empty
 * }
 * }</pre>
 *
 * <p><b>{@link #toPublisher}.</b> Each subscription runs a task on the given loop that advances the
 * source only while the subscriber has unfilled demand: a slow subscriber leaves the generator
 * suspended at its {@code yield}, and nothing is buffered. The subscriber's signals
 * ({@code onSubscribe}, {@code onNext}, {@code onComplete}, {@code onError}) come from that task,
 * one at a time, on the loop's thread; they must not block (Reactive Streams §2.2). The
 * subscription's {@code request} and {@code cancel} may be called from any thread. An
 * {@link AsyncIterable} can be consumed once, so {@code toPublisher} accepts one subscriber;
 * {@link #toColdPublisher} takes a factory and gives every subscriber its own iterable.
 *
 * <p><b>{@link #fromPublisher}.</b> An {@link AsyncGenerator} that subscribes when first advanced
 * (in a task), keeps at most {@code prefetch} elements requested and not yet consumed, and
 * hands elements over from the publisher's threads into the loop with
 * {@link EventLoop#callSoonThreadsafe}. Closing the generator, or cancelling the task iterating it,
 * cancels the subscription.
 *
 * <p>The rule numbers cited are those of the Reactive Streams specification for the JVM, which
 * {@code java.util.concurrent.Flow} adopts.
 */
public final class FlowAdapters {
    private FlowAdapters() {}

    /**
     * A publisher of {@code source}'s elements, produced on {@code loop}. It accepts one subscriber
     * (an async iterable, such as a generator, can be consumed once): a second one receives
     * {@code onSubscribe} followed by {@code onError(IllegalStateException)}. Use
     * {@link #toColdPublisher} for several.
     *
     * <p>Per subscription: {@code onSubscribe} is signalled from a new task on {@code loop}, which
     * then advances the source once per element requested, and signals {@code onNext} with it;
     * {@code onComplete} when the source ends; {@code onError} with the source's exception, with a
     * {@link NullPointerException} if it yields {@code null} (§2.13), with an
     * {@link IllegalArgumentException} after {@code request(n <= 0)} (§3.9), or with a
     * {@link CancellationException} if the task is cancelled by someone else (the loop shutting
     * down under {@link Asyncio#run}). {@code cancel()} (§3.5, idempotent §3.6) stops the signals
     * and closes the source: its {@code finally} blocks run in that task (a source suspended
     * inside its body, for instance in a {@code sleep}, is interrupted with a
     * {@link CancelledError}). The source is closed in every other ending too. A subscriber method
     * that throws (§2.13 forbids it) is reported to the loop's exception handler and taken as a
     * cancellation.
     *
     * <p>The task waiting for demand is not work in flight for a virtual clock: a test that waits
     * for a subscriber on another thread should do so through {@code toThread} or a
     * {@link BridgeQueue}.
     *
     * @throws NullPointerException when {@code source} or {@code loop} is null
     */
    public static <T> Flow.Publisher<T> toPublisher(AsyncIterable<? extends T> source, EventLoop loop) {
        Objects.requireNonNull(source, "toPublisher(source, loop): source is null");
        Objects.requireNonNull(loop, "toPublisher(source, loop): loop is null");
        return new IterablePublisher<>(loop, source, null);
    }

    /**
     * A cold publisher on {@code loop}: every subscriber gets the elements of its own iterable,
     * made by {@code factory} in the subscription's task on the loop (so a factory that creates an
     * {@link AsyncGenerator} creates it there). Each subscription behaves as
     * {@link #toPublisher}'s; an exception of the factory, or a null iterable, is signalled with
     * {@code onError} after {@code onSubscribe}.
     *
     * @throws NullPointerException when {@code factory} or {@code loop} is null
     */
    public static <T> Flow.Publisher<T> toColdPublisher(Supplier<? extends AsyncIterable<? extends T>> factory,
            EventLoop loop) {
        Objects.requireNonNull(factory, "toColdPublisher(factory, loop): factory is null");
        Objects.requireNonNull(loop, "toColdPublisher(factory, loop): loop is null");
        return new IterablePublisher<>(loop, null, factory);
    }

    /**
     * An async generator over {@code publisher}'s elements, with a bounded buffer: at most
     * {@code prefetch} elements are requested and not yet taken by the consumer, so at most that
     * many are ever buffered. It requests {@code prefetch} on subscribing and more in batches of
     * about half of it as the consumer takes them.
     *
     * <p>It subscribes when first advanced, which must happen in a task of a running loop (it
     * says so otherwise); the publisher may signal from any thread. {@code anext()} suspends while
     * the buffer is empty (counted as work in flight for a virtual clock, as a
     * {@link BridgeQueue} get is), returns the elements in order, then ends with
     * {@link StopAsyncIteration} after {@code onComplete}, or throws the exception of
     * {@code onError} itself (after the elements that arrived before it). Closing the generator or
     * cancelling the task iterating it cancels the subscription; so does a publisher that sends
     * more than was requested (§1.1), which then fails with an {@link IllegalStateException}.
     *
     * @throws NullPointerException when {@code publisher} is null
     * @throws IllegalArgumentException when {@code prefetch} is not positive
     */
    public static <T> AsyncGenerator<T> fromPublisher(Flow.Publisher<? extends T> publisher, int prefetch) {
        Objects.requireNonNull(publisher, "fromPublisher(publisher, prefetch): publisher is null");
        if (prefetch <= 0) {
            throw new IllegalArgumentException("fromPublisher(publisher, prefetch): prefetch must be positive, got "
                    + prefetch);
        }
        return AsyncGenerator.of(out -> {
            Task<?> task = Task.current("iterating FlowAdapters.fromPublisher(...)");
            Inbox<T> inbox = new Inbox<>(task.getLoop(), prefetch);
            try {
                publisher.subscribe(inbox);
                for (T v; (v = inbox.take()) != null; ) {
                    out.yield(v);
                }
            } finally {
                inbox.close();
            }
        });
    }

    /**
     * {@link #fromPublisher(Flow.Publisher, int)} with {@link Flow#defaultBufferSize()} (256) as
     * the prefetch.
     *
     * @throws NullPointerException when {@code publisher} is null
     */
    public static <T> AsyncGenerator<T> fromPublisher(Flow.Publisher<? extends T> publisher) {
        return fromPublisher(publisher, Flow.defaultBufferSize());
    }

    /** Gives a subscriber that cannot be served a subscription and, at once, its error (§1.9). */
    private static void reject(Flow.Subscriber<?> subscriber, Throwable error) {
        subscriber.onSubscribe(new Flow.Subscription() {
            @Override
            public void request(long n) {}

            @Override
            public void cancel() {}
        });
        subscriber.onError(error);
    }

    // ---- toPublisher ----

    /** The publisher of {@link #toPublisher} (one iterable, one subscriber) and {@link #toColdPublisher}. */
    private static final class IterablePublisher<T> implements Flow.Publisher<T> {
        private final EventLoop loop;
        /** The one iterable of a one-subscriber publisher; null for a cold one. */
        private final AsyncIterable<? extends T> single;
        /** The factory of a cold publisher; null for a one-subscriber one. */
        private final Supplier<? extends AsyncIterable<? extends T>> factory;
        /** Whether the one subscriber of a one-subscriber publisher came. */
        private final AtomicBoolean taken = new AtomicBoolean();

        IterablePublisher(EventLoop loop, AsyncIterable<? extends T> single,
                Supplier<? extends AsyncIterable<? extends T>> factory) {
            this.loop = loop;
            this.single = single;
            this.factory = factory;
        }

        @Override
        public void subscribe(Flow.Subscriber<? super T> subscriber) {
            Objects.requireNonNull(subscriber, "subscribe(subscriber): subscriber is null (Reactive Streams §1.9)");
            if (single != null && !taken.compareAndSet(false, true)) {
                reject(subscriber, new IllegalStateException("this publisher of " + single + " already has its"
                        + " subscriber, and an async iterable can be consumed once: use"
                        + " FlowAdapters.toColdPublisher(() -> ..., loop) to give every subscriber its own"));
                return;
            }
            Pump<T> pump = new Pump<>(loop, single != null ? () -> single : factory, subscriber);
            try {
                loop.callSoonThreadsafe(pump::start);
            } catch (IllegalStateException closed) {
                reject(subscriber, new IllegalStateException("the event loop of this publisher is closed", closed));
            }
        }

        @Override
        public String toString() {
            return "FlowAdapters." + (single != null ? "toPublisher(" + single : "toColdPublisher(" + factory) + ")";
        }
    }

    /**
     * One subscription of a {@link IterablePublisher}: a task on the loop that advances the source
     * while there is demand.
     *
     * <p>Overview. Everything but {@link #terminated} is confined to the loop: {@link #request} and
     * {@link #cancel} run directly when called on the loop (from inside {@code onNext}, say: no
     * recursion, they only update state) and otherwise go through {@code callSoonThreadsafe}. The
     * task is in one {@link #phase} at a time:
     *
     * <pre>
     *  SIGNALLING (onSubscribe) ─► WAITING (demand == 0) ─► PULLING (inside source.anext()) ─► SIGNALLING (onNext) ─┐
     *                                 ▲                                                                           │
     *                                 └───────────────────────────────────────────────────────────────────────────┘
     *  any ─► DONE: the source is closed, then at most one terminal signal
     * </pre>
     *
     * <p>Stopping early (cancel, or request(n &lt;= 0)) sets {@link #stopRequested}; how the task
     * learns depends on the phase: WAITING is woken and closes the source itself (the source sits
     * at a yield, so its {@code finally} blocks run on {@code aclose()}); PULLING is cancelled,
     * because the source's body is running and can only be interrupted ({@link #ownCancel} marks
     * that CancelledError as expected); SIGNALLING checks the flag when the subscriber returns.
     * {@link #terminated} makes the terminal signal happen once; it is atomic only for the case
     * of a loop already closed, when a {@code request} on another thread signals the error itself.
     */
    private static final class Pump<T> implements Flow.Subscription {
        private static final int SIGNALLING = 0, WAITING = 1, PULLING = 2, DONE = 3;

        private final EventLoop loop;
        private final Supplier<? extends AsyncIterable<? extends T>> factory;
        private final Flow.Subscriber<? super T> subscriber;
        /** A terminal signal was sent, or the subscriber cancelled: no signal may follow. */
        private final AtomicBoolean terminated = new AtomicBoolean();
        private Task<Void> task;
        private int phase = SIGNALLING;
        /** Elements requested and not yet delivered; Long.MAX_VALUE means unbounded (§3.17). */
        private long demand;
        /** Completed to wake the task waiting for demand or a stop; non-null only then. */
        private Future<Void> demandWakeup;
        /** The subscriber cancelled, or broke the protocol: the task must stop. */
        private boolean stopRequested;
        /** The error to signal for a stop (§3.9), or null for a plain cancel. */
        private Throwable stopError;
        /** The task was cancelled by this subscription, to interrupt the source. */
        private boolean ownCancel;

        Pump(EventLoop loop, Supplier<? extends AsyncIterable<? extends T>> factory, Flow.Subscriber<? super T> subscriber) {
            this.loop = loop;
            this.factory = factory;
            this.subscriber = subscriber;
        }

        /** On the loop: starts the task. */
        void start() {
            task = loop.createTask(this::run, "FlowAdapters.toPublisher");
        }

        @Override
        public void request(long n) {
            onLoop(() -> requested(n), true);
        }

        @Override
        public void cancel() {
            onLoop(() -> stop(null), false);
        }

        private void onLoop(Runnable action, boolean signalIfClosed) {
            if (EventLoop.runningOnThisThread() == loop) {
                action.run();
                return;
            }
            try {
                loop.callSoonThreadsafe(action);
            } catch (IllegalStateException closed) {
                // Nothing runs on the loop any more, so no other signal can come: tell the
                // subscriber that asks for more, once, rather than leave it waiting forever.
                if (terminated.compareAndSet(false, true) && signalIfClosed) {
                    subscriber.onError(new IllegalStateException("the event loop of this publisher is closed", closed));
                }
            }
        }

        private void requested(long n) {
            if (stopRequested || terminated.get()) {
                return; // §3.6
            }
            if (n <= 0) {
                stop(new IllegalArgumentException("Reactive Streams §3.9: request(n) needs n > 0, got " + n));
                return;
            }
            long d = demand + n;
            demand = d < 0 ? Long.MAX_VALUE : d;
            wake();
        }

        private void stop(Throwable error) {
            if (stopRequested || terminated.get()) {
                return; // §3.7
            }
            stopRequested = true;
            stopError = error;
            if (error == null) {
                terminated.set(true); // cancelled: no more signals (§3.5, §1.8)
            }
            switch (phase) {
                case WAITING -> wake();
                case PULLING -> {
                    ownCancel = true;
                    task.cancel();
                }
                default -> {
                    // SIGNALLING: the task checks stopRequested when the subscriber returns.
                }
            }
        }

        private void wake() {
            Future<Void> w = demandWakeup;
            if (w != null && !w.done()) {
                w.setResult(null);
            }
        }

        /** The task. */
        private void run() {
            AsyncIterable<? extends T> source = null;
            AsyncIterator<? extends T> it = null;
            Throwable error = null;
            boolean complete = false;
            CancelledError cancelled = null;
            try {
                try {
                    source = factory.get();
                    if (source == null) {
                        error = new NullPointerException("the publisher's factory returned null");
                    }
                } catch (Throwable e) {
                    error = e;
                }
                if (signal(() -> subscriber.onSubscribe(this), "onSubscribe") && error == null) {
                    it = source.aiter();
                    complete = pull(it);
                }
            } catch (CancelledError e) {
                cancelled = e;
                if (!ownCancel && !terminated.get()) {
                    error = new CancellationException("the publisher's task was cancelled (its event loop is shutting down?)");
                }
            } catch (Throwable e) {
                error = e; // the source failed
            }
            phase = DONE;
            if (source != null) {
                AsyncCloseable closeable = AsyncIterables.closeableOf(source, it);
                if (closeable != null) {
                    try {
                        closeable.aclose();
                    } catch (CancelledError e) {
                        cancelled = e;
                        if (error == null && !terminated.get()) {
                            error = new CancellationException("the publisher's task was cancelled while closing the source");
                        }
                    } catch (Throwable e) {
                        if (error == null) {
                            error = e;
                        } else if (error != e) {
                            error.addSuppressed(e);
                        }
                    }
                }
            }
            if (stopError != null) {
                if (error != null && error != stopError) {
                    stopError.addSuppressed(error);
                }
                error = stopError;
            }
            if (terminated.compareAndSet(false, true)) {
                if (error != null) {
                    Throwable e = error;
                    signal(() -> subscriber.onError(e), "onError");
                } else if (complete) {
                    signal(subscriber::onComplete, "onComplete");
                }
            } else if (error != null) {
                // The subscriber is gone (it cancelled, or threw), but errors are never lost.
                loop.callExceptionHandler(ExceptionContext.builder("the source of a cancelled FlowAdapters"
                        + " subscription failed while stopping").exception(error).put("subscriber", subscriber).build());
            }
            if (cancelled != null) {
                throw cancelled;
            }
            // The source turned a cancellation of this task into an exception, handled above on purpose.
            while (task.cancelling() > 0) {
                task.uncancel();
            }
        }

        /** Advances the source while there is demand; true when it ended, false when stopped. */
        private boolean pull(AsyncIterator<? extends T> it) {
            while (true) {
                phase = WAITING;
                while (demand == 0 && !stopRequested) {
                    demandWakeup = loop.createFuture();
                    try {
                        demandWakeup.await();
                    } finally {
                        demandWakeup = null;
                    }
                }
                if (stopRequested) {
                    return false;
                }
                phase = PULLING;
                T v;
                try {
                    v = it.anext();
                } catch (StopAsyncIteration end) {
                    return true;
                } finally {
                    phase = SIGNALLING;
                }
                if (stopRequested) {
                    return false;
                }
                if (v == null) {
                    throw new NullPointerException("the source yielded null, which Reactive Streams forbid (§2.13)");
                }
                if (demand != Long.MAX_VALUE) {
                    demand--;
                }
                if (!signal(() -> subscriber.onNext(v), "onNext")) {
                    return false;
                }
            }
        }

        /**
         * Calls a subscriber method. One that throws breaks §2.13: the subscription counts as
         * cancelled and the error goes to the loop's exception handler. Returns whether to go on.
         */
        private boolean signal(Runnable call, String method) {
            try {
                call.run();
                return !stopRequested;
            } catch (CancelledError e) {
                throw e;
            } catch (Throwable e) {
                stopRequested = true;
                terminated.set(true);
                loop.callExceptionHandler(ExceptionContext.builder("Flow.Subscriber." + method + " threw (Reactive"
                        + " Streams §2.13): the subscription is cancelled").exception(e).put("subscriber", subscriber)
                        .build());
                return false;
            }
        }

        @Override
        public String toString() {
            return "FlowAdapters subscription for " + subscriber;
        }
    }

    // ---- fromPublisher ----

    /**
     * The subscriber of {@link #fromPublisher}: signals from any thread are moved onto the loop,
     * where the consuming task takes them.
     *
     * <p>Overview. The publisher's threads only post callbacks ({@code callSoonThreadsafe});
     * every field but {@link #subscribed} is confined to the loop, and so are all calls on the
     * subscription (§2.7: they are serial). Invariant, once subscribed:
     * {@code outstanding + buffer.size() + consumed == prefetch}, where {@code outstanding} still
     * counts the elements whose onNext is posted but not yet run; so the buffer never holds more
     * than {@code prefetch} elements, whatever the speed of the publisher. Taking an element moves one unit to {@code consumed}; when it reaches
     * {@link #batch}, they are requested again and move to {@code outstanding}. A publisher that
     * sends with no {@code outstanding} left breaks §1.1 and is cancelled.
     */
    private static final class Inbox<T> implements Flow.Subscriber<T> {
        private final EventLoop loop;
        private final int prefetch;
        /** How many taken elements are requested again at once: half the prefetch, rounded up. */
        private final int batch;
        /** Whether a subscription arrived (§2.5: a second one is cancelled). Any thread. */
        private final AtomicBoolean subscribed = new AtomicBoolean();
        private Flow.Subscription subscription;
        private final ArrayDeque<T> buffer = new ArrayDeque<>();
        /** Requested from the publisher and not yet received. */
        private long outstanding;
        /** Taken by the consumer since the last request. */
        private int consumed;
        /** onComplete arrived. */
        private boolean completed;
        /** onError's exception, or the protocol violation this side detected. */
        private Throwable error;
        /** The consumer closed the generator: what arrives is dropped, a late subscription cancelled. */
        private boolean closed;
        /** Completed to wake the consumer; non-null only while it waits. */
        private Future<Void> wakeup;

        Inbox(EventLoop loop, int prefetch) {
            this.loop = loop;
            this.prefetch = prefetch;
            this.batch = prefetch - prefetch / 2;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            Objects.requireNonNull(s, "onSubscribe(null) (Reactive Streams §2.13)");
            if (!subscribed.compareAndSet(false, true)) {
                s.cancel(); // §2.5
                return;
            }
            post(() -> {
                if (closed) {
                    s.cancel();
                    return;
                }
                subscription = s;
                requestMore(prefetch);
            }, s::cancel);
        }

        @Override
        public void onNext(T item) {
            Objects.requireNonNull(item, "onNext(null) (Reactive Streams §2.13)");
            post(() -> {
                if (closed || ended()) {
                    return;
                }
                if (outstanding == 0) {
                    error = new IllegalStateException("the publisher sent more elements than were requested"
                            + " (Reactive Streams §1.1); its subscription is cancelled");
                    if (subscription != null) {
                        subscription.cancel();
                    }
                } else {
                    outstanding--;
                    buffer.addLast(item);
                }
                wake();
            }, () -> {});
        }

        @Override
        public void onError(Throwable throwable) {
            Objects.requireNonNull(throwable, "onError(null) (Reactive Streams §2.13)");
            post(() -> {
                if (!closed && !ended()) {
                    error = throwable;
                    wake();
                }
            }, () -> {});
        }

        @Override
        public void onComplete() {
            post(() -> {
                if (!closed && !ended()) {
                    completed = true;
                    wake();
                }
            }, () -> {});
        }

        private boolean ended() {
            return completed || error != null;
        }

        /** Requests {@code n} more; a subscription that throws (§3.16 forbids it) ends the iteration with that error. */
        private void requestMore(long n) {
            outstanding += n;
            try {
                subscription.request(n);
            } catch (Throwable e) {
                error = e;
                wake();
            }
        }

        /** Runs {@code action} on the loop; {@code ifClosed} instead when the loop is closed. */
        private void post(Runnable action, Runnable ifClosed) {
            try {
                loop.callSoonThreadsafe(action);
            } catch (IllegalStateException loopClosed) {
                ifClosed.run();
            }
        }

        private void wake() {
            Future<Void> w = wakeup;
            if (w != null && !w.done()) {
                w.setResult(null);
            }
        }

        /**
         * The next element, suspending while none is buffered; null at the end. Throws the
         * publisher's error once the elements before it are taken.
         */
        T take() {
            while (true) {
                T v = buffer.pollFirst();
                if (v != null) {
                    consumed++;
                    if (consumed >= batch && !ended()) {
                        long n = consumed;
                        consumed = 0;
                        requestMore(n);
                    }
                    return v;
                }
                if (error != null) {
                    throw sneaky(error);
                }
                if (completed) {
                    return null;
                }
                Future<Void> w = loop.createFuture();
                EventLoop.Completer inFlight = loop.beginInFlight(); // a publisher thread will call back
                w.addInternalCallback(f -> inFlight.complete(() -> {}));
                wakeup = w;
                try {
                    w.await();
                } finally {
                    wakeup = null;
                }
            }
        }

        /** The consumer is done (closed, cancelled, failed or at the end): cancel the subscription unless it ended. */
        void close() {
            closed = true;
            buffer.clear();
            if (subscription != null && !ended()) {
                subscription.cancel();
            }
        }

        @Override
        public String toString() {
            return "FlowAdapters.fromPublisher subscriber (buffered " + buffer.size() + ", outstanding " + outstanding
                    + ")";
        }
    }
}
