package io.jasyncio;

/** The child JVM of {@link RunnerSigintTest}: one Ctrl-C scenario, reported one line at a time. */
public final class RunnerSigintChild {
    private RunnerSigintChild() {}

    /** {@code cleanup}: the main task cleans up and ends; {@code stubborn}: it ignores the first cancellation. */
    public static void main(String[] args) {
        boolean stubborn = args[0].equals("stubborn");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println("shutdown hook ran")));
        try {
            Asyncio.run(() -> {
                System.out.println("ready");
                try {
                    Asyncio.sleep(3600);
                } catch (CancelledError e) {
                    if (!stubborn) {
                        System.out.println("main task cancelled: cleaning up");
                        throw e;
                    }
                    System.out.println("main task ignores the cancellation");
                    Asyncio.getRunningLoop().createFuture().await(); // forever
                }
            });
            System.out.println("run returned");
        } catch (KeyboardInterrupt e) {
            System.out.println("KeyboardInterrupt caused by " + e.getCause().getClass().getSimpleName());
            System.out.flush();
            Runtime.getRuntime().halt(130);
        }
    }
}
