package io.jasyncio.bench.vthreads;

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
 * Workload 2 on virtual threads: a main virtual thread starts 100,000 trivial virtual threads (each
 * stores its result, 1, in a slot of a shared array) and joins them all, then sums the results
 * (gather's result list); threads per second. jasyncio twin: {@code io.jasyncio.bench.SpawnGatherBench}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class VtSpawnJoinBench extends VtBench {

    static final int TASKS = 100_000;

    @Benchmark
    @OperationsPerInvocation(TASKS)
    public Object spawnAndJoin() {
        return VtScheduler.run(() -> {
            int[] results = new int[TASKS];
            Thread[] threads = new Thread[TASKS];
            for (int i = 0; i < TASKS; i++) {
                int slot = i;
                threads[i] = Thread.startVirtualThread(() -> results[slot] = trivial());
            }
            VtScheduler.joinAll(threads);
            int sum = 0;
            for (int r : results) {
                sum += r;
            }
            if (sum != TASKS) {
                throw new AssertionError(sum);
            }
            return sum;
        });
    }

    private static int trivial() {
        return 1;
    }
}
