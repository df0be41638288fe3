package io.jasyncio.bench;

import java.util.concurrent.TimeUnit;
import jdk.internal.vm.Continuation;
import jdk.internal.vm.ContinuationScope;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Workload 1's yardstick: the engine's own limit. One operation is one bare
 * {@code jdk.internal.vm.Continuation} resume ({@code run()}) plus the yield that returns control,
 * with nothing else around it: no loop, no task, no queue. jasyncio's task step (a {@code sleep(0)}
 * in {@link TaskStepsBench}) does this plus the loop's bookkeeping, so its step rate can at best
 * approach {@code 1e9 / (ns per op here)}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.vm=ALL-UNNAMED", "-Xms1g", "-Xmx1g"})
public class ContinuationBaselineBench {

    private static final ContinuationScope SCOPE = new ContinuationScope("bench");

    private Continuation continuation;

    @Setup(Level.Trial)
    public void setUp() {
        continuation = new Continuation(SCOPE, () -> {
            while (true) {
                Continuation.yield(SCOPE);
            }
        });
        continuation.run(); // first mount, up to the first yield: not part of the loop measured
    }

    /** One resume of a suspended continuation and its yield back: one switch in and out. */
    @Benchmark
    public void yieldAndResume() {
        continuation.run();
    }
}
