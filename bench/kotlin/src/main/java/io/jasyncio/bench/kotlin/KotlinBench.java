package io.jasyncio.bench.kotlin;

import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What every Kotlin benchmark shares: the {@code dispatcher} parameter (JMH runs each value in its
 * own forked JVM) and one single-threaded dispatcher kept for the whole trial ({@link KLoop}), as
 * jasyncio's benchmarks keep one event loop.
 *
 * <ul>
 *   <li>{@code eventloop}: {@code runBlocking}'s own event loop on the benchmark thread (jasyncio's
 *       shape: the loop runs on the thread that asked for the round);
 *   <li>{@code single}: {@code newSingleThreadContext}, a one-thread {@code ScheduledThreadPoolExecutor}
 *       dispatcher; the benchmark thread waits in {@code runBlocking(dispatcher)}.
 * </ul>
 */
@State(Scope.Thread)
public abstract class KotlinBench {

    /** The single-threaded dispatcher of this fork. */
    @Param({"eventloop", "single"})
    public String dispatcher;

    /** The trial's dispatcher. */
    protected KLoop loop;

    @Setup(Level.Trial)
    public void openLoop() {
        loop = new KLoop(dispatcher);
    }

    @TearDown(Level.Trial)
    public void closeLoop() {
        loop.close();
    }
}
