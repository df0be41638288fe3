package io.jasyncio;

import java.util.Arrays;
import java.util.Set;

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

    /** The caller's frames outside jasyncio's kernel and the JDK's reflection, innermost first. */
    static StackTraceElement[] creationSite() {
        StackTraceElement[] all = new Throwable().getStackTrace();
        int i = 0;
        while (i < all.length && (isKernelFrame(all[i]) || isJdkFrame(all[i]))) {
            i++;
        }
        return Arrays.copyOfRange(all, i, Math.min(all.length, i + STACK_DEPTH));
    }

    /**
     * The kernel's classes: frames of these are jasyncio's machinery, not the user's code. An explicit
     * list, not the {@code io.jasyncio.} prefix, which user and test code may share.
     */
    private static final Set<String> KERNEL_CLASSES = Set.of(
            "io.jasyncio.Asyncio", "io.jasyncio.EventLoop", "io.jasyncio.Future", "io.jasyncio.Task",
            "io.jasyncio.Handle", "io.jasyncio.TimerHandle", "io.jasyncio.SleepTimer", "io.jasyncio.Gathering",
            "io.jasyncio.Interop", "io.jasyncio.Runner", "io.jasyncio.Debug", "io.jasyncio.Context",
            "io.jasyncio.ContextVar", "io.jasyncio.Coroutine", "io.jasyncio.Throwables", "io.jasyncio.Unretrieved",
            "io.jasyncio.AsyncGenerator", "io.jasyncio.Generator", "io.jasyncio.GeneratorCore", "io.jasyncio.WaitQueue");

    /** Whether the frame belongs to jasyncio's kernel (its classes, their nested classes and lambdas, the engines). */
    static boolean isKernelFrame(StackTraceElement e) {
        String c = e.getClassName();
        if (c.startsWith("io.jasyncio.engine.")) {
            return true;
        }
        int nested = c.indexOf('$');
        return KERNEL_CLASSES.contains(nested < 0 ? c : c.substring(0, nested));
    }

    /** Whether the frame is the JDK's own (reflection, string building, continuations). */
    static boolean isJdkFrame(StackTraceElement e) {
        String c = e.getClassName();
        return c.startsWith("java.") || c.startsWith("jdk.") || c.startsWith("sun.");
    }

    /** Objects whose toString is running on this thread: breaks repr cycles (asyncio's recursive_repr). */
    private static final ThreadLocal<java.util.IdentityHashMap<Object, Boolean>> IN_REPR =
            ThreadLocal.withInitial(java.util.IdentityHashMap::new);

    /** Marks {@code o} as being printed; false if it already is (a cycle). */
    static boolean enterRepr(Object o) {
        return IN_REPR.get().put(o, Boolean.TRUE) == null;
    }

    static void leaveRepr(Object o) {
        IN_REPR.get().remove(o);
    }
}
