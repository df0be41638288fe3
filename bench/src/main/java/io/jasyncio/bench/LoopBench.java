package io.jasyncio.bench;

import io.jasyncio.EventLoop;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What every loop benchmark shares: the {@code engine} parameter (JMH runs each value in its own
 * forked JVM) and one event loop kept for the whole trial.
 */
@State(Scope.Thread)
public abstract class LoopBench {

    /** The coroutine engine of this fork. */
    @Param({"continuation", "portable"})
    public String engine;

    /** The trial's loop. */
    protected EventLoop loop;

    /** Selects the engine and opens the loop, then lets a subclass configure it ({@link #loopOpened()}). */
    @Setup(Level.Trial)
    public void openLoop() throws Exception {
        EngineChoice.use(engine);
        loop = new EventLoop();
        loopOpened();
    }

    /**
     * Called at the end of the trial's setup, once the loop exists (a subclass's own
     * {@code @Setup} method could run before {@link #openLoop()}: JMH does not order them by class).
     */
    protected void loopOpened() throws Exception {}

    /** Closes the loop. */
    @TearDown(Level.Trial)
    public void closeLoop() {
        loop.close();
    }
}
