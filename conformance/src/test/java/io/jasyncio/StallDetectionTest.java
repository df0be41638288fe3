package io.jasyncio;

import static io.jasyncio.Asyncio.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * A loop that can never make progress again says so at once, instead of hanging: in debug mode
 * run() throws LoopStalledError naming any deadlock; otherwise one warning is logged and the loop
 * keeps waiting for other threads. Real clock, no sleeps: a stall is detected the moment the loop
 * would wait with nothing to wake it.
 */
class StallDetectionTest {

    @Test
    void aStallWithNoCycleIsReportedWithTheTaskTree() {
        Event never = new Event();
        LoopStalledError e = catchThrowableOfType(LoopStalledError.class, () -> run(() -> {
            Task<?> child = createTask(never::await, "waiter");
            child.await();
            return null;
        }, true));
        assertThat(e).isNotNull();
        assertThat(e.isDeadlock()).isFalse();
        assertThat(e.getMessage()).contains("the event loop is stalled", "(T) waiter [awaiting <Event [unset, waiters:1]>]",
                "awaiting task 'waiter'");
        assertThat(e.dump().tasks()).extracting(TaskDump.TaskInfo::name).contains("waiter");
    }

    @Test
    void aDeadlockBetweenTwoTasksAndTwoLocksIsNamed() {
        LoopStalledError e = catchThrowableOfType(LoopStalledError.class, () -> run(() -> {
            Lock a = new Lock();
            Lock b = new Lock();
            Task<?> one = createTask(() -> crossLock(a, b), "one");
            Task<?> two = createTask(() -> crossLock(b, a), "two");
            gather(one, two);
            return null;
        }, true));
        assertThat(e).isNotNull();
        assertThat(e.isDeadlock()).isTrue();
        assertThat(e.getMessage()).contains("the event loop is deadlocked",
                "deadlock: task 'one' awaits <Lock [locked, waiters:1]>, waiting for task 'two'; task 'two' awaits"
                        + " <Lock [locked, waiters:1]>, waiting for task 'one'");
    }

    private static Object crossLock(Lock first, Lock second) {
        try (var _ = first.acquire()) {
            sleep(0);
            try (var _ = second.acquire()) {
                return null;
            }
        }
    }

    @Test
    void outsideDebugModeTheStallIsLoggedOnceAndAnotherThreadCanStillCallIn() throws Exception {
        Logger jul = Logger.getLogger("jasyncio");
        List<String> warnings = new ArrayList<>();
        try (Runner runner = new Runner(false, null)) {
            EventLoop loop = runner.getLoop();
            Future<String> rescue = loop.createFuture();
            Handler h = new Handler() {
                @Override
                public void publish(LogRecord r) {
                    if (r.getMessage().contains("stalled")) {
                        warnings.add(r.getMessage());
                        // Another thread answers only after the warning: the loop must still be listening.
                        Thread.ofPlatform().start(() -> loop.callSoonThreadsafe(() -> rescue.setResult("rescued")));
                    }
                }

                @Override
                public void flush() {}

                @Override
                public void close() {}
            };
            jul.addHandler(h);
            try {
                assertThat(runner.run(rescue::await)).isEqualTo("rescued");
            } finally {
                jul.removeHandler(h);
            }
        }
        assertThat(warnings).hasSize(1);
    }
}
