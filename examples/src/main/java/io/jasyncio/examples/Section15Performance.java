package io.jasyncio.examples;

import static io.jasyncio.Asyncio.*;

import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.subprocess.Process;
import io.jasyncio.subprocess.Subprocess;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Section 15, performance: the seed's one piece of advice, translated, and a live comparison on
 * this machine.
 *
 * <pre>{@code
 * Pro tip: Install uvloop (pip install uvloop) and run
 * asyncio.set_event_loop_policy(uvloop.EventLoopPolicy()) for 2x-4x speedup in high-concurrency
 * scenarios.
 * }</pre>
 *
 * <h2>What "install uvloop" means for jasyncio</h2>
 *
 * <p>uvloop replaces asyncio's event loop (pure Python around a selector) with one written in
 * Cython on libuv; the program does not change, only the loop factory. jasyncio's default loop is
 * already compiled code with an allocation-free ready queue and a 4-ary timer heap, so there is
 * nothing to install. The mechanism is the same one, though: {@code Asyncio.run(main, debug,
 * loopFactory)} is {@code asyncio.run(main(), loop_factory=uvloop.new_event_loop)} (3.12+), and a
 * loop factory is how a program picks a loop with another {@link io.jasyncio.Clock} (a virtual one
 * in tests) or one of its own.
 *
 * <h2>The comparison</h2>
 *
 * <p>One workload, the seed's high-concurrency case in small: {@value #TASKS} tasks each yielding
 * {@value #STEPS} times ({@code await asyncio.sleep(0)}), all gathered: task creation, scheduling
 * and {@code gather}. It runs on jasyncio's default loop in this JVM (its first run, with the JIT
 * still compiling, and its best of {@value #REPEATS} after {@value #WARMUP} warm-up runs), then on
 * CPython's asyncio and on uvloop in Debian's {@code /usr/bin/python3} (started with jasyncio's own
 * subprocess API), each the best of {@value #REPEATS} runs (as Python's {@code timeit} advises). A Python that is missing
 * is reported on its row, not fatal. The figures are this machine's, now: the benchmark suite
 * ({@code ./jasyncio bench}) has the careful, repeated measurements.
 */
public final class Section15Performance extends Example {

    /** Tasks per run. */
    static final int TASKS = 10_000;
    /** Yields per task. */
    static final int STEPS = 10;
    /** Runs per implementation; the best counts. */
    static final int REPEATS = 3;
    /** Runs of jasyncio before its best-of figure: the JIT compiles the hot path meanwhile. */
    static final int WARMUP = 10;
    /** Debian's Python, which has uvloop (python3-uvloop). */
    static final String PYTHON = "/usr/bin/python3";

    /** The same workload in Python; argv: tasks, steps, repeats, "asyncio" or "uvloop". Prints the best seconds. */
    static final String PYTHON_WORKLOAD = """
            import asyncio, sys, time
            async def worker(steps):
                for _ in range(steps):
                    await asyncio.sleep(0)
            async def main(n, steps):
                await asyncio.gather(*(worker(steps) for _ in range(n)))
            n, steps, reps, loop = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
            factory = None
            if loop == "uvloop":
                import uvloop
                factory = uvloop.new_event_loop
            best = float("inf")
            for _ in range(reps):
                with asyncio.Runner(loop_factory=factory) as runner:
                    t0 = time.perf_counter()
                    runner.run(main(n, steps))
                    best = min(best, time.perf_counter() - t0)
            print(best)
            """;

    private final int tasks;
    private final int steps;
    private final int repeats;
    private final String python;

    /** The example, printing to {@code out}. */
    public Section15Performance(PrintStream out) {
        this(out, TASKS, STEPS, REPEATS, PYTHON);
    }

    /** The example with another workload size and Python (tests use a small one). */
    Section15Performance(PrintStream out, int tasks, int steps, int repeats, String python) {
        super(out);
        this.tasks = tasks;
        this.steps = steps;
        this.repeats = repeats;
        this.python = python;
    }

    /** {@code async def worker(steps)}. */
    static void worker(int steps) {
        for (int i = 0; i < steps; i++) {
            sleep(0);
        }
    }

    /** {@code async def main(n, steps)}: n tasks, gathered. */
    static void workload(int n, int steps) {
        @SuppressWarnings("unchecked")
        Future<Void>[] all = new Future[n];
        for (int i = 0; i < n; i++) {
            all[i] = createTask(() -> worker(steps));
        }
        gather(all);
    }

    /** One run on a loop made by {@code loopFactory}, in seconds. */
    double timeJasyncio(Supplier<? extends EventLoop> loopFactory) {
        return run(() -> {
            long t0 = System.nanoTime();
            workload(tasks, steps);
            return (System.nanoTime() - t0) / 1e9;
        }, null, loopFactory);
    }

    /** One row: what ran, and its best time or why it could not run. */
    record Row(String name, double seconds, String problem) {}

    /** The best seconds of the Python workload on {@code loop} ("asyncio" or "uvloop"), or the problem. */
    Row timePython(String name, String loop) {
        return run(() -> {
            Process p;
            try {
                p = Subprocess.createSubprocessExec(List.of(python, "-c", PYTHON_WORKLOAD, Integer.toString(tasks),
                        Integer.toString(steps), Integer.toString(repeats), loop),
                        Subprocess.options().stdout(Subprocess.PIPE).stderr(Subprocess.PIPE));
            } catch (IOException e) {
                return new Row(name, Double.NaN, python + " not found (apt-get install python3 python3-uvloop)");
            }
            Process.Output out = p.communicate();
            if (p.returncode() != 0) {
                String err = new String(out.stderr(), StandardCharsets.UTF_8).strip();
                String last = err.isEmpty() ? "exit status " + p.returncode() : err.lines().reduce((a, b) -> b).orElse(err);
                return new Row(name, Double.NaN, last);
            }
            return new Row(name, Double.parseDouble(new String(out.stdout(), StandardCharsets.UTF_8).strip()), null);
        });
    }

    /**
     * Every row, jasyncio first: its first run (the JIT still compiling: what a short script
     * sees), then its best of {@code repeats} after {@value #WARMUP} more (a long-running server).
     */
    List<Row> measure() {
        List<Row> rows = new ArrayList<>();
        double first = timeJasyncio(EventLoop::new);
        for (int i = 0; i < WARMUP; i++) {
            timeJasyncio(EventLoop::new);
        }
        double best = Double.POSITIVE_INFINITY;
        for (int r = 0; r < repeats; r++) {
            best = Math.min(best, timeJasyncio(EventLoop::new));
        }
        rows.add(new Row("jasyncio, first run", first, null));
        rows.add(new Row("jasyncio, warmed up", best, null));
        rows.add(timePython("CPython asyncio", "asyncio"));
        rows.add(timePython("uvloop", "uvloop"));
        return rows;
    }

    @Override
    public void program() {
        print("Pro tip, translated: jasyncio's default loop is already the fast one, nothing to install.");
        print("Choosing a loop is the same mechanism as uvloop's: a loop factory,");
        print("  Asyncio.run(main, null, MyLoop::new)   is   asyncio.run(main(), loop_factory=uvloop.new_event_loop)");
        print("");
        print(String.format(Locale.ROOT, "%,d tasks x %d sleep(0) each, gathered (best of %d):", tasks, steps, repeats));
        List<Row> rows = measure();
        double asyncio = rows.stream().filter(r -> r.name().equals("CPython asyncio")).findFirst().orElseThrow().seconds();
        for (Row row : rows) {
            if (row.problem() != null) {
                print(String.format(Locale.ROOT, "  %-24s not run: %s", row.name(), row.problem()));
                continue;
            }
            String ratio = Double.isNaN(asyncio) ? "" : String.format(Locale.ROOT, "  %6.1fx CPython asyncio", asyncio / row.seconds());
            print(String.format(Locale.ROOT, "  %-24s %9.1f ms  %,12.0f task steps/s%s", row.name(), row.seconds() * 1e3,
                    tasks * (double) steps / row.seconds(), ratio));
        }
        print("");
        print("Do: keep the loop free: toThread / runInExecutor for blocking calls, debug mode to find them.");
        print("Do: bound concurrency (Semaphore, Queue(maxsize)), reuse connections, batch small writes.");
        print("Don't: create a task per tiny step, poll with sleep(0) loops, or await in a hot loop what could be gathered.");
    }
}
