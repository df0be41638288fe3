/**
 * Child processes on the loop: asyncio's subprocess support. {@link
 * io.jasyncio.subprocess.Subprocess} starts them, either with a {@link
 * io.jasyncio.subprocess.SubprocessProtocol} on a {@link io.jasyncio.subprocess.SubprocessTransport}
 * (asyncio's {@code loop.subprocess_exec}) or as a {@link io.jasyncio.subprocess.Process} with
 * stream readers and a writer (asyncio's {@code create_subprocess_exec}).
 *
 * <p>Written on the loop's public API and the {@code io.jasyncio.net} transports and streams. A
 * child's pipes are blocking streams, read and written by threads of their own that hand data to
 * the loop through {@code callSoonThreadsafe} and count as work in flight ({@code wrapFuture}).
 * Everything else is loop-affine: call it from the loop's tasks and callbacks.
 */
package io.jasyncio.subprocess;
