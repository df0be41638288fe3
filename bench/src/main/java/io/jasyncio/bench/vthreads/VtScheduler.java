package io.jasyncio.bench.vthreads;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import jdk.management.VirtualThreadSchedulerMXBean;

/**
 * The virtual-thread scheduler of this JVM for the benchmarks of this package: its parallelism (the
 * number of carrier threads), chosen once per JVM before the first virtual thread exists, and a way
 * to run one round as a main virtual thread, as jasyncio runs a round as the main task of
 * {@code runUntilComplete}.
 */
public final class VtScheduler {
    private VtScheduler() {}

    /** The JDK's system property read when the default scheduler is created. */
    public static final String PROPERTY = "jdk.virtualThreadScheduler.parallelism";

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /**
     * Sets the default scheduler's parallelism: {@code "1"} (one carrier thread, the like-for-like
     * single-thread row) or {@code "default"} (the JDK's default, one carrier per available processor),
     * or a number. Must run before this JVM's first virtual thread; checks that it took through the
     * JDK's {@link VirtualThreadSchedulerMXBean}.
     *
     * @return the scheduler's parallelism
     */
    public static int configure(String parallelism) {
        int expected;
        if (parallelism.equals("default")) {
            System.clearProperty(PROPERTY);
            expected = Runtime.getRuntime().availableProcessors();
        } else {
            expected = Integer.parseInt(parallelism);
            if (expected < 1) {
                throw new IllegalArgumentException("parallelism must be at least 1, not " + parallelism);
            }
            System.setProperty(PROPERTY, parallelism);
        }
        try {
            Thread.startVirtualThread(() -> {}).join();  // creates the scheduler if it is not there yet
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        int actual = ManagementFactory.getPlatformMXBean(VirtualThreadSchedulerMXBean.class).getParallelism();
        if (actual != expected) {
            throw new IllegalStateException("wanted a virtual-thread scheduler of parallelism " + expected
                    + ", but this JVM's has " + actual + " (was a virtual thread started before the setup ran?)");
        }
        return actual;
    }

    /** Runs {@code main} in a new virtual thread and waits for it (from a platform thread): one round. */
    public static <T> T run(Callable<T> main) {
        Object[] result = new Object[1];
        Throwable[] failure = new Throwable[1];
        Thread t = Thread.startVirtualThread(() -> {
            try {
                result[0] = main.call();
            } catch (Throwable e) {
                failure[0] = e;
            }
        });
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        if (failure[0] != null) {
            throw new IllegalStateException("the round's main virtual thread failed", failure[0]);
        }
        @SuppressWarnings("unchecked")
        T r = (T) result[0];
        return r;
    }

    /** Joins every thread of {@code threads}. */
    public static void joinAll(Thread[] threads) throws InterruptedException {
        for (Thread t : threads) {
            t.join();
        }
    }

    /**
     * CPU nanoseconds used so far by the live platform threads whose names match, summed: the virtual
     * threads' carriers ({@link #isVirtualThreadMachinery}) or a named executor thread.
     */
    public static long cpuNanos(Predicate<String> name) {
        long sum = 0;
        for (var info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (info != null && name.test(info.getThreadName())) {
                long cpu = THREADS.getThreadCpuTime(info.getThreadId());
                if (cpu > 0) {
                    sum += cpu;
                }
            }
        }
        return sum;
    }

    /**
     * Whether a platform thread is the default scheduler's: a carrier ({@code ForkJoinPool-N-worker-M}:
     * the benchmarks run no other fork-join pool), the pool's timer thread that wakes virtual threads
     * from {@code Thread.sleep} (JDK 25: {@code ForkJoinPool-N-delayScheduler}; earlier JDKs:
     * {@code VirtualThread-unparker}), or {@code VirtualThread-unblocker}.
     */
    public static boolean isVirtualThreadMachinery(String threadName) {
        return (threadName.startsWith("ForkJoinPool-")
                        && (threadName.contains("-worker-") || threadName.endsWith("-delayScheduler")))
                || threadName.startsWith("VirtualThread-");
    }
}
