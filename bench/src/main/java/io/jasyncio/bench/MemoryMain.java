package io.jasyncio.bench;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.Task;
import io.jasyncio.engine.Engines;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.Locale;

/**
 * Workload 4, memory: heap bytes per suspended task. Not a JMH benchmark: one JVM per
 * measurement, started by bench/run with a fixed heap ({@code -Xms8g -Xmx8g}).
 *
 * <pre>
 *   java --add-exports java.base/jdk.internal.vm=ALL-UNNAMED -Xms8g -Xmx8g -cp ... \
 *       io.jasyncio.bench.MemoryMain ENGINE SCENARIO [TASKS]
 *   ENGINE   = continuation | portable
 *   SCENARIO = sleep   (each task in sleep(3600): a timer, its future and the task)
 *            | future  (each task in await() of one shared future that never completes: asyncio's
 *                       Event.wait() at shallow depth)
 *   TASKS    = 1000000 by default
 * </pre>
 *
 * <p>{@code -Dbench.histogram=true} also prints the top of the heap's class histogram to stderr,
 * taken while the tasks are suspended.
 *
 * <p>Method: warm-up rounds of the same scenario (5 x 50,000 tasks that finish, then a 1 s pause:
 * classes loaded, code compiled, the loop's queues exercised); then, inside a task on the loop, the used
 * heap after full GCs (the minimum over several {@code System.gc()} calls, read from
 * {@link MemoryMXBean}), then TASKS tasks created and run up to their suspension point (one loop
 * iteration), then the used heap after GCs again. bytes/task = (after - before) / TASKS: the task,
 * its stack (continuation stack chunk or virtual thread), its context, the timer and future of a
 * sleep, and its share of the loop's queues. Prints one JSON line.
 */
public final class MemoryMain {
    private MemoryMain() {}

    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

    public static void main(String[] args) {
        if (args.length < 2) {
            System.err.println("usage: MemoryMain continuation|portable sleep|future [TASKS]");
            System.exit(2);
        }
        String engine = args[0];
        String scenario = args[1];
        int n = args.length > 2 ? Integer.parseInt(args[2]) : 1_000_000;
        if (!scenario.equals("sleep") && !scenario.equals("future")) {
            throw new IllegalArgumentException("scenario: sleep or future, not " + scenario);
        }
        EngineChoice.use(engine);

        EventLoop loop = new EventLoop();
        // Warm-up: rounds of the same kind of tasks, which then finish, and a pause for the JIT
        // compiler: a suspended stack holds the frames of whatever code version was running, and
        // interpreted frames are bigger than compiled ones.
        for (int round = 0; round < 5; round++) {
            warmUp(loop, scenario, 50_000);
        }
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }

        long[] result = loop.runUntilComplete(() -> {
            Future<Void> never = loop.createFuture();
            long before = usedAfterGc();
            long t0 = System.nanoTime();
            sleepSeconds = 3600;
            for (int i = 0; i < n; i++) {
                spawn(scenario, never);
            }
            // The new tasks are ready ahead of this one: one yield lets every one run to its
            // suspension point; the second is for good measure.
            Asyncio.sleep(0);
            Asyncio.sleep(0);
            long elapsed = System.nanoTime() - t0;
            long pending = Asyncio.allTasks().size() - 1;
            long after = usedAfterGc();
            if (never.done()) {
                throw new AssertionError("unreachable");
            }
            return new long[] {before, after, pending, elapsed};
        });
        long before = result[0], after = result[1], pending = result[2], elapsed = result[3];
        if (pending != n) {
            throw new IllegalStateException("expected " + n + " suspended tasks, found " + pending);
        }
        System.out.println(String.format(Locale.ROOT,
                "{\"impl\": \"jasyncio-%s\", \"engine\": \"%s\", \"scenario\": \"%s\", \"tasks\": %d,"
                        + " \"heap_before\": %d, \"heap_after\": %d, \"bytes_per_task\": %.1f,"
                        + " \"create_and_suspend_s\": %.3f, \"max_heap\": %d}",
                engine, Engines.current().name(), scenario, n, before, after, (after - before) / (double) n,
                elapsed / 1e9, Runtime.getRuntime().maxMemory()));
        System.out.flush();
        if (Boolean.getBoolean("bench.histogram")) {
            printHistogram(25);
        }
        // Leave without cancelling a million tasks: the measurement is done.
        Runtime.getRuntime().halt(0);
    }

    private static void warmUp(EventLoop loop, String scenario, int count) {
        loop.runUntilComplete(() -> {
            Future<Void> release = loop.createFuture();
            Task<?>[] tasks = new Task<?>[count];
            for (int i = 0; i < count; i++) {
                sleepSeconds = 0.001;
                tasks[i] = spawn(scenario, release);
            }
            Asyncio.sleep(0);
            if (scenario.equals("future")) {
                release.setResult(null);
            }
            Asyncio.gather(tasks);
        });
    }

    /** How long the sleep scenario's tasks sleep: short in warm-up rounds, an hour when measured. */
    private static double sleepSeconds;

    /**
     * Creates one task of the scenario. Warm-up and measurement share these lambda sites, so the
     * measured tasks run code the JIT compiler has already compiled: a suspended stack keeps the
     * frames of whatever code version was running, and interpreted frames are bigger.
     */
    private static Task<?> spawn(String scenario, Future<Void> gate) {
        return scenario.equals("sleep")
                ? Asyncio.createTask(() -> Asyncio.sleep(sleepSeconds))
                : Asyncio.createTask(() -> { gate.await(); });
    }

    /** Prints the top of the heap's class histogram (jcmd GC.class_histogram) to stderr: where the bytes are. */
    static void printHistogram(int lines) {
        try {
            javax.management.ObjectName name = new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand");
            String out = (String) ManagementFactory.getPlatformMBeanServer().invoke(name, "gcClassHistogram",
                    new Object[] {new String[0]}, new String[] {String[].class.getName()});
            out.lines().limit(lines + 3).forEach(System.err::println);
        } catch (Exception e) {
            System.err.println("no class histogram: " + e);
        }
    }

    /** Used heap after full collections: the smallest of several readings. */
    static long usedAfterGc() {
        long min = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            min = Math.min(min, MEMORY.getHeapMemoryUsage().getUsed());
        }
        return min;
    }
}
