package io.jasyncio.bench.kotlin;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Workload 2 on Kotlin: the main coroutine starts 100,000 trivial {@code async { 1 }} coroutines
 * and {@code awaitAll}s them ({@link KotlinWorkloads#spawnAndGather}); coroutines per second.
 * jasyncio twin: {@code io.jasyncio.bench.SpawnGatherBench}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class KotlinSpawnGatherBench extends KotlinBench {

    @Benchmark
    @OperationsPerInvocation(KotlinWorkloads.SPAWN_TASKS)
    public int spawnAndGather() {
        return KotlinWorkloads.spawnAndGather(loop);
    }
}
