package io.jasyncio.bench.kotlin;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
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
 * Workload 3 on Kotlin: 1,000,000 timers with the random delays of jasyncio's {@code TimersBench}
 * (same seed, same draws, in [0, 1) s, rounded up to whole milliseconds: Kotlin's delays are
 * milliseconds), one round per invocation timed on the real clock from the start of scheduling to
 * the last callback.
 *
 * <p>{@link #delay}: one coroutine per timer, {@code launch { delay(ms); count() }} (the issue's
 * "Kotlin's delay"). kotlinx.coroutines has no public loop-level callback timer: its
 * {@code Delay.invokeOnTimeout} runs the callbacks on the shared {@code kotlinx.coroutines.DefaultExecutor}
 * thread on both dispatchers (measured), so it is no single-threaded twin of {@code callLater} and
 * is not measured.
 *
 * <p>The aux counter {@code loopCpuNanos} is the CPU time of the thread that runs the coroutines (the
 * benchmark thread for {@code eventloop}, the executor's thread for {@code single}), as
 * {@code TimersBench} reports the loop thread's, plus that of {@code DefaultExecutor}, which
 * {@code single} uses for some of its delays.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, batchSize = 1)
@Measurement(iterations = 5, batchSize = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class KotlinTimersBench extends KotlinBench {

    static final int TIMERS = 1_000_000;
    static final long SEED = 20240601L;  // TimersBench.SEED

    private long[] delaysMs;

    /** The loop thread's CPU time per iteration (one round per iteration here). */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Cpu {
        public long loopCpuNanos;

        @Setup(Level.Iteration)
        public void reset() {
            loopCpuNanos = 0;
        }
    }

    @Setup(Level.Trial)
    public void drawDelays() {
        SplittableRandom random = new SplittableRandom(SEED);
        delaysMs = new long[TIMERS];
        for (int i = 0; i < TIMERS; i++) {
            delaysMs[i] = (long) Math.ceil(random.nextDouble() * 1000.0);  // as delay(Duration) rounds up
        }
    }

    @Benchmark
    public int delay(Cpu cpu) {
        long c0 = loop.loopThreadCpuNanos();
        Map<Long, Long> timerThread0 = defaultExecutorCpu();
        int fired = KotlinWorkloads.timersDelay(loop, delaysMs);
        cpu.loopCpuNanos += loop.loopThreadCpuNanos() - c0;
        for (var e : defaultExecutorCpu().entrySet()) {
            cpu.loopCpuNanos += e.getValue() - timerThread0.getOrDefault(e.getKey(), 0L);
        }
        return fired;
    }

    /** CPU time by thread id of kotlinx's DefaultExecutor thread(s), which come and go. */
    private static Map<Long, Long> defaultExecutorCpu() {
        Map<Long, Long> cpu = new HashMap<>();
        for (var info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (info != null && info.getThreadName().equals("kotlinx.coroutines.DefaultExecutor")) {
                cpu.put(info.getThreadId(), Math.max(0L, THREADS.getThreadCpuTime(info.getThreadId())));
            }
        }
        return cpu;
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
}
