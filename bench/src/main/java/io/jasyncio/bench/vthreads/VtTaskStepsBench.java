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
 * Workload 1 on virtual threads: a main virtual thread starts 10 virtual threads each looping
 * {@code Thread.yield()} 10,000 times and joins them; steps per second. jasyncio twin:
 * {@code io.jasyncio.bench.TaskStepsBench}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class VtTaskStepsBench extends VtBench {

    static final int TASKS = 10;
    static final int STEPS_PER_TASK = 10_000;

    @Benchmark
    @OperationsPerInvocation(TASKS * STEPS_PER_TASK)
    public Object steps() {
        return VtScheduler.run(() -> {
            Thread[] threads = new Thread[TASKS];
            for (int i = 0; i < TASKS; i++) {
                threads[i] = Thread.startVirtualThread(VtTaskStepsBench::stepper);
            }
            VtScheduler.joinAll(threads);
            return TASKS;
        });
    }

    private static void stepper() {
        for (int i = 0; i < STEPS_PER_TASK; i++) {
            Thread.yield();
        }
    }
}
