package io.jasyncio.engine;

import java.lang.System.Logger.Level;

/**
 * Chooses the coroutine engine once per JVM.
 *
 * <p>The system property {@code jasyncio.engine} forces one ({@code continuation} or
 * {@code portable}; it may come through {@code JAVA_TOOL_OPTIONS}). Without it the continuation
 * engine is used when {@code java.base} exports {@code jdk.internal.vm} to jasyncio, and the
 * portable engine otherwise, with one log line saying how to get the fast one.
 */
public final class Engines {
    private Engines() {}

    /** The system property that forces an engine. */
    public static final String PROPERTY = "jasyncio.engine";

    private static volatile Engine current;

    /** The engine of this JVM, chosen on first use. */
    public static Engine current() {
        Engine e = current;
        if (e == null) {
            synchronized (Engines.class) {
                e = current;
                if (e == null) {
                    current = e = choose();
                }
            }
        }
        return e;
    }

    /** Whether the continuation engine can be used in this JVM (the export is present). */
    public static boolean continuationsAvailable() {
        return Object.class.getModule().isExported("jdk.internal.vm", Engines.class.getModule());
    }

    private static Engine choose() {
        String forced = System.getProperty(PROPERTY, "").trim();
        switch (forced) {
            case "portable":
                return new VirtualThreadEngine();
            case "continuation":
                if (!continuationsAvailable()) {
                    throw new IllegalStateException("-D" + PROPERTY + "=continuation needs the JVM flag"
                            + " --add-exports java.base/jdk.internal.vm=ALL-UNNAMED (the ./jasyncio launcher"
                            + " and the jar's manifest supply it)");
                }
                return loadContinuationEngine();
            case "":
                if (continuationsAvailable()) {
                    return loadContinuationEngine();
                }
                System.getLogger("jasyncio").log(Level.INFO, "jasyncio: using the portable (virtual-thread)"
                        + " engine; add --add-exports java.base/jdk.internal.vm=ALL-UNNAMED for the faster"
                        + " continuation engine");
                return new VirtualThreadEngine();
            default:
                throw new IllegalArgumentException("-D" + PROPERTY + "=" + forced
                        + ": expected 'continuation' or 'portable'");
        }
    }

    private static Engine loadContinuationEngine() {
        try {
            return (Engine) Class.forName("io.jasyncio.engine.ContinuationEngine")
                    .getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot load the continuation engine", e);
        }
    }
}
