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
 * Workload 6 on Kotlin, method for method as jasyncio's {@code SyncBench}: a {@code Channel(100)}
 * with 1 + 1 or 4 + 4 coroutines moving 1,000,000 items; a {@code Mutex} and a
 * {@code Semaphore(10)} with 100 coroutines each looping 1,000 times over
 * {@code withLock { count++; yield() }}; a {@code CompletableDeferred} ping-pong of 100,000 round
 * trips (see {@link KotlinWorkloads}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 6, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class KotlinSyncBench extends KotlinBench {

    @Benchmark
    @OperationsPerInvocation(KotlinWorkloads.ITEMS)
    @Warmup(iterations = 10, time = 1)
    public long queue1x1() {
        return KotlinWorkloads.queue(loop, 1);
    }

    @Benchmark
    @OperationsPerInvocation(KotlinWorkloads.ITEMS)
    @Warmup(iterations = 10, time = 1)
    public long queue4x4() {
        return KotlinWorkloads.queue(loop, 4);
    }

    @Benchmark
    @OperationsPerInvocation(KotlinWorkloads.ACQUISITIONS)
    public int lock() {
        return KotlinWorkloads.lock(loop);
    }

    @Benchmark
    @OperationsPerInvocation(KotlinWorkloads.ACQUISITIONS)
    public int semaphore() {
        return KotlinWorkloads.semaphore(loop);
    }

    @Benchmark
    @OperationsPerInvocation(KotlinWorkloads.ROUND_TRIPS)
    public int pingPong() {
        return KotlinWorkloads.pingPong(loop);
    }
}
