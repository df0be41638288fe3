package io.jasyncio;

import static io.jasyncio.Asyncio.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.jasyncio.testing.AsyncioExtension;
import io.jasyncio.testing.ExceptionRecorder;
import io.jasyncio.testing.VirtualClock;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link AsyncGenerator}: CPython 3.13's test_asyncgen.py (AsyncGenTest, AsyncGenAsyncioTest) where
 * it applies, and the generator promises of issue 5: yield at any depth, closing (explicit, early
 * {@code break} with try-with-resources, at loop shutdown, after garbage collection), cancellation
 * of the consumer, "already running", context variables, nesting. Each test states the order of
 * events or the exact exception. Python's {@code 1 / 0} is {@link #divideByZero()}, its
 * {@code RuntimeError} is {@link IllegalStateException}, its {@code TypeError} on a bad send is
 * {@link IllegalArgumentException}.
 */
class AsyncGeneratorTest {

    static int divideByZero() {
        int zero = 0;
        return 1 / zero;
    }

    /** Throws {@code e}; for finally blocks, where javac's lint flags a plain throw. */
    static void raise(RuntimeException e) {
        throw e;
    }

    record Node(Node left, int key, Node right) {}

    /** An in-order walk that yields from every depth: no "async for ... yield" chain between levels. */
    static void walk(Node n, Yielder<Integer> out) {
        if (n == null) {
            return;
        }
        walk(n.left, out);
        sleep(1);
        out.yield(n.key);
        walk(n.right, out);
    }

    /** Counts down from {@code n}, one recursion level per value: the last value is yielded {@code n} frames deep. */
    static void countDown(int n, Yielder<Integer> out) {
        if (n == 0) {
            return;
        }
        out.yield(n);
        sleep(0);
        countDown(n - 1, out);
    }

    /** The exception's class and message up to the first parenthesis (the advice after it may change). */
    static String messageOf(Throwable e) {
        String m = e.getMessage();
        int cut = m == null ? -1 : m.indexOf(" (");
        return e.getClass().getSimpleName() + ": " + (cut < 0 ? m : m.substring(0, cut));
    }

    /**
     * Runs {@code action} and returns what the "jasyncio" logger received meanwhile, messages
     * formatted as they arrived (System.getLogger without a LoggerFinder is java.util.logging).
     */
    static List<LogRecord> capturingTheLog(Runnable action) {
        return capturingTheLog(live -> action.run());
    }

    /** {@link #capturingTheLog(Runnable)} for an action that watches the records as they arrive. */
    static List<LogRecord> capturingTheLog(Consumer<List<LogRecord>> action) {
        List<LogRecord> records = Collections.synchronizedList(new ArrayList<>());
        Logger jul = Logger.getLogger("jasyncio");
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                // formatted now, as a console handler would: the parameters' toString changes later
                r.setMessage(getFormatter().formatMessage(r));
                r.setParameters(null);
                records.add(r);
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        capture.setFormatter(new SimpleFormatter());
        jul.addHandler(capture);
        try {
            action.accept(records);
        } finally {
            jul.removeHandler(capture);
        }
        synchronized (records) {
            return List.copyOf(records);
        }
    }

    /** Runs {@code action}; returns the messages about async generators logged meanwhile, each checked to be a WARNING. */
    static List<String> generatorWarnings(Runnable action) {
        return capturingTheLog(action).stream().filter(r -> r.getMessage().startsWith("asynchronous generator "))
                .map(r -> {
                    assertThat(r.getLevel()).as(r.getMessage()).isEqualTo(Level.WARNING);
                    return r.getMessage();
                }).toList();
    }

    /** The frames ("\tat ...") of a logged creation site. */
    static List<String> frames(String report) {
        return report.lines().filter(line -> line.startsWith("\tat ")).toList();
    }

    /** test_asyncgen.py compare_generators' sync_iterate. */
    static List<String> iterateSync(Generator<Integer> g) {
        List<String> res = new ArrayList<>();
        while (true) {
            try {
                res.add(String.valueOf(g.next()));
            } catch (NoSuchElementException e) {
                res.add("STOP");
                return res;
            } catch (RuntimeException e) {
                res.add(e.getClass().getSimpleName());
            }
        }
    }

    /** test_asyncgen.py compare_generators' async_iterate. */
    static List<String> iterateAsync(AsyncGenerator<Integer> g) {
        List<String> res = new ArrayList<>();
        while (true) {
            try {
                res.add(String.valueOf(g.anext()));
            } catch (StopAsyncIteration e) {
                res.add("STOP");
                return res;
            } catch (RuntimeException e) {
                res.add(e.getClass().getSimpleName());
            }
        }
    }

    @Nested
    @ExtendWith(AsyncioExtension.class)
    class Iteration {

        @Test
        void valuesComeOutInOrderAndYieldReturnsNullForAPlainNext() {
            // test_async_gen_iteration_01
            List<Object> sentIn = new ArrayList<>();
            AsyncGenerator<Integer> gen = AsyncGenerator.of(out -> {
                sleep(0);
                sentIn.add(out.yield(123));
                sleep(0);
                out.yield(456);
                sleep(0);
                out.yield(789);
            });
            List<Integer> values = new ArrayList<>();
            for (int v : gen) {
                values.add(v);
            }
            assertThat(values).containsExactly(123, 456, 789);
            assertThat(sentIn).containsExactly((Object) null);
            assertThat(gen.isClosed()).isTrue();
        }

        @Test
        void theBodySleepsBetweenYieldsAndTheEndIsStopAsyncIteration(VirtualClock clock) {
            // test_async_gen_asyncio_01, test_async_gen_iteration_02
            List<String> log = new ArrayList<>();
            AsyncGenerator<Integer> gen = AsyncGenerator.of(out -> {
                out.yield(1);
                sleep(1);
                out.yield(2);
                sleep(1);
                log.add("body returns at " + clock.time());
            });
            log.add("got " + gen.anext() + " at " + clock.time());
            log.add("got " + gen.anext() + " at " + clock.time());
            assertThatThrownBy(gen::anext).isExactlyInstanceOf(StopAsyncIteration.class);
            log.add("ended at " + clock.time());
            assertThatThrownBy(gen::anext).isExactlyInstanceOf(StopAsyncIteration.class);
            assertThat(log).containsExactly("got 1 at 0.0", "got 2 at 1.0", "body returns at 2.0", "ended at 2.0");
        }

        @Test
        void anExceptionFromTheBodyLeavesTheForEachAndEndsTheGenerator() {
            // test_async_gen_asyncio_02, test_async_gen_exception_04
            List<Integer> values = new ArrayList<>();
            AsyncGenerator<Integer> gen = AsyncGenerator.of(out -> {
                out.yield(1);
                sleep(0.01);
                out.yield(2);
                divideByZero();
                out.yield(3);
            });
            Throwable e = catchThrowable(() -> {
                for (int v : gen) {
                    values.add(v);
                }
            });
            assertThat(e).isExactlyInstanceOf(ArithmeticException.class);
            assertThat(values).containsExactly(1, 2);
            assertThat(gen.isClosed()).isTrue();
            assertThatThrownBy(gen::anext).isExactlyInstanceOf(StopAsyncIteration.class);
        }

        @Test
        void yieldWorksFromNestedAndRecursiveCalls(VirtualClock clock) {
            // Issue 5: Python needs "async for x in walk(child): yield x" at each level; here the
            // recursive helper yields through the same Yielder from any depth.
            Node tree = new Node(new Node(null, 1, new Node(null, 2, null)), 3, new Node(null, 4, null));
            List<String> log = new ArrayList<>();
            try (AsyncGenerator<Integer> keys = AsyncGenerator.of(out -> walk(tree, out))) {
                for (int k : keys) {
                    log.add(k + " at " + clock.time());
                }
            }
            assertThat(log).containsExactly("1 at 1.0", "2 at 2.0", "3 at 3.0", "4 at 4.0");
            // and through a lambda of a JDK method: List.forEach is not a generator, yet it yields
            List<Integer> fromForEach = new ArrayList<>();
            for (int v : AsyncGenerator.<Integer>of(out -> List.of(7, 8, 9).forEach(out::yield))) {
                fromForEach.add(v);
            }
            assertThat(fromForEach).containsExactly(7, 8, 9);
        }

        @Test
        void yieldAtRecursionDepthOneThousand(VirtualClock clock) {
            // Issue 5: deep stacks are frozen and resumed at every yield and sleep.
            List<String> log = new ArrayList<>();
            AsyncGenerator<Integer> gen = AsyncGenerator.of(out -> {
                try {
                    countDown(1000, out);
                    log.add("bottom reached");
                } finally {
                    log.add("finally");
                }
            });
            long sum = 0;
            int count = 0;
            int last = -1;
            for (int v : gen) {
                sum += v;
                count++;
                last = v;
            }
            assertThat(count).isEqualTo(1000);
            assertThat(sum).isEqualTo(1000L * 1001 / 2);
            assertThat(last).isEqualTo(1);
            assertThat(log).containsExactly("bottom reached", "finally");

            // closed while suspended 500 frames deep: the GeneratorExit unwinds all of them
            log.clear();
            AsyncGenerator<Integer> deep = AsyncGenerator.of(out -> {
                try {
                    countDown(1000, out);
                } finally {
                    log.add("finally after unwinding");
                }
            });
            for (int i = 0; i < 500; i++) {
                deep.anext();
            }
            deep.aclose();
            assertThat(log).containsExactly("finally after unwinding");
            assertThat(deep.isClosed()).isTrue();
        }

        @Test
        void aBodyThatIteratesAnotherGenerator(VirtualClock clock) {
            // test_async_gen_expression_01: (i * 2 async for i in arange(n))
            List<String> log = new ArrayList<>();
            Supplier<AsyncGenerator<Integer>> arange = () -> AsyncGenerator.of(out -> {
                try {
                    for (int i = 0; i < 5; i++) {
                        sleep(0.01);
                        out.yield(i);
                    }
                } finally {
                    log.add("inner finally");
                }
            });
            AsyncGenerator<Integer> doubled = AsyncGenerator.of(out -> {
                try (AsyncGenerator<Integer> inner = arange.get()) {
                    for (int i : inner) {
                        out.yield(i * 2);
                    }
                } finally {
                    log.add("outer finally");
                }
            });
            List<Integer> values = new ArrayList<>();
            for (int v : doubled) {
                values.add(v);
            }
            assertThat(values).containsExactly(0, 2, 4, 6, 8);
            assertThat(log).containsExactly("inner finally", "outer finally");

            // closing the outer at its yield closes the inner first (its try-with-resources)
            log.clear();
            AsyncGenerator<Integer> again = AsyncGenerator.of(out -> {
                try (AsyncGenerator<Integer> inner = arange.get()) {
                    for (int i : inner) {
                        out.yield(i * 2);
                    }
                } finally {
                    log.add("outer finally");
                }
            });
            assertThat(again.anext()).isEqualTo(0);
            assertThat(again.anext()).isEqualTo(2);
            again.aclose();
            assertThat(log).containsExactly("inner finally", "outer finally");
        }

        @Test
        void aBodyThatCreatesTasksAndAwaitsThemInFinally(VirtualClock clock) {
            // test_async_gen_asyncio_aclose_12
            List<String> log = new ArrayList<>();
            AsyncGenerator<Integer> gen = AsyncGenerator.of(out -> {
                Task<Integer> target = createTask(() -> {
                    sleep(0.01);
                    return divideByZero();
                });
                try {
                    out.yield(1);
                } finally {
                    try {
                        target.await();
                    } catch (ArithmeticException e) {
                        log.add("task failed as expected at " + clock.time());
                    }
                }
            });
            assertThat(gen.anext()).isEqualTo(1);
            gen.aclose();
            assertThat(log).containsExactly("task failed as expected at 0.01");
            assertThat(allTasks()).containsExactly(currentTask());
        }

        @Test
        void aBodyThatGathersTasksItCreated(VirtualClock clock) {
            // Issue 5: tasks created inside the body run concurrently while the body awaits them.
            List<String> log = new ArrayList<>();
            AsyncGenerator<List<String>> batches = AsyncGenerator.of(out -> {
                for (int batch = 0; batch < 2; batch++) {
                    int b = batch;
                    Task<String> slow = createTask(() -> sleep(2, "slow" + b));
                    Task<String> fast = createTask(() -> sleep(1, "fast" + b));
                    out.yield(gather(slow, fast));
                }
            });
            for (List<String> results : batches) {
                log.add(results + " at " + clock.time());
            }
            assertThat(log).containsExactly("[slow0, fast0] at 2.0", "[slow1, fast1] at 4.0");
        }

        @Test
        void theBodySeesTheConsumerTasksContextVariables() {
            // Python runs an async generator's body in the context of the task awaiting it: each
            // step sees that task's values, and what the body sets is seen by that task.
            ContextVar<String> var = new ContextVar<>("var", "unset");
            List<String> log = new ArrayList<>();
            AsyncGenerator<Integer> gen = AsyncGenerator.of(out -> {
                for (int i = 0; i < 3; i++) {
                    log.add("body sees " + var.get());
                    var.set("set-by-body-" + i);
                    out.yield(i);
                    sleep(1);
                }
            });
            for (String name : List.of("A", "B")) {
                createTask(() -> {
                    var.set(name);
                    int v = gen.anext();
                    log.add(name + " got " + v + ", sees " + var.get());
                }).await();
            }
            assertThat(var.get()).isEqualTo("unset");
            assertThat(log).containsExactly("body sees A", "A got 0, sees set-by-body-0", "body sees B",
                    "B got 1, sees set-by-body-1");
            gen.aclose();
        }

        @Test
        void currentTaskInsideTheBodyIsTheConsumer() {
            List<Task<?>> seen = new ArrayList<>();
            AsyncGenerator<Integer> gen = AsyncGenerator.of(out -> {
                seen.add(currentTask());
                sleep(0);
                seen.add(currentTask());
                out.yield(1);
                seen.add(currentTask());
            });
            Task<Integer> first = createTask(gen::anext);
            assertThat(first.await()).isEqualTo(1);
            Task<?> second = createTask(() -> {
                assertThatThrownBy(gen::anext).isInstanceOf(StopAsyncIteration.class);
            });
            second.await();
            assertThat(seen).containsExactly(first, first, second);
        }

        @Test
        void aStopAsyncIterationRaisedInTheBodyBecomesIllegalStateException() {
            // test_async_gen_exception_05: RuntimeError "async generator raised StopAsyncIteration"
            StopAsyncIteration raised = new StopAsyncIteration();
            AsyncGenerator<Integer> gen = AsyncGenerator.of(out -> {
                out.yield(123);
                throw raised;
            });
            List<Integer> values = new ArrayList<>();
            Throwable e = catchThrowable(() -> {
                for (int v : gen) {
                    values.add(v);
                }
            });
            assertThat(values).containsExactly(123);
            assertThat(e).isExactlyInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("async generator raised StopAsyncIteration")
                    .hasCause(raised);
            assertThat(gen.isClosed()).isTrue();
            assertThatThrownBy(gen::anext).isExactlyInstanceOf(StopAsyncIteration.class);
        }

        @Test
        void aNoSuchElementExceptionRaisedInTheBodyBecomesIllegalStateException() {
            // test_async_gen_exception_06: RuntimeError "async generator raised StopIteration". Java's
            // StopIteration is NoSuchElementException, and StopAsyncIteration is one: a consumer that
            // catches NoSuchElementException around anext() would take a stray one from the body for
            // the end of the iteration (the hazard PEP 479 removed).
            AsyncGenerator<Integer> gen = AsyncGenerator.of(out -> {
                out.yield(123);
                List.<Integer>of().iterator().next();
            });
            assertThat(gen.anext()).isEqualTo(123);
            assertThatThrownBy(gen::anext).isExactlyInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("async generator raised NoSuchElementException")
                    .hasCauseExactlyInstanceOf(NoSuchElementException.class);
        }

        @Test
        void yieldsInFinallyWhileAnExceptionIsPendingMatchTheSyncGenerator() {
            // test_async_gen_exception_07, _08, _09 (compare_generators): the same body as a sync
            // and as an async generator gives the same sequence of values and exceptions.
            List<String> expected07 = List.of("1", "2", "3", "ArithmeticException", "STOP");
            assertThat(iterateSync(Generator.of(out -> {
                try {
                    out.yield(1);
                    divideByZero();
                } finally {
                    out.yield(2);
                    out.yield(3);
                }
                out.yield(100);
            }))).isEqualTo(expected07);
            assertThat(iterateAsync(AsyncGenerator.of(out -> {
                try {
                    out.yield(1);
                    divideByZero();
                } finally {
                    out.yield(2);
                    out.yield(3);
                }
                out.yield(100);
            }))).isEqualTo(expected07);

            List<String> expected08 = List.of("1", "2", "ArithmeticException", "STOP");
            assertThat(iterateSync(Generator.<Integer>of(out -> {
                try {
                    out.yield(1);
                } finally {
                    out.yield(2);
                    divideByZero();
                    out.yield(3);
                }
                out.yield(100);
            }))).isEqualTo(expected08);
            assertThat(iterateAsync(AsyncGenerator.<Integer>of(out -> {
                try {
                    out.yield(1);
                    sleep(0);
                } finally {
                    sleep(0);
                    out.yield(2);
                    divideByZero();
                    out.yield(3);
                }
                out.yield(100);
            }))).isEqualTo(expected08);

            assertThat(iterateAsync(AsyncGenerator.of(out -> {
                try {
                    sleep(0);
                    out.yield(1);
                    divideByZero();
                } finally {
                    out.yield(2);
                    sleep(0);
                    out.yield(3);
                }
                out.yield(100);
            }))).isEqualTo(expected07);
        }

        @Test
        void aGeneratorExitThrownIntoAnInnerGeneratorCanBeCaughtByTheOuterBody() {
            // test_async_gen_exception_11
            AsyncGenerator<Integer> wrapper = AsyncGenerator.of(out -> {
                out.yield(1);
                AsyncGenerator<Integer> inner = AsyncGenerator.of(in -> {
                    in.yield(10);
                    in.yield(20);
                });
                inner.asend(null);
                try {
                    inner.athrow(new GeneratorExit());
                } catch (GeneratorExit e) {
                    out.yield(2);
                }
                out.yield(3);
            });
            assertThat(iterateAsync(wrapper)).containsExactly("1", "2", "3", "STOP");
        }

        @Test
        void aBodyThatAdvancesItsOwnGeneratorGetsAlreadyRunning() {
            // test_async_gen_exception_12: "anext(): asynchronous generator is already running"
            AtomicReference<AsyncGenerator<Integer>> me = new AtomicReference<>();
            List<String> log = new ArrayList<>();
            me.set(AsyncGenerator.of(out -> {
                log.add("running: " + me.get().isRunning());
                Throwable e = catchThrowable(() -> me.get().anext());
                log.add(e.getClass().getSimpleName() + ": " + e.getMessage());
                out.yield(123);
            }));
            assertThat(me.get().anext()).isEqualTo(123);
            assertThat(log).hasSize(2);
            assertThat(log.get(0)).isEqualTo("running: true");
            assertThat(log.get(1)).startsWith("IllegalStateException: anext(): async generator is already running");
            assertThat(me.get().isRunning()).isFalse();
            me.get().aclose();
        }

        @Test
        void twoTasksIteratingTheSameGenerator(VirtualClock clock) {
            // Issue 5; test_async_gen_asend_throw_concurrent_with_send: while one task is suspended
            // inside the body, the other gets "already running"; between yields either may advance it.
            List<String> log = Collections.synchronizedList(new ArrayList<>());
            AsyncGenerator<Integer> gen = AsyncGenerator.of(out -> {
                for (int i = 0; i < 4; i++) {
                    sleep(1);
                    out.yield(i);
                }
            });
            Task<?> a = createTask(() -> {
                for (int v : gen) {
                    log.add("A got " + v + " at " + clock.time());
                    sleep(1.5);
                }
                log.add("A saw the end at " + clock.time());
            });
            Task<?> b = createTask(() -> {
                sleep(0.5); // A is inside the body, sleeping
                Throwable e = catchThrowable(gen::anext);
                log.add("B: " + e.getMessage().substring(0, e.getMessage().indexOf(" (")) + " at " + clock.time());
                sleep(0.75); // t=1.25: A is in its own loop body; the generator waits at a yield
                log.add("B got " + gen.anext() + " at " + clock.time());
            });
            gather(a, b);
            assertThat(log).containsExactly(
                    "B: anext(): async generator is already running at 0.5",
                    "A got 0 at 1.0",
                    "B got 1 at 2.25",
                    // A asked at 2.5 while B's step ran from 1.25 to 2.25; it is free again
                    "A got 2 at 3.5",
                    "A got 3 at 6.0",
                    "A saw the end at 7.5");
        }

        @Test
        void yieldCalledOutsideTheBodyIsIllegalState(VirtualClock clock) {
            // Issue 5: after the generator ended, from another task (generator suspended at a yield,
            // and generator running), from a task created by the body, from another generator's body.
            AtomicReference<Yielder<Integer>> yielder = new AtomicReference<>();
            List<String> log = new ArrayList<>();
            AsyncGenerator<Integer> gen = AsyncGenerator.of(out -> {
                yielder.set(out);
                out.yield(1);
                // a task created here that yields while the body awaits it (the generator is running)
                Task<?> child = createTask(() -> out.yield(-1));
                log.add("child: " + messageOf(catchThrowable(child::await)));
                // a task created here that runs while the generator waits at its yield
                Task<?> later = createTask(() -> out.yield(-2));
                out.yield(2);
                log.add("later: " + messageOf(catchThrowable(later::await)));
                // another generator's body using this one's yielder
                AsyncGenerator<Integer> other = AsyncGenerator.of(o -> out.yield(-3));
                log.add("other body: " + messageOf(catchThrowable(other::anext)));
                sleep(1); // meanwhile, another task yields while this body is suspended here
                out.yield(3);
            });
            assertThat(gen.anext()).isEqualTo(1);
            Task<?> stranger = createTask(() -> yielder.get().yield(-4));
            log.add("stranger at a yield: " + messageOf(catchThrowable(stranger::await)));
            assertThat(gen.anext()).isEqualTo(2);
            sleep(0); // "later" runs now
            Task<?> strangerWhileRunning = createTask(() -> {
                sleep(0.5);
                yielder.get().yield(-5);
            });
            assertThat(gen.anext()).isEqualTo(3);
            log.add("stranger while running: " + messageOf(catchThrowable(strangerWhileRunning::await)));
            assertThatThrownBy(gen::anext).isInstanceOf(StopAsyncIteration.class);
            log.add("after the end: " + messageOf(catchThrowable(() -> yielder.get().yield(-6))));
            assertThat(log).containsExactly(
                    "stranger at a yield: IllegalStateException: yield called outside the async generator's body",
                    "child: IllegalStateException: yield called outside its generator's body",
                    "later: IllegalStateException: yield called outside the async generator's body",
                    "other body: IllegalStateException: yield called outside its generator's body",
                    "stranger while running: IllegalStateException: yield called outside its generator's body",
                    "after the end: IllegalStateException: yield called outside the async generator's body");
        }

        @Test
        void nullIsAValueLikeAnyOther() {
            // Python's `yield None` / `yield` is a value, not the end.
            List<Integer> values = new ArrayList<>();
            for (Integer v : AsyncGenerator.<Integer>of(out -> {
                out.yield(null);
                out.yield(1);
                out.yield(null);
            })) {
                values.add(v);
            }
            assertThat(values).containsExactly(null, 1, null);
        }

        @Test
        void aCheckedExceptionFromTheBodyReachesTheConsumerUnchanged() {
            // GeneratorBody.run's contract: checked exceptions propagate unchanged (not wrapped).
            IOException failure = new IOException("disk on fire");
            AsyncGenerator<Integer> gen = AsyncGenerator.of(out -> {
                out.yield(1);
                sleep(0);
                throw failure;
            });
            assertThat(gen.anext()).isEqualTo(1);
            assertThat(catchThrowable(gen::anext)).isSameAs(failure);
            assertThat(gen.isClosed()).isTrue();
        }

        @Test
        void hasNextFetchesAheadAndAnextTakesTheFetchedValue() {
            // jasyncio's for-each bridge: hasNext() runs the body to its next yield; anext() then
            // returns that value, and asend/athrow refuse to skip it.
            List<String> log = new ArrayList<>();
            AsyncGenerator<Integer> gen = AsyncGenerator.of(out -> {
                for (int i = 0; i < 3; i++) {
                    log.add("body yields " + i);
                    out.yield(i);
                }
            });
            var it = gen.iterator();
            assertThat(it.hasNext()).isTrue();
            assertThat(it.hasNext()).isTrue();
            assertThat(log).containsExactly("body yields 0");
            assertThatThrownBy(() -> gen.asend(5)).isExactlyInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("asend(): hasNext() already fetched the next value");
            assertThatThrownBy(() -> gen.athrow(new IllegalArgumentException()))
                    .isExactlyInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("athrow(): hasNext() already fetched the next value");
            assertThat(gen.anext()).isEqualTo(0);
            assertThat(it.next()).isEqualTo(1);
            assertThat(gen.anext()).isEqualTo(2);
            assertThat(it.hasNext()).isFalse();
            assertThatThrownBy(it::next).isExactlyInstanceOf(NoSuchElementException.class);
        }

        @Test
        void chainsOfNestedGeneratorsInSeveralTasksInterleave(VirtualClock clock) {
            // Each task is suspended two generators deep; the loop switches between whole chains.
            List<String> log = Collections.synchronizedList(new ArrayList<>());
            BiFunction<String, Double, AsyncGenerator<String>> ticks = (name, period) ->
                    AsyncGenerator.of(out -> {
                        for (int i = 0; i < 3; i++) {
                            sleep(period);
                            out.yield(name + i);
                        }
                    });
            BiFunction<String, Double, AsyncGenerator<String>> labelled = (name, period) ->
                    AsyncGenerator.of(out -> {
                        try (AsyncGenerator<String> inner = ticks.apply(name, period)) {
                            for (String t : inner) {
                                out.yield(t + "@" + clock.time());
                            }
                        }
                    });
            Task<?> a = createTask(() -> {
                for (String v : labelled.apply("a", 1.0)) {
                    log.add(v);
                }
            });
            Task<?> b = createTask(() -> {
                for (String v : labelled.apply("b", 1.5)) {
                    log.add(v);
                }
            });
            gather(a, b);
            assertThat(log).containsExactly("a0@1.0", "b0@1.5", "a1@2.0", "b1@3.0", "a2@3.0", "b2@4.5");
        }

        @Test
        void aGeneratorStartedInsideAnotherBodyIsLaterAdvancedByTheTaskItself() {
            // The resumer of a generator may change between steps: here the outer body, then the task.
            AsyncGenerator<Integer> inner = AsyncGenerator.of(out -> {
                for (int i = 0; i < 4; i++) {
                    sleep(0);
                    out.yield(i);
                }
            });
            AsyncGenerator<Integer> outer = AsyncGenerator.of(out -> {
                out.yield(inner.anext() * 10);
                out.yield(inner.anext() * 10);
            });
            assertThat(outer.anext()).isEqualTo(0);
            assertThat(inner.anext()).isEqualTo(1);
            assertThat(outer.anext()).isEqualTo(20);
            assertThat(inner.anext()).isEqualTo(3);
            assertThatThrownBy(outer::anext).isInstanceOf(StopAsyncIteration.class);
            assertThatThrownBy(inner::anext).isInstanceOf(StopAsyncIteration.class);
        }
    }

    @Nested
    @ExtendWith(AsyncioExtension.class)
    class SendAndThrow {

        @Test
        void asendReturnsTheNextValueAndIsTheYieldsResult(VirtualClock clock) {
            // test_async_gen_asyncio_anext_05, test_async_gen_asyncio_asend_01
            List<String> log = new ArrayList<>();
            AsyncGenerator<Integer> gen = AsyncGenerator.of(out -> {
                try {
                    sleep(0.01);
                    Integer v = out.yield(1);
                    sleep(0.01);
                    out.yield(v * 2);
                    sleep(0.01);
                } finally {
                    sleep(0.01);
                    sleep(0.01);
                    log.add("finally done at " + clock.time());
                }
            });
            assertThat(gen.asend(null)).isEqualTo(1);
            assertThat(gen.asend(100)).isEqualTo(200);
            assertThatThrownBy(() -> gen.asend(null)).isExactlyInstanceOf(StopAsyncIteration.class);
            assertThat(log).containsExactly("finally done at 0.05");

            AsyncGenerator<Integer> echo = AsyncGenerator.of(out -> {
                Integer v = out.yield(1);
                v = out.yield(v);
                out.yield(v * 100);
            });
            assertThat(echo.anext()).isEqualTo(1);
            assertThat(echo.asend(10)).isEqualTo(10);
            assertThat(echo.asend(12)).isEqualTo(1200);
            assertThatThrownBy(echo::anext).isExactlyInstanceOf(StopAsyncIteration.class);
        }

        @Test
        void asendOfANonNullValueToAJustStartedGeneratorIsRefused() {
            // test_async_gen_exception_10: TypeError "can't send non-None value to a just-started
            // async generator"; the generator has not started and can still be advanced.
            List<String> log = new ArrayList<>();
            AsyncGenerator<Integer> gen = AsyncGenerator.of(out -> {
                log.add("body runs");
                out.yield(123);
            });
            assertThatThrownBy(() -> gen.asend(100)).isExactlyInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("asend(): can't send a non-null value to a just-started async generator");
            assertThat(log).isEmpty();
            assertThat(gen.isClosed()).isFalse();
            assertThat(gen.anext()).isEqualTo(123);
            assertThat(log).containsExactly("body runs");
            gen.aclose();
        }

        @Test
        void athrowCaughtByTheBodyReturnsItsNextValue(VirtualClock clock) {
            // test_async_gen_asyncio_athrow_01, test_async_gen_asyncio_anext_04 (run2)
            class FooEr extends RuntimeException {}
            List<String> log = new ArrayList<>();
            AsyncGenerator<Integer> gen = AsyncGenerator.of(out -> {
                try {
                    sleep(0.01);
                    int v;
                    try {
                        v = out.<Integer>yield(1);
                    } catch (FooEr e) {
                        v = 1000;
                        sleep(0.01);
                    }
                    out.yield(v * 2);
                    sleep(0.01);
                } finally {
                    sleep(0.01);
                    sleep(0.01);
                    log.add("finally done at " + clock.time());
                }
            });
            assertThat(gen.asend(null)).isEqualTo(1);
            assertThat(gen.athrow(new FooEr())).isEqualTo(2000);
            assertThatThrownBy(() -> gen.asend(null)).isExactlyInstanceOf(StopAsyncIteration.class);
            assertThat(log).containsExactly("finally done at 0.05");
        }

        @Test
        void athrowNotCaughtPropagatesAfterTheFinallyAndClosesTheGenerator() {
            // test_async_gen_asyncio_athrow_02 (without the cancellation); the uncaught case of issue 5
            List<String> log = new ArrayList<>();
            AsyncGenerator<Integer> gen = AsyncGenerator.of(out -> {
                try {
                    out.yield(1);
                    log.add("not reached");
                } finally {
                    log.add("finally start");
                    sleep(1);
                    log.add("finally end");
                }
            });
            assertThat(gen.anext()).isEqualTo(1);
            IllegalArgumentException thrown = new IllegalArgumentException("into the body");
            assertThatThrownBy(() -> gen.athrow(thrown)).isSameAs(thrown);
            log.add("athrow returned");
            assertThat(log).containsExactly("finally start", "finally end", "athrow returned");
            assertThat(gen.isClosed()).isTrue();
            assertThatThrownBy(gen::anext).isExactlyInstanceOf(StopAsyncIteration.class);
        }

        @Test
        void athrowCaughtAndTheBodyEndsIsStopAsyncIteration() {
            // test_async_gen_asyncio_athrow_03, test_async_gen_asyncio_anext_06
            List<String> log = new ArrayList<>();
            AsyncGenerator<Integer> gen = AsyncGenerator.of(out -> {
                try {
                    out.yield(null);
                } catch (Throwable e) { // Python's bare except:
                    log.add("caught " + e.getClass().getSimpleName());
                }
                log.add("body ends");
            });
            gen.asend(null);
            assertThatThrownBy(() -> gen.athrow(new IllegalArgumentException()))
                    .isExactlyInstanceOf(StopAsyncIteration.class);
            log.add("after athrow");
            assertThat(log).containsExactly("caught IllegalArgumentException", "body ends", "after athrow");

            log.clear();
            AsyncGenerator<Integer> plain = AsyncGenerator.of(out -> {
                try {
                    out.yield(null);
                } catch (Throwable e) {
                    log.add("caught " + e);
                }
                log.add("body ends");
            });
            plain.asend(null);
            assertThatThrownBy(() -> plain.asend(null)).isExactlyInstanceOf(StopAsyncIteration.class);
            assertThat(log).containsExactly("body ends");
        }

        @Test
        void aCancelledFutureInsideTheBodyPropagatesAfterTheFinally(EventLoop loop, VirtualClock clock) {
            // test_async_gen_asyncio_asend_03, test_async_gen_asyncio_athrow_02
            class FooEr extends RuntimeException {}
            List<String> log = new ArrayList<>();
            Runnable sleepAndCrash = () -> {
                Task<Void> fut = createTask(() -> sleep(0.01));
                loop.callLater(0.005, fut::cancel);
                fut.await();
            };
            AsyncGenerator<Integer> gen = AsyncGenerator.of(out -> {
                try {
                    sleep(0.01);
                    try {
                        out.yield(1);
                    } catch (FooEr e) {
                        sleepAndCrash.run();
                    }
                    log.add("not reached");
                } finally {
                    sleep(0.01);
                    sleep(0.01);
                    log.add("finally done at " + clock.time());
                }
            });
            assertThat(gen.asend(null)).isEqualTo(1);
            assertThatThrownBy(() -> gen.athrow(new FooEr())).isInstanceOf(CancelledError.class);
            log.add("athrow raised CancelledError");
            assertThat(log).containsExactly("finally done at 0.035", "athrow raised CancelledError");
            assertThat(gen.isClosed()).isTrue();
            assertThat(currentTask().cancelling()).isZero();
        }

        @Test
        void anErrorInTheBodyAfterAsendPropagatesAfterTheFinally(VirtualClock clock) {
            // test_async_gen_asyncio_asend_02
            List<String> log = new ArrayList<>();
            AsyncGenerator<Integer> gen = AsyncGenerator.of(out -> {
                try {
                    sleep(0.01);
                    Integer v = out.yield(1);
                    sleep(0.01);
                    divideByZero();
                    out.yield(v * 2);
                } finally {
                    sleep(0.01);
                    log.add("finally done at " + clock.time());
                }
            });
            assertThat(gen.asend(null)).isEqualTo(1);
            assertThatThrownBy(() -> gen.asend(100)).isExactlyInstanceOf(ArithmeticException.class);
            assertThat(log).containsExactly("finally done at 0.03");
        }

        @Test
        void notStartedGenerator() {
            // Issue 5: athrow/aclose/asend on a generator that never ran. athrow: the exception
            // leaves at once, the body never runs, the generator is closed (Python's gen.throw on a
            // fresh frame); aclose: nothing runs, closed; asend(null): runs to the first yield.
            List<String> log = new ArrayList<>();
            Supplier<AsyncGenerator<Integer>> make = () -> AsyncGenerator.of(out -> {
                log.add("body");
                try {
                    out.yield(1);
                } finally {
                    log.add("finally");
                }
            });
            AsyncGenerator<Integer> thrownInto = make.get();
            IllegalArgumentException e = new IllegalArgumentException("ns");
            assertThatThrownBy(() -> thrownInto.athrow(e)).isSameAs(e);
            assertThat(thrownInto.isClosed()).isTrue();
            assertThatThrownBy(thrownInto::anext).isExactlyInstanceOf(StopAsyncIteration.class);

            AsyncGenerator<Integer> closed = make.get();
            closed.aclose();
            assertThat(closed.isClosed()).isTrue();
            assertThatThrownBy(closed::anext).isExactlyInstanceOf(StopAsyncIteration.class);
            assertThat(log).isEmpty();

            AsyncGenerator<Integer> sent = make.get();
            assertThat(sent.asend(null)).isEqualTo(1);
            sent.aclose();
            assertThat(log).containsExactly("body", "finally");
        }

        @Test
        void suspendedGenerator() {
            // Issue 5: at a yield: asend's value is the yield's result, athrow is thrown there,
            // aclose throws GeneratorExit there (test_async_gen_asyncio_aclose_10: a body that
            // catches it and ends closes normally).
            List<String> log = new ArrayList<>();
            AsyncGenerator<Integer> gen = AsyncGenerator.of(out -> {
                while (true) {
                    try {
                        Object got = out.yield(0);
                        log.add("sent " + got);
                    } catch (IllegalArgumentException e) {
                        log.add("thrown " + e.getMessage());
                    } catch (Throwable e) { // Python's bare except:
                        log.add("caught " + e.getClass().getSimpleName());
                        break;
                    }
                }
                log.add("body ends");
            });
            gen.anext();
            gen.asend("x");
            gen.athrow(new IllegalArgumentException("y"));
            gen.aclose();
            log.add("aclose returned");
            assertThat(log).containsExactly("sent x", "thrown y", "caught GeneratorExit", "body ends", "aclose returned");
            assertThat(gen.isClosed()).isTrue();
        }

        @Test
        void exhaustedGenerator() {
            // Issue 5; test_async_gen_aclose_after_exhaustion, test_async_gen_aclose_twice_with_different_coros:
            // asend/anext raise StopAsyncIteration, aclose does nothing (twice too).
            AsyncGenerator<Integer> gen = AsyncGenerator.of(out -> {
                out.yield(1);
                out.yield(2);
            });
            List<Integer> values = new ArrayList<>();
            for (int v : gen) {
                values.add(v);
            }
            assertThat(values).containsExactly(1, 2);
            assertThatThrownBy(() -> gen.asend(null)).isExactlyInstanceOf(StopAsyncIteration.class);
            assertThatThrownBy(gen::anext).isExactlyInstanceOf(StopAsyncIteration.class);
            gen.aclose();
            gen.aclose();
            assertThat(gen.isClosed()).isTrue();

            AsyncGenerator<Integer> neverStarted = AsyncGenerator.of(out -> out.yield(1));
            neverStarted.aclose();
            neverStarted.aclose();
        }

        @Test
        void athrowOnAnExhaustedGeneratorReturnsNull() {
            // async_gen_athrow_send: "if (gen->gi_frame_state >= FRAME_COMPLETED) -> StopIteration",
            // so `await agen.athrow(ValueError())` on an exhausted or aclose()d generator is None,
            // the exception is not raised. Checked on CPython 3.10, 3.11, 3.12 and 3.13.
            AsyncGenerator<Integer> gen = AsyncGenerator.of(out -> out.yield(1));
            for (int ignored : gen) {
                // exhaust it
            }
            assertThat(gen.athrow(new IllegalArgumentException("x"))).isNull();
            AsyncGenerator<Integer> closed = AsyncGenerator.of(out -> out.yield(1));
            closed.anext();
            closed.aclose();
            assertThat(closed.athrow(new IllegalArgumentException("x"))).isNull();
        }
    }

    @Nested
    @ExtendWith(AsyncioExtension.class)
    class Closing {

        @Test
        void acloseRunsAFinallyThatSuspendsAndSkipsTheRest(VirtualClock clock) {
            // test_async_gen_asyncio_aclose_07, _08
            List<String> log = new ArrayList<>();
            Future<Object> fut = Asyncio.getRunningLoop().createFuture();
            AsyncGenerator<Integer> gen = AsyncGenerator.of(out -> {
                try {
                    out.yield(1);
                    fut.await();
                    log.add("not reached 1");
                    out.yield(2);
                } finally {
                    sleep(0.01);
                    sleep(0.01);
                    log.add("finally done at " + clock.time());
                }
                log.add("not reached 2");
            });
            assertThat(gen.anext()).isEqualTo(1);
            gen.aclose();
            log.add("aclose returned at " + clock.time());
            assertThat(log).containsExactly("finally done at 0.02", "aclose returned at 0.02");
            fut.cancel();
        }

        @Test
        void yieldingInFinallyDuringAcloseIsIgnoredGeneratorExit() {
            // test_async_gen_asyncio_aclose_06, _11: RuntimeError "async generator ignored GeneratorExit"
            List<String> log = new ArrayList<>();
            AsyncGenerator<Integer> gen = AsyncGenerator.of(out -> {
                try {
                    out.yield(1);
                    divideByZero();
                } finally {
                    sleep(0.01);
                    log.add("finally yields");
                    out.yield(12);
                }
            });
            assertThat(gen.anext()).isEqualTo(1);
            assertThatThrownBy(gen::aclose).isExactlyInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("async generator ignored GeneratorExit");
            assertThat(log).containsExactly("finally yields");

            log.clear();
            AsyncGenerator<Integer> catcher = AsyncGenerator.of(out -> {
                try {
                    out.yield(null);
                } catch (Throwable e) { // Python's bare except:
                    log.add("caught " + e.getClass().getSimpleName());
                }
                out.yield(null);
                log.add("not reached");
            });
            catcher.asend(null);
            assertThatThrownBy(catcher::aclose).isExactlyInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("ignored GeneratorExit");
            assertThat(log).containsExactly("caught GeneratorExit");
        }

        @Test
        void earlyBreakInTryWithResourcesClosesBeforeTheNextStatement(VirtualClock clock) {
            // Issue 5: `async with aclosing(gen): async for v in gen: break` closes at the block's end.
            List<String> log = new ArrayList<>();
            AsyncGenerator<Integer> gen = AsyncGenerator.of(out -> {
                try {
                    for (int i = 0; ; i++) {
                        out.yield(i);
                    }
                } finally {
                    log.add("finally start at " + clock.time());
                    sleep(2);
                    log.add("finally end at " + clock.time());
                }
            });
            try (gen) {
                for (int v : gen) {
                    log.add("got " + v);
                    if (v == 1) {
                        break;
                    }
                }
                log.add("after the loop, generator open: " + !gen.isClosed());
            }
            log.add("after the block at " + clock.time() + ", closed: " + gen.isClosed());
            assertThat(log).containsExactly("got 0", "got 1", "after the loop, generator open: true",
                    "finally start at 0.0", "finally end at 2.0", "after the block at 2.0, closed: true");
        }

        @Test
        void acloseWhileTheBodyIsSuspendedInItsFinallyIsAlreadyRunning(VirtualClock clock) {
            // Issue 5; Python 3.13 (async_gen_athrow_send): "aclose(): asynchronous generator is
            // already running"; likewise anext/athrow/asend. The first close completes normally.
            List<String> log = new ArrayList<>();
            AsyncGenerator<Integer> gen = AsyncGenerator.of(out -> {
                try {
                    out.yield(1);
                    out.yield(2);
                } finally {
                    log.add("finally start at " + clock.time());
                    sleep(5);
                    log.add("finally end at " + clock.time());
                }
            });
            assertThat(gen.anext()).isEqualTo(1);
            Task<Void> closer = createTask(gen::aclose);
            sleep(1);
            assertThat(gen.isRunning()).isTrue();
            log.add(messageOf(catchThrowable(gen::aclose)));
            log.add(messageOf(catchThrowable(gen::anext)));
            log.add(messageOf(catchThrowable(() -> gen.athrow(new IllegalArgumentException()))));
            log.add(messageOf(catchThrowable(() -> gen.asend(null))));
            closer.await();
            log.add("closed at " + clock.time() + ": " + gen.isClosed() + ", running: " + gen.isRunning());
            gen.aclose(); // now a no-op
            assertThat(log).containsExactly(
                    "finally start at 0.0",
                    "IllegalStateException: aclose(): async generator is already running",
                    "IllegalStateException: anext(): async generator is already running",
                    "IllegalStateException: athrow(): async generator is already running",
                    "IllegalStateException: asend(): async generator is already running",
                    "finally end at 5.0",
                    "closed at 5.0: true, running: false");
        }

        @Test
        void acloseWhileTheConsumerIsSuspendedInTheFinallyOfANormalEnd(VirtualClock clock) {
            // Issue 5: the body left its try normally and sleeps in its finally, inside the
            // consumer's anext(): closing it from another task is "already running" as well.
            List<String> log = new ArrayList<>();
            AsyncGenerator<Integer> gen = AsyncGenerator.of(out -> {
                try {
                    out.yield(1);
                } finally {
                    log.add("finally start at " + clock.time());
                    sleep(5);
                    log.add("finally end at " + clock.time());
                }
            });
            Task<?> consumer = createTask(() -> {
                for (int v : gen) {
                    log.add("got " + v);
                }
                log.add("consumer done at " + clock.time());
            });
            sleep(1);
            log.add(messageOf(catchThrowable(gen::aclose)));
            consumer.await();
            assertThat(log).containsExactly("got 1", "finally start at 0.0",
                    "IllegalStateException: aclose(): async generator is already running",
                    "finally end at 5.0", "consumer done at 5.0");
            assertThat(gen.isClosed()).isTrue();
        }

        @Test
        void anErrorInTheFinallyDuringAcloseLeavesAcloseAndTheGeneratorIsClosed() {
            // test_generators.py GeneratorCloseTest.test_close_raises, for the async generator
            IllegalStateException failure = new IllegalStateException("cleanup failed");
            List<String> log = new ArrayList<>();
            AsyncGenerator<Integer> gen = AsyncGenerator.of(out -> {
                try {
                    out.yield(1);
                } catch (GeneratorExit e) {
                    log.add("GeneratorExit caught");
                }
                sleep(1);
                throw failure;
            });
            gen.anext();
            assertThatThrownBy(gen::aclose).isSameAs(failure);
            assertThat(log).containsExactly("GeneratorExit caught");
            assertThat(gen.isClosed()).isTrue();
            gen.aclose();
        }

        @Test
        void aBodyClosingItsOwnGeneratorGetsAlreadyRunning() {
            // Python: `await me.aclose()` inside the body: "aclose(): asynchronous generator is already running"
            AtomicReference<AsyncGenerator<Integer>> me = new AtomicReference<>();
            List<String> log = new ArrayList<>();
            me.set(AsyncGenerator.of(out -> {
                log.add(messageOf(catchThrowable(() -> me.get().aclose())));
                log.add(messageOf(catchThrowable(() -> me.get().athrow(new IllegalArgumentException()))));
                out.yield(1);
            }));
            assertThat(me.get().anext()).isEqualTo(1);
            assertThat(log).containsExactly("IllegalStateException: aclose(): async generator is already running",
                    "IllegalStateException: athrow(): async generator is already running");
            me.get().aclose();
            assertThat(me.get().isClosed()).isTrue();
        }

        @Test
        void theConsumerCancelledWhileItsAcloseWaitsInTheFinally(VirtualClock clock) {
            // The CancelledError is raised at the finally's sleep, ends the body and leaves aclose();
            // the generator is closed (Python: same, the finally's await raises CancelledError).
            List<String> log = new ArrayList<>();
            AsyncGenerator<Integer> gen = AsyncGenerator.of(out -> {
                try {
                    out.yield(1);
                } finally {
                    log.add("finally start at " + clock.time());
                    try {
                        sleep(10);
                    } catch (CancelledError e) {
                        log.add("finally cancelled at " + clock.time());
                        throw e;
                    }
                }
            });
            gen.anext();
            Task<Void> closer = createTask(gen::aclose);
            sleep(1);
            closer.cancel();
            assertThat(catchThrowable(closer::await)).isInstanceOf(CancelledError.class);
            assertThat(log).containsExactly("finally start at 0.0", "finally cancelled at 1.0");
            assertThat(gen.isClosed()).isTrue();
            assertThat(gen.isRunning()).isFalse();
            assertThatThrownBy(gen::anext).isExactlyInstanceOf(StopAsyncIteration.class);
        }

        @Test
        void acloseAsATaskWorksWithGetStack() {
            // test_async_gen_aclose_compatible_with_get_stack
            AsyncGenerator<Object> gen = AsyncGenerator.of(out -> out.yield(new Object()));
            createTask(gen::aclose);
            for (Task<?> t : allTasks()) {
                assertThat(t.getStack()).isNotNull();
            }
            sleep(0);
            assertThat(gen.isClosed()).isTrue();
        }
    }

    @Nested
    @ExtendWith(AsyncioExtension.class)
    class Cancellation {

        @Test
        void cancellingTheConsumerWhileTheGeneratorWaitsAtAYieldClosesItThroughTryWithResources(VirtualClock clock) {
            // Issue 5: the consumer is sleeping in its own loop body; its try-with-resources
            // (`async with aclosing(gen)`) closes the generator, whose finally may suspend.
            List<String> log = new ArrayList<>();
            AsyncGenerator<Integer> gen = AsyncGenerator.of(out -> {
                try {
                    for (int i = 0; ; i++) {
                        out.yield(i);
                    }
                } finally {
                    log.add("finally start at " + clock.time());
                    sleep(1);
                    log.add("finally end at " + clock.time());
                }
            });
            Task<?> consumer = createTask(() -> {
                try (gen) {
                    for (int v : gen) {
                        log.add("got " + v + " at " + clock.time());
                        sleep(10);
                    }
                }
            });
            sleep(15);
            consumer.cancel();
            assertThat(catchThrowable(consumer::await)).isInstanceOf(CancelledError.class);
            log.add("consumer cancelled at " + clock.time());
            assertThat(log).containsExactly("got 0 at 0.0", "got 1 at 10.0", "finally start at 15.0",
                    "finally end at 16.0", "consumer cancelled at 16.0");
            assertThat(consumer.cancelled()).isTrue();
            assertThat(gen.isClosed()).isTrue();
            assertThat(allTasks()).containsExactly(currentTask());
        }

        @Test
        void cancellingTheConsumerWhileTheBodySleepsRunsTheBodysCleanup(VirtualClock clock) {
            // Issue 5; test_async_gen_asyncio_shutdown_01's waiter: the CancelledError is raised
            // inside the body, at its sleep; the body's finally runs (and may suspend) and the
            // generator ends with the CancelledError, which reaches the consumer.
            List<String> log = new ArrayList<>();
            AsyncGenerator<Integer> gen = AsyncGenerator.of(out -> {
                try {
                    out.yield(1);
                    sleep(10);
                    out.yield(2);
                } catch (CancelledError e) {
                    log.add("body cancelled at " + clock.time());
                    throw e;
                } finally {
                    log.add("finally start");
                    sleep(1);
                    log.add("finally end at " + clock.time());
                }
            });
            Task<?> consumer = createTask(() -> {
                try {
                    for (int v : gen) {
                        log.add("got " + v);
                    }
                } catch (CancelledError e) {
                    log.add("consumer cancelled, generator closed: " + gen.isClosed());
                    throw e;
                }
            });
            sleep(1);
            assertThat(gen.isRunning()).isTrue();
            consumer.cancel();
            assertThat(catchThrowable(consumer::await)).isInstanceOf(CancelledError.class);
            assertThat(log).containsExactly("got 1", "body cancelled at 1.0", "finally start", "finally end at 2.0",
                    "consumer cancelled, generator closed: true");
            assertThat(gen.isClosed()).isTrue();
            assertThat(gen.isRunning()).isFalse();
            assertThat(allTasks()).containsExactly(currentTask());
        }

        @Test
        void aTimeoutExpiringInsideTheBodyRunsItsCleanupAndRaisesTimeoutError(VirtualClock clock) {
            // `async with asyncio.timeout(2.5): async for v in gen` - the cancellation lands in the
            // body's sleep; the timeout turns it into TimeoutError once the generator has ended.
            List<String> log = new ArrayList<>();
            AsyncGenerator<Integer> gen = AsyncGenerator.of(out -> {
                try {
                    for (int i = 0; ; i++) {
                        sleep(1);
                        out.yield(i);
                    }
                } finally {
                    log.add("finally at " + clock.time());
                }
            });
            Throwable e = catchThrowable(() -> timeout(2.5, () -> {
                for (int v : gen) {
                    log.add("got " + v + " at " + clock.time());
                }
            }));
            assertThat(e).isExactlyInstanceOf(TimeoutError.class);
            assertThat(log).containsExactly("got 0 at 1.0", "got 1 at 2.0", "finally at 2.5");
            assertThat(gen.isClosed()).isTrue();
            assertThat(currentTask().cancelling()).isZero();
        }

        @Test
        void noBodyFiberOutlivesItsGenerator() throws InterruptedException {
            // Issue 5 "nothing leaks". On the portable engine each body runs on a virtual thread of
            // its own, which must end with the generator: closed at a yield, exhausted, failed, or
            // ended by the consumer's cancellation. (On the continuation engine the body runs on the
            // consumer's thread.)
            List<Thread> bodyThreads = Collections.synchronizedList(new ArrayList<>());
            List<Thread> consumerThreads = Collections.synchronizedList(new ArrayList<>());
            IntFunction<AsyncGenerator<Integer>> upTo = n -> AsyncGenerator.of(out -> {
                bodyThreads.add(Thread.currentThread());
                for (int i = 0; i < n; i++) {
                    out.yield(i);
                    sleep(1);
                }
                throw new IllegalStateException("failed after " + n);
            });
            consumerThreads.add(Thread.currentThread());
            AsyncGenerator<Integer> closedAtAYield = upTo.apply(10);
            closedAtAYield.anext();
            closedAtAYield.aclose();
            AsyncGenerator<Integer> failed = upTo.apply(1);
            failed.anext();
            assertThatThrownBy(failed::anext).hasMessage("failed after 1");
            AsyncGenerator<Integer> cancelledInside = upTo.apply(10);
            Task<?> consumer = createTask(() -> {
                consumerThreads.add(Thread.currentThread());
                for (int ignored : cancelledInside) {
                    // the second step sleeps in the body
                }
            });
            sleep(0.5);
            consumer.cancel();
            assertThat(catchThrowable(consumer::await)).isInstanceOf(CancelledError.class);
            AsyncGenerator<Integer> neverStarted = upTo.apply(1);
            neverStarted.aclose();

            assertThat(List.of(closedAtAYield, failed, cancelledInside, neverStarted))
                    .allSatisfy(g -> assertThat(g.isClosed()).isTrue());
            assertThat(bodyThreads).hasSize(3);
            for (Thread t : bodyThreads) {
                if (!consumerThreads.contains(t)) {
                    t.join(Duration.ofSeconds(30)); // a bound against a hang, not a timing
                    assertThat(t.isAlive()).as("the body's thread %s has ended", t).isFalse();
                }
            }
            assertThat(allTasks()).containsExactly(currentTask());
        }

        static void sleepsInAHelper() {
            sleep(10);
        }

        static void consumesEverything(AsyncGenerator<Integer> gen) {
            for (int ignored : gen) {
                // the body sleeps in sleepsInAHelper()
            }
        }

        @Test
        void getStackOfATaskSuspendedInsideABodyShowsBothStacks() {
            // README: "Task.getStack() shows the whole Java stack of a suspended task".
            AsyncGenerator<Integer> gen = AsyncGenerator.of(out -> {
                out.yield(1);
                sleepsInAHelper();
            });
            Task<?> consumer = createTask(() -> consumesEverything(gen));
            sleep(1);
            List<String> methods = consumer.getStack().stream().map(StackTraceElement::getMethodName).toList();
            assertThat(methods).contains("sleepsInAHelper", "consumesEverything");
            assertThat(methods.indexOf("sleepsInAHelper")).isLessThan(methods.indexOf("consumesEverything"));
            consumer.cancel();
            assertThat(catchThrowable(consumer::await)).isInstanceOf(CancelledError.class);
        }

        @Test
        void theLoopClosesGeneratorsOfCancelledConsumersThatDidNotCloseThem(EventLoop loop) {
            // test_async_gen_asyncio_shutdown_01: two consumers cancelled while inside the body;
            // the bodies' finally blocks ran, so shutdownAsyncgens has nothing left to close.
            List<String> log = new ArrayList<>();
            Supplier<AsyncGenerator<Integer>> waiter = () -> AsyncGenerator.of(out -> {
                try {
                    sleep(1);
                    out.yield(1);
                } finally {
                    sleep(0);
                    log.add("finalized");
                }
            });
            VoidCoroutine wait = () -> {
                for (int ignored : waiter.get()) {
                    // never reached: cancelled during the body's sleep
                }
            };
            Task<?> t1 = createTask(wait);
            Task<?> t2 = createTask(wait);
            sleep(0.1);
            t1.cancel();
            t2.cancel();
            assertThat(catchThrowable(t1::await)).isInstanceOf(CancelledError.class);
            assertThat(catchThrowable(t2::await)).isInstanceOf(CancelledError.class);
            loop.shutdownAsyncgens();
            assertThat(log).containsExactly("finalized", "finalized");
        }
    }

    @Nested
    @ExtendWith(AsyncioExtension.class)
    class GarbageCollection {

        /** Starts a generator, takes two values and drops it while it waits at a yield. */
        private void startAndDrop(List<String> log) {
            AsyncGenerator<Integer> gen = AsyncGenerator.of(out -> {
                try {
                    while (true) {
                        out.yield(1);
                    }
                } finally {
                    log.add("finally start");
                    sleep(0);
                    log.add("finally end");
                }
            });
            gen.anext();
            gen.anext();
        }

        @Test
        void aGeneratorDroppedWhileOpenIsClosedByTheLoopAfterCollection() {
            // test_async_gen_asyncio_gc_aclose_09: the loop's finalizer hook closes it in a new task.
            List<String> log = new ArrayList<>();
            startAndDrop(log);
            for (int i = 0; i < 2_000 && !log.contains("finally end"); i++) {
                System.gc();
                sleep(0);
            }
            assertThat(log).containsExactly("finally start", "finally end");
            sleep(0);
            assertThat(allTasks()).containsExactly(currentTask());
        }

        @Test
        void debugModeReportsACollectedOpenGeneratorWithItsCreationSite(EventLoop loop) {
            // jasyncio's debug report for the finalizer hook (CPython closes it silently).
            List<String> log = new ArrayList<>();
            loop.setDebug(true);
            List<String> reports = generatorWarnings(() -> {
                startAndDrop(log);
                for (int i = 0; i < 2_000 && !log.contains("finally end"); i++) {
                    System.gc();
                    sleep(0);
                }
            });
            loop.setDebug(false);
            assertThat(log).containsExactly("finally start", "finally end");
            assertThat(reports).singleElement().satisfies(m -> {
                assertThat(m).matches("(?s)asynchronous generator <async_generator object at 0x\\p{XDigit}+> was"
                        + " garbage-collected while open; closing it in a new task \\(.*");
                assertThat(frames(m)).anySatisfy(frame -> assertThat(frame)
                        .startsWith("\tat " + GarbageCollection.class.getName() + ".startAndDrop("));
            });
        }

        @Test
        void anErrorInTheFinallyOfACollectedGeneratorIsReported(ExceptionRecorder recorder) {
            // test_async_gen_asyncio_shutdown_exception_02 (collected before shutdown): the closing
            // task fails and nobody awaits it, so its error reaches the exception handler.
            List<String> log = new ArrayList<>();
            ArithmeticException[] raised = new ArithmeticException[1];
            Runnable startAndDrop = () -> {
                AsyncGenerator<Integer> gen = AsyncGenerator.of(out -> {
                    try {
                        out.yield(1);
                        out.yield(2);
                    } finally {
                        log.add("finally");
                        raised[0] = new ArithmeticException("/ by zero");
                        raise(raised[0]);
                    }
                });
                gen.anext();
            };
            startAndDrop.run();
            for (int i = 0; i < 2_000 && log.isEmpty(); i++) {
                System.gc();
                sleep(0);
            }
            assertThat(log).containsExactly("finally");
            for (int i = 0; i < 2_000 && recorder.contexts().isEmpty(); i++) {
                System.gc();
                sleep(0);
            }
            assertThat(recorder.contexts()).singleElement().satisfies(c -> {
                assertThat(c.message()).isEqualTo("Task exception was never retrieved");
                assertThat(c.exception()).isSameAs(raised[0]);
            });
        }
    }

    /** Generators left open when {@link Asyncio#run} ends: closed by {@link EventLoop#shutdownAsyncgens()}. */
    @Nested
    class AtShutdown {
        private final VirtualClock clock = new VirtualClock();
        private final ExceptionRecorder recorder = new ExceptionRecorder();

        private Supplier<EventLoop> loops() {
            return () -> {
                EventLoop loop = new EventLoop(clock);
                loop.setExceptionHandler(recorder);
                return loop;
            };
        }

        private AsyncGenerator<Integer> cleaningUp(String name, List<String> log) {
            return AsyncGenerator.of(out -> {
                try {
                    out.yield(1);
                    out.yield(2);
                } finally {
                    log.add(name + " finally start at " + clock.time());
                    sleep(1);
                    log.add(name + " finally end at " + clock.time());
                }
            });
        }

        @Test
        void openGeneratorsAreClosedConcurrentlyInTheOrderTheyStarted() {
            // test_async_gen_asyncio_shutdown_02, test_asyncgen_nonstarted_hooks_are_cancellable:
            // left open after a break; closed at shutdown with no report. CPython keeps them in a
            // WeakSet; here they are closed in the order of their first iteration.
            List<String> log = new ArrayList<>();
            List<AsyncGenerator<Integer>> gens = new ArrayList<>();
            Asyncio.run(() -> {
                for (String name : List.of("A", "B", "C")) {
                    AsyncGenerator<Integer> g = cleaningUp(name, log);
                    gens.add(g);
                    for (int ignored : g) {
                        break;
                    }
                }
                AsyncGenerator<Integer> neverStarted = cleaningUp("never started", log);
                gens.add(neverStarted);
                sleep(3);
                log.add("main ends at " + clock.time());
            }, null, loops());
            assertThat(log).containsExactly("main ends at 3.0",
                    "A finally start at 3.0", "B finally start at 3.0", "C finally start at 3.0",
                    "A finally end at 4.0", "B finally end at 4.0", "C finally end at 4.0");
            assertThat(gens.subList(0, 3)).allSatisfy(g -> assertThat(g.isClosed()).isTrue());
            assertThat(recorder.contexts()).isEmpty();
        }

        @Test
        void anErrorInAFinallyAtShutdownGoesToTheExceptionHandler() {
            // test_async_gen_asyncio_shutdown_exception_01
            List<String> log = new ArrayList<>();
            ArithmeticException[] raised = new ArithmeticException[1];
            AtomicReference<AsyncGenerator<Integer>> failing = new AtomicReference<>();
            Asyncio.run(() -> {
                failing.set(AsyncGenerator.of(out -> {
                    try {
                        out.yield(1);
                        out.yield(2);
                    } finally {
                        log.add("failing finally");
                        raised[0] = new ArithmeticException("/ by zero");
                        raise(raised[0]);
                    }
                }));
                for (int ignored : failing.get()) {
                    break;
                }
                AsyncGenerator<Integer> fine = cleaningUp("fine", log);
                fine.anext();
            }, null, loops());
            assertThat(log).containsExactly("failing finally", "fine finally start at 0.0", "fine finally end at 1.0");
            assertThat(recorder.contexts()).singleElement().satisfies(c -> {
                assertThat(c.message()).isEqualTo("an error occurred during closing of asynchronous generator "
                        + failing.get());
                assertThat(c.exception()).isSameAs(raised[0]);
                assertThat(String.valueOf(c.get("asyncgen"))).isEqualTo(failing.get().toString());
            });
            assertThat(failing.get().isClosed()).isTrue();
        }

        @Test
        void tasksAreCancelledFirstThenTheGeneratorsTheyLeftOpenAreClosed() {
            // Runner.close: cancel the remaining tasks (a task inside a body runs the body's cleanup
            // through the CancelledError), then shutdownAsyncgens closes the generators still open.
            List<String> log = new ArrayList<>();
            Asyncio.run(() -> {
                AsyncGenerator<Integer> atAYield = cleaningUp("at a yield", log);
                AsyncGenerator<Integer> sleepingInside = AsyncGenerator.of(out -> {
                    try {
                        out.yield(1);
                        sleep(100);
                    } finally {
                        log.add("sleeping inside finally at " + clock.time());
                    }
                });
                createTask(() -> {
                    try {
                        atAYield.anext();
                        sleep(100);
                    } finally {
                        log.add("holder task cancelled at " + clock.time());
                    }
                });
                createTask(() -> {
                    for (int ignored : sleepingInside) {
                        // the second step sleeps inside the body
                    }
                });
                sleep(1);
                log.add("main ends at " + clock.time());
            }, null, loops());
            // (the two tasks are cancelled in the order of the loop's task set, unspecified as in asyncio)
            assertThat(log).hasSize(5);
            assertThat(log.get(0)).isEqualTo("main ends at 1.0");
            assertThat(log.subList(1, 3)).containsExactlyInAnyOrder("holder task cancelled at 1.0",
                    "sleeping inside finally at 1.0");
            assertThat(log.subList(3, 5)).containsExactly("at a yield finally start at 1.0", "at a yield finally end at 2.0");
            assertThat(recorder.contexts()).isEmpty();
        }

        @Test
        void theReportNamesTheGeneratorObjectItself() {
            // test_async_gen_asyncio_shutdown_exception_01: self.assertEqual(message['asyncgen'], it)
            AtomicReference<AsyncGenerator<Integer>> it = new AtomicReference<>();
            Asyncio.run(() -> {
                it.set(AsyncGenerator.of(out -> {
                    try {
                        out.yield(1);
                    } finally {
                        divideByZero();
                    }
                }));
                it.get().anext();
            }, null, loops());
            assertThat(recorder.contexts()).singleElement()
                    .satisfies(c -> assertThat(c.get("asyncgen")).isSameAs(it.get()));
        }

        /** Creates and starts a generator here, so that this method is its creation site. */
        private AsyncGenerator<Integer> openGeneratorCreatedHere(List<String> log) {
            AsyncGenerator<Integer> g = AsyncGenerator.of(out -> {
                try {
                    out.yield(1);
                } finally {
                    log.add("open finally start at " + clock.time());
                    sleep(1);
                    log.add("open finally end at " + clock.time());
                }
            });
            g.anext();
            return g;
        }

        /** Runs {@code main} in debug mode; returns the warnings about async generators logged meanwhile. */
        private List<String> runCapturingTheLog(VoidCoroutine main) {
            return generatorWarnings(() -> Asyncio.run(main, true, loops()));
        }

        @Test
        void debugModeReportsAGeneratorOpenAtShutdownWithItsCreationSite() {
            // jasyncio's debug report (CPython's debug mode only warns about a generator first
            // iterated after shutdown_asyncgens()): the generator, then where it was created.
            List<String> log = new ArrayList<>();
            AtomicReference<String> openRepr = new AtomicReference<>();
            List<String> records = runCapturingTheLog(() -> {
                openRepr.set(openGeneratorCreatedHere(log).toString());
                try (AsyncGenerator<Integer> closedProperly = cleaningUp("closed properly", log)) {
                    closedProperly.anext();
                }
            });
            assertThat(log).containsExactly("closed properly finally start at 0.0", "closed properly finally end at 1.0",
                    "open finally start at 1.0", "open finally end at 2.0");
            assertThat(records).singleElement().satisfies(m -> {
                assertThat(m).startsWith("asynchronous generator " + openRepr.get() + " was still open at shutdown;"
                        + " closing it");
                assertThat(m).contains("\nGenerator created at:\n\tat ");
                assertThat(frames(m)).anySatisfy(frame -> assertThat(frame)
                                .startsWith("\tat " + AtShutdown.class.getName() + ".openGeneratorCreatedHere("));
            });
            assertThat(recorder.contexts()).isEmpty();
        }

        @Test
        void theCreationSiteStartsAtTheUsersCall() {
            // As for tasks and futures: the first frame is the caller of AsyncGenerator.of.
            List<String> log = new ArrayList<>();
            List<String> records = runCapturingTheLog(() -> openGeneratorCreatedHere(log));
            assertThat(records).singleElement().satisfies(m -> {
                String firstFrame = frames(m).get(0);
                assertThat(firstFrame).startsWith("\tat " + AtShutdown.class.getName() + ".openGeneratorCreatedHere(");
            });
        }

        @Test
        void debugModeWarnsOfAGeneratorFirstIteratedAfterShutdownAsyncgens() {
            // base_events._asyncgen_firstiter_hook: "asynchronous generator {agen!r} was scheduled
            // after loop.shutdown_asyncgens() call" (a ResourceWarning; here a debug-mode warning).
            // It is still registered: the runner's own shutdownAsyncgens closes it.
            List<String> log = new ArrayList<>();
            AtomicReference<String> repr = new AtomicReference<>();
            List<String> records = runCapturingTheLog(() -> {
                getRunningLoop().shutdownAsyncgens();
                AsyncGenerator<Integer> late = cleaningUp("late", log);
                repr.set(late.toString());
                late.anext();
            });
            assertThat(records).first().isEqualTo("asynchronous generator " + repr.get()
                    + " was scheduled after shutdownAsyncgens() call");
            assertThat(log).containsExactly("late finally start at 0.0", "late finally end at 1.0");
        }
    }
}
