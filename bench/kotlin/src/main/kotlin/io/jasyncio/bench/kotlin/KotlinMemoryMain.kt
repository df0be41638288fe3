package io.jasyncio.bench.kotlin

import java.lang.management.ManagementFactory
import java.util.Locale
import javax.management.ObjectName
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.delay
import kotlinx.coroutines.joinAll
import kotlinx.coroutines.launch
import kotlinx.coroutines.yield

/**
 * Workload 4 on Kotlin: heap bytes per suspended coroutine, measured as jasyncio's `MemoryMain`
 * measures a suspended task (one JVM per measurement, `-Xms8g -Xmx8g`):
 *
 * ```
 * java -Xms8g -Xmx8g -cp ... io.jasyncio.bench.kotlin.KotlinMemoryMain SCENARIO [COROUTINES] [DISPATCHER]
 *   SCENARIO   = sleep  (each coroutine in delay(3,600,000 ms): the coroutine, its state machine, the delayed task)
 *              | future (each coroutine in await() of one shared CompletableDeferred that never completes)
 *   COROUTINES = 1000000 by default
 *   DISPATCHER = eventloop (default) | single
 * ```
 *
 * Method: 5 warm-up rounds of 50,000 coroutines of the same scenario that finish, a 1 s pause; then,
 * inside the main coroutine, the used heap after full GCs, COROUTINES coroutines launched and run to
 * their suspension point (two `yield()`s of the main coroutine), the used heap after full GCs again.
 * Prints one JSON line; `-Dbench.histogram=true` also prints the heap's class histogram to stderr.
 */
object KotlinMemoryMain {
    private val MEMORY = ManagementFactory.getMemoryMXBean()

    @JvmStatic
    fun main(args: Array<String>) {
        if (args.isEmpty()) {
            System.err.println("usage: KotlinMemoryMain sleep|future [COROUTINES] [eventloop|single]")
            System.exit(2)
        }
        val scenario = args[0]
        require(scenario == "sleep" || scenario == "future") { "scenario: sleep or future, not $scenario" }
        val n = if (args.size > 1) args[1].toInt() else 1_000_000
        val loop = KLoop(if (args.size > 2) args[2] else "eventloop")

        repeat(5) {
            loop.run {
                val release = CompletableDeferred<Unit>()
                val jobs = ArrayList<Job>(50_000)
                for (i in 0 until 50_000) {
                    jobs.add(spawn(scenario, release, 1L))
                }
                yield()
                release.complete(Unit)
                jobs.joinAll()
            }
        }
        Thread.sleep(1000)

        val never = CompletableDeferred<Unit>()
        val jobs = arrayOfNulls<Job>(n)
        val result = loop.run {
            val before = usedAfterGc()
            val t0 = System.nanoTime()
            for (i in 0 until n) {
                jobs[i] = spawn(scenario, never, 3_600_000L)
            }
            // The new coroutines are queued ahead of this one: one yield lets each run to its suspension.
            yield()
            yield()
            val elapsed = System.nanoTime() - t0
            val suspended = jobs.count { it != null && it.isActive }
            val after = usedAfterGc()
            check(!never.isCompleted)
            System.out.println(String.format(Locale.ROOT,
                "{\"impl\": \"kotlin-%s\", \"dispatcher\": \"%s\", \"scenario\": \"%s\", \"tasks\": %d,"
                        + " \"heap_before\": %d, \"heap_after\": %d, \"bytes_per_task\": %.1f,"
                        + " \"create_and_suspend_s\": %.3f, \"max_heap\": %d}",
                loop.kind, loop.kind, scenario, n, before, after, (after - before) / n.toDouble(),
                elapsed / 1e9, Runtime.getRuntime().maxMemory()))
            System.out.flush()
            check(suspended == n) { "expected $n suspended coroutines, found $suspended" }
            if (java.lang.Boolean.getBoolean("bench.histogram")) {
                printHistogram(25)
            }
            // Leave without cancelling a million coroutines: the measurement is done.
            Runtime.getRuntime().halt(0)
        }
        println(result)
    }

    /** One coroutine of the scenario; warm-up and measurement share this launch site (compiled frames). */
    private fun CoroutineScope.spawn(scenario: String, gate: CompletableDeferred<Unit>, sleepMs: Long): Job =
        if (scenario == "sleep") launch { delay(sleepMs) } else launch { gate.await() }

    private fun usedAfterGc(): Long {
        var min = Long.MAX_VALUE
        repeat(4) {
            System.gc()
            min = minOf(min, MEMORY.heapMemoryUsage.used)
        }
        return min
    }

    private fun printHistogram(lines: Int) {
        try {
            val name = ObjectName("com.sun.management:type=DiagnosticCommand")
            val out = ManagementFactory.getPlatformMBeanServer().invoke(name, "gcClassHistogram",
                arrayOf<Any>(arrayOf<String>()), arrayOf(Array<String>::class.java.name)) as String
            out.lines().take(lines + 3).forEach { System.err.println(it) }
        } catch (e: Exception) {
            System.err.println("no class histogram: $e")
        }
    }
}
