package io.jasyncio.examples;

import static io.jasyncio.Asyncio.*;

import io.jasyncio.Task;
import java.io.PrintStream;
import java.util.List;

/**
 * Section 3, tasks: two workers run concurrently; B (1 s) finishes before A (2 s), and gather
 * returns the results in argument order after 2 s in all.
 *
 * <pre>{@code
 * async def worker(name, delay):
 *     print(f"{name} started")
 *     await asyncio.sleep(delay)
 *     print(f"{name} finished after {delay}s")
 *     return f"Result from {name}"
 *
 * async def main():
 *     task1 = asyncio.create_task(worker("A", 2))
 *     task2 = asyncio.create_task(worker("B", 1))
 *     # Wait for both
 *     results = await asyncio.gather(task1, task2)
 *     print(results)
 *
 * asyncio.run(main())
 * }</pre>
 *
 * <p>The seed's note, "Gather vs Wait", in jasyncio: {@code gather(a, b)} returns the results when
 * all are done (the first failure is thrown at once); {@code Asyncio.wait(List.of(a, b), timeout,
 * ReturnWhen.FIRST_COMPLETED)} returns the done and pending tasks instead, can stop at the first
 * completion or exception or after a timeout, and never cancels anything. {@link
 * #mainWithWait()} shows it; the tour runs the seed's own version.
 */
public final class Section03Tasks extends Example {

    /** The example, printing to {@code out}. */
    public Section03Tasks(PrintStream out) {
        super(out);
    }

    /** {@code async def worker(name, delay)}; the delay is a whole number of seconds, as in the Python ("after 2s"). */
    String worker(String name, int delay) {
        print(name + " started");
        sleep(delay);
        print(name + " finished after " + delay + "s");
        return "Result from " + name;
    }

    /** {@code async def main()}. */
    void main() {
        Task<String> task1 = createTask(() -> worker("A", 2));
        Task<String> task2 = createTask(() -> worker("B", 1));
        // Wait for both
        List<String> results = gather(task1, task2);
        print(results);  // as Python prints a list: ['Result from A', 'Result from B']
    }

    /** The same two workers with {@code asyncio.wait(..., return_when=FIRST_COMPLETED)}: B is done first. */
    void mainWithWait() {
        Task<String> task1 = createTask(() -> worker("A", 2));
        Task<String> task2 = createTask(() -> worker("B", 1));
        var first = io.jasyncio.Asyncio.wait(List.of(task1, task2), null, io.jasyncio.ReturnWhen.FIRST_COMPLETED);
        print("done first: " + first.done().iterator().next().result());
        var rest = io.jasyncio.Asyncio.wait(first.pending());
        print("then: " + rest.done().iterator().next().result());
    }

    @Override
    public void program() {
        run(() -> main());
    }

    /** Runs the example on standard output. */
    public static void main(String[] args) {
        new Section03Tasks(System.out).program();
    }
}
