package io.jasyncio.engine;

/**
 * A task tried to suspend while its stack held a frame that the JVM cannot suspend.
 *
 * <p>On JDK 25 a continuation cannot yield through a native frame (a JNI call that calls back
 * into Java, a class's static initializer, a method invoked through a native upcall) or inside a
 * JDK critical section. {@code synchronized} blocks do not pin on JDK 25. The message names the
 * cause and the remedy; see docs/adr/0002-what-pins-a-continuation.md.
 *
 * <p>It is an {@link Error}, like {@code CancelledError}, because no ordinary {@code catch
 * (Exception e)} in the pinned code can recover from it: the code has to be restructured.
 */
public final class PinnedStackError extends Error {
    private static final long serialVersionUID = 1L;

    /** The reason reported by the JVM ({@code NATIVE}, {@code CRITICAL_SECTION}, ...). */
    private final String reason;

    /** Creates the error for the JVM's pinning reason, with the explanation for that reason. */
    public PinnedStackError(String reason) {
        super(explain(reason));
        this.reason = reason;
    }

    /** The JVM's pinning reason: {@code NATIVE}, {@code MONITOR}, {@code CRITICAL_SECTION} or {@code EXCEPTION}. */
    public String reason() {
        return reason;
    }

    private static String explain(String reason) {
        String cause = switch (reason) {
            case "NATIVE" -> "a native frame is on the task's stack (a static initializer <clinit>,"
                    + " a JNI or foreign-function upcall into Java, or a method called reflectively"
                    + " from native code)";
            case "MONITOR" -> "the task holds a monitor that this JVM cannot move off the thread";
            case "CRITICAL_SECTION" -> "the task is inside a JDK critical section that must not be"
                    + " interrupted (for example class loading or a JDK lock's internals)";
            case "EXCEPTION" -> "the JVM is in the middle of handling an exception in a frame that"
                    + " cannot be suspended";
            default -> "the JVM refused to suspend the stack (" + reason + ")";
        };
        return "cannot suspend the current task: " + cause + ". Remedy: move the suspending call"
                + " (sleep, await, a lock, a queue ...) out of that frame: compute the value"
                + " before or after it, or run the blocking part with Asyncio.toThread(...).";
    }
}
