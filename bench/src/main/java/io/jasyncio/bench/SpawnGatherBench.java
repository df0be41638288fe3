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
 * Workload 2, spawn + gather: a task creates {@value #TASKS} trivial tasks (each returns a
 * constant without suspending) with {@code createTask} and suspends in {@code gather} over all of
 * them. One invocation is one such round on a loop kept for the trial; the score is tasks per
 * second (creation, first and only step, completion, gather's bookkeeping and its result list).
 *
 * <p>The {@code debug} parameter ({@link DebugLoopBench}) measures the same with debug mode on, and
 * with a JFR recording of the task lifecycle events (issue 6's cost of debugging). The aux counters
 * of {@link LoopCpu} give the loop thread's CPU time per operation beside the wall-clock score.
 *
 * <p>Python twin: {@code spawn} in bench/python/asyncio_bench.py.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.vm=ALL-UNNAMED", "-Xms2g", "-Xmx2g"})
public class SpawnGatherBench extends DebugLoopBench {

    static final int TASKS = 100_000;

    @Benchmark
    @OperationsPerInvocation(TASKS)
    public Object spawnAndGather(LoopCpu cpu) {
        cpu.begin();
        Object result = loop.runUntilComplete(() -> {
            Task<?>[] tasks = new Task<?>[TASKS];
            for (int i = 0; i < TASKS; i++) {
                tasks[i] = Asyncio.createTask(SpawnGatherBench::trivial);
            }
            return Asyncio.gather(tasks);
        });
        cpu.end(TASKS);
        return result;
    }

    private static Integer trivial() {
        return 1;
    }
}
