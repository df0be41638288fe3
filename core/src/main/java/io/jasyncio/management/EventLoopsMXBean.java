package io.jasyncio.management;

/**
 * The tasks of every live event loop of this JVM, as the platform MXBean {@value Loops#MBEAN_NAME}:
 * what {@code ./jasyncio ps PID}, {@code ./jasyncio pstree PID} and {@code --json} print. Any JMX
 * client can call it (JConsole, VisualVM, {@code jmxterm}).
 *
 * <p>A live loop is one that has run and is not closed. Each operation asks every live loop for a
 * {@link io.jasyncio.TaskDump} on its own thread and waits up to a second for the answer; a loop that
 * does not answer (stuck in a step, or not running) is read directly, and its snapshot may then be
 * inconsistent. The loops come in the order in which they first ran.
 */
public interface EventLoopsMXBean {

    /** How many live event loops this JVM has. */
    int getLoopCount();

    /**
     * Every live loop's tasks as a table ({@link io.jasyncio.TaskDump#formatTable()}), each loop under
     * a heading line naming the loop and its thread. Empty when there is no live loop.
     */
    String formatTable();

    /**
     * Every live loop's tasks as a tree of who created whom, with what each awaits ({@link
     * io.jasyncio.TaskDump#formatTree()}), each loop under a heading line. Empty when there is no live
     * loop.
     */
    String formatTree();

    /**
     * Every live loop's tasks as JSON: {@code {"loops":[{"thread":..., "dump":{...}}, ...]}}, where
     * {@code dump} is {@link io.jasyncio.TaskDump#toJson()}; a loop that could not be read has
     * {@code "error"} instead of {@code "dump"}.
     */
    String toJson();
}
