package io.jasyncio.bench;

import io.jasyncio.Asyncio;
import io.jasyncio.Task;
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
 * Workload 1, task steps: 10 tasks each looping {@code sleep(0)} (asyncio's bare yield), so the
 * loop round-robins between them. One invocation runs 10 x {@value #STEPS_PER_TASK} steps on a
 * loop kept for the whole trial; the score is steps per second.
 *
 * <p>The {@code debug} parameter ({@link DebugLoopBench}) measures the same with debug mode on, and
 * with a JFR recording of the task lifecycle events (issue 6's cost of debugging). The aux counters
 * of {@link LoopCpu} give the loop thread's CPU time per operation beside the wall-clock score.
 *
 * <p>Python twin: {@code steps} in bench/python/asyncio_bench.py.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.vm=ALL-UNNAMED", "-Xms1g", "-Xmx1g"})
public class TaskStepsBench extends DebugLoopBench {

    static final int TASKS = 10;
    static final int STEPS_PER_TASK = 10_000;

    @Benchmark
    @OperationsPerInvocation(TASKS * STEPS_PER_TASK)
    public Object steps(LoopCpu cpu) {
        cpu.begin();
        Object result = loop.runUntilComplete(() -> {
            Task<?>[] tasks = new Task<?>[TASKS];
            for (int i = 0; i < TASKS; i++) {
                tasks[i] = Asyncio.createTask(TaskStepsBench::stepper);
            }
            return Asyncio.gather(tasks);
        });
        cpu.end(TASKS * STEPS_PER_TASK);
        return result;
    }

    private static void stepper() {
        for (int i = 0; i < STEPS_PER_TASK; i++) {
            Asyncio.sleep(0);
        }
    }
}
