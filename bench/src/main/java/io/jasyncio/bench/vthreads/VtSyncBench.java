package io.jasyncio.bench.vthreads;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Workload 6 on virtual threads with {@code java.util.concurrent}, method for method as jasyncio's
 * {@code SyncBench}; each round is a main virtual thread that creates the primitive and the threads
 * and joins them:
 *
 * <ul>
 *   <li>{@link #queue1x1} / {@link #queue4x4}: an {@code ArrayBlockingQueue(100)}; 1 + 1 or 4 + 4
 *       threads {@code put} / {@code take} 1,000,000 boxed ints (no {@code taskDone}/{@code join}:
 *       the main thread joins the threads);
 *   <li>{@link #lock}: a fair {@code ReentrantLock} (FIFO hand-off, as asyncio's, jasyncio's and
 *       Kotlin's locks), 100 threads each looping 1,000 times over lock / count / {@code Thread.yield()}
 *       / unlock;
 *   <li>{@link #semaphore}: the same with a fair {@code Semaphore(10)};
 *   <li>{@link #pingPong}: two threads, two events, as asyncio's {@code Event} (set / wait / clear):
 *       an event is a {@code CompletableFuture<Void>}, set = {@code complete}, wait = {@code join},
 *       clear = replace it by a fresh one; 100,000 round trips.
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 6, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class VtSyncBench extends VtBench {

    static final int ITEMS = 1_000_000;
    static final int MAXSIZE = 100;
    static final int LOCK_TASKS = 100;
    static final int LOCK_ROUNDS = 1_000;
    static final int ACQUISITIONS = LOCK_TASKS * LOCK_ROUNDS;
    static final int PERMITS = 10;
    static final int ROUND_TRIPS = 100_000;

    @Benchmark
    @OperationsPerInvocation(ITEMS)
    @Warmup(iterations = 10, time = 1)
    public Object queue1x1() {
        return VtScheduler.run(() -> queueRound(1));
    }

    @Benchmark
    @OperationsPerInvocation(ITEMS)
    @Warmup(iterations = 10, time = 1)
    public Object queue4x4() {
        return VtScheduler.run(() -> queueRound(4));
    }

    private static long queueRound(int pairs) throws InterruptedException {
        ArrayBlockingQueue<Integer> q = new ArrayBlockingQueue<>(MAXSIZE);
        int share = ITEMS / pairs;
        long[] sums = new long[pairs];
        Thread[] threads = new Thread[2 * pairs];
        for (int p = 0; p < pairs; p++) {
            int base = p * share;
            threads[p] = Thread.startVirtualThread(() -> {
                try {
                    for (int i = 0; i < share; i++) {
                        q.put(base + i);
                    }
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
        }
        for (int c = 0; c < pairs; c++) {
            int me = c;
            threads[pairs + c] = Thread.startVirtualThread(() -> {
                try {
                    long sum = 0;
                    for (int i = 0; i < share; i++) {
                        sum += q.take();
                    }
                    sums[me] = sum;
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
        }
        VtScheduler.joinAll(threads);
        long total = 0;
        for (long s : sums) {
            total += s;
        }
        if (total != (long) ITEMS * (ITEMS - 1) / 2) {
            throw new AssertionError(total);
        }
        return total;
    }

    @Benchmark
    @OperationsPerInvocation(ACQUISITIONS)
    public Object lock() {
        return VtScheduler.run(() -> {
            ReentrantLock lock = new ReentrantLock(true);
            int[] count = {0};
            Thread[] threads = new Thread[LOCK_TASKS];
            for (int t = 0; t < LOCK_TASKS; t++) {
                threads[t] = Thread.startVirtualThread(() -> {
                    for (int i = 0; i < LOCK_ROUNDS; i++) {
                        lock.lock();
                        try {
                            count[0]++;
                            Thread.yield();
                        } finally {
                            lock.unlock();
                        }
                    }
                });
            }
            VtScheduler.joinAll(threads);
            if (count[0] != ACQUISITIONS) {
                throw new AssertionError(count[0]);
            }
            return count[0];
        });
    }

    @Benchmark
    @OperationsPerInvocation(ACQUISITIONS)
    public Object semaphore() {
        return VtScheduler.run(() -> {
            Semaphore sem = new Semaphore(PERMITS, true);
            AtomicInteger count = new AtomicInteger();  // up to 10 holders, on several carriers
            Thread[] threads = new Thread[LOCK_TASKS];
            for (int t = 0; t < LOCK_TASKS; t++) {
                threads[t] = Thread.startVirtualThread(() -> {
                    for (int i = 0; i < LOCK_ROUNDS; i++) {
                        sem.acquireUninterruptibly();
                        try {
                            count.incrementAndGet();
                            Thread.yield();
                        } finally {
                            sem.release();
                        }
                    }
                });
            }
            VtScheduler.joinAll(threads);
            if (count.get() != ACQUISITIONS) {
                throw new AssertionError(count.get());
            }
            return count.get();
        });
    }

    /** The two events of a ping-pong round; fresh futures replace completed ones ("clear"). */
    private static final class Events {
        volatile CompletableFuture<Void> ping = new CompletableFuture<>();
        volatile CompletableFuture<Void> pong = new CompletableFuture<>();
    }

    @Benchmark
    @OperationsPerInvocation(ROUND_TRIPS)
    public Object pingPong() {
        return VtScheduler.run(() -> {
            Events ev = new Events();
            Thread pinger = Thread.startVirtualThread(() -> {
                for (int i = 0; i < ROUND_TRIPS; i++) {
                    ev.ping.complete(null);
                    ev.pong.join();
                    ev.pong = new CompletableFuture<>();
                }
            });
            Thread ponger = Thread.startVirtualThread(() -> {
                for (int i = 0; i < ROUND_TRIPS; i++) {
                    ev.ping.join();
                    ev.ping = new CompletableFuture<>();
                    ev.pong.complete(null);
                }
            });
            pinger.join();
            ponger.join();
            return ROUND_TRIPS;
        });
    }
}
