package io.jasyncio.bench;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.TimeUnit;
import jdk.internal.vm.Continuation;
import jdk.internal.vm.ContinuationScope;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Workload 7's yardsticks, measured in the same run as {@link GeneratorsBench} and shaped like it:
 * one invocation passes the boxed ints {@code 0 .. values-1} to a consumer that sums them.
 *
 * <ul>
 *   <li>{@link #continuation}: the engine's limit. A bare {@code jdk.internal.vm.Continuation}
 *       whose body loops {@code slot = i; Continuation.yield(scope)}, resumed in a loop by the
 *       benchmark thread ({@code run()}, read the slot): one resume + one yield per value, and
 *       nothing of jasyncio;
 *   <li>{@link #continuationNested}: the same, run from inside an outer continuation of another
 *       scope, as a generator runs inside its task's continuation (the inner yields return to the
 *       outer body, which is itself mounted);
 *   <li>{@link #iterator}: a plain {@code java.util.Iterator<Integer>} counting up, in a for-each
 *       loop: what the same loop costs without any stack switch.
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.vm=ALL-UNNAMED", "-Xms1g", "-Xmx1g",
        "-XX:+AlwaysPreTouch"})
public class GeneratorBaselineBench {

    private static final ContinuationScope GEN = new ContinuationScope("bench-generator");
    private static final ContinuationScope OUTER = new ContinuationScope("bench-task");

    /** Values per round. */
    @Param({"1000000"})
    public int values;

    /** The value the body hands to the consumer. */
    private static final class Slot {
        Integer value;
    }

    /** Runs one round over a fresh continuation of {@link #GEN} on the calling stack. */
    static long bareRound(int n) {
        Slot slot = new Slot();
        Continuation c = new Continuation(GEN, () -> {
            for (int i = 0; i < n; i++) {
                slot.value = i;
                Continuation.yield(GEN);
            }
        });
        long sum = 0;
        while (true) {
            c.run();
            if (c.isDone()) {
                break;
            }
            Integer v = slot.value;
            slot.value = null;
            sum += v;
        }
        return GeneratorsBench.check(sum, n);
    }

    @Benchmark
    public long continuation() {
        return bareRound(values);
    }

    @Benchmark
    public long continuationNested() {
        int n = values;
        long[] result = new long[1];
        Continuation outer = new Continuation(OUTER, () -> result[0] = bareRound(n));
        outer.run();
        if (!outer.isDone()) {
            throw new AssertionError("the outer continuation yielded");
        }
        return result[0];
    }

    /** Counts 0 .. n-1. */
    private static final class Counter implements Iterable<Integer>, Iterator<Integer> {
        private final int n;
        private int i;

        Counter(int n) {
            this.n = n;
        }

        @Override
        public Iterator<Integer> iterator() {
            return this;
        }

        @Override
        public boolean hasNext() {
            return i < n;
        }

        @Override
        public Integer next() {
            if (i >= n) {
                throw new NoSuchElementException();
            }
            return i++;
        }
    }

    @Benchmark
    public long iterator() {
        int n = values;
        long sum = 0;
        for (int v : new Counter(n)) {
            sum += v;
        }
        return GeneratorsBench.check(sum, n);
    }
}
