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
 * Workload 1 on Kotlin: 10 coroutines each looping {@code yield()} 10,000 times, awaited by the
 * round's main coroutine ({@link KotlinWorkloads#steps}); steps per second. jasyncio twin:
 * {@code io.jasyncio.bench.TaskStepsBench}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class KotlinTaskStepsBench extends KotlinBench {

    @Benchmark
    @OperationsPerInvocation(KotlinWorkloads.STEP_TASKS * KotlinWorkloads.STEPS_PER_TASK)
    public int steps() {
        return KotlinWorkloads.steps(loop);
    }
}
