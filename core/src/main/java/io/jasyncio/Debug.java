package io.jasyncio;

import java.util.Arrays;

/** Debug-mode helpers: creation sites of handles, futures and tasks. */
final class Debug {
    private Debug() {}

    /** How many frames of a creation site to keep (asyncio's DEBUG_STACK_DEPTH is 10). */
    static final int STACK_DEPTH = 10;

    /** Whether debug mode is on by default: {@code JASYNCIO_DEBUG=1} or {@code -Djasyncio.debug=true}. */
    static boolean enabledByEnvironment() {
        String env = System.getenv("JASYNCIO_DEBUG");
        if (env != null && !env.isEmpty() && !env.equals("0")) {
            return true;
        }
        return Boolean.getBoolean("jasyncio.debug");
    }

    /** The caller's frames outside jasyncio's own classes, innermost first. */
    static StackTraceElement[] creationSite() {
        StackTraceElement[] all = new Throwable().getStackTrace();
        int i = 0;
        while (i < all.length && all[i].getClassName().startsWith("io.jasyncio.")
                && !all[i].getClassName().startsWith("io.jasyncio.examples.")) {
            i++;
        }
        return Arrays.copyOfRange(all, i, Math.min(all.length, i + STACK_DEPTH));
    }
}
