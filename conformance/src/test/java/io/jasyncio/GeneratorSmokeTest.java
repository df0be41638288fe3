package io.jasyncio;

import static io.jasyncio.Asyncio.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jasyncio.testing.AsyncioExtension;
import io.jasyncio.testing.VirtualClock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The generator machinery's basic promises, on both engines. */
@ExtendWith(AsyncioExtension.class)
class GeneratorSmokeTest {

    record Node(Node left, int key, Node right) {}

    static void visit(Node n, Yielder<Integer> out) {
        if (n == null) {
            return;
        }
        visit(n.left, out);
        out.yield(n.key);
        visit(n.right, out);
    }

    @Test
    void syncGeneratorYieldsFromNestedCalls() {
        Node tree = new Node(new Node(null, 1, new Node(null, 2, null)), 3, new Node(null, 4, null));
        List<Integer> keys = new ArrayList<>();
        for (int k : Generator.<Integer>of(out -> visit(tree, out))) {
            keys.add(k);
        }
        assertThat(keys).containsExactly(1, 2, 3, 4);
    }

    @Test
    void asyncGeneratorSuspendsTheTaskBetweenYields(VirtualClock clock) {
        List<String> log = new ArrayList<>();
        AsyncGenerator<Integer> counter = AsyncGenerator.of(out -> {
            for (int i = 0; i < 3; i++) {
                log.add("yield " + i + " at " + clock.time());
                out.yield(i);
                sleep(1);
            }
        });
        Task<?> other = createTask(() -> {
            for (int i = 0; i < 3; i++) {
                log.add("other " + i);
                sleep(1);
            }
        });
        for (int v : counter) {
            log.add("got " + v);
        }
        other.await();
        assertThat(log).containsExactly("yield 0 at 0.0", "got 0", "other 0", "yield 1 at 1.0", "got 1", "other 1",
                "yield 2 at 2.0", "got 2", "other 2");
        assertThat(counter.isClosed()).isTrue();
    }

    @Test
    void acloseRunsFinallyThatSuspends(VirtualClock clock) {
        List<String> log = new ArrayList<>();
        AsyncGenerator<Integer> gen = AsyncGenerator.of(out -> {
            try {
                out.yield(1);
                out.yield(2);
            } finally {
                log.add("cleanup start");
                sleep(5);
                log.add("cleanup end at " + clock.time());
            }
        });
        try (gen) {
            for (int v : gen) {
                log.add("got " + v);
                break;
            }
        }
        assertThat(log).containsExactly("got 1", "cleanup start", "cleanup end at 5.0");
        assertThat(gen.isClosed()).isTrue();
    }

    @Test
    void athrowCaughtAndNotCaught() {
        AsyncGenerator<String> gen = AsyncGenerator.of(out -> {
            try {
                out.yield("a");
            } catch (IllegalArgumentException e) {
                out.yield("caught " + e.getMessage());
            }
        });
        assertThat(gen.anext()).isEqualTo("a");
        assertThat(gen.athrow(new IllegalArgumentException("x"))).isEqualTo("caught x");
        IllegalStateException boom = new IllegalStateException("boom");
        assertThatThrownBy(() -> gen.athrow(boom)).isSameAs(boom);
        assertThat(gen.isClosed()).isTrue();
        assertThatThrownBy(gen::anext).isInstanceOf(StopAsyncIteration.class);
    }

    @Test
    void anotherTaskGetsAlreadyRunning(VirtualClock clock) {
        AsyncGenerator<Integer> gen = AsyncGenerator.of(out -> {
            sleep(1);
            out.yield(1);
        });
        Task<Integer> first = createTask(gen::anext);
        sleep(0.5);
        assertThat(gen.isRunning()).isTrue();
        assertThatThrownBy(gen::anext).isInstanceOf(IllegalStateException.class).hasMessageContaining("already running");
        assertThat(first.await()).isEqualTo(1);
    }

    @Test
    void abandonedSyncGeneratorIsClosedAfterCollection() throws InterruptedException {
        java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);
        startAndDrop(closed);
        for (int i = 0; i < 200 && closed.getCount() > 0; i++) {
            System.gc();
            closed.await(50, java.util.concurrent.TimeUnit.MILLISECONDS);
        }
        assertThat(closed.getCount()).as("finally block ran after the generator was collected").isZero();
    }

    private static void startAndDrop(java.util.concurrent.CountDownLatch closed) {
        Generator<Integer> g = Generator.of(out -> {
            try {
                out.yield(1);
                out.yield(2);
            } finally {
                closed.countDown();
            }
        });
        assertThat(g.next()).isEqualTo(1);
    }

    @Test
    void aTaskStartedEagerlyInsideTheBodyCannotYieldForIt(EventLoop loop) {
        loop.setTaskFactory(eagerTaskFactory());
        List<Throwable> errors = new ArrayList<>();
        AsyncGenerator<Integer> gen = AsyncGenerator.of(out -> {
            Task<?> t = createTask(() -> {
                try {
                    out.yield(99);
                } catch (IllegalStateException e) {
                    errors.add(e);
                }
            });
            assertThat(t.done()).isTrue();
            out.yield(1);
        });
        assertThat(gen.anext()).isEqualTo(1);
        assertThat(errors).singleElement().extracting(Throwable::getMessage).asString().contains("yield called");
        gen.aclose();
    }

    @Test
    void sendAndGeneratorStream() {
        Generator<Integer> echo = Generator.of(out -> {
            int total = 0;
            while (true) {
                Integer got = out.yield(total);
                total += got;
            }
        });
        assertThat(echo.next()).isEqualTo(0);
        assertThat(echo.send(5)).isEqualTo(5);
        assertThat(echo.send(7)).isEqualTo(12);
        echo.close();
        assertThat(echo.isClosed()).isTrue();
        try (var s = Generator.<Integer>of(out -> {
            for (int i = 0; i < 10; i++) {
                out.yield(i);
            }
        }).stream()) {
            assertThat(s.filter(i -> i % 2 == 0).limit(3).toList()).containsExactly(0, 2, 4);
        }
    }
}
