package io.jasyncio.bench.vthreads;

import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Workload 7 on virtual threads: a generator is a producer virtual thread handing the boxed ints
 * {@code 0 .. values-1} through a {@code SynchronousQueue} to the round's main virtual thread, which
 * sums them (checked); the score is the time of one round (RESULTS.md divides it by {@link #values}).
 * {@link #synchronousQueue} is (a), the producer only puts; {@link #synchronousQueueYield} is (b), the
 * producer calls {@code Thread.yield()} before every 100th value (asyncio's {@code sleep(0)}).
 * Every value is two thread switches, so the rounds are shorter than jasyncio's (100,000 values).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 6, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
public class VtGeneratorsBench extends VtBench {

    static final int SLEEP_EVERY = 100;

    /** Values per round. */
    @Param({"100000"})
    public int values;

    @Benchmark
    public Object synchronousQueue() {
        return round(values, false);
    }

    @Benchmark
    public Object synchronousQueueYield() {
        return round(values, true);
    }

    private static long round(int n, boolean yielding) {
        return VtScheduler.run(() -> {
            SynchronousQueue<Integer> q = new SynchronousQueue<>();
            Thread producer = Thread.startVirtualThread(() -> {
                try {
                    for (int i = 0; i < n; i++) {
                        if (yielding && i % SLEEP_EVERY == 0) {
                            Thread.yield();
                        }
                        q.put(i);
                    }
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            long sum = 0;
            for (int i = 0; i < n; i++) {
                sum += q.take();
            }
            producer.join();
            if (sum != (long) n * (n - 1) / 2) {
                throw new AssertionError("sum " + sum + " for " + n + " values");
            }
            return sum;
        });
    }
}
