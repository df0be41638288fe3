package io.jasyncio.bench;

import io.jasyncio.engine.Engines;

/**
 * Picks jasyncio's coroutine engine for this JVM. The engine is chosen once per JVM (on the first
 * loop), so every benchmark calls this in its trial setup, before it creates a loop; JMH runs each
 * {@code engine} parameter value in its own fork, so both engines are measured in fresh JVMs.
 */
final class EngineChoice {
    private EngineChoice() {}

    /** Forces {@code engine} ({@code continuation} or {@code portable}) and checks that it took. */
    static void use(String engine) {
        System.setProperty(Engines.PROPERTY, engine);
        String actual = Engines.current().name();
        if (!actual.equals(engine)) {
            throw new IllegalStateException("wanted the " + engine + " engine, but this JVM already uses the "
                    + actual + " engine (was a loop created before the setup ran?)");
        }
    }
}
