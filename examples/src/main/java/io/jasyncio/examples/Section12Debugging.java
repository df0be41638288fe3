package io.jasyncio.examples;

import static io.jasyncio.Asyncio.*;

import io.jasyncio.Task;
import java.io.PrintStream;
import java.util.Set;

/**
 * Section 12, debugging: in debug mode, the running task and the set of all tasks, shown by their
 * reprs. jasyncio's task repr has asyncio's shape ({@code <Task pending name='Task-1' coro=<...>
 * cb=[...] created at ...>}); the details (the coroutine, the creation site) are Java's.
 *
 * <pre>{@code
 * import asyncio
 *
 * async def main():
 *     print(f"Current task: {asyncio.current_task()}")
 *     tasks = asyncio.all_tasks()
 *     print(f"All tasks: {tasks}")
 *
 * asyncio.run(main(), debug=True)
 * }</pre>
 */
public final class Section12Debugging extends Example {

    /** The example, printing to {@code out}. */
    public Section12Debugging(PrintStream out) {
        super(out);
    }

    /** {@code async def main()}. */
    void main() {
        print("Current task: " + str(currentTask()));
        Set<Task<?>> tasks = allTasks();
        print("All tasks: " + str(tasks));  // a Python set: {<Task ...>}
    }

    @Override
    public void program() {
        run(() -> main(), true);  // debug=True
    }

    /** Runs the example on standard output. */
    public static void main(String[] args) {
        new Section12Debugging(System.out).program();
    }
}
