package io.jasyncio.bench.kotlin;

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
 * Workload 7 on Kotlin: one round = a fresh generator yields the boxed ints {@code 0 .. values-1}
 * and the consumer sums them (checked); the score is the time of one round (RESULTS.md divides it by
 * {@link #values}). As jasyncio's {@code GeneratorsBench}:
 *
 * <ul>
 *   <li>{@link #flow}: {@code flow { emit(i) }.collect { }} in the round's main coroutine (a);
 *   <li>{@link #flowYield}: the same, {@code yield()} before every 100th value (b);
 *   <li>{@link #produce}: {@code produce { send(i) }} iterated by the main coroutine: the producer is a
 *       coroutine of its own, suspended between values (a rendezvous channel), as an async generator
 *       is;
 *   <li>{@link #sequence}: {@code sequence { yield(i) }} on the benchmark thread, no dispatcher (the
 *       sync generator).
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 6, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
public class KotlinGeneratorsBench extends KotlinBench {

    /** Values per round. */
    @Param({"1000000"})
    public int values;

    @Benchmark
    public long flow() {
        return KotlinWorkloads.flowGenerator(loop, values);
    }

    @Benchmark
    public long flowYield() {
        return KotlinWorkloads.flowGeneratorYield(loop, values);
    }

    @Benchmark
    public long produce() {
        return KotlinWorkloads.produceGenerator(loop, values);
    }

    @Benchmark
    public long sequence() {
        return KotlinWorkloads.sequenceGenerator(values);
    }
}
