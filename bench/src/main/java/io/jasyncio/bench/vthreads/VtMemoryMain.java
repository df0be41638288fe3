package io.jasyncio.bench.vthreads;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import jdk.management.VirtualThreadSchedulerMXBean;

/**
 * Workload 4 on virtual threads: heap bytes per parked virtual thread, measured as jasyncio's
 * {@code MemoryMain} measures a suspended task (one JVM per measurement, {@code -Xms8g -Xmx8g}):
 *
 * <pre>
 *   java -Xms8g -Xmx8g -cp ... io.jasyncio.bench.vthreads.VtMemoryMain SCENARIO [THREADS] [PARALLELISM]
 *   SCENARIO    = sleep  (each thread in Thread.sleep(3600 s): the thread, its stack chunk, its timer)
 *               | future (each thread in join() of one shared CompletableFuture that never completes)
 *   THREADS     = 1000000 by default
 *   PARALLELISM = 1 (default) | default | N: the scheduler's carrier threads
 * </pre>
 *
 * <p>Method: 5 warm-up rounds of 50,000 threads of the same scenario that finish, a 1 s pause; then
 * the used heap after full GCs, THREADS virtual threads started and run until each is parked (each
 * counts a latch down just before it parks; then the scheduler's mounted and queued counts are
 * polled down to zero), the used heap after full GCs again. Prints one JSON line;
 * {@code -Dbench.histogram=true} also prints the heap's class histogram to stderr.
 */
public final class VtMemoryMain {
    private VtMemoryMain() {}

    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: VtMemoryMain sleep|future [THREADS] [PARALLELISM]");
            System.exit(2);
        }
        String scenario = args[0];
        if (!scenario.equals("sleep") && !scenario.equals("future")) {
            throw new IllegalArgumentException("scenario: sleep or future, not " + scenario);
        }
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        String parallelism = args.length > 2 ? args[2] : "1";
        int carriers = VtScheduler.configure(parallelism);
        VirtualThreadSchedulerMXBean scheduler = ManagementFactory.getPlatformMXBean(VirtualThreadSchedulerMXBean.class);

        for (int round = 0; round < 5; round++) {
            CompletableFuture<Void> release = new CompletableFuture<>();
            Thread[] warm = new Thread[50_000];
            CountDownLatch parked = new CountDownLatch(warm.length);
            for (int i = 0; i < warm.length; i++) {
                warm[i] = spawn(scenario, release, 1_000_000L, parked);
            }
            parked.await();
            release.complete(null);
            VtScheduler.joinAll(warm);
        }
        Thread.sleep(1000);

        CompletableFuture<Void> never = new CompletableFuture<>();
        Thread[] threads = new Thread[n];
        CountDownLatch parked = new CountDownLatch(n);
        long before = usedAfterGc();
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            threads[i] = spawn(scenario, never, 3_600_000_000_000L, parked);
        }
        parked.await();
        while (scheduler.getMountedVirtualThreadCount() > 0 || scheduler.getQueuedVirtualThreadCount() > 0) {
            Thread.sleep(10);
        }
        long elapsed = System.nanoTime() - t0;
        long after = usedAfterGc();
        int alive = 0;
        for (Thread t : threads) {
            alive += t.isAlive() ? 1 : 0;
        }
        if (alive != n || never.isDone()) {
            throw new IllegalStateException("expected " + n + " parked threads, found " + alive);
        }
        System.out.println(String.format(Locale.ROOT,
                "{\"impl\": \"vthreads-p%s\", \"parallelism\": %d, \"scenario\": \"%s\", \"tasks\": %d,"
                        + " \"heap_before\": %d, \"heap_after\": %d, \"bytes_per_task\": %.1f,"
                        + " \"create_and_suspend_s\": %.3f, \"max_heap\": %d}",
                parallelism, carriers, scenario, n, before, after, (after - before) / (double) n,
                elapsed / 1e9, Runtime.getRuntime().maxMemory()));
        System.out.flush();
        if (Boolean.getBoolean("bench.histogram")) {
            printHistogram(25);
        }
        Runtime.getRuntime().halt(0);
    }

    /** One thread of the scenario; warm-up and measurement share this start site (compiled frames). */
    private static Thread spawn(String scenario, CompletableFuture<Void> gate, long sleepNanos, CountDownLatch parked) {
        return scenario.equals("sleep")
                ? Thread.startVirtualThread(() -> {
                    parked.countDown();
                    try {
                        Thread.sleep(sleepNanos / 1_000_000L);
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                })
                : Thread.startVirtualThread(() -> {
                    parked.countDown();
                    gate.join();
                });
    }

    /** The top of the heap's class histogram (jcmd GC.class_histogram) to stderr, as MemoryMain prints it. */
    private static void printHistogram(int lines) {
        try {
            javax.management.ObjectName name = new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand");
            String out = (String) ManagementFactory.getPlatformMBeanServer().invoke(name, "gcClassHistogram",
                    new Object[] {new String[0]}, new String[] {String[].class.getName()});
            out.lines().limit(lines + 3).forEach(System.err::println);
        } catch (Exception e) {
            System.err.println("no class histogram: " + e);
        }
    }

    private static long usedAfterGc() {
        long min = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            min = Math.min(min, MEMORY.getHeapMemoryUsage().getUsed());
        }
        return min;
    }
}
