package io.jasyncio.bench;

import io.jasyncio.Asyncio;
import io.jasyncio.Event;
import io.jasyncio.Lock;
import io.jasyncio.Queue;
import io.jasyncio.Semaphore;
import io.jasyncio.Task;
import java.util.concurrent.TimeUnit;
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
 * Workload 6, synchronization and queues (issue 4): the primitives' cost under contention, each
 * one invocation = one round on a loop kept for the trial, run by {@code runUntilComplete} in a
 * fresh main task that creates the primitive and the tasks:
 *
 * <ul>
 *   <li>{@link #queue1x1} / {@link #queue4x4}: a {@code Queue(100)}; 1 producer and 1 consumer, or
 *       4 and 4, move {@value #ITEMS} items (each producer puts its share with {@code put}, each
 *       consumer takes its share with {@code get} + {@code taskDone}); the main task then
 *       {@code join}s the queue and gathers the tasks; items per second.
 *   <li>{@link #lock}: {@value #LOCK_TASKS} tasks each loop {@value #LOCK_ROUNDS} times over
 *       {@code try (var _ = lock.acquire()) { sleep(0); }}; acquisitions per second.
 *   <li>{@link #semaphore}: the same with a {@code Semaphore(10)}; acquisitions per second.
 *   <li>{@link #pingPong}: two tasks, two events; the pinger sets {@code ping} and awaits
 *       {@code pong} (then clears it), the ponger awaits {@code ping}, clears it and sets
 *       {@code pong}; {@value #ROUND_TRIPS} round trips, round trips per second.
 * </ul>
 *
 * <p>Python twins: {@code sync} in bench/python/asyncio_bench.py ({@code asyncio.Queue(100)},
 * {@code async with lock}, {@code async with asyncio.Semaphore(10)}, {@code asyncio.Event}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 6, time = 1)  // as scopes: the JIT needs longer than 3 s here
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.vm=ALL-UNNAMED", "-Xms2g", "-Xmx2g"})
public class SyncBench extends LoopBench {

    static final int ITEMS = 1_000_000;
    static final int MAXSIZE = 100;
    static final int LOCK_TASKS = 100;
    static final int LOCK_ROUNDS = 1_000;
    static final int ACQUISITIONS = LOCK_TASKS * LOCK_ROUNDS;
    static final int PERMITS = 10;
    static final int ROUND_TRIPS = 100_000;

    @Benchmark
    @OperationsPerInvocation(ITEMS)
    @Warmup(iterations = 10, time = 1)  // the queue loops settle only after ~9 s (measured: 8-30M items/s before)
    public Object queue1x1() {
        return loop.runUntilComplete(() -> queueRound(1));
    }

    @Benchmark
    @OperationsPerInvocation(ITEMS)
    @Warmup(iterations = 10, time = 1)  // the queue loops settle only after ~9 s (measured: 8-30M items/s before)
    public Object queue4x4() {
        return loop.runUntilComplete(() -> queueRound(4));
    }

    private static Long queueRound(int pairs) {
        Queue<Integer> q = new Queue<>(MAXSIZE);
        int share = ITEMS / pairs;
        long[] sums = new long[pairs];
        Task<?>[] tasks = new Task<?>[2 * pairs];
        for (int p = 0; p < pairs; p++) {
            int base = p * share;
            tasks[p] = Asyncio.createTask(() -> {
                for (int i = 0; i < share; i++) {
                    q.put(base + i);
                }
                return null;
            });
        }
        for (int c = 0; c < pairs; c++) {
            int me = c;
            tasks[pairs + c] = Asyncio.createTask(() -> {
                long sum = 0;
                for (int i = 0; i < share; i++) {
                    sum += q.get();
                    q.taskDone();
                }
                sums[me] = sum;
                return null;
            });
        }
        q.join();
        Asyncio.gather(tasks);
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
        return loop.runUntilComplete(() -> {
            Lock lock = new Lock();
            int[] count = {0};
            Task<?>[] tasks = new Task<?>[LOCK_TASKS];
            for (int t = 0; t < LOCK_TASKS; t++) {
                tasks[t] = Asyncio.createTask(() -> {
                    for (int i = 0; i < LOCK_ROUNDS; i++) {
                        try (var _ = lock.acquire()) {
                            count[0]++;
                            Asyncio.sleep(0);
                        }
                    }
                    return null;
                });
            }
            Asyncio.gather(tasks);
            if (count[0] != ACQUISITIONS) {
                throw new AssertionError(count[0]);
            }
            return count[0];
        });
    }

    @Benchmark
    @OperationsPerInvocation(ACQUISITIONS)
    public Object semaphore() {
        return loop.runUntilComplete(() -> {
            Semaphore sem = new Semaphore(PERMITS);
            int[] count = {0};
            Task<?>[] tasks = new Task<?>[LOCK_TASKS];
            for (int t = 0; t < LOCK_TASKS; t++) {
                tasks[t] = Asyncio.createTask(() -> {
                    for (int i = 0; i < LOCK_ROUNDS; i++) {
                        try (var _ = sem.acquire()) {
                            count[0]++;
                            Asyncio.sleep(0);
                        }
                    }
                    return null;
                });
            }
            Asyncio.gather(tasks);
            if (count[0] != ACQUISITIONS) {
                throw new AssertionError(count[0]);
            }
            return count[0];
        });
    }

    @Benchmark
    @OperationsPerInvocation(ROUND_TRIPS)
    public Object pingPong() {
        return loop.runUntilComplete(() -> {
            Event ping = new Event();
            Event pong = new Event();
            Task<Integer> pinger = Asyncio.createTask(() -> {
                for (int i = 0; i < ROUND_TRIPS; i++) {
                    ping.set();
                    pong.await();
                    pong.clear();
                }
                return ROUND_TRIPS;
            });
            Task<Integer> ponger = Asyncio.createTask(() -> {
                for (int i = 0; i < ROUND_TRIPS; i++) {
                    ping.await();
                    ping.clear();
                    pong.set();
                }
                return ROUND_TRIPS;
            });
            Asyncio.gather(pinger, ponger);
            return ROUND_TRIPS;
        });
    }
}
