package io.jasyncio.bench.vthreads;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledThreadPoolExecutor;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Workload 3 with {@code java.util.concurrent}'s plain timer callbacks: a one-thread
 * {@code ScheduledThreadPoolExecutor} kept for the trial; one task on it schedules 1,000,000
 * callbacks ({@code schedule(count, delay, NANOSECONDS)}) with {@code TimersBench}'s delays, each
 * counting on the executor's thread. The exact shape of jasyncio's {@code callLater} workload
 * (scheduled from a callback on the loop thread). No virtual thread is involved.
 *
 * <p>The aux counter {@code loopCpuNanos} is the executor thread's CPU time in the round.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, batchSize = 1)
@Measurement(iterations = 5, batchSize = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class ScheduledTimersBench {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private long[] delaysNanos;
    private ScheduledThreadPoolExecutor timers;
    private long timerThread;
    private int fired;
    private CountDownLatch all;

    /** The executor thread's CPU time per iteration (one round per iteration here). */
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
    public void setUp() throws Exception {
        delaysNanos = VtTimersBench.drawNanos();
        timers = new ScheduledThreadPoolExecutor(1, r -> new Thread(r, "juc-timers"));
        timerThread = timers.submit(() -> Thread.currentThread().threadId()).get();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        timers.shutdownNow();
    }

    @Benchmark
    public int scheduled(Cpu cpu) throws InterruptedException {
        long c0 = THREADS.getThreadCpuTime(timerThread);
        fired = 0;
        all = new CountDownLatch(1);
        Runnable count = this::count;
        long[] d = delaysNanos;
        timers.execute(() -> {
            for (int i = 0; i < d.length; i++) {
                timers.schedule(count, d[i], TimeUnit.NANOSECONDS);
            }
        });
        all.await();
        cpu.loopCpuNanos += THREADS.getThreadCpuTime(timerThread) - c0;
        return fired;
    }

    private void count() {
        if (++fired == VtTimersBench.TIMERS) {  // only the executor's one thread writes it
            all.countDown();
        }
    }
}
