package io.jasyncio;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * One daemon thread per JVM that looks at the loops running in debug mode and samples a step or
 * callback that has run past its loop's {@code slowCallbackDuration} while it is still running
 * ({@link EventLoop#watchdogCheck(long)}): a step that never returns is reported too. It exists only
 * once a loop has run in debug mode, and idles (parked) while no loop is watched.
 */
final class Watchdog {
    private Watchdog() {}

    private static final Set<EventLoop> LOOPS = ConcurrentHashMap.newKeySet();
    private static Thread thread;

    /** Starts watching {@code loop} (called on its thread when it first runs an entry in debug mode). */
    static void watch(EventLoop loop) {
        LOOPS.add(loop);
        synchronized (Watchdog.class) {
            if (thread == null) {
                thread = Thread.ofPlatform().daemon().name("jasyncio-watchdog").start(Watchdog::run);
            } else {
                LockSupport.unpark(thread);
            }
        }
    }

    /** Stops watching {@code loop} (it stopped running). */
    static void unwatch(EventLoop loop) {
        LOOPS.remove(loop);
    }

    private static void run() {
        while (true) {
            if (LOOPS.isEmpty()) {
                LockSupport.park(Watchdog.class);
                continue;
            }
            double shortest = Double.MAX_VALUE;
            long now = SystemClock.realNanos();
            for (EventLoop loop : LOOPS) {
                try {
                    loop.watchdogCheck(now);
                } catch (RuntimeException e) {
                    // A report that failed (a toString that throws) must not stop the watchdog.
                }
                shortest = Math.min(shortest, loop.getSlowCallbackDuration());
            }
            // Check four times per threshold, between 5 ms and 250 ms apart.
            long tick = (long) Math.min(250e6, Math.max(5e6, shortest * 1e9 / 4));
            LockSupport.parkNanos(Watchdog.class, tick);
        }
    }
}
