/**
 * asyncio's I/O layer on the loop's selector: low-level socket operations ({@link
 * io.jasyncio.net.Sockets}), transports and protocols ({@link io.jasyncio.net.Transport},
 * {@link io.jasyncio.net.Protocol}, {@link io.jasyncio.net.Net#createConnection},
 * {@link io.jasyncio.net.Net#createServer}).
 *
 * <p>Written on the loop's public API ({@code addReader}/{@code addWriter}, futures, tasks), as
 * CPython's {@code selector_events.py} is written on its loop: nothing here needs the kernel's
 * internals. Everything is loop-affine: call it from the loop's tasks and callbacks.
 */
package io.jasyncio.net;
