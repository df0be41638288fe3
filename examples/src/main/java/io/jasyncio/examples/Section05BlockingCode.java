package io.jasyncio.examples;

import static io.jasyncio.Asyncio.*;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Objects;

/**
 * Section 5, blocking code: a function that blocks its thread for 2 s runs on a worker thread
 * through {@code toThread}, so the event loop stays free; prints {@code Slept 2s}.
 *
 * <pre>{@code
 * import time
 * import asyncio
 *
 * def blocking_task(duration):
 *     time.sleep(duration)  # blocks thread
 *     return f"Slept {duration}s"
 *
 * async def main():
 *     result = await asyncio.to_thread(blocking_task, 2)
 *     print(result)
 *
 * asyncio.run(main())
 * }</pre>
 */
public final class Section05BlockingCode extends Example {

    /**
     * The part of Python's {@code time} module that {@code blocking_task} uses. The example blocks
     * for real ({@link #REAL_TIME}); a test passes a stand-in so that it neither sleeps nor depends
     * on real time, while the example still prints the Python's line.
     */
    @FunctionalInterface
    interface Time {
        /** Blocks the calling thread for {@code seconds}: Python's {@code time.sleep}. */
        void sleep(double seconds) throws InterruptedException;
    }

    /** {@code time.sleep}: blocks the calling thread. */
    static final Time REAL_TIME = seconds -> Thread.sleep(Duration.ofNanos((long) (seconds * 1e9)));

    /** How {@code blockingTask} blocks. */
    private final Time time;

    /** The example, blocking for real, printing to {@code out}. */
    public Section05BlockingCode(PrintStream out) {
        this(out, REAL_TIME);
    }

    /** The example with {@code time} standing in for Python's {@code time} module. */
    Section05BlockingCode(PrintStream out, Time time) {
        super(out);
        this.time = Objects.requireNonNull(time, "time");
    }

    /** {@code def blocking_task(duration)}: an ordinary blocking function, not a coroutine. */
    String blockingTask(int duration) throws InterruptedException {
        time.sleep(duration);  // blocks thread
        return "Slept " + duration + "s";
    }

    /** {@code async def main()}. */
    void main() {
        String result = toThread(() -> blockingTask(2));
        print(result);
    }

    @Override
    public void program() {
        run(() -> main());
    }

    /** Runs the example on standard output. */
    public static void main(String[] args) {
        new Section05BlockingCode(System.out).program();
    }
}
