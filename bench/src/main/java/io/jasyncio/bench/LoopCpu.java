package io.jasyncio.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * JMH aux counters (summed over each iteration): the CPU time of the benchmark thread, which runs
 * the loop, and the operations it did. {@code loopCpuNanos / loopOps} is the loop's own CPU cost
 * per operation, without the time the thread spent descheduled on a busy machine (and without GC
 * threads), so it moves far less with the load than the wall-clock throughput does.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.EVENTS)
public class LoopCpu {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** CPU nanoseconds of the benchmark thread in this iteration. */
    public long loopCpuNanos;
    /** Operations (steps, tasks) in this iteration. */
    public long loopOps;

    private long start;

    @Setup(Level.Iteration)
    public void reset() {
        loopCpuNanos = 0;
        loopOps = 0;
    }

    /** Marks the start of an invocation. */
    void begin() {
        start = THREADS.getCurrentThreadCpuTime();
    }

    /** Marks the end of an invocation of {@code ops} operations. */
    void end(long ops) {
        loopCpuNanos += THREADS.getCurrentThreadCpuTime() - start;
        loopOps += ops;
    }
}
