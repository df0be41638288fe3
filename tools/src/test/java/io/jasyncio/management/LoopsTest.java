package io.jasyncio.management;

import static org.assertj.core.api.Assertions.assertThat;

import io.jasyncio.EventLoop;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The registry of live loops behind the MXBean: what it lists, and that it keeps nothing alive. */
class LoopsTest {

    @Test
    void a_loop_is_listed_from_its_first_run_until_it_is_closed() {
        EventLoop loop = new EventLoop();
        assertThat(listed()).doesNotContain(loop);
        String runner = Thread.currentThread().getName(); // a task may run on a thread of its own (portable engine)
        loop.runUntilComplete(() -> {
            assertThat(Loops.live()).filteredOn(l -> l.loop() == loop).singleElement()
                    .extracting(Loops.Live::thread).isEqualTo(runner);
        });
        assertThat(listed()).as("ran, not closed").contains(loop);
        loop.close();
        assertThat(listed()).doesNotContain(loop);
    }

    @Test
    void the_registry_keeps_no_loop_alive() throws InterruptedException {
        ReferenceQueue<EventLoop> collected = new ReferenceQueue<>();
        WeakReference<EventLoop> closed = runAndDrop(true, collected);
        WeakReference<EventLoop> open = runAndDrop(false, collected);
        for (int i = 0; i < 200 && (closed.get() != null || open.get() != null); i++) {
            System.gc();
            collected.remove(50);
        }
        assertThat(closed.get()).as("a closed loop").isNull();
        assertThat(open.get()).as("a loop dropped without close()").isNull();
    }

    private static WeakReference<EventLoop> runAndDrop(boolean close, ReferenceQueue<EventLoop> queue) {
        EventLoop loop = new EventLoop();
        loop.runUntilComplete(() -> {});
        assertThat(listed()).contains(loop);
        if (close) {
            loop.close();
        }
        return new WeakReference<>(loop, queue);
    }

    private static List<EventLoop> listed() {
        return Loops.live().stream().map(Loops.Live::loop).toList();
    }
}
