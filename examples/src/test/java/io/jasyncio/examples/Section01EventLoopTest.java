package io.jasyncio.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.jasyncio.EventLoop;
import io.jasyncio.testing.AsyncioExtension;
import io.jasyncio.testing.VirtualClock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

class Section01EventLoopTest {

    @Test
    @ExtendWith(AsyncioExtension.class)
    void sayHelloPrintsWorldOneSecondAfterHello(VirtualClock clock) {
        TimedOutput out = new TimedOutput(clock::time);

        new Section01EventLoop(out.stream()).sayHello();

        assertThat(out.transcript()).containsExactly(
                "[0.000] Hello",
                "[1.000] World");
    }

    /*
     * The program itself makes its loops (asyncio.run, then one by hand), so it cannot run inside a
     * test loop: this test runs it on the test thread with both loops on one virtual clock, so the
     * times add up as the Python's real times do (0, 1, 1, 2).
     */
    @Test
    void programSaysHelloOnceWithRunAndOnceWithAHandMadeLoop() {
        VirtualClock clock = new VirtualClock();
        TimedOutput out = new TimedOutput(clock::time);
        List<EventLoop> loops = new ArrayList<>();

        new Section01EventLoop(out.stream(), () -> {
            EventLoop loop = new EventLoop(clock);
            loops.add(loop);
            return loop;
        }).program();

        assertThat(out.transcript()).containsExactly(
                "[0.000] Hello",
                "[1.000] World",
                "[1.000] Hello",
                "[2.000] World");
        assertThat(loops).hasSize(2).allMatch(EventLoop::isClosed);
    }
}
