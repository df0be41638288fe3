package io.jasyncio.tools;

import static io.jasyncio.Asyncio.currentTask;
import static io.jasyncio.Asyncio.getRunningLoop;
import static io.jasyncio.Asyncio.sleep;
import static io.jasyncio.Asyncio.taskGroup;

import io.jasyncio.Asyncio;
import io.jasyncio.Event;
import io.jasyncio.Lock;

/**
 * The process that {@link PsTest} looks at: a main task in a task group with three children, which
 * prints {@value #READY} when every task is suspended where the test expects it, and then runs until
 * it is killed.
 *
 * <pre>
 * main            awaiting the group's children
 * ├── holder      holds the lock, sleeping for an hour (so the loop has a timer: no stall)
 * ├── waiter      awaiting the event, which nobody sets
 * └── locker      awaiting the lock, waiting for holder
 * </pre>
 */
public final class PsTarget {
    /** The line printed when the tasks are in place. */
    static final String READY = "ready";

    private PsTarget() {}

    /**
     * Runs the program.
     *
     * @param args none
     */
    public static void main(String[] args) {
        Asyncio.run(() -> {
            currentTask().setName("main");
            Event event = new Event();
            Lock lock = new Lock();
            taskGroup(tg -> {
                tg.createTask(() -> {
                    try (var _ = lock.acquire()) {
                        sleep(3600);
                    }
                }, "holder");
                tg.createTask(() -> {
                    event.await();
                }, "waiter");
                tg.createTask(() -> {
                    try (var _ = lock.acquire()) {
                        return;
                    }
                }, "locker");
                // Runs in the next iteration after the three children's first steps, which leave
                // each suspended; by then this task is suspended on the group's exit as well.
                getRunningLoop().callSoon(() -> {
                    System.out.println(READY);
                    System.out.flush();
                });
            });
        });
    }
}
