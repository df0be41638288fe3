package io.jasyncio.testing;

import static io.jasyncio.Asyncio.createTask;
import static io.jasyncio.Asyncio.sleep;
import static org.assertj.core.api.Assertions.assertThat;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.Clock;
import io.jasyncio.EventLoop;
import io.jasyncio.Task;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link AsyncioExtension} seen from inside: each test method is the main task of a fresh loop on a
 * fresh virtual clock. The failure paths (a loop that reported an error) are driven directly in
 * {@link AsyncioExtensionCallbacksTest}.
 */
@ExtendWith(AsyncioExtension.class)
class AsyncioExtensionTest {

    private static final Set<EventLoop> LOOPS = ConcurrentHashMap.newKeySet();
    private static final Set<VirtualClock> CLOCKS = ConcurrentHashMap.newKeySet();
    private static final List<Task<?>> LEFT_RUNNING = Collections.synchronizedList(new ArrayList<>());
    private static final List<String> CLEANUPS = Collections.synchronizedList(new ArrayList<>());

    @AfterAll
    static void tasksLeftRunningWereCancelledAndCleanedUp() {
        assertThat(LEFT_RUNNING).isNotEmpty().allSatisfy(t -> assertThat(t.cancelled()).isTrue());
        assertThat(CLEANUPS).containsExactly("cleanup ran at 1000.0");
        assertThat(LOOPS).allSatisfy(l -> assertThat(l.isClosed()).isTrue());
    }

    @Test
    void theTestMethodRunsAsTheMainTaskOfTheInjectedLoop(EventLoop loop) {
        assertThat(Asyncio.getRunningLoop()).isSameAs(loop);
        assertThat(Asyncio.currentTask()).isNotNull();
        assertThat(loop.currentTask()).isSameAs(Asyncio.currentTask());
        assertThat(loop.isRunning()).isTrue();
        assertThat(LOOPS.add(loop)).as("a fresh loop per test").isTrue();
    }

    @Test
    void theVirtualClockIsTheLoopsClockAndStartsAtZero(EventLoop loop, VirtualClock clock) {
        assertThat(loop.clock()).isSameAs(clock);
        assertThat(clock.autojump()).isTrue();
        assertThat(clock.time()).isEqualTo(0.0);
        assertThat(CLOCKS.add(clock)).as("a fresh clock per test").isTrue();
        sleep(100);
        assertThat(clock.time()).isEqualTo(100.0);
        assertThat(LOOPS.add(loop)).isTrue();
    }

    @Test
    void anotherTestAlsoStartsAtZero(EventLoop loop, VirtualClock clock) {
        assertThat(clock.time()).isEqualTo(0.0);
        assertThat(CLOCKS.add(clock)).isTrue();
        sleep(50);
        assertThat(LOOPS.add(loop)).isTrue();
    }

    @Test
    void suspendingMethodsWorkFromAnyDepthOfTheTestMethod() {
        assertThat(nested(3)).isEqualTo(3);
    }

    private static int nested(int n) {
        if (n == 0) {
            sleep(1);
            return 0;
        }
        return 1 + nested(n - 1);
    }

    @Test
    void theExceptionRecorderSeesTheLoopsReportsAndTheTestTakesCharge(EventLoop loop, ExceptionRecorder recorder) {
        assertThat(loop.getExceptionHandler()).isSameAs(recorder);
        loop.callSoon(() -> {
            throw new IllegalStateException("reported");
        });
        sleep(0);
        sleep(0);
        assertThat(recorder.messages()).singleElement().asString().startsWith("Exception in callback");
        assertThat(recorder.contexts().get(0).exception()).hasMessage("reported");
        recorder.clear();
        assertThat(recorder.contexts()).isEmpty();
        // Left reported: this test asked for the recorder, so it does not fail for it.
        loop.callSoon(() -> {
            throw new IllegalStateException("left reported");
        });
        sleep(0);
    }

    @Test
    void tasksLeftRunningAreCancelledAndAwaitedAfterTheTest(EventLoop loop, VirtualClock clock) {
        LOOPS.add(loop);
        LEFT_RUNNING.add(createTask(() -> {
            try {
                sleep(1_000_000);
            } catch (CancelledError e) {
                sleep(1000 - clock.time());
                CLEANUPS.add("cleanup ran at " + clock.time());
                throw e;
            }
        }));
        sleep(0);
    }

    @Test
    @RealTime
    void realTimeTestsRunOnTheSystemClock(EventLoop loop) {
        assertThat(loop.clock()).isSameAs(Clock.system()).isNotInstanceOf(VirtualClock.class);
        double t0 = loop.time();
        sleep(0.001);
        assertThat(loop.time()).isGreaterThan(t0);
        LOOPS.add(loop);
    }

    @Test
    void aPlainTestWithoutParametersRuns() {
        assertThat(Asyncio.getRunningLoop().clock()).isInstanceOf(VirtualClock.class);
    }

    @Nested
    @RealTime
    @ExtendWith(AsyncioExtension.class)
    class WholeClassInRealTime {
        @Test
        void everyTestOfTheClassRunsOnTheSystemClock(EventLoop loop) {
            assertThat(loop.clock()).isSameAs(Clock.system());
        }
    }
}
