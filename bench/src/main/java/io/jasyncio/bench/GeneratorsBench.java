package io.jasyncio.bench;

import io.jasyncio.Asyncio;
import io.jasyncio.AsyncGenerator;
import io.jasyncio.Generator;
import io.jasyncio.Yielder;
import java.util.concurrent.TimeUnit;
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
 * Workload 7, generators (issue 5): what one value costs to pass from a generator's body to its
 * consumer. One invocation is one round: a fresh generator yields the boxed ints
 * {@code 0 .. values-1} and the consumer sums them in a for-each loop (checked). The score is the
 * time of one round; RESULTS.md divides it by {@link #values} (ns per value).
 *
 * <ul>
 *   <li>{@link #asyncGenerator}: an {@code AsyncGenerator} whose body only yields, iterated by the
 *       main task of a {@code runUntilComplete} on the trial's loop (Python: {@code async for} over
 *       an async generator in a task);
 *   <li>{@link #asyncGeneratorSleep}: the same, but the body also calls {@code sleep(0)} before
 *       every {@value #SLEEP_EVERY}th value, so the task really suspends to the loop from inside the
 *       generator (10,000 task steps per 1,000,000 values);
 *   <li>{@link #syncGenerator}: a sync {@code Generator} iterated by plain code on the benchmark
 *       thread (no loop, no task; Python: {@code for} over a generator);
 *   <li>{@link #syncGeneratorInTask}: the same sync {@code Generator}, iterated by a task (its
 *       fiber then nests in the task's, as an async generator's does).
 * </ul>
 *
 * <p>{@code values} is a parameter so that bench/run can give the portable engine, whose every
 * value is two thread hand-offs, a shorter round; the continuation engine runs 1,000,000. The
 * yardsticks (bare continuation, plain {@code Iterator}) are in {@link GeneratorBaselineBench},
 * measured in the same run.
 *
 * <p>Python twin: {@code generators} in bench/python/asyncio_bench.py.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 6, time = 1)  // the first rounds run partly interpreted; ~5 s until the per-value cost settles
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.vm=ALL-UNNAMED", "-Xms1g", "-Xmx1g",
        "-XX:+AlwaysPreTouch"})
public class GeneratorsBench extends LoopBench {

    static final int SLEEP_EVERY = 100;

    /** Values per round. */
    @Param({"1000000"})
    public int values;

    /** Yields 0 .. n-1. */
    static void count(int n, Yielder<Integer> out) {
        for (int i = 0; i < n; i++) {
            out.yield(i);
        }
    }

    /** Yields 0 .. n-1, calling {@code sleep(0)} before every {@value #SLEEP_EVERY}th value. */
    static void countSleeping(int n, Yielder<Integer> out) {
        for (int i = 0; i < n; i++) {
            if (i % SLEEP_EVERY == 0) {
                Asyncio.sleep(0);
            }
            out.yield(i);
        }
    }

    static long check(long sum, int n) {
        if (sum != (long) n * (n - 1) / 2) {
            throw new AssertionError("sum " + sum + " for " + n + " values");
        }
        return sum;
    }

    @Benchmark
    public Object asyncGenerator() {
        int n = values;
        return loop.runUntilComplete(() -> {
            long sum = 0;
            for (int v : AsyncGenerator.<Integer>of(out -> count(n, out))) {
                sum += v;
            }
            return check(sum, n);
        });
    }

    @Benchmark
    public Object asyncGeneratorSleep() {
        int n = values;
        return loop.runUntilComplete(() -> {
            long sum = 0;
            for (int v : AsyncGenerator.<Integer>of(out -> countSleeping(n, out))) {
                sum += v;
            }
            return check(sum, n);
        });
    }

    @Benchmark
    public long syncGenerator() {
        int n = values;
        long sum = 0;
        for (int v : Generator.<Integer>of(out -> count(n, out))) {
            sum += v;
        }
        return check(sum, n);
    }

    @Benchmark
    public Object syncGeneratorInTask() {
        int n = values;
        return loop.runUntilComplete(() -> {
            long sum = 0;
            for (int v : Generator.<Integer>of(out -> count(n, out))) {
                sum += v;
            }
            return check(sum, n);
        });
    }
}
