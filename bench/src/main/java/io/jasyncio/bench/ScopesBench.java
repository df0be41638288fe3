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
 * Workload 5, structured concurrency (issue 3): four measurements of the scope API's own cost, each
 * one invocation = one round on a loop kept for the trial, run by {@code runUntilComplete} in a
 * fresh main task:
 *
 * <ul>
 *   <li>{@link #gather}: the main task creates {@value #TASKS} trivial tasks and suspends in
 *       {@code gather} over them; tasks per second.
 *   <li>{@link #taskGroup}: the main task runs a {@code TaskGroup} whose block creates
 *       {@value #TASKS} trivial children, then waits for them on exit; children per second.
 *   <li>{@link #waitFor}: the main task makes {@value #CALLS} sequential
 *       {@code waitFor(trivial, 10)} calls on a coroutine that returns at once (run inline in
 *       the calling task; the deadline never fires); calls per second.
 *   <li>{@link #timeoutScope}: the main task enters and exits {@value #CALLS} sequential
 *       {@code timeout(10).run(block)} scopes around a block that returns at once; scopes per
 *       second.
 * </ul>
 *
 * <p>Python twins: {@code scopes} in bench/python/asyncio_bench.py ({@code gather},
 * {@code async with asyncio.TaskGroup()}, {@code await asyncio.wait_for(coro(), 10)},
 * {@code async with asyncio.timeout(10)}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 6, time = 1)  // allocation-heavy rounds: the JIT needs longer than the other workloads
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.vm=ALL-UNNAMED", "-Xms2g", "-Xmx2g"})
public class ScopesBench extends LoopBench {

    static final int TASKS = 10_000;
    static final int CALLS = 100_000;

    @Benchmark
    @OperationsPerInvocation(TASKS)
    public Object gather() {
        return loop.runUntilComplete(() -> {
            Task<?>[] tasks = new Task<?>[TASKS];
            for (int i = 0; i < TASKS; i++) {
                tasks[i] = Asyncio.createTask(ScopesBench::trivial);
            }
            return Asyncio.gather(tasks);
        });
    }

    @Benchmark
    @OperationsPerInvocation(TASKS)
    public Object taskGroup() {
        return loop.runUntilComplete(() -> {
            Asyncio.taskGroup(tg -> {
                for (int i = 0; i < TASKS; i++) {
                    tg.createTask(ScopesBench::trivial);
                }
            });
            return Boolean.TRUE;
        });
    }

    @Benchmark
    @OperationsPerInvocation(CALLS)
    public Object waitFor() {
        return loop.runUntilComplete(() -> {
            int sum = 0;
            for (int i = 0; i < CALLS; i++) {
                sum += Asyncio.waitFor(ScopesBench::trivial, 10);
            }
            if (sum != CALLS) {
                throw new AssertionError(sum);
            }
            return sum;
        });
    }

    @Benchmark
    @OperationsPerInvocation(CALLS)
    public Object timeoutScope() {
        return loop.runUntilComplete(() -> {
            int sum = 0;
            for (int i = 0; i < CALLS; i++) {
                sum += Asyncio.timeout(10).run(ScopesBench::trivial);
            }
            if (sum != CALLS) {
                throw new AssertionError(sum);
            }
            return sum;
        });
    }

    private static Integer trivial() {
        return 1;
    }
}
