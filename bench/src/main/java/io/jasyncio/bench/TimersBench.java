package io.jasyncio.bench;

import io.jasyncio.Future;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
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
 * Workload 3, timers: {@value #TIMERS} {@code callLater} timers with random delays in [0, 1) s
 * (fixed seed; the delays are drawn in the setup, not timed), each callback counting. One
 * invocation is one round, timed from the start of scheduling to the last callback on the real
 * clock, so it lasts a little over one second whatever the loop's speed; callbacks/s =
 * {@value #TIMERS} / (seconds per op).
 *
 * <p>Everything runs in plain loop callbacks on the loop thread (no task), so the two engines run
 * the same code here. The aux counter {@code loopCpuNanos} is the loop thread's CPU time for the
 * round (scheduling plus firing, without the idle waits between deadlines): the loop's own cost.
 *
 * <p>Python twin: {@code timers} in bench/python/asyncio_bench.py.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, batchSize = 1)
@Measurement(iterations = 5, batchSize = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.vm=ALL-UNNAMED", "-Xms2g", "-Xmx2g"})
public class TimersBench extends LoopBench {

    static final int TIMERS = 1_000_000;
    static final long SEED = 20240601L;

    private double[] delays;
    private int fired;
    private Future<Void> allFired;
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

    /** Per-iteration extra results, summed by JMH over the iteration (one op per iteration here). */
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
        delays = new double[TIMERS];
        for (int i = 0; i < TIMERS; i++) {
            delays[i] = random.nextDouble();  // [0, 1) seconds
        }
    }

    @Benchmark
    public int timers(Cpu cpu) {
        long cpu0 = threads.getCurrentThreadCpuTime();
        fired = 0;
        allFired = loop.createFuture();
        Runnable count = this::count;
        loop.callSoon(() -> {
            double[] d = delays;
            for (int i = 0; i < d.length; i++) {
                loop.callLater(d[i], count);
            }
        });
        loop.runUntilComplete(allFired);
        cpu.loopCpuNanos += threads.getCurrentThreadCpuTime() - cpu0;
        return fired;
    }

    private void count() {
        if (++fired == TIMERS) {
            allFired.setResult(null);
        }
    }
}
