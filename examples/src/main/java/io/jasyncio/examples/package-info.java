/**
 * The seed's examples ("Python Asyncio Deep Dive"), one class per section, each a faithful port of
 * the section's Python program: same printed lines in the same order, same sleeps.
 *
 * <h2>The shape of every section</h2>
 *
 * <p>Section {@code N} is a class {@code SectionNNTopic} that extends {@link
 * io.jasyncio.examples.Example} and has:
 *
 * <ul>
 *   <li>a constructor taking the {@link java.io.PrintStream} the example prints to (Python's
 *       {@code print}, made injectable so that tests capture the lines);
 *   <li>{@code program()}: the Python module's top-level statements, usually {@code
 *       asyncio.run(main())}. It creates and closes its own event loop, so it must not be called
 *       from a running loop. The {@link io.jasyncio.examples.Tour} calls it;
 *   <li>the Python functions as methods of the same names in camelCase ({@code main()}, {@code
 *       worker(name, delay)}, {@code blockingTask(duration)}, ...). {@code async def} functions are
 *       ordinary methods that may suspend: calling one from a task is Python's {@code await f()}.
 *       Tests call the top-level coroutine directly inside a test task (on virtual time), which is
 *       how they time every printed line;
 *   <li>{@code public static void main(String[] args)}: the program on standard output, as {@code
 *       python3 example.py} would run it.
 * </ul>
 *
 * <p>Lines are printed through {@code Example.print(Object)}, which formats values as Python's
 * {@code print} does ({@code ['Result from A', 'Result from B']}, {@code {'data': 'sample'}}), so that
 * each example prints exactly the Python original's lines.
 *
 * <h2>Adding a section</h2>
 *
 * <p>Write the class and its test, then turn the section's {@code Planned} line in {@link
 * io.jasyncio.examples.Tour}'s table into a {@code Ported} line.
 */
package io.jasyncio.examples;
