package io.jasyncio.bench.vthreads;

import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What every virtual-thread benchmark shares: the {@code parallelism} parameter (JMH runs each value
 * in its own forked JVM), applied to the default virtual-thread scheduler before the fork's first
 * virtual thread: {@code 1} (one carrier thread: the like-for-like row against a one-thread event
 * loop) or {@code default} (one carrier per processor, what a program gets by default).
 */
@State(Scope.Thread)
public abstract class VtBench {

    /** The scheduler's parallelism in this fork: 1 or default. */
    @Param({"1", "default"})
    public String parallelism;

    @Setup(Level.Trial)
    public void configureScheduler() {
        VtScheduler.configure(parallelism);
    }
}
