/**
 * Looking at a running process from outside: the registry of this JVM's live event loops and the
 * platform MXBean {@code io.jasyncio:type=EventLoops} through which {@code ./jasyncio ps PID} and
 * {@code ./jasyncio pstree PID} read their tasks (ADR 0010).
 *
 * <p>Nothing to configure: the MXBean registers itself, off the loop's thread, the first time a loop
 * runs; {@code -Djasyncio.management=false} turns it off.
 */
package io.jasyncio.management;
