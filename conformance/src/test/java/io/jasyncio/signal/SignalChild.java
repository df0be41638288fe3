package io.jasyncio.signal;

import io.jasyncio.Asyncio;
import io.jasyncio.Event;

/**
 * The child JVM of {@link SignalProcessTest}: prints what happens, one line each, while its parent
 * sends it signals.
 */
public final class SignalChild {
    private SignalChild() {}

    /**
     * Runs the scenario; the JVM ends with 143, as the JVM's own SIGTERM handler exits. With the
     * argument {@code ignored-hup} (started with SIGHUP ignored) it only reports the refusal.
     */
    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("ignored-hup")) {
            try {
                Asyncio.run(() -> Signals.addSignalHandler("SIGHUP", () -> {}));
                System.out.println("HUP accepted");
            } catch (IllegalStateException e) {
                System.out.println(e.getMessage());
            }
            return;
        }
        // The JVM keeps SIGUSR2 for itself: refused, and left as it was.
        try {
            Asyncio.run(() -> Signals.addSignalHandler("USR2", () -> {}));
            System.out.println("USR2 accepted");
        } catch (IllegalStateException e) {
            System.out.println("USR2 refused");
        }
        // A SIGTERM from outside runs the callback on the loop.
        Asyncio.run(() -> {
            Event got = new Event();
            Signals.addSignalHandler("SIGTERM", () -> {
                System.out.println("callback on thread " + Thread.currentThread().getName());
                got.set();
            });
            System.out.println("ready");
            got.await();
            System.out.println("got SIGTERM");
            // The handler is left in place: closing the loop removes it, as asyncio's close().
        });
        System.out.println("loop closed");
        // The JVM's own handler is back: the next SIGTERM exits with 143.
        sun.misc.Signal.raise(new sun.misc.Signal("TERM"));
        Thread.currentThread().join(); // until the exit
    }
}
