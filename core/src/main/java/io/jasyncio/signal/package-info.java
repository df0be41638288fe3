/**
 * Unix signals delivered to an event loop: asyncio's {@code loop.add_signal_handler} and
 * {@code remove_signal_handler} ({@link io.jasyncio.signal.Signals}), on the JDK's
 * {@code sun.misc.Signal} (module {@code jdk.unsupported}, ADR 0012).
 *
 * <p>Written on the loop's public API: a signal reaches the loop through a wakeup pipe the loop
 * reads ({@code addReader}), as asyncio's does through {@code signal.set_wakeup_fd}.
 */
package io.jasyncio.signal;
