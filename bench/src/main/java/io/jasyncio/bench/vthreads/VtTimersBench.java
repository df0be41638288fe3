package io.jasyncio.bench.vthreads;

import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
 * Workload 3 on virtual threads: 1,000,000 timers with the random delays of jasyncio's
 * {@code TimersBench} (same seed, same draws, in [0, 1) s, nanosecond precision), one virtual thread
 * per timer: a main virtual thread starts them, each {@code sleep}s its delay and counts; the round
 * ends with the last count. One round per invocation, timed on the real clock from the start of
 * scheduling to the last callback.
 *
 * <p>The aux counter {@code loopCpuNanos} is the CPU time of the scheduler's platform threads in the
 * round: its carriers and the pool's timer thread that wakes sleeping virtual threads
 * ({@link VtScheduler#isVirtualThreadMachinery}).
 * The plain-callback twin ({@code ScheduledExecutorService}) is {@link ScheduledTimersBench}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, batchSize = 1)  // fewer shots than TimersBench's 2 + 5: a round takes 10-50 s here
@Measurement(iterations = 3, batchSize = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
public class VtTimersBench extends VtBench {

    static final int TIMERS = 1_000_000;
    static final long SEED = 20240601L;  // TimersBench.SEED

    private long[] delaysNanos;

    /** The scheduler threads' CPU time per iteration (one round per iteration here). */
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
        delaysNanos = drawNanos();
    }

    /** TimersBench's delays, in nanoseconds. */
    static long[] drawNanos() {
        SplittableRandom random = new SplittableRandom(SEED);
        long[] d = new long[TIMERS];
        for (int i = 0; i < TIMERS; i++) {
            d[i] = (long) (random.nextDouble() * 1e9);
        }
        return d;
    }

    @Benchmark
    public int sleep(Cpu cpu) throws InterruptedException {
        long c0 = VtScheduler.cpuNanos(VtScheduler::isVirtualThreadMachinery);
        AtomicInteger fired = new AtomicInteger();
        CountDownLatch all = new CountDownLatch(1);
        long[] d = delaysNanos;
        VtScheduler.run(() -> {
            for (int i = 0; i < d.length; i++) {
                long nanos = d[i];
                Thread.startVirtualThread(() -> {
                    try {
                        TimeUnit.NANOSECONDS.sleep(nanos);
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    if (fired.incrementAndGet() == TIMERS) {
                        all.countDown();
                    }
                });
            }
            all.await();
            return null;
        });
        cpu.loopCpuNanos += VtScheduler.cpuNanos(VtScheduler::isVirtualThreadMachinery) - c0;
        return fired.get();
    }
}
