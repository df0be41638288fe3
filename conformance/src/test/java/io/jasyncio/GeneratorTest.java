package io.jasyncio;

import static io.jasyncio.Asyncio.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.jasyncio.testing.AsyncioExtension;
import io.jasyncio.testing.VirtualClock;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link Generator}, the synchronous generator: CPython 3.13's test_generators.py (GeneratorTest,
 * ExceptionTest, GeneratorCloseTest and the pep/coroutine/generator doctests) where it applies,
 * and issue 5's promises for it: yield at any depth, use with no event loop on platform and virtual
 * threads, {@link Generator#stream()} closing, yield from outside the body. The outer class runs
 * with no event loop; {@link InATask} runs its tests as tasks.
 *
 * <p>Python's {@code StopIteration} is {@link NoSuchElementException}; its {@code RuntimeError} and
 * its {@code ValueError: generator already executing} are {@link IllegalStateException}; its
 * {@code TypeError} on a bad send is {@link IllegalArgumentException}.
 */
class GeneratorTest {

    record Node(Node left, int key, Node right) {}

    static void visit(Node n, Yielder<Integer> out) {
        if (n == null) {
            return;
        }
        visit(n.left, out);
        out.yield(n.key);
        visit(n.right, out);
    }

    /** A complete binary tree over keys lo..hi. */
    static Node tree(int lo, int hi) {
        if (lo > hi) {
            return null;
        }
        int mid = (lo + hi) >>> 1;
        return new Node(tree(lo, mid - 1), mid, tree(mid + 1, hi));
    }

    static void countDown(int n, Yielder<Integer> out) {
        if (n == 0) {
            return;
        }
        out.yield(n);
        countDown(n - 1, out);
    }

    static List<Integer> drain(Generator<Integer> gen) {
        List<Integer> values = new ArrayList<>();
        for (Integer v : gen) {
            values.add(v);
        }
        return values;
    }

    /** The exception's class and message up to the first parenthesis (the advice after it may change). */
    static String messageOf(Throwable e) {
        String m = e.getMessage();
        int cut = m == null ? -1 : m.indexOf(" (");
        return e.getClass().getSimpleName() + ": " + (cut < 0 ? m : m.substring(0, cut));
    }

    // ---- iteration ----

    @Test
    void yieldFromARecursiveHelper() {
        // Python needs "yield from visit(child)" at every level; the helper yields through `out`.
        assertThat(drain(Generator.of(out -> visit(tree(1, 7), out)))).containsExactly(1, 2, 3, 4, 5, 6, 7);
    }

    @Test
    void yieldAtRecursionDepthOneThousand() {
        List<String> log = new ArrayList<>();
        Generator<Integer> gen = Generator.of(out -> {
            try {
                countDown(1000, out);
                log.add("bottom reached");
            } finally {
                log.add("finally");
            }
        });
        List<Integer> values = drain(gen);
        assertThat(values).hasSize(1000);
        assertThat(values.get(0)).isEqualTo(1000);
        assertThat(values.get(999)).isEqualTo(1);
        assertThat(log).containsExactly("bottom reached", "finally");
        // and a balanced tree of 100,000 keys, 17 levels deep: every key once, in order
        int count = 0;
        int previous = 0;
        for (int k : Generator.<Integer>of(out -> visit(tree(1, 100_000), out))) {
            assertThat(k).isEqualTo(previous + 1);
            previous = k;
            count++;
        }
        assertThat(count).isEqualTo(100_000);
    }

    @Test
    void yieldOnItsOwnYieldsNullAndIsAValue() {
        // coroutine_tests: "Yield by itself yields None": list(f()) == [None]
        assertThat(drain(Generator.of(out -> out.yield(null)))).containsExactly((Integer) null);
    }

    @Test
    void generatorsCallOtherGenerators() {
        // tutorial/pep tests, test_nested_gen_except_loop: a body that iterates other generators
        List<String> log = new ArrayList<>();
        Generator<Integer> outer = Generator.of(out -> {
            for (int round = 0; round < 2; round++) {
                int r = round;
                try (Generator<Integer> inner = Generator.of(in -> {
                    try {
                        for (int i = 0; i < 3; i++) {
                            in.yield(r * 10 + i);
                        }
                    } finally {
                        log.add("inner " + r + " finally");
                    }
                })) {
                    for (int v : inner) {
                        out.yield(v);
                    }
                }
            }
        });
        assertThat(drain(outer)).containsExactly(0, 1, 2, 10, 11, 12);
        assertThat(log).containsExactly("inner 0 finally", "inner 1 finally");
    }

    @Test
    void aNoSuchElementExceptionRaisedInTheBodyBecomesIllegalStateException() {
        // test_stopiteration_error, test_tutorial_stopiteration (PEP 479): RuntimeError "generator
        // raised StopIteration"; Java's StopIteration is NoSuchElementException.
        NoSuchElementException raised = new NoSuchElementException("inner iterator exhausted");
        Generator<Integer> gen = Generator.of(out -> {
            out.yield(1);
            throw raised;
        });
        assertThat(gen.next()).isEqualTo(1);
        assertThatThrownBy(gen::next).isExactlyInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("generator raised NoSuchElementException").hasCause(raised);
        assertThat(gen.isClosed()).isTrue();
        assertThatThrownBy(gen::next).isExactlyInstanceOf(NoSuchElementException.class);
        // the for-each does not take it for the end either
        Throwable e = catchThrowable(() -> drain(Generator.of(out -> {
            out.yield(1);
            List.<Integer>of().iterator().next();
        })));
        assertThat(e).isExactlyInstanceOf(IllegalStateException.class);
    }

    @Test
    void isRunningIsTrueOnlyInsideTheBody() {
        // generator doctests: "def g(): yield me.gi_running" -> 1; 0 before and after
        AtomicReference<Generator<Boolean>> me = new AtomicReference<>();
        me.set(Generator.of(out -> out.yield(me.get().isRunning())));
        assertThat(me.get().isRunning()).isFalse();
        assertThat(me.get().next()).isTrue();
        assertThat(me.get().isRunning()).isFalse();
    }

    @Test
    void aBodyThatAdvancesOrClosesItsOwnGeneratorGetsAlreadyRunning() {
        // pep_tests "A generator cannot be resumed while it is actively running": ValueError
        // "generator already executing", for next, send, throw and close alike.
        AtomicReference<Generator<String>> me = new AtomicReference<>();
        List<String> log = new ArrayList<>();
        me.set(Generator.of(out -> {
            log.add(messageOf(catchThrowable(() -> me.get().next())));
            log.add(messageOf(catchThrowable(() -> me.get().send(1))));
            log.add(messageOf(catchThrowable(() -> me.get().throwInto(new IllegalArgumentException()))));
            log.add(messageOf(catchThrowable(() -> me.get().close())));
            out.yield("done");
        }));
        assertThat(me.get().next()).isEqualTo("done");
        assertThat(log).containsExactly(
                "IllegalStateException: hasNext(): generator is already running",
                "IllegalStateException: send(): generator is already running",
                "IllegalStateException: throwInto(): generator is already running",
                "IllegalStateException: close(): generator is already running");
        me.get().close();
    }

    @Test
    void hasNextFetchesAheadAndSendRefusesToSkipTheFetchedValue() {
        List<String> log = new ArrayList<>();
        Generator<Integer> gen = Generator.of(out -> {
            for (int i = 0; i < 2; i++) {
                log.add("yield " + i);
                out.yield(i);
            }
        });
        assertThat(gen.hasNext()).isTrue();
        assertThat(gen.hasNext()).isTrue();
        assertThat(log).containsExactly("yield 0");
        assertThatThrownBy(() -> gen.send(5)).isExactlyInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("send(): hasNext() already fetched the next value");
        assertThat(gen.next()).isEqualTo(0);
        assertThat(gen.next()).isEqualTo(1);
        assertThat(gen.hasNext()).isFalse();
        assertThat(gen.hasNext()).isFalse();
        assertThatThrownBy(gen::next).isExactlyInstanceOf(NoSuchElementException.class)
                .hasMessage("generator exhausted");
    }

    // ---- send and throw ----

    @Test
    void sendIsTheYieldsResult() {
        // coroutine_tests "Sending a value into a started generator", the augmented-assignment coroutine
        List<Integer> seq = new ArrayList<>();
        Generator<Void> coroutine = Generator.of(out -> {
            int count = 0;
            while (count < 200) {
                int got = out.yield(null);
                count += got;
                seq.add(count);
            }
        });
        assertThat(coroutine.next()).isNull();
        assertThat(seq).isEmpty();
        coroutine.send(10);
        assertThat(seq).containsExactly(10);
        coroutine.send(10);
        coroutine.send(10);
        assertThat(seq).containsExactly(10, 20, 30);
        coroutine.close();
    }

    @Test
    void sendOfANonNullValueToAJustStartedGeneratorIsRefused() {
        // test_send_non_none_to_new_gen: TypeError, and the generator can still start
        List<String> log = new ArrayList<>();
        Generator<Integer> gen = Generator.of(out -> {
            log.add("body runs");
            out.yield(1);
        });
        assertThatThrownBy(() -> gen.send(0)).isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("send(): can't send a non-null value to a just-started generator");
        assertThat(log).isEmpty();
        assertThat(gen.next()).isEqualTo(1);
        assertThat(log).containsExactly("body runs");
    }

    @Test
    void throwIntoCaughtContinuesNotCaughtEndsTheGenerator() {
        // coroutine_tests "Now check some throw() conditions"; test_except_throw: the very instance
        // thrown in is caught inside and, rethrown, reaches the caller.
        List<String> log = new ArrayList<>();
        Generator<Object> gen = Generator.of(out -> {
            while (true) {
                try {
                    log.add("sent " + out.yield(null));
                } catch (IllegalArgumentException v) {
                    log.add("caught IllegalArgumentException (" + v.getMessage() + ")");
                }
            }
        });
        gen.next();
        assertThat(gen.throwInto(new IllegalArgumentException("xyz"))).isNull();
        assertThat(gen.send(1)).isNull();
        IllegalStateException terminate = new IllegalStateException("terminate");
        assertThatThrownBy(() -> gen.throwInto(terminate)).isSameAs(terminate);
        assertThat(gen.isClosed()).isTrue();
        assertThat(log).containsExactly("caught IllegalArgumentException (xyz)", "sent 1");
        assertThatThrownBy(() -> gen.send(2)).isExactlyInstanceOf(NoSuchElementException.class);
        // "throw on closed generator": raised as is
        IllegalArgumentException six = new IllegalArgumentException("6");
        assertThatThrownBy(() -> gen.throwInto(six)).isSameAs(six);
    }

    @Test
    void throwIntoAJustStartedGeneratorRaisesAtOnceAndTheBodyNeverRuns() {
        // coroutine_tests "throw on just-opened generator"
        List<String> log = new ArrayList<>();
        Generator<Integer> gen = Generator.of(out -> {
            log.add("body");
            try {
                out.yield(1);
            } finally {
                log.add("finally");
            }
        });
        IllegalArgumentException seven = new IllegalArgumentException("7");
        assertThatThrownBy(() -> gen.throwInto(seven)).isSameAs(seven);
        assertThat(log).isEmpty();
        assertThat(gen.isClosed()).isTrue();
        assertThatThrownBy(gen::next).isExactlyInstanceOf(NoSuchElementException.class);
    }

    @Test
    void throwIntoCaughtAndTheBodyEndsIsNoSuchElement() {
        // test_async_gen_asyncio_athrow_03's sync sanity check: g.throw(ValueError) -> StopIteration
        Generator<Integer> gen = Generator.of(out -> {
            try {
                out.yield(null);
            } catch (Throwable e) { // Python's bare except:
                // swallowed
            }
        });
        gen.next();
        assertThatThrownBy(() -> gen.throwInto(new IllegalArgumentException()))
                .isExactlyInstanceOf(NoSuchElementException.class);
        assertThat(gen.isClosed()).isTrue();
    }

    // ---- close ----

    @Test
    void closeThrowsGeneratorExitAtTheYieldAndRunsFinally() {
        // generator doctests "Now let's try closing a generator"; test_close_no_return_value,
        // test_close_not_catching_exit
        List<String> log = new ArrayList<>();
        Generator<Integer> gen = Generator.of(out -> {
            try {
                out.yield(null);
                log.add("not reached");
            } catch (GeneratorExit e) {
                log.add("exiting");
                throw e;
            } finally {
                log.add("finally");
            }
        });
        gen.next();
        gen.close();
        gen.close(); // no-op now
        assertThat(log).containsExactly("exiting", "finally");
        assertThat(gen.isClosed()).isTrue();
        assertThatThrownBy(gen::next).isExactlyInstanceOf(NoSuchElementException.class);
    }

    @Test
    void generatorExitIsNotCaughtByCatchException() {
        // generator doctests "GeneratorExit is not caught by except Exception"
        List<String> log = new ArrayList<>();
        Generator<Integer> gen = Generator.of(out -> {
            try {
                out.yield(null);
            } catch (Exception e) {
                log.add("except");
            } finally {
                log.add("finally");
            }
        });
        gen.next();
        gen.close();
        assertThat(log).containsExactly("finally");
    }

    @Test
    void closeOfAGeneratorThatCatchesGeneratorExitAndEnds() {
        // test_close_return_value (without the return value), test_async_gen_asyncio_aclose_10's
        // sync sanity check
        List<String> log = new ArrayList<>();
        Generator<Integer> gen = Generator.of(out -> {
            try {
                out.yield(null);
            } catch (GeneratorExit e) {
                log.add("caught");
            }
            log.add("body ends");
        });
        gen.next();
        gen.close();
        assertThat(log).containsExactly("caught", "body ends");
        assertThat(gen.isClosed()).isTrue();
    }

    @Test
    void closeOfANotStartedExhaustedOrClosedGeneratorDoesNothing() {
        // test_close_not_started, test_close_exhausted, test_close_closed
        List<String> log = new ArrayList<>();
        Supplier<Generator<Integer>> make = () -> Generator.of(out -> {
            log.add("body");
            try {
                out.yield(null);
            } catch (GeneratorExit e) {
                log.add("GeneratorExit");
            }
        });
        Generator<Integer> notStarted = make.get();
        notStarted.close();
        assertThat(log).isEmpty();
        assertThat(notStarted.isClosed()).isTrue();
        assertThatThrownBy(notStarted::next).isExactlyInstanceOf(NoSuchElementException.class);

        Generator<Integer> exhausted = make.get();
        exhausted.next();
        assertThatThrownBy(exhausted::next).isExactlyInstanceOf(NoSuchElementException.class);
        exhausted.close();
        assertThat(log).containsExactly("body");

        log.clear();
        Generator<Integer> closed = make.get();
        closed.next();
        closed.close();
        closed.close();
        assertThat(log).containsExactly("body", "GeneratorExit");
    }

    @Test
    void anExceptionRaisedWhileClosingLeavesClose() {
        // test_close_raises; the GeneratorExit is its suppressed context in Python (__context__)
        IllegalStateException failure = new IllegalStateException("cleanup failed");
        Generator<Integer> gen = Generator.of(out -> {
            try {
                out.yield(null);
            } catch (GeneratorExit e) {
                // pass
            }
            throw failure;
        });
        gen.next();
        assertThatThrownBy(gen::close).isSameAs(failure);
        assertThat(gen.isClosed()).isTrue();
    }

    @Test
    void yieldingWhileClosingIsIgnoredGeneratorExit() {
        // generator doctests "Now let's try some ill-behaved generators"; test_async_gen_asyncio_aclose_11's
        // sync sanity check. A second close() then closes it (GeneratorExit at the second yield).
        List<String> log = new ArrayList<>();
        Generator<String> gen = Generator.of(out -> {
            try {
                out.yield(null);
            } catch (GeneratorExit e) {
                out.yield("foo!");
            } finally {
                log.add("finally");
            }
        });
        gen.next();
        assertThatThrownBy(gen::close).isExactlyInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("generator ignored GeneratorExit");
        assertThat(log).isEmpty();
        assertThat(gen.isClosed()).isFalse();
        gen.close();
        assertThat(log).containsExactly("finally");
        assertThat(gen.isClosed()).isTrue();
    }

    @Test
    void earlyBreakInTryWithResourcesClosesBeforeTheNextStatement() {
        // Issue 5: `with closing(gen): for v in gen: break`
        List<String> log = new ArrayList<>();
        Generator<Integer> gen = Generator.of(out -> {
            try {
                for (int i = 0; ; i++) {
                    out.yield(i);
                }
            } finally {
                log.add("finally");
            }
        });
        try (gen) {
            for (int v : gen) {
                log.add("got " + v);
                if (v == 1) {
                    break;
                }
            }
            log.add("after the loop");
        }
        log.add("after the block");
        assertThat(log).containsExactly("got 0", "got 1", "after the loop", "finally", "after the block");
    }

    @Test
    void closeReleasesTheBodysLocals() {
        // test_close_releases_frame_locals (gh-118272): after close() the generator keeps nothing
        // its body referenced, though the generator itself is still reachable.
        Object[] holder = {new Object()};
        WeakReference<Object> ref = new WeakReference<>(holder[0]);
        Generator<Integer> gen = Generator.of(out -> {
            Object local = holder[0];
            holder[0] = null;
            out.yield(local.hashCode());
            out.yield(local.hashCode());
        });
        gen.next();
        gen.close();
        for (int i = 0; i < 100 && ref.get() != null; i++) {
            System.gc();
        }
        assertThat(ref.get()).isNull();
        assertThat(gen.isClosed()).isTrue();
    }

    /** Starts a generator and drops it while it waits at a yield. */
    private static void startAndDrop(List<String> log, boolean ignoresGeneratorExit) {
        Generator<Integer> gen = Generator.of(out -> {
            try {
                out.yield(null);
            } catch (Exception e) {
                log.add("except"); // not reached: GeneratorExit is not an Exception
            } catch (GeneratorExit e) {
                log.add("exiting");
                if (ignoresGeneratorExit) {
                    out.yield(1);
                }
            } finally {
                log.add("finally");
            }
        });
        gen.next();
    }

    @Test
    void aGeneratorDroppedWhileSuspendedIsClosedAfterCollection() {
        // generator doctests "And finalization" and "GeneratorExit is not caught by except
        // Exception": del g; gc_collect() prints "exiting", "finally". Closed on the cleaner's thread.
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        startAndDrop(log, false);
        for (int i = 0; i < 2_000 && !log.contains("finally"); i++) {
            System.gc();
        }
        assertThat(log).containsExactly("exiting", "finally");
    }

    @Test
    void anIllBehavedGeneratorCollectedWhileSuspendedIsReported() {
        // generator doctests "Our ill-behaved code should be invoked during GC": the RuntimeError
        // "generator ignored GeneratorExit" goes to sys.unraisablehook ("Exception ignored in: <generator
        // object ...>"); here it is logged at WARNING on the "jasyncio" logger.
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        Predicate<LogRecord> ignored = r -> r.getMessage().startsWith("Exception ignored in: ");
        List<LogRecord> records = AsyncGeneratorTest.capturingTheLog(live -> {
            startAndDrop(log, true);
            for (int i = 0; i < 2_000 && List.copyOf(live).stream().noneMatch(ignored); i++) {
                System.gc();
            }
        });
        assertThat(log).containsExactly("exiting");
        assertThat(records).filteredOn(ignored)
                .singleElement().satisfies(r -> {
                    assertThat(r.getMessage()).matches("Exception ignored in: <generator object at 0x\\p{XDigit}+>");
                    assertThat(r.getLevel()).isEqualTo(Level.WARNING);
                    assertThat(r.getThrown()).isExactlyInstanceOf(IllegalStateException.class)
                            .hasMessageStartingWith("generator ignored GeneratorExit");
                });
    }

    // ---- yield outside the body ----

    @Test
    void yieldCalledOutsideTheBodyIsIllegalState() {
        // Issue 5: after the generator ended, before it started, and from another generator's body
        AtomicReference<Yielder<Integer>> yielder = new AtomicReference<>();
        Generator<Integer> gen = Generator.of(out -> {
            yielder.set(out);
            out.yield(1);
            Generator<Integer> other = Generator.of(o -> out.yield(-1));
            Throwable e = catchThrowable(other::next);
            out.yield(e instanceof IllegalStateException ? 2 : -2);
            assertThat(messageOf(e)).isEqualTo("IllegalStateException: yield called outside its generator's body");
        });
        assertThat(gen.next()).isEqualTo(1);
        assertThatThrownBy(() -> yielder.get().yield(-3)).isExactlyInstanceOf(IllegalStateException.class)
                .hasMessage("yield called outside the generator's body");
        assertThat(gen.next()).isEqualTo(2);
        assertThat(gen.hasNext()).isFalse();
        assertThatThrownBy(() -> yielder.get().yield(-4)).isExactlyInstanceOf(IllegalStateException.class)
                .hasMessage("yield called outside the generator's body");
    }

    @Test
    void yieldFromATaskOfALoopRunningInsideTheBodyIsIllegalState() {
        // Issue 5 "yield called from a task ... gives IllegalStateException", Yielder's contract
        // ("not from a task the body created"): here the task belongs to a loop that the body runs.
        List<String> log = new ArrayList<>();
        Generator<Integer> gen = Generator.of(out -> {
            out.yield(0);
            try {
                Asyncio.run(() -> {
                    log.add("task yields");
                    out.yield(1);
                    log.add("task resumed");
                });
            } catch (IllegalStateException e) {
                log.add(messageOf(e));
            }
            out.yield(2);
        });
        assertThat(drain(gen)).containsExactly(0, 2);
        assertThat(log).hasSize(2);
        assertThat(log.get(0)).isEqualTo("task yields");
        assertThat(log.get(1)).startsWith("IllegalStateException: yield called ");
    }

    @Test
    void outsideAnyLoopTheBodyRunsInTheConsumersContext() throws Exception {
        // PEP 567: a generator has no context of its own; next() runs the body in the caller's
        // current context (checked on CPython 3.13: it sees and sets the caller's values, and
        // ctx.run(next, gen) runs it in ctx).
        ContextVar<String> var = new ContextVar<>("var", "default");
        Context consumers = new Context();
        List<String> log = consumers.call(() -> {
            var.set("set by the consumer");
            Generator<String> gen = Generator.of(out -> {
                out.yield("body sees " + var.get());
                var.set("set by the body");
                out.yield("body sees " + var.get());
            });
            List<String> seen = new ArrayList<>(valuesOf(gen));
            seen.add("consumer sees " + var.get());
            return seen;
        });
        assertThat(log).containsExactly("body sees set by the consumer", "body sees set by the body",
                "consumer sees set by the body");
        Context other = new Context();
        other.run(() -> var.set("in other"));
        Generator<String> probe = Generator.of(out -> out.yield(var.get()));
        assertThat(other.call(probe::next)).isEqualTo("in other");
    }

    private static <T> List<T> valuesOf(Generator<T> gen) {
        List<T> values = new ArrayList<>();
        gen.forEachRemaining(values::add);
        return values;
    }

    @Test
    void aBodyAdvancedOutsideAnyLoopAfterAStepInsideOneSeesNoLoop() {
        // CPython 3.13: next(gen) inside asyncio.run sees the loop; next(gen) after it sees none.
        Generator<String> gen = Generator.of(out -> {
            while (true) {
                out.yield(getRunningLoopOrNull() == null ? "no loop" : "loop");
            }
        });
        assertThat(Asyncio.run(() -> gen.next())).isEqualTo("loop");
        assertThat(gen.next()).isEqualTo("no loop");
        gen.close();
    }

    @Test
    void aLoopRunInsideTheBodyBetweenYields() {
        // The body may run its own event loop (the generator itself is used with no loop).
        Generator<String> gen = Generator.of(out -> {
            for (int i = 0; i < 3; i++) {
                int n = i;
                out.yield(Asyncio.run(() -> {
                    sleep(0);
                    return "run " + n;
                }));
            }
        });
        List<String> values = new ArrayList<>();
        for (String v : gen) {
            assertThat(getRunningLoopOrNull()).isNull();
            values.add(v);
        }
        assertThat(values).containsExactly("run 0", "run 1", "run 2");
    }

    @Test
    void noBodyFiberOutlivesItsGenerator() throws InterruptedException {
        // On the portable engine the body runs on a virtual thread of its own, which must end when the
        // generator is closed at a yield, exhausted or failed; on the continuation engine it runs on
        // the consumer's thread.
        List<Thread> bodyThreads = Collections.synchronizedList(new ArrayList<>());
        IntFunction<Generator<Integer>> upTo = n -> Generator.of(out -> {
            bodyThreads.add(Thread.currentThread());
            for (int i = 0; i < n; i++) {
                out.yield(i);
            }
            throw new IllegalStateException("failed after " + n);
        });
        Generator<Integer> closed = upTo.apply(10);
        closed.next();
        closed.close();
        Generator<Integer> failed = upTo.apply(2);
        assertThatThrownBy(() -> drain(failed)).hasMessage("failed after 2");
        upTo.apply(1).close();
        assertThat(bodyThreads).hasSize(2);
        for (Thread t : bodyThreads) {
            if (t != Thread.currentThread()) {
                t.join(Duration.ofSeconds(30)); // a bound against a hang, not a timing
                assertThat(t.isAlive()).as("the body's thread %s has ended", t).isFalse();
            }
        }
    }

    // ---- threads ----

    /** Drains a small generator with a finally block on {@code thread}, returning what it saw. */
    private static List<String> runOn(Thread.Builder thread) throws InterruptedException {
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = thread.start(() -> {
            try {
                Generator<Integer> gen = Generator.of(out -> {
                    try {
                        visit(tree(1, 3), out);
                        Integer sent = out.yield(10);
                        log.add("sent " + sent);
                        out.yield(20);
                    } finally {
                        log.add("finally");
                    }
                });
                for (int i = 0; i < 3; i++) {
                    log.add("got " + gen.next());
                }
                log.add("got " + gen.next());
                log.add("got " + gen.send(5));
                gen.close();
                log.add("closed " + gen.isClosed());
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        t.join();
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
        return log;
    }

    @Test
    void usedWithNoEventLoop() {
        assertThat(getRunningLoopOrNull()).isNull();
        assertThat(drain(Generator.of(out -> visit(tree(1, 5), out)))).containsExactly(1, 2, 3, 4, 5);
    }

    private static EventLoop getRunningLoopOrNull() {
        try {
            return getRunningLoop();
        } catch (RuntimeException e) {
            return null;
        }
    }

    @Test
    void usedOnAPlatformThread() throws InterruptedException {
        assertThat(runOn(Thread.ofPlatform())).containsExactly("got 1", "got 2", "got 3", "got 10", "sent 5",
                "got 20", "finally", "closed true");
    }

    @Test
    void usedOnAVirtualThread() throws InterruptedException {
        assertThat(runOn(Thread.ofVirtual())).containsExactly("got 1", "got 2", "got 3", "got 10", "sent 5",
                "got 20", "finally", "closed true");
    }

    @Test
    void advancedByOneThreadAfterAnother() throws InterruptedException {
        // One consumer at a time, not one thread: the second thread continues where the first left
        // off (join() orders the two).
        Generator<Integer> gen = Generator.of(out -> {
            for (int i = 0; i < 4; i++) {
                out.yield(i);
            }
        });
        List<Integer> values = Collections.synchronizedList(new ArrayList<>());
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (Thread.Builder b : List.of(Thread.ofPlatform(), Thread.ofVirtual())) {
            b.start(() -> {
                try {
                    values.add(gen.next());
                    values.add(gen.next());
                } catch (Throwable e) {
                    failure.set(e);
                }
            }).join();
        }
        assertThat(failure.get()).isNull();
        assertThat(values).containsExactly(0, 1, 2, 3);
        assertThat(gen.hasNext()).isFalse();
    }

    // ---- stream ----

    @Test
    void closingTheStreamClosesTheGenerator() {
        List<String> log = new ArrayList<>();
        Generator<Integer> gen = Generator.of(out -> {
            try {
                for (int i = 0; ; i++) {
                    log.add("yield " + i);
                    out.yield(i);
                }
            } finally {
                log.add("finally");
            }
        });
        try (Stream<Integer> s = gen.stream()) {
            assertThat(s.filter(i -> i % 2 == 1).limit(2).toList()).containsExactly(1, 3);
            log.add("terminal operation done, generator open: " + !gen.isClosed());
        }
        log.add("stream closed, generator closed: " + gen.isClosed());
        assertThat(log).containsExactly("yield 0", "yield 1", "yield 2", "yield 3",
                "terminal operation done, generator open: true", "finally", "stream closed, generator closed: true");
    }

    @Test
    void aStreamDrainedToTheEndHasAlreadyRunTheFinally() {
        List<String> log = new ArrayList<>();
        Generator<Integer> gen = Generator.of(out -> {
            try {
                visit(tree(1, 4), out);
            } finally {
                log.add("finally");
            }
        });
        Stream<Integer> s = gen.stream();
        assertThat(s.map(i -> i * i).toList()).containsExactly(1, 4, 9, 16);
        assertThat(log).containsExactly("finally");
        assertThat(gen.isClosed()).isTrue();
        s.close();
        assertThat(log).containsExactly("finally");
    }

    @Test
    void aStreamNotClosedLeavesTheGeneratorOpenUntilItIsClosed() {
        // The documented hazard: an abandoned generator's finally runs only when closed.
        List<String> log = new ArrayList<>();
        Generator<Integer> gen = Generator.of(out -> {
            try {
                for (int i = 0; ; i++) {
                    out.yield(i);
                }
            } finally {
                log.add("finally");
            }
        });
        assertThat(gen.stream().findFirst()).contains(0);
        assertThat(log).isEmpty();
        assertThat(gen.isClosed()).isFalse();
        assertThat(gen.next()).isEqualTo(1); // the same generator, one value on
        gen.close();
        assertThat(log).containsExactly("finally");
    }

    @Test
    void streamOfANotStartedGeneratorClosedUnusedNeverRunsTheBody() {
        List<String> log = new ArrayList<>();
        Generator<Integer> gen = Generator.of(out -> {
            log.add("body");
            out.yield(1);
        });
        gen.stream().close();
        assertThat(log).isEmpty();
        assertThat(gen.isClosed()).isTrue();
    }

    @Test
    void errorsInTheBodyAndInItsFinallyReachTheStreamUser() {
        IllegalStateException inBody = new IllegalStateException("in the body");
        Generator<Integer> failing = Generator.of(out -> {
            out.yield(1);
            throw inBody;
        });
        try (Stream<Integer> s = failing.stream()) {
            assertThatThrownBy(s::toList).isSameAs(inBody);
        }
        IllegalStateException inFinally = new IllegalStateException("in the finally");
        Generator<Integer> failingToClose = Generator.of(out -> {
            try {
                out.yield(1);
                out.yield(2);
            } finally {
                AsyncGeneratorTest.raise(inFinally);
            }
        });
        Stream<Integer> s = failingToClose.stream();
        assertThat(s.findFirst()).contains(1);
        assertThatThrownBy(s::close).isSameAs(inFinally);
        assertThat(failingToClose.isClosed()).isTrue();
    }

    // ---- in a task ----

    /** A sync generator used by tasks: its body may suspend the consuming task (sleep, await). */
    @Nested
    @ExtendWith(AsyncioExtension.class)
    class InATask {

        @Test
        void theBodyMaySuspendTheConsumingTask(VirtualClock clock) {
            List<String> log = Collections.synchronizedList(new ArrayList<>());
            Generator<Integer> ticks = Generator.of(out -> {
                for (int i = 0; i < 3; i++) {
                    sleep(1);
                    out.yield(i);
                }
            });
            Task<?> other = createTask(() -> {
                for (int i = 0; i < 3; i++) {
                    sleep(0.5);
                    log.add("other at " + clock.time());
                    sleep(0.5);
                }
            });
            for (int v : ticks) {
                log.add("tick " + v + " at " + clock.time());
            }
            other.await();
            assertThat(log).containsExactly("other at 0.5", "tick 0 at 1.0", "other at 1.5", "tick 1 at 2.0",
                    "other at 2.5", "tick 2 at 3.0");
        }

        @Test
        void anotherTaskGetsAlreadyRunningWhileTheBodyIsSuspended() {
            Generator<Integer> gen = Generator.of(out -> {
                sleep(1);
                out.yield(1);
            });
            Task<Integer> first = createTask(gen::next);
            sleep(0.5);
            assertThat(gen.isRunning()).isTrue();
            assertThat(messageOf(catchThrowable(gen::next)))
                    .isEqualTo("IllegalStateException: hasNext(): generator is already running");
            assertThat(messageOf(catchThrowable(gen::close)))
                    .isEqualTo("IllegalStateException: close(): generator is already running");
            assertThat(first.await()).isEqualTo(1);
            gen.close();
        }

        @Test
        void cancellationReachesTheBodyThreeFibersDeep(VirtualClock clock) {
            // task -> async generator -> sync generator, suspended in the innermost body's sleep:
            // the CancelledError is raised there and unwinds through both generators' finally blocks.
            List<String> log = new ArrayList<>();
            AsyncGenerator<Integer> outer = AsyncGenerator.of(out -> {
                try (Generator<Integer> inner = Generator.of(in -> {
                    try {
                        for (int i = 0; ; i++) {
                            sleep(1);
                            in.yield(i);
                        }
                    } finally {
                        log.add("inner finally at " + clock.time());
                    }
                })) {
                    for (int v : inner) {
                        out.yield(v);
                    }
                } finally {
                    log.add("outer finally at " + clock.time());
                }
            });
            Task<?> consumer = createTask(() -> {
                for (int v : outer) {
                    log.add("got " + v + " at " + clock.time());
                }
            });
            sleep(2.5);
            consumer.cancel();
            assertThat(catchThrowable(consumer::await)).isInstanceOf(CancelledError.class);
            assertThat(log).containsExactly("got 0 at 1.0", "got 1 at 2.0", "inner finally at 2.5",
                    "outer finally at 2.5");
            assertThat(outer.isClosed()).isTrue();
            assertThat(allTasks()).containsExactly(currentTask());
        }

        @Test
        void aGeneratorCreatedOutsideTheLoopIsUsedInATask() {
            // The generator belongs to no loop: made on a plain thread, advanced in a task.
            AtomicReference<Generator<Integer>> made = new AtomicReference<>();
            toThread(() -> made.set(Generator.of(out -> {
                out.yield(1);
                sleep(0);
                out.yield(2);
            })));
            assertThat(drain(made.get())).containsExactly(1, 2);
        }
    }
}
