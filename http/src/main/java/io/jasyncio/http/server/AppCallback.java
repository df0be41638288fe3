package io.jasyncio.http.server;

/**
 * A lifecycle callback of an {@link Application}: aiohttp's {@code on_startup}, {@code on_shutdown}
 * and {@code on_cleanup} signal handlers. Runs in the task that starts or stops the runner, and may
 * suspend (open a database pool on startup, close it on cleanup).
 */
@FunctionalInterface
public interface AppCallback {

    /**
     * Runs the callback.
     *
     * @param app the application starting or stopping
     * @throws Exception reported by the runner (startup: the start fails; shutdown and cleanup: the
     *     other callbacks still run, and the first exception is thrown at the end)
     */
    void run(Application app) throws Exception;
}
