package io.jasyncio;

import static io.jasyncio.Asyncio.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jasyncio.testing.AsyncioExtension;
import io.jasyncio.testing.VirtualClock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** AsyncIterable's operators (map, filter, take, forEach, collect, from) and merge, on both engines. */
@ExtendWith(AsyncioExtension.class)
class AsyncIterablesTest {

    /** 0, 1, 2, ... up to {@code limit} (exclusive), one per virtual second; logs its yields and its cleanup. */
    static AsyncGenerator<Integer> counter(int limit, List<String> log) {
        return AsyncGenerator.of(out -> {
            try {
                for (int i = 0; i < limit; i++) {
                    log.add("yield " + i);
                    out.yield(i);
                    sleep(1);
                }
            } finally {
                log.add("source closed");
            }
        });
    }

    /** Yields {@code name@time} after each delay; logs its cleanup, which takes one virtual second. */
    static AsyncGenerator<String> ticker(String name, VirtualClock clock, List<String> log, double... delays) {
        return AsyncGenerator.of(out -> {
            try {
                for (double d : delays) {
                    sleep(d);
                    out.yield(name + "@" + clock.time());
                }
            } finally {
                log.add(name + " cleanup start");
                sleep(1);
                log.add(name + " closed at " + clock.time());
            }
        });
    }

    static Set<Task<?>> otherTasks() {
        Set<Task<?>> tasks = new java.util.HashSet<>(allTasks());
        tasks.remove(currentTask());
        return tasks;
    }

    // ---- map, filter, take, collect, forEach ----

    @Test
    void mapFilterTakeCollectKeepTheOrderAndAdvanceTheSourceOnlyAsFarAsNeeded() {
        List<String> log = new ArrayList<>();
        List<Integer> result = counter(100, log).filter(i -> i % 2 == 0).map(i -> i * 10).take(3).collect();
        assertThat(result).containsExactly(0, 20, 40);
        assertThat(log).containsExactly("yield 0", "yield 1", "yield 2", "yield 3", "yield 4", "source closed");
    }

    @Test
    void takeClosesTheSourceAsSoonAsItHasTheNthElement() {
        List<String> log = new ArrayList<>();
        AsyncGenerator<Integer> source = counter(10, log);
        AsyncGenerator<Integer> firstTwo = source.take(2);
        for (int v : firstTwo) {
            log.add("got " + v);
        }
        assertThat(log).containsExactly("yield 0", "got 0", "yield 1", "source closed", "got 1");
        assertThat(source.isClosed()).isTrue();
        assertThat(firstTwo.isClosed()).isTrue();
    }

    @Test
    void takeZeroClosesAStartedSourceWithoutAdvancingIt() {
        List<String> log = new ArrayList<>();
        AsyncGenerator<Integer> source = counter(10, log);
        assertThat(source.anext()).isZero();
        assertThat(source.take(0).collect()).isEmpty();
        assertThat(log).containsExactly("yield 0", "source closed");
    }

    @Test
    void takeOfAShortSourceEndsWithIt() {
        List<String> log = new ArrayList<>();
        assertThat(counter(2, log).take(5).collect()).containsExactly(0, 1);
        assertThat(log).containsExactly("yield 0", "yield 1", "source closed");
    }

    @Test
    void closingTheLastGeneratorOfAChainClosesTheSourceAndWaitsForItsCleanup(VirtualClock clock) {
        List<String> log = new ArrayList<>();
        AsyncGenerator<String> ticks = ticker("t", clock, log, 1, 1, 1, 1);
        try (var chain = ticks.map(String::toUpperCase).filter(s -> true)) {
            assertThat(chain.anext()).isEqualTo("T@1.0");
        }
        assertThat(log).containsExactly("t cleanup start", "t closed at 2.0");
        assertThat(ticks.isClosed()).isTrue();
    }

    @Test
    void closingAnOperatorThatNeverStartedLeavesTheSourceUntouched() {
        List<String> log = new ArrayList<>();
        AsyncGenerator<Integer> source = counter(10, log);
        assertThat(source.anext()).isZero();
        source.map(i -> i).close();
        assertThat(source.isClosed()).isFalse();
        assertThat(source.anext()).isEqualTo(1);
        source.close();
        assertThat(log).containsExactly("yield 0", "yield 1", "source closed");
    }

    @Test
    void aThrowingMapperClosesTheSourceAndPropagatesItsOwnException() {
        List<String> log = new ArrayList<>();
        IllegalStateException boom = new IllegalStateException("boom");
        AsyncGenerator<Integer> mapped = counter(10, log).map(i -> {
            if (i == 1) {
                throw boom;
            }
            return i;
        });
        assertThat(mapped.anext()).isZero();
        assertThatThrownBy(mapped::anext).isSameAs(boom);
        assertThat(log).containsExactly("yield 0", "yield 1", "source closed");
        assertThat(mapped.isClosed()).isTrue();
    }

    @Test
    void aFailingSourcePropagatesThroughTheChainUnchanged() throws Exception {
        java.io.IOException io = new java.io.IOException("disk");
        AsyncGenerator<Integer> failing = AsyncGenerator.of(out -> {
            out.yield(1);
            throw io;
        });
        AsyncGenerator<Integer> chain = failing.map(i -> i + 1).filter(i -> true);
        assertThat(chain.anext()).isEqualTo(2);
        assertThatThrownBy(chain::anext).isSameAs(io);
    }

    @Test
    void anExceptionWhileClosingTheSourceIsSuppressedInTheOperatorsOwn() {
        IllegalStateException closing = new IllegalStateException("closing");
        IllegalArgumentException predicateFailed = new IllegalArgumentException("predicate");
        AsyncGenerator<Integer> source = AsyncGenerator.of(out -> {
            try {
                out.yield(1);
                out.yield(2);
            } finally {
                throw closing;
            }
        });
        AsyncGenerator<Integer> filtered = source.filter(i -> {
            throw predicateFailed;
        });
        assertThatThrownBy(filtered::anext).isSameAs(predicateFailed).hasSuppressedException(closing);
    }

    @Test
    void anExceptionWhileClosingTheSourcePropagatesFromTheOperatorsClose() {
        IllegalStateException closing = new IllegalStateException("closing");
        AsyncGenerator<Integer> mapped = AsyncGenerator.<Integer>of(out -> {
            try {
                out.yield(1);
                out.yield(2);
            } finally {
                throw closing;
            }
        }).map(i -> i);
        assertThat(mapped.anext()).isEqualTo(1);
        assertThatThrownBy(mapped::aclose).isSameAs(closing);
    }

    @Test
    void forEachClosesTheSourceWhenTheActionThrows() {
        List<String> log = new ArrayList<>();
        IllegalStateException stop = new IllegalStateException("stop");
        assertThatThrownBy(() -> counter(10, log).forEach(i -> {
            log.add("got " + i);
            if (i == 1) {
                throw stop;
            }
        })).isSameAs(stop);
        assertThat(log).containsExactly("yield 0", "got 0", "yield 1", "got 1", "source closed");
    }

    @Test
    void collectSuspendsUntilTheEndOfTheSource(VirtualClock clock) {
        List<String> log = new ArrayList<>();
        assertThat(counter(3, log).collect()).containsExactly(0, 1, 2);
        assertThat(clock.time()).isEqualTo(3.0);
    }

    @Test
    void fromIsReIterableAndNeverSuspends(VirtualClock clock) {
        AsyncIterable<String> letters = AsyncIterable.from(List.of("a", "b", "c"));
        assertThat(letters.map(String::toUpperCase).collect()).containsExactly("A", "B", "C");
        assertThat(letters.collect()).containsExactly("a", "b", "c");
        List<String> seen = new ArrayList<>();
        for (String s : letters) {
            seen.add(s);
        }
        assertThat(seen).containsExactly("a", "b", "c");
        assertThat(clock.time()).isZero();
    }

    @Test
    void nullAndNegativeArgumentsFailAtOnceWithTheirName() {
        AsyncIterable<Integer> nums = AsyncIterable.from(List.of(1, 2));
        assertThatThrownBy(() -> nums.map(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("map(mapper)");
        assertThatThrownBy(() -> nums.filter(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("filter(predicate)");
        assertThatThrownBy(() -> nums.forEach(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("forEach(action)");
        assertThatThrownBy(() -> nums.take(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("take(n)").hasMessageContaining("-1");
        assertThatThrownBy(() -> AsyncIterable.from(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> AsyncIterable.merge((AsyncIterable<Integer>[]) null))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> AsyncIterable.merge(nums, null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("source 1 is null");
    }

    // ---- merge ----

    @Test
    void mergeYieldsElementsAsTheyArrive(VirtualClock clock) {
        List<String> log = new ArrayList<>();
        List<String> got = new ArrayList<>();
        try (var merged = AsyncIterable.merge(ticker("a", clock, log, 1, 2, 2), ticker("b", clock, log, 0.5, 2, 0.25))) {
            for (String s : merged) {
                got.add(s + " got@" + clock.time());
            }
        }
        assertThat(got).containsExactly("b@0.5 got@0.5", "a@1.0 got@1.0", "b@2.5 got@2.5", "b@2.75 got@2.75",
                "a@3.0 got@3.0", "a@5.0 got@5.0");
        assertThat(otherTasks()).isEmpty();
    }

    @Test
    void mergeKeepsEachSourcesOrderAndEndsWhenAllEnd() {
        List<Integer> got = AsyncIterable.merge(AsyncIterable.from(List.of(1, 2, 3)), AsyncIterable.from(List.of(10, 20)),
                AsyncIterable.<Integer>from(List.of())).collect();
        assertThat(got).containsExactlyInAnyOrder(1, 2, 3, 10, 20);
        assertThat(got.stream().filter(i -> i < 10)).containsExactly(1, 2, 3);
        assertThat(got.stream().filter(i -> i >= 10)).containsExactly(10, 20);
        assertThat(AsyncIterable.<Integer>merge().collect()).isEmpty();
        assertThat(otherTasks()).isEmpty();
    }

    @Test
    void aFastSourceRunsAtMostTwoElementsAheadOfASlowConsumer() {
        int[] produced = {0};
        int[] consumed = {0};
        List<Integer> aheadSeen = new ArrayList<>();
        AsyncGenerator<Integer> fast = AsyncGenerator.of(out -> {
            for (int i = 0; i < 50; i++) {
                produced[0]++;
                aheadSeen.add(produced[0] - consumed[0]);
                out.yield(i);
            }
        });
        List<Integer> got = new ArrayList<>();
        for (int v : AsyncIterable.merge(fast)) {
            consumed[0]++;
            got.add(v);
            sleep(1); // a slow consumer: the fast source must wait for it
        }
        assertThat(got).hasSize(50).isSorted();
        assertThat(aheadSeen).allSatisfy(ahead -> assertThat(ahead).isLessThanOrEqualTo(2));
    }

    @Test
    void theFirstErrorPropagatesAndTheOtherSourcesAreCancelledAndClosed(VirtualClock clock) {
        List<String> log = new ArrayList<>();
        IllegalStateException boom = new IllegalStateException("boom");
        AsyncGenerator<String> failing = AsyncGenerator.of(out -> {
            out.yield("f0");
            sleep(1.5);
            throw boom;
        });
        List<String> got = new ArrayList<>();
        assertThatThrownBy(() -> {
            for (String s : AsyncIterable.merge(failing, ticker("b", clock, log, 1, 1, 1, 1, 1))) {
                got.add(s);
            }
        }).isSameAs(boom);
        assertThat(got).containsExactly("f0", "b@1.0");
        assertThat(log).containsExactly("b cleanup start", "b closed at 2.5");
        assertThat(clock.time()).as("the error left only after the other source's cleanup").isEqualTo(2.5);
        assertThat(otherTasks()).isEmpty();
    }

    @Test
    void laterErrorsAreSuppressedInTheFirst() {
        IllegalStateException first = new IllegalStateException("first");
        IllegalStateException second = new IllegalStateException("second, while closing");
        AsyncGenerator<Integer> a = AsyncGenerator.of(out -> {
            sleep(1);
            throw first;
        });
        AsyncGenerator<Integer> b = AsyncGenerator.of(out -> {
            try {
                out.yield(1);
                sleep(10);
            } finally {
                throw second;
            }
        });
        assertThatThrownBy(() -> AsyncIterable.merge(a, b).collect()).isSameAs(first).hasSuppressedException(second);
        assertThat(otherTasks()).isEmpty();
    }

    @Test
    void closingTheMergeCancelsTheFeedersAndClosesEverySource(VirtualClock clock) {
        List<String> log = new ArrayList<>();
        List<String> got = new ArrayList<>();
        AsyncGenerator<String> a = ticker("a", clock, log, 1, 1, 1, 1, 1);
        AsyncGenerator<String> b = ticker("b", clock, log, 0.5, 10);
        try (var merged = AsyncIterable.merge(a, b)) {
            for (String s : merged) {
                got.add(s);
                if (got.size() == 3) {
                    break;
                }
            }
            assertThat(otherTasks()).hasSize(2);
        }
        assertThat(got).containsExactly("b@0.5", "a@1.0", "a@2.0");
        assertThat(log).containsExactlyInAnyOrder("a cleanup start", "b cleanup start", "a closed at 3.0",
                "b closed at 3.0");
        assertThat(a.isClosed()).isTrue();
        assertThat(b.isClosed()).isTrue();
        assertThat(clock.time()).as("close waited for the sources' cleanup").isEqualTo(3.0);
        assertThat(otherTasks()).isEmpty();
    }

    @Test
    void cancellingTheConsumingTaskCancelsTheFeedersAndWaitsForTheirCleanup(VirtualClock clock) {
        List<String> log = new ArrayList<>();
        AsyncGenerator<String> a = ticker("a", clock, log, 10);
        AsyncGenerator<String> b = ticker("b", clock, log, 20);
        Task<List<String>> consumer = createTask(() -> AsyncIterable.merge(a, b).collect(), "consumer");
        sleep(1);
        consumer.cancel();
        assertThatThrownBy(consumer::await).isInstanceOf(CancelledError.class);
        assertThat(clock.time()).isEqualTo(2.0);
        assertThat(log).containsExactlyInAnyOrder("a cleanup start", "b cleanup start", "a closed at 2.0",
                "b closed at 2.0");
        assertThat(otherTasks()).isEmpty();
    }

    @Test
    void aFeederCancelledFromOutsideFailsTheMergeWithAnOrdinaryException(VirtualClock clock) {
        List<String> log = new ArrayList<>();
        AsyncGenerator<String> a = ticker("a", clock, log, 10);
        AsyncGenerator<String> b = ticker("b", clock, log, 10);
        Task<List<String>> consumer = createTask(() -> AsyncIterable.merge(a, b).collect(), "consumer");
        sleep(1);
        Task<?> feederA = otherTasks().stream().filter(t -> t.getName().equals("merge-feeder-0")).findFirst().orElseThrow();
        feederA.cancel();
        assertThatThrownBy(consumer::await).isInstanceOf(java.util.concurrent.CancellationException.class)
                .hasMessageContaining("merge-feeder-0").hasCauseInstanceOf(CancelledError.class);
        assertThat(consumer.cancelled()).isFalse();
        // The cancellation reaches the merge when it leaves a's source, after a's cleanup; then b is stopped.
        assertThat(log).containsExactly("a cleanup start", "a closed at 2.0", "b cleanup start", "b closed at 3.0");
        assertThat(otherTasks()).isEmpty();
    }

    @Test
    void closingAMergeWhoseFeedersWereCancelledFromOutsideIsClean(VirtualClock clock) {
        List<String> log = new ArrayList<>();
        AsyncGenerator<String> merged = AsyncIterable.merge(ticker("a", clock, log, 1, 10), ticker("b", clock, log, 10));
        assertThat(merged.anext()).isEqualTo("a@1.0");
        for (Task<?> feeder : otherTasks()) {
            feeder.cancel(); // what Asyncio.run does to the tasks left at its end, before shutdownAsyncgens()
        }
        sleep(5);
        merged.aclose(); // the sources are closed already: closing finds nothing wrong
        assertThat(log).containsExactlyInAnyOrder("a cleanup start", "b cleanup start", "a closed at 2.0",
                "b closed at 2.0");
        assertThat(otherTasks()).isEmpty();
    }

    @Test
    void aMergeClosedBeforeItsFirstElementTouchesNoSource() {
        List<String> log = new ArrayList<>();
        AsyncGenerator<Integer> source = counter(3, log);
        AsyncIterable.merge(source).close();
        assertThat(otherTasks()).isEmpty();
        assertThat(source.collect()).containsExactly(0, 1, 2);
    }

    @Test
    void mergeMustBeIteratedInATask() throws Exception {
        AsyncGenerator<Integer> merged = AsyncIterable.merge(AsyncIterable.from(List.of(1)));
        Throwable error = toThread(() -> {
            try {
                merged.anext();
                return null;
            } catch (IllegalStateException e) {
                return e;
            }
        });
        assertThat(error).hasMessageContaining("merge").hasMessageContaining("must be called from a task");
    }
}
