package io.jasyncio;

import static io.jasyncio.Asyncio.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jasyncio.testing.AsyncioExtension;
import io.jasyncio.testing.ExceptionRecorder;
import io.jasyncio.testing.VirtualClock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * FlowAdapters: async iterables as Flow publishers and Flow publishers as async generators, with
 * backpressure both ways; cross-thread handshakes by queues and futures, never sleeps.
 */
@ExtendWith(AsyncioExtension.class)
class FlowAdaptersTest {

    private final ExecutorService publisherThreads = Executors.newFixedThreadPool(2);

    @AfterEach
    void stopPublisherThreads() {
        publisherThreads.shutdownNow();
    }

    /** 0, 1, ... up to {@code limit} (exclusive); logs its cleanup. */
    static AsyncGenerator<Integer> counter(int limit, List<String> log) {
        return AsyncGenerator.of(out -> {
            try {
                for (int i = 0; i < limit; i++) {
                    out.yield(i);
                }
            } finally {
                log.add("source closed");
            }
        });
    }

    static Set<Task<?>> otherTasks() {
        Set<Task<?>> tasks = new HashSet<>(allTasks());
        tasks.remove(currentTask());
        return tasks;
    }

    /**
     * A subscriber that records its signals. toPublisher signals on the loop, so a task may wait
     * for them with {@link #awaitSignals}.
     */
    static class Recorder<T> implements Flow.Subscriber<T> {
        final List<String> signals = Collections.synchronizedList(new ArrayList<>());
        final long initialRequest;
        final boolean requestOneInEachOnNext;
        volatile Flow.Subscription subscription;
        volatile Throwable error;
        private Future<Void> changed;

        Recorder(long initialRequest, boolean requestOneInEachOnNext) {
            this.initialRequest = initialRequest;
            this.requestOneInEachOnNext = requestOneInEachOnNext;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            signals.add("onSubscribe");
            if (initialRequest > 0) {
                s.request(initialRequest);
            }
            changed();
        }

        @Override
        public void onNext(T item) {
            signals.add("onNext " + item);
            if (requestOneInEachOnNext) {
                subscription.request(1);
            }
            changed();
        }

        @Override
        public void onError(Throwable throwable) {
            error = throwable;
            signals.add("onError " + throwable.getClass().getSimpleName());
            changed();
        }

        @Override
        public void onComplete() {
            signals.add("onComplete");
            changed();
        }

        private void changed() {
            Future<Void> f = changed;
            if (f != null && !f.done()) {
                f.setResult(null);
            }
        }

        /** Suspends until {@code n} signals arrived (they arrive on the loop). */
        void awaitSignals(int n) {
            while (signals.size() < n) {
                changed = getRunningLoop().createFuture();
                changed.await();
            }
        }
    }

    /** Wraps a publisher to count what its subscriber requests and whether it cancels. */
    static final class CountingPublisher<T> implements Flow.Publisher<T> {
        final Flow.Publisher<T> inner;
        final AtomicLong requested = new AtomicLong();
        final AtomicBoolean cancelled = new AtomicBoolean();
        /** Completed once subscribe() returned: a SubmissionPublisher drops what is submitted before. */
        final CompletableFuture<Void> subscribed = new CompletableFuture<>();

        CountingPublisher(Flow.Publisher<T> inner) {
            this.inner = inner;
        }

        @Override
        public void subscribe(Flow.Subscriber<? super T> subscriber) {
            inner.subscribe(new Flow.Subscriber<T>() {
                @Override
                public void onSubscribe(Flow.Subscription s) {
                    subscriber.onSubscribe(new Flow.Subscription() {
                        @Override
                        public void request(long n) {
                            requested.addAndGet(n);
                            s.request(n);
                        }

                        @Override
                        public void cancel() {
                            cancelled.set(true);
                            s.cancel();
                        }
                    });
                }

                @Override
                public void onNext(T item) {
                    subscriber.onNext(item);
                }

                @Override
                public void onError(Throwable throwable) {
                    subscriber.onError(throwable);
                }

                @Override
                public void onComplete() {
                    subscriber.onComplete();
                }
            });
            subscribed.complete(null);
        }
    }

    // ---- toPublisher ----

    @Test
    void aSubscriberRequestingInsideOnNextGetsEveryElementThenOnComplete(EventLoop loop) {
        List<String> log = new ArrayList<>();
        Recorder<Integer> rec = new Recorder<>(1, true);
        FlowAdapters.toPublisher(counter(3, log), loop).subscribe(rec);
        rec.awaitSignals(5);
        assertThat(rec.signals).containsExactly("onSubscribe", "onNext 0", "onNext 1", "onNext 2", "onComplete");
        assertThat(log).containsExactly("source closed");
    }

    @Test
    void aSlowSubscriberOnAnotherThreadNeverMakesTheGeneratorRunAhead(EventLoop loop) throws Exception {
        AtomicLong requested = new AtomicLong();
        AtomicLong produced = new AtomicLong();
        List<String> violations = Collections.synchronizedList(new ArrayList<>());
        AsyncGenerator<Integer> gen = AsyncGenerator.of(out -> {
            for (int i = 0; i < 20; i++) {
                long p = produced.incrementAndGet();
                if (p > requested.get()) {
                    violations.add("element " + p + " produced with only " + requested.get() + " requested");
                }
                out.yield(i);
            }
        });
        LinkedBlockingQueue<Object> delivered = new LinkedBlockingQueue<>();
        CompletableFuture<Flow.Subscription> subscribed = new CompletableFuture<>();
        FlowAdapters.toPublisher(gen, loop).subscribe(new Flow.Subscriber<Integer>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                subscribed.complete(s);
            }

            @Override
            public void onNext(Integer item) {
                delivered.add(item);
            }

            @Override
            public void onError(Throwable throwable) {
                delivered.add(throwable);
            }

            @Override
            public void onComplete() {
                delivered.add("complete");
            }
        });
        List<Object> got = new ArrayList<>();
        List<Long> producedWhenReceived = new ArrayList<>();
        Thread requester = Thread.ofPlatform().start(() -> {
            try {
                Flow.Subscription s = subscribed.get();
                for (int i = 0; i <= 20; i++) {
                    requested.incrementAndGet();
                    s.request(1);
                    got.add(delivered.take());
                    producedWhenReceived.add(produced.get());
                }
            } catch (Exception e) {
                got.add(e);
            }
        });
        toThread(() -> {
            requester.join();
        });
        assertThat(violations).isEmpty();
        List<Object> expected = new ArrayList<>(IntStream.range(0, 20).boxed().toList());
        expected.add("complete");
        assertThat(got).isEqualTo(expected);
        assertThat(producedWhenReceived).as("the generator ran exactly as far as requested, never ahead")
                .isEqualTo(IntStream.rangeClosed(1, 21).mapToObj(i -> (long) Math.min(i, 20)).toList());
    }

    @Test
    void cancelFromAnotherThreadClosesTheGeneratorWaitingAtItsYield(EventLoop loop, VirtualClock clock) throws Exception {
        List<String> log = new ArrayList<>();
        AsyncGenerator<Integer> gen = AsyncGenerator.of(out -> {
            try {
                for (int i = 0; ; i++) {
                    out.yield(i);
                }
            } finally {
                log.add("finally at " + clock.time());
                sleep(1);
                log.add("cleanup done at " + clock.time());
            }
        });
        Recorder<Integer> rec = new Recorder<>(2, false);
        FlowAdapters.toPublisher(gen, loop).subscribe(rec);
        rec.awaitSignals(3);
        Task<?> pump = otherTasks().iterator().next();
        toThread(() -> {
            rec.subscription.cancel();
            rec.subscription.cancel(); // §3.5: idempotent
            rec.subscription.request(5); // §3.6: a no-op after cancel
        });
        pump.await();
        assertThat(log).containsExactly("finally at 0.0", "cleanup done at 1.0");
        assertThat(rec.signals).containsExactly("onSubscribe", "onNext 0", "onNext 1");
        assertThat(gen.isClosed()).isTrue();
    }

    @Test
    void cancelWhileTheSourceIsInsideItsBodyInterruptsIt(EventLoop loop, VirtualClock clock) {
        List<String> log = new ArrayList<>();
        AsyncGenerator<Integer> gen = AsyncGenerator.of(out -> {
            try {
                out.yield(0);
                sleep(1000);
                out.yield(1);
            } catch (CancelledError e) {
                log.add("interrupted at " + clock.time());
                throw e;
            } finally {
                log.add("finally");
            }
        });
        Recorder<Integer> rec = new Recorder<>(2, false);
        FlowAdapters.toPublisher(gen, loop).subscribe(rec);
        rec.awaitSignals(2);
        Task<?> pump = otherTasks().iterator().next();
        sleep(0.5);
        rec.subscription.cancel();
        assertThatThrownBy(pump::await).isInstanceOf(CancelledError.class);
        assertThat(log).containsExactly("interrupted at 0.5", "finally");
        assertThat(rec.signals).containsExactly("onSubscribe", "onNext 0");
    }

    @Test
    void aSourceFailingWhileCancelledIsReportedToTheLoop(EventLoop loop, ExceptionRecorder errors) {
        IllegalStateException cleanupFailed = new IllegalStateException("cleanup failed");
        AsyncGenerator<Integer> gen = AsyncGenerator.of(out -> {
            try {
                out.yield(0);
                sleep(1000);
            } finally {
                throw cleanupFailed;
            }
        });
        Recorder<Integer> rec = new Recorder<>(2, false);
        FlowAdapters.toPublisher(gen, loop).subscribe(rec);
        rec.awaitSignals(2);
        Task<?> pump = otherTasks().iterator().next();
        sleep(0.5);
        rec.subscription.cancel(); // interrupts the sleep; the finally turns the CancelledError into cleanupFailed
        pump.await();
        assertThat(rec.signals).containsExactly("onSubscribe", "onNext 0");
        assertThat(errors.contexts()).singleElement().satisfies(c -> assertThat(c.exception()).isSameAs(cleanupFailed));
    }

    @Test
    void anExceptionOfTheGeneratorGoesToOnErrorUnchanged(EventLoop loop) {
        java.io.IOException io = new java.io.IOException("disk");
        AsyncGenerator<Integer> gen = AsyncGenerator.of(out -> {
            out.yield(1);
            throw io;
        });
        Recorder<Integer> rec = new Recorder<>(Long.MAX_VALUE, false);
        FlowAdapters.toPublisher(gen, loop).subscribe(rec);
        rec.awaitSignals(3);
        assertThat(rec.signals).containsExactly("onSubscribe", "onNext 1", "onError IOException");
        assertThat(rec.error).isSameAs(io);
    }

    @Test
    void requestOfZeroOrLessSignalsIllegalArgumentAndClosesTheGenerator(EventLoop loop) {
        for (long bad : new long[] {0, -1, Long.MIN_VALUE}) {
            List<String> log = new ArrayList<>();
            Recorder<Integer> rec = new Recorder<>(1, false);
            FlowAdapters.toPublisher(counter(10, log), loop).subscribe(rec);
            rec.awaitSignals(2);
            rec.subscription.request(bad);
            rec.awaitSignals(3);
            assertThat(rec.signals).containsExactly("onSubscribe", "onNext 0", "onError IllegalArgumentException");
            assertThat(rec.error).hasMessageContaining("§3.9").hasMessageContaining(Long.toString(bad));
            assertThat(log).containsExactly("source closed");
        }
    }

    @Test
    void aNullElementIsSignalledAsNullPointerException(EventLoop loop) {
        AsyncGenerator<String> gen = AsyncGenerator.of(out -> {
            out.yield("a");
            out.yield(null);
            out.yield("never");
        });
        Recorder<String> rec = new Recorder<>(10, false);
        FlowAdapters.toPublisher(gen, loop).subscribe(rec);
        rec.awaitSignals(3);
        assertThat(rec.signals).containsExactly("onSubscribe", "onNext a", "onError NullPointerException");
        assertThat(rec.error).hasMessageContaining("§2.13");
        assertThat(gen.isClosed()).isTrue();
    }

    @Test
    void aSecondSubscriberOfAGeneratorIsRefusedButAColdPublisherServesEach(EventLoop loop) {
        List<String> log = new ArrayList<>();
        Flow.Publisher<Integer> once = FlowAdapters.toPublisher(counter(2, log), loop);
        Recorder<Integer> first = new Recorder<>(10, false);
        Recorder<Integer> second = new Recorder<>(10, false);
        once.subscribe(first);
        once.subscribe(second);
        assertThat(second.signals).containsExactly("onSubscribe", "onError IllegalStateException");
        assertThat(second.error).hasMessageContaining("toColdPublisher");
        first.awaitSignals(4);
        assertThat(first.signals).containsExactly("onSubscribe", "onNext 0", "onNext 1", "onComplete");

        Flow.Publisher<Integer> cold = FlowAdapters.toColdPublisher(() -> counter(2, log), loop);
        Recorder<Integer> a = new Recorder<>(10, false);
        Recorder<Integer> b = new Recorder<>(10, false);
        cold.subscribe(a);
        cold.subscribe(b);
        a.awaitSignals(4);
        b.awaitSignals(4);
        assertThat(a.signals).isEqualTo(b.signals).containsExactly("onSubscribe", "onNext 0", "onNext 1", "onComplete");
        assertThat(log).containsExactly("source closed", "source closed", "source closed");
    }

    @Test
    void aColdPublishersFactoryFailureIsSignalledAfterOnSubscribe(EventLoop loop) {
        IllegalStateException boom = new IllegalStateException("no iterable today");
        Recorder<Integer> rec = new Recorder<>(1, false);
        FlowAdapters.<Integer>toColdPublisher(() -> {
            throw boom;
        }, loop).subscribe(rec);
        rec.awaitSignals(2);
        assertThat(rec.signals).containsExactly("onSubscribe", "onError IllegalStateException");
        assertThat(rec.error).isSameAs(boom);
    }

    @Test
    void aSubscriberThatThrowsIsReportedAndItsSubscriptionCancelled(EventLoop loop, ExceptionRecorder errors) {
        List<String> log = new ArrayList<>();
        IllegalStateException bug = new IllegalStateException("subscriber bug");
        Recorder<Integer> rec = new Recorder<>(10, false) {
            @Override
            public void onNext(Integer item) {
                super.onNext(item);
                if (item == 1) {
                    throw bug;
                }
            }
        };
        FlowAdapters.toPublisher(counter(10, log), loop).subscribe(rec);
        rec.awaitSignals(3); // the task ended in the same step: the source's finally does not suspend
        assertThat(otherTasks()).isEmpty();
        assertThat(rec.signals).containsExactly("onSubscribe", "onNext 0", "onNext 1");
        assertThat(log).containsExactly("source closed");
        assertThat(errors.contexts()).singleElement().satisfies(c -> {
            assertThat(c.message()).contains("onNext threw").contains("§2.13");
            assertThat(c.exception()).isSameAs(bug);
        });
    }

    @Test
    void aPublisherTaskCancelledByTheLoopSignalsCancellation(EventLoop loop) {
        List<String> log = new ArrayList<>();
        Recorder<Integer> rec = new Recorder<>(1, false);
        FlowAdapters.toPublisher(counter(10, log), loop).subscribe(rec);
        rec.awaitSignals(2);
        Task<?> pump = otherTasks().iterator().next();
        pump.cancel(); // what Asyncio.run does to the tasks left at its end
        assertThatThrownBy(pump::await).isInstanceOf(CancelledError.class);
        assertThat(rec.signals).containsExactly("onSubscribe", "onNext 0", "onError CancellationException");
        assertThat(rec.error).isInstanceOf(CancellationException.class);
        assertThat(log).containsExactly("source closed");
    }

    @Test
    void toPublisherArgumentsAreChecked(EventLoop loop) {
        assertThatThrownBy(() -> FlowAdapters.toPublisher(null, loop)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("source");
        assertThatThrownBy(() -> FlowAdapters.toPublisher(AsyncIterable.from(List.of(1)), null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("loop");
        assertThatThrownBy(() -> FlowAdapters.toColdPublisher(null, loop)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("factory");
        Flow.Publisher<Integer> p = FlowAdapters.toPublisher(AsyncIterable.from(List.of(1)), loop);
        assertThatThrownBy(() -> p.subscribe(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("§1.9");
    }

    // ---- fromPublisher ----

    @Test
    void aFastSubmissionPublisherNeverFillsMoreThanThePrefetch() throws Exception {
        int prefetch = 16;
        int count = 5000;
        SubmissionPublisher<Integer> sp = new SubmissionPublisher<>(publisherThreads, 8);
        CountingPublisher<Integer> counting = new CountingPublisher<>(sp);
        List<Integer> got = new ArrayList<>();
        long maxOutstandingOrBuffered = 0;
        try (var items = FlowAdapters.fromPublisher(counting, prefetch)) {
            Thread producer = Thread.ofPlatform().start(() -> {
                counting.subscribed.join(); // the first anext below subscribes
                for (int i = 0; i < count; i++) {
                    sp.submit(i); // blocks while the publisher's own buffer is full
                }
                sp.close();
            });
            for (int v : items) {
                got.add(v);
                // Requested and not yet taken = buffered + in transit + still to come: bounded.
                long ahead = counting.requested.get() - got.size();
                maxOutstandingOrBuffered = Math.max(maxOutstandingOrBuffered, ahead);
                assertThat(ahead).isLessThanOrEqualTo(prefetch);
            }
            toThread(() -> {
                producer.join();
            });
        }
        assertThat(got).isEqualTo(IntStream.range(0, count).boxed().toList());
        assertThat(maxOutstandingOrBuffered).as("it does prefetch").isEqualTo(prefetch);
        assertThat(counting.cancelled).isFalse();
    }

    @Test
    void onErrorOfASubmissionPublisherIsThrownFromAnextUnchanged() {
        SubmissionPublisher<String> sp = new SubmissionPublisher<>(publisherThreads, 8);
        IllegalStateException boom = new IllegalStateException("publisher failed");
        AsyncGenerator<String> items = FlowAdapters.fromPublisher(sp, 4);
        Task<String> first = createTask(items::anext);
        sleep(0); // the first anext subscribed
        sp.submit("a");
        assertThat(first.await()).isEqualTo("a");
        sp.closeExceptionally(boom);
        assertThatThrownBy(items::anext).isSameAs(boom);
        assertThat(items.isClosed()).isTrue();
    }

    @Test
    void theElementsThatArrivedBeforeOnErrorAreTakenFirst() {
        IllegalStateException boom = new IllegalStateException("publisher failed");
        Flow.Publisher<String> failing = subscriber -> subscriber.onSubscribe(new Flow.Subscription() {
            @Override
            public void request(long n) {
                subscriber.onNext("a");
                subscriber.onNext("b");
                subscriber.onError(boom);
            }

            @Override
            public void cancel() {}
        });
        List<String> got = new ArrayList<>();
        assertThatThrownBy(() -> {
            for (String s : FlowAdapters.fromPublisher(failing, 4)) {
                got.add(s);
            }
        }).isSameAs(boom);
        assertThat(got).containsExactly("a", "b");
    }

    @Test
    void cancellingTheConsumingTaskCancelsTheSubscription(EventLoop loop) {
        SubmissionPublisher<Integer> sp = new SubmissionPublisher<>(publisherThreads, 8);
        CountingPublisher<Integer> counting = new CountingPublisher<>(sp);
        Future<Void> gotFirst = loop.createFuture();
        Task<Void> consumer = createTask(() -> {
            for (int ignored : FlowAdapters.fromPublisher(counting, 4)) {
                if (!gotFirst.done()) {
                    gotFirst.setResult(null);
                }
            }
        });
        sleep(0);
        sp.submit(1);
        gotFirst.await();
        assertThat(counting.cancelled).isFalse();
        consumer.cancel();
        assertThatThrownBy(consumer::await).isInstanceOf(CancelledError.class);
        assertThat(counting.cancelled).isTrue();
        sp.close();
    }

    @Test
    void closingTheGeneratorEarlyCancelsTheSubscription() {
        SubmissionPublisher<Integer> sp = new SubmissionPublisher<>(publisherThreads, 8);
        CountingPublisher<Integer> counting = new CountingPublisher<>(sp);
        List<Integer> got = new ArrayList<>();
        try (var items = FlowAdapters.fromPublisher(counting, 2)) {
            Task<Void> producer = createTask(() -> toThread(() -> {
                for (int i = 0; i < 3; i++) {
                    sp.submit(i);
                }
            }));
            for (int v : items) {
                got.add(v);
                if (v == 1) {
                    break;
                }
            }
            producer.await();
        }
        assertThat(got).containsExactly(0, 1);
        assertThat(counting.cancelled).isTrue();
        sp.close();
    }

    @Test
    void aGeneratorPublishedAndReadBackOnTheSameLoopKeepsEverything(EventLoop loop) {
        List<String> log = new ArrayList<>();
        List<Integer> got = FlowAdapters.fromPublisher(FlowAdapters.toPublisher(counter(100, log), loop), 8).collect();
        assertThat(got).isEqualTo(IntStream.range(0, 100).boxed().toList());
        assertThat(log).containsExactly("source closed");
    }

    @Test
    void aPublisherSendingMoreThanRequestedIsCancelledWithAnError() {
        AtomicBoolean cancelled = new AtomicBoolean();
        Flow.Publisher<Integer> greedy = subscriber -> subscriber.onSubscribe(new Flow.Subscription() {
            private int next;

            @Override
            public void request(long n) {
                for (long i = 0; i <= n; i++) { // one too many
                    subscriber.onNext(next++);
                }
            }

            @Override
            public void cancel() {
                cancelled.set(true);
            }
        });
        AsyncGenerator<Integer> items = FlowAdapters.fromPublisher(greedy, 2);
        assertThat(items.anext()).isEqualTo(0);
        assertThat(items.anext()).isEqualTo(1);
        assertThatThrownBy(items::anext).isInstanceOf(IllegalStateException.class).hasMessageContaining("§1.1");
        assertThat(cancelled).isTrue();
    }

    @Test
    void theSubscriberSideKeepsTheRules() {
        List<Flow.Subscriber<? super String>> subscribers = new ArrayList<>();
        AsyncGenerator<String> items = FlowAdapters.fromPublisher(subscribers::add, 4);
        Task<String> first = createTask(items::anext);
        sleep(0);
        Flow.Subscriber<? super String> inbox = subscribers.getFirst();
        List<Long> requests = new ArrayList<>();
        AtomicBoolean secondCancelled = new AtomicBoolean();
        inbox.onSubscribe(new Flow.Subscription() {
            @Override
            public void request(long n) {
                requests.add(n);
            }

            @Override
            public void cancel() {}
        });
        inbox.onSubscribe(new Flow.Subscription() { // §2.5: a second subscription is cancelled
            @Override
            public void request(long n) {
                requests.add(-n);
            }

            @Override
            public void cancel() {
                secondCancelled.set(true);
            }
        });
        assertThat(secondCancelled).isTrue();
        assertThatThrownBy(() -> inbox.onNext(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("§2.13");
        assertThatThrownBy(() -> inbox.onError(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> inbox.onSubscribe(null)).isInstanceOf(NullPointerException.class);
        while (requests.isEmpty()) {
            sleep(0); // until the subscription reached the loop, which requests the prefetch
        }
        assertThat(requests).containsExactly(4L);
        inbox.onNext("x");
        inbox.onComplete();
        assertThat(first.await()).isEqualTo("x");
        assertThatThrownBy(items::anext).isInstanceOf(StopAsyncIteration.class);
    }

    @Test
    void fromPublisherMustBeIteratedInATask() throws Exception {
        AsyncGenerator<Integer> items = FlowAdapters.fromPublisher(new SubmissionPublisher<>(), 4);
        Throwable error = toThread(() -> {
            try {
                items.anext();
                return null;
            } catch (IllegalStateException e) {
                return e;
            }
        });
        assertThat(error).hasMessageContaining("FlowAdapters.fromPublisher").hasMessageContaining("must be called from a task");
    }

    @Test
    void fromPublisherArgumentsAreChecked() {
        SubmissionPublisher<Integer> sp = new SubmissionPublisher<>();
        assertThatThrownBy(() -> FlowAdapters.fromPublisher(null, 4)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("publisher");
        assertThatThrownBy(() -> FlowAdapters.fromPublisher(sp, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("prefetch").hasMessageContaining("0");
        sp.close();
    }
}
