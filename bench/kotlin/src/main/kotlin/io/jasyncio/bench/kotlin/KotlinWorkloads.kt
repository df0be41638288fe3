package io.jasyncio.bench.kotlin

import java.lang.management.ManagementFactory
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.DelicateCoroutinesApi
import kotlinx.coroutines.Deferred
import kotlinx.coroutines.ExecutorCoroutineDispatcher
import kotlinx.coroutines.ExperimentalCoroutinesApi
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.channels.produce
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.collect
import kotlinx.coroutines.flow.flow
import kotlinx.coroutines.newSingleThreadContext
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.sync.Mutex
import kotlinx.coroutines.sync.Semaphore
import kotlinx.coroutines.sync.withLock
import kotlinx.coroutines.sync.withPermit
import kotlinx.coroutines.launch
import kotlinx.coroutines.yield

/**
 * A single-threaded kotlinx.coroutines dispatcher kept for a JMH trial, as jasyncio's benchmarks keep
 * one event loop; [run] is one round, as `loop.runUntilComplete(main)` is.
 *
 * - `eventloop`: `runBlocking { }` without a dispatcher: the calling (benchmark) thread runs
 *   runBlocking's own event loop (`BlockingEventLoop`: a lock-free task queue and a delayed-task
 *   heap), and every coroutine of the round runs on it. This is jasyncio's shape exactly: the loop
 *   runs on the thread that called run, and nothing else is involved.
 * - `single`: `newSingleThreadContext("kotlin-single")`, a dispatcher over a one-thread
 *   `ScheduledThreadPoolExecutor` (timers on the same executor), kept for the trial; each round is a
 *   `runBlocking(dispatcher) { }`, so the benchmark thread only waits and one hand-off starts and
 *   ends each round. What "a single-threaded dispatcher" usually means in Kotlin code.
 */
class KLoop(val kind: String) : AutoCloseable {
    @OptIn(DelicateCoroutinesApi::class, ExperimentalCoroutinesApi::class)
    private val single: ExecutorCoroutineDispatcher? = when (kind) {
        "eventloop" -> null
        "single" -> newSingleThreadContext("kotlin-single")
        else -> throw IllegalArgumentException("dispatcher must be eventloop or single, not $kind")
    }

    /** The id of the thread that runs the coroutines, for its CPU time (the benchmark thread for eventloop). */
    private val singleThreadId: Long = single?.let { d -> runBlocking(d) { Thread.currentThread().threadId() } } ?: -1L

    /** Runs [block] as the main coroutine of one round on this dispatcher and returns its result. */
    fun <T> run(block: suspend CoroutineScope.() -> T): T =
        if (single == null) runBlocking(block = block) else runBlocking(single, block)

    /**
     * CPU nanoseconds used so far by the thread that runs the coroutines: call on the benchmark
     * thread before and after a round (for `eventloop` it is that thread itself).
     */
    fun loopThreadCpuNanos(): Long =
        if (single == null) THREADS.currentThreadCpuTime else THREADS.getThreadCpuTime(singleThreadId)

    override fun close() {
        single?.close()
    }

    private companion object {
        val THREADS = ManagementFactory.getThreadMXBean()
    }
}

/**
 * The workloads of bench/README.md on kotlinx.coroutines, line for line with the jasyncio JMH classes
 * (same counts, same structure: a main coroutine per round creates the coroutines and the primitive).
 * Each function is one round on a [KLoop] and returns something checked, for JMH's blackhole.
 */
object KotlinWorkloads {
    const val STEP_TASKS = 10
    const val STEPS_PER_TASK = 10_000
    const val SPAWN_TASKS = 100_000
    const val ITEMS = 1_000_000
    const val MAXSIZE = 100
    const val LOCK_TASKS = 100
    const val LOCK_ROUNDS = 1_000
    const val ACQUISITIONS = LOCK_TASKS * LOCK_ROUNDS
    const val PERMITS = 10
    const val ROUND_TRIPS = 100_000
    const val SLEEP_EVERY = 100

    // ---- workload 1: task steps ----

    /** 10 coroutines (`async`) each looping `yield()` 10,000 times; the main coroutine awaits them all. */
    @JvmStatic
    fun steps(loop: KLoop): Int = loop.run {
        val tasks = List(STEP_TASKS) { async { stepper() } }
        tasks.awaitAll().size
    }

    private suspend fun stepper() {
        for (i in 0 until STEPS_PER_TASK) {
            yield()
        }
    }

    // ---- workload 2: spawn + gather ----

    /** The main coroutine starts 100,000 trivial coroutines (`async { 1 }`) and `awaitAll`s them. */
    @JvmStatic
    fun spawnAndGather(loop: KLoop): Int = loop.run {
        val tasks = ArrayList<Deferred<Int>>(SPAWN_TASKS)
        for (i in 0 until SPAWN_TASKS) {
            tasks.add(async { trivial() })
        }
        val results = tasks.awaitAll()
        check(results.size == SPAWN_TASKS)
        results.size
    }

    private fun trivial(): Int = 1

    // ---- workload 3: timers ----

    /**
     * One coroutine per timer: the main coroutine `launch`es one per delay, each `delay(ms)`s and
     * counts; the round ends when the last has counted. Kotlin's delays are whole milliseconds.
     */
    @JvmStatic
    fun timersDelay(loop: KLoop, delaysMs: LongArray): Int = loop.run {
        val all = CompletableDeferred<Unit>()
        var fired = 0
        val n = delaysMs.size
        for (d in delaysMs) {
            launch {
                delay(d)
                if (++fired == n) all.complete(Unit)
            }
        }
        all.await()
        fired
    }

    // ---- workload 6: synchronization and queues ----

    /** A `Channel(100)`; `pairs` producers `send` their share of 1,000,000 items, `pairs` consumers `receive` theirs. */
    @JvmStatic
    fun queue(loop: KLoop, pairs: Int): Long = loop.run {
        val q = Channel<Int>(MAXSIZE)
        val share = ITEMS / pairs
        val sums = LongArray(pairs)
        val tasks = ArrayList<Deferred<Unit>>(2 * pairs)
        for (p in 0 until pairs) {
            val base = p * share
            tasks.add(async {
                for (i in 0 until share) {
                    q.send(base + i)
                }
            })
        }
        for (c in 0 until pairs) {
            tasks.add(async {
                var sum = 0L
                for (i in 0 until share) {
                    sum += q.receive()
                }
                sums[c] = sum
            })
        }
        tasks.awaitAll()
        val total = sums.sum()
        check(total == ITEMS.toLong() * (ITEMS - 1) / 2) { "sum $total" }
        total
    }

    /** 100 coroutines each loop 1,000 times over `mutex.withLock { count++; yield() }`. */
    @JvmStatic
    fun lock(loop: KLoop): Int = loop.run {
        val mutex = Mutex()
        var count = 0
        val tasks = List(LOCK_TASKS) {
            async {
                for (i in 0 until LOCK_ROUNDS) {
                    mutex.withLock {
                        count++
                        yield()
                    }
                }
            }
        }
        tasks.awaitAll()
        check(count == ACQUISITIONS) { "count $count" }
        count
    }

    /** The same with a `Semaphore(10)` and `withPermit`. */
    @JvmStatic
    fun semaphore(loop: KLoop): Int = loop.run {
        val sem = Semaphore(PERMITS)
        var count = 0
        val tasks = List(LOCK_TASKS) {
            async {
                for (i in 0 until LOCK_ROUNDS) {
                    sem.withPermit {
                        count++
                        yield()
                    }
                }
            }
        }
        tasks.awaitAll()
        check(count == ACQUISITIONS) { "count $count" }
        count
    }

    /**
     * Two coroutines, two events, as asyncio's `Event` (set / wait / clear): an event is a
     * `CompletableDeferred<Unit>`, set = `complete`, wait = `await`, clear = replace it by a fresh one.
     * The pinger sets ping, awaits pong, clears pong; the ponger awaits ping, clears ping, sets pong.
     */
    @JvmStatic
    fun pingPong(loop: KLoop): Int = loop.run {
        var ping = CompletableDeferred<Unit>()
        var pong = CompletableDeferred<Unit>()
        val pinger = async {
            for (i in 0 until ROUND_TRIPS) {
                ping.complete(Unit)
                pong.await()
                pong = CompletableDeferred()
            }
            ROUND_TRIPS
        }
        val ponger = async {
            for (i in 0 until ROUND_TRIPS) {
                ping.await()
                ping = CompletableDeferred()
                pong.complete(Unit)
            }
            ROUND_TRIPS
        }
        awaitAll(pinger, ponger)
        ROUND_TRIPS
    }

    // ---- workload 7: generators ----

    private fun checkSum(sum: Long, n: Int): Long {
        check(sum == n.toLong() * (n - 1) / 2) { "sum $sum for $n values" }
        return sum
    }

    /** (a) `flow { emit(i) }` collected by the main coroutine: Kotlin's cold async stream (emit calls the collector). */
    @JvmStatic
    fun flowGenerator(loop: KLoop, n: Int): Long = loop.run {
        var sum = 0L
        flow {
            for (i in 0 until n) {
                emit(i)
            }
        }.collect { v -> sum += v }
        checkSum(sum, n)
    }

    /** (b) the same, the body calling `yield()` before every 100th value (asyncio's `sleep(0)`). */
    @JvmStatic
    fun flowGeneratorYield(loop: KLoop, n: Int): Long = loop.run {
        var sum = 0L
        flow {
            for (i in 0 until n) {
                if (i % SLEEP_EVERY == 0) {
                    yield()
                }
                emit(i)
            }
        }.collect { v -> sum += v }
        checkSum(sum, n)
    }

    /**
     * An async generator as a coroutine of its own: `produce { send(i) }` (a rendezvous channel, the
     * producer suspended between values) iterated with `for (v in channel)` by the main coroutine.
     */
    @OptIn(ExperimentalCoroutinesApi::class)
    @JvmStatic
    fun produceGenerator(loop: KLoop, n: Int): Long = loop.run {
        var sum = 0L
        val values = produce {
            for (i in 0 until n) {
                send(i)
            }
        }
        for (v in values) {
            sum += v
        }
        checkSum(sum, n)
    }

    /** The sync generator: `sequence { yield(i) }` iterated on the benchmark thread (no dispatcher). */
    @JvmStatic
    fun sequenceGenerator(n: Int): Long {
        var sum = 0L
        for (v in sequence { for (i in 0 until n) yield(i) }) {
            sum += v
        }
        return checkSum(sum, n)
    }
}
