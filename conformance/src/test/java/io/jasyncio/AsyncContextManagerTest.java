package io.jasyncio;

import static io.jasyncio.AsyncContextManager.aclosing;
import static io.jasyncio.AsyncContextManager.asyncContextManager;
import static io.jasyncio.Asyncio.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.jasyncio.testing.AsyncioExtension;
import io.jasyncio.testing.Steps;
import io.jasyncio.testing.VirtualClock;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link AsyncContextManager}: {@code with}/{@code use} as Python's {@code async with} statement
 * (PEP 492: aenter, the block, aexit with the block's exception, suppression when aexit returns
 * true, the aexit's own exception replacing the block's), exits that suspend, cancellation in each
 * phase, {@code aclosing} and {@code asyncContextManager}. Ported from CPython 3.13's
 * test_contextlib_async.py (AclosingTestCase, AsyncContextManagerTestCase) and the language
 * reference's {@code async with} expansion. Every test runs on the virtual clock and states the
 * order of events.
 */
@ExtendWith(AsyncioExtension.class)
class AsyncContextManagerTest {

    /** An exception type of the tests' own, checked, to show it crosses {@code with} unwrapped. */
    static final class Boom extends Exception {
        Boom(String message) {
            super(message);
        }
    }

    /**
     * An async context manager that logs each step with the loop's time. Its aenter yields
     * {@code name + "-value"}; aenter and aexit sleep, aexit suppresses or raises, when told to.
     */
    static final class Logged implements AsyncContextManager<String> {
        final String name;
        final List<String> log;
        double enterDelay;
        double exitDelay;
        boolean suppress;
        Throwable exitRaises;
        /** What aexit received (the block's exception or null). */
        Throwable seen;
        int exits;

        Logged(String name, List<String> log) {
            this.name = name;
            this.log = log;
        }

        Logged enterSleeping(double delay) {
            enterDelay = delay;
            return this;
        }

        Logged exitSleeping(double delay) {
            exitDelay = delay;
            return this;
        }

        Logged suppressing() {
            suppress = true;
            return this;
        }

        Logged exitRaising(Throwable e) {
            exitRaises = e;
            return this;
        }

        @Override
        public String aenter() {
            log.add(name + " aenter at " + now());
            if (enterDelay > 0) {
                sleep(enterDelay);
                log.add(name + " entered at " + now());
            }
            return name + "-value";
        }

        @Override
        public boolean aexit(Throwable exc) throws Exception {
            exits++;
            seen = exc;
            log.add(name + " aexit(" + describe(exc) + ") at " + now());
            if (exitDelay > 0) {
                sleep(exitDelay);
                log.add(name + " exited at " + now());
            }
            if (exitRaises instanceof Exception e) {
                throw e;
            }
            if (exitRaises instanceof Error e) {
                throw e;
            }
            return suppress;
        }
    }

    static double now() {
        return getRunningLoop().time();
    }

    static String describe(Throwable e) {
        return e == null ? "null" : e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    // ---- the order of events ----

    @Test
    void withEntersRunsTheBlockWithTheEnteredValueExitsAndReturnsTheBlocksResult() {
        // async with cm as v: return f(v)   →  aenter, block, aexit(None, None, None)
        List<String> log = new ArrayList<>();
        Logged cm = new Logged("cm", log);
        String result = cm.with(v -> {
            log.add("block got " + v);
            return v.toUpperCase();
        });
        assertThat(result).isEqualTo("CM-VALUE");
        assertThat(log).containsExactly("cm aenter at 0.0", "block got cm-value", "cm aexit(null) at 0.0");
    }

    @Test
    void useRunsABlockWithoutAResult() {
        List<String> log = new ArrayList<>();
        new Logged("cm", log).use(v -> log.add("block got " + v));
        assertThat(log).containsExactly("cm aenter at 0.0", "block got cm-value", "cm aexit(null) at 0.0");
    }

    @Test
    void nestedManagersExitInReverseOrderOfEntry() {
        // async with a as x, b as y: ...  →  enter a, enter b, block, exit b, exit a
        List<String> log = new ArrayList<>();
        new Logged("a", log).use(x -> new Logged("b", log).use(y -> log.add("block " + x + " " + y)));
        assertThat(log).containsExactly("a aenter at 0.0", "b aenter at 0.0", "block a-value b-value",
                "b aexit(null) at 0.0", "a aexit(null) at 0.0");
    }

    @Test
    void enterAndExitThatSuspendLetOtherTasksRunInBetween(VirtualClock clock) {
        // aenter sleeps 1, the block sleeps 1, aexit sleeps 1; a neighbour task ticks every 0.5.
        List<String> log = new ArrayList<>();
        Task<Void> neighbour = createTask(() -> {
            for (int i = 1; i <= 7; i++) {
                sleep(0.5);
                log.add("tick " + now());
            }
        });
        String r = new Logged("cm", log).enterSleeping(1).exitSleeping(1).with(v -> {
            log.add("block at " + now());
            sleep(1);
            return "done at " + now();
        });
        log.add("after with at " + now());
        neighbour.await();
        assertThat(r).isEqualTo("done at 2.0");
        // At equal times the task whose timer was set first runs first (the main task's, here).
        assertThat(log).containsExactly(
                "cm aenter at 0.0", "tick 0.5",
                "cm entered at 1.0", "block at 1.0", "tick 1.0", "tick 1.5",
                "cm aexit(null) at 2.0", "tick 2.0", "tick 2.5",
                "cm exited at 3.0", "after with at 3.0", "tick 3.0", "tick 3.5");
        assertThat(clock.time()).isEqualTo(3.5);
    }

    // ---- exceptions ----

    @Test
    void anExceptionFromTheBlockReachesAexitAndPropagatesUnchanged() {
        // async with cm: raise Boom  →  aexit(Boom, boom, tb) returns False, the very boom propagates
        List<String> log = new ArrayList<>();
        Logged cm = new Logged("cm", log);
        Boom boom = new Boom("boom");
        Throwable e = catchThrowable(() -> cm.use(v -> {
            log.add("block");
            throw boom;
        }));
        assertThat(e).isSameAs(boom);
        assertThat(e.getSuppressed()).isEmpty();
        assertThat(cm.seen).isSameAs(boom);
        assertThat(log).containsExactly("cm aenter at 0.0", "block", "cm aexit(Boom: boom) at 0.0");
    }

    @Test
    void aCheckedExceptionCanBeCaughtByTypeAroundWith() {
        // ADR 0003: with() declares nothing and rethrows the block's checked exception as is
        List<String> log = new ArrayList<>();
        try {
            new Logged("cm", log).use(v -> {
                throw new IOException("disk");
            });
            log.add("not reached");
        } catch (Exception e) {
            if (!(e instanceof IOException io)) {
                throw e;
            }
            log.add("caught " + io.getMessage());
        }
        assertThat(log).containsExactly("cm aenter at 0.0", "cm aexit(IOException: disk) at 0.0", "caught disk");
    }

    @Test
    void aexitReturningTrueSuppressesTheExceptionAndWithReturnsNull() {
        // async with cm: raise Boom  (aexit returns True)  →  execution goes on after the statement
        List<String> log = new ArrayList<>();
        Logged cm = new Logged("cm", log).suppressing();
        String r = cm.with(v -> {
            log.add("block");
            throw new Boom("swallowed");
        });
        log.add("after with");
        assertThat(r).isNull();
        assertThat(log).containsExactly("cm aenter at 0.0", "block", "cm aexit(Boom: swallowed) at 0.0", "after with");
    }

    @Test
    void aexitReturningTrueAfterANormalBlockLeavesTheResultAlone() {
        List<String> log = new ArrayList<>();
        int r = new Logged("cm", log).suppressing().with(v -> 42);
        assertThat(r).isEqualTo(42);
        assertThat(log).containsExactly("cm aenter at 0.0", "cm aexit(null) at 0.0");
    }

    @Test
    void anErrorFromTheBlockReachesAexitToo() {
        // Python passes BaseException (KeyboardInterrupt, SystemExit) to __aexit__ as well
        List<String> log = new ArrayList<>();
        Logged cm = new Logged("cm", log);
        AssertionError error = new AssertionError("an Error, not an Exception");
        assertThat(catchThrowable(() -> cm.use(v -> {
            throw error;
        }))).isSameAs(error);
        assertThat(cm.seen).isSameAs(error);
    }

    @Test
    void anExceptionFromAenterSkipsTheBlockAndAexit() {
        // async with: if __aenter__ raises, neither the block nor __aexit__ runs
        List<String> log = new ArrayList<>();
        IllegalStateException refused = new IllegalStateException("refused");
        AsyncContextManager<String> cm = new AsyncContextManager<>() {
            @Override
            public String aenter() {
                log.add("aenter");
                sleep(1);
                throw refused;
            }

            @Override
            public boolean aexit(Throwable exc) {
                log.add("aexit");
                return true;
            }
        };
        assertThat(catchThrowable(() -> cm.use(v -> log.add("block")))).isSameAs(refused);
        assertThat(log).containsExactly("aenter");
    }

    @Test
    void anExceptionFromAexitReplacesTheBlocksWhichIsKeptAsSuppressed() {
        // Python: the new exception propagates with __context__ = the block's exception.
        // jasyncio: the block's exception is added to it as suppressed.
        List<String> log = new ArrayList<>();
        IllegalStateException cleanup = new IllegalStateException("cleanup failed");
        Logged cm = new Logged("cm", log).exitRaising(cleanup);
        Boom boom = new Boom("boom");
        Throwable e = catchThrowable(() -> cm.use(v -> {
            throw boom;
        }));
        assertThat(e).isSameAs(cleanup);
        assertThat(e.getSuppressed()).containsExactly(boom);
        assertThat(boom.getSuppressed()).isEmpty();
    }

    @Test
    void anExceptionFromAexitAfterANormalBlockPropagatesAlone() {
        List<String> log = new ArrayList<>();
        IllegalStateException cleanup = new IllegalStateException("cleanup failed");
        Logged cm = new Logged("cm", log).exitRaising(cleanup);
        Throwable e = catchThrowable(() -> cm.with(v -> "result"));
        assertThat(e).isSameAs(cleanup);
        assertThat(e.getSuppressed()).isEmpty();
    }

    @Test
    void aexitRethrowingTheBlocksExceptionPropagatesItWithoutSuppressingItInItself() {
        // Python's "raise" of the received exception in __aexit__: the same object, no self-context
        List<String> log = new ArrayList<>();
        Boom boom = new Boom("boom");
        Logged cm = new Logged("cm", log).exitRaising(boom);
        assertThat(catchThrowable(() -> cm.use(v -> {
            throw boom;
        }))).isSameAs(boom);
        assertThat(boom.getSuppressed()).isEmpty();
    }

    @Test
    void aexitWrappingTheBlocksExceptionAsItsCauseDoesNotAlsoSuppressIt() {
        // Python: raise New() from exc  →  __cause__ and __context__ are both exc (one link)
        Boom boom = new Boom("boom");
        IllegalStateException wrapper = new IllegalStateException("wrapped", boom);
        Logged cm = new Logged("cm", new ArrayList<>()).exitRaising(wrapper);
        Throwable e = catchThrowable(() -> cm.use(v -> {
            throw boom;
        }));
        assertThat(e).isSameAs(wrapper).hasCause(boom);
        assertThat(e.getSuppressed()).isEmpty();
    }

    @Test
    void anExitExceptionThatTheBlocksExceptionAlreadyCarriesIsNotGivenItBack() {
        // The block's exception holds the exit's as suppressed already: adding the block's to the
        // exit's would make a cycle (Python breaks such __context__ cycles too).
        IllegalStateException cleanup = new IllegalStateException("cleanup failed");
        Boom boom = new Boom("boom");
        boom.addSuppressed(cleanup);
        Logged cm = new Logged("cm", new ArrayList<>()).exitRaising(cleanup);
        Throwable e = catchThrowable(() -> cm.use(v -> {
            throw boom;
        }));
        assertThat(e).isSameAs(cleanup);
        assertThat(cleanup.getSuppressed()).isEmpty();
    }

    @Test
    void anExitExceptionWhoseSuppressionIsDisabledDropsTheBlocksException() {
        // Python: __aexit__ raising an exception whose __context__ was set to None explicitly
        // (test_exit_exception_explicit_none_context): the block's exception is not attached.
        class Detached extends RuntimeException {
            Detached() {
                super("detached", null, false, true);
            }
        }
        Detached detached = new Detached();
        Logged cm = new Logged("cm", new ArrayList<>()).exitRaising(detached);
        Throwable e = catchThrowable(() -> cm.use(v -> {
            throw new IndexOutOfBoundsException();
        }));
        assertThat(e).isSameAs(detached);
        assertThat(e.getSuppressed()).isEmpty();
    }

    @Test
    void nullBlockIsRefusedBeforeEntering() {
        List<String> log = new ArrayList<>();
        Logged cm = new Logged("cm", log);
        assertThatThrownBy(() -> cm.with(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("block");
        assertThatThrownBy(() -> cm.use(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("block");
        assertThat(log).isEmpty();
    }

    // ---- cancellation ----

    @Test
    void cancellationDuringAenterSkipsTheBlockAndAexit(VirtualClock clock) {
        // aenter sleeps 10; the task is cancelled at 1: CancelledError from aenter, no block, no aexit
        List<String> log = new ArrayList<>();
        Logged cm = new Logged("cm", log).enterSleeping(10);
        Task<Void> t = createTask(() -> cm.use(v -> log.add("block")));
        sleep(1);
        t.cancel("stop");
        assertThat(catchThrowable(t::await)).isInstanceOf(CancelledError.class);
        assertThat(t.cancelled()).isTrue();
        assertThat(cm.exits).isZero();
        assertThat(log).containsExactly("cm aenter at 0.0");
        assertThat(clock.time()).isEqualTo(1.0);
    }

    @Test
    void cancellationDuringTheBlockReachesAexitWhichMaySuspendToCleanUp(VirtualClock clock) {
        // The block sleeps 10; cancelled at 1; aexit sees the CancelledError, sleeps 1 to clean up
        // (the cancel request was delivered, so it may), and the task ends cancelled at 2.
        List<String> log = new ArrayList<>();
        Logged cm = new Logged("cm", log).exitSleeping(1);
        Task<Void> t = createTask(() -> cm.use(v -> {
            log.add("block at " + now());
            sleep(10);
            log.add("not reached");
        }));
        sleep(1);
        t.cancel("stop");
        assertThat(catchThrowable(t::await)).isInstanceOf(CancelledError.class);
        assertThat(t.cancelled()).isTrue();
        assertThat(cm.seen).isInstanceOf(CancelledError.class).hasMessage("stop");
        assertThat(log).containsExactly("cm aenter at 0.0", "block at 0.0", "cm aexit(CancelledError: stop) at 1.0",
                "cm exited at 2.0");
        assertThat(clock.time()).isEqualTo(2.0);
    }

    @Test
    void aexitThatSuppressesACancellationLetsTheTaskGoOnStillCancelling() {
        // asyncio: an __aexit__ returning True swallows the CancelledError like any other
        // exception; the task runs on and cancelling() still counts the request (it is not
        // uncancelled for it).
        List<String> log = new ArrayList<>();
        Logged cm = new Logged("cm", log).suppressing();
        Task<String> t = createTask(() -> {
            String r = cm.with(v -> sleep(10, "not reached"));
            log.add("after with: " + r);
            sleep(1);
            return "finished, cancelling=" + currentTask().cancelling();
        });
        sleep(1);
        t.cancel();
        assertThat(t.await()).isEqualTo("finished, cancelling=1");
        assertThat(log).containsExactly("cm aenter at 0.0", "cm aexit(CancelledError) at 1.0", "after with: null");
    }

    @Test
    void cancellationDuringAexitAfterANormalBlockPropagatesFromAexit(VirtualClock clock) {
        List<String> log = new ArrayList<>();
        Logged cm = new Logged("cm", log).exitSleeping(10);
        Task<String> t = createTask(() -> cm.with(v -> "result"));
        sleep(1);
        t.cancel("stop");
        Throwable e = catchThrowable(t::await);
        assertThat(e).isInstanceOf(CancelledError.class);
        assertThat(e.getSuppressed()).isEmpty();
        assertThat(log).containsExactly("cm aenter at 0.0", "cm aexit(null) at 0.0");
        assertThat(clock.time()).isEqualTo(1.0);
    }

    @Test
    void cancellationDuringAexitWhileTheBlocksExceptionIsInFlightReplacesIt(VirtualClock clock) {
        // Python: the CancelledError raised in __aexit__ propagates, its __context__ the block's
        // exception. jasyncio: the task is cancelled and its CancelledError carries the block's
        // exception as suppressed.
        List<String> log = new ArrayList<>();
        Logged cm = new Logged("cm", log).exitSleeping(10);
        Boom boom = new Boom("boom");
        CancelledError[] raised = {null};
        Task<Void> t = createTask(() -> {
            try {
                cm.use(v -> {
                    throw boom;
                });
            } catch (CancelledError c) {
                raised[0] = c;
                throw c;
            }
        });
        sleep(1);
        t.cancel("stop");
        assertThat(catchThrowable(t::await)).isInstanceOf(CancelledError.class);
        assertThat(t.cancelled()).isTrue();
        assertThat(raised[0]).hasMessage("stop");
        assertThat(raised[0].getSuppressed()).containsExactly(boom);
        assertThat(log).containsExactly("cm aenter at 0.0", "cm aexit(Boom: boom) at 0.0");
    }

    @Test
    void aTimeoutAroundTheStatementSeesItsCancellationAfterAexitRan(VirtualClock clock) {
        // async with timeout(1): async with cm: await sleep(10)
        // → cm's __aexit__ sees CancelledError at 1, then the timeout turns it into TimeoutError.
        List<String> log = new ArrayList<>();
        Logged cm = new Logged("cm", log).exitSleeping(0.5);
        Throwable e = catchThrowable(() -> timeout(1).run(() -> cm.use(v -> sleep(10))));
        assertThat(e).isInstanceOf(TimeoutError.class);
        assertThat(log).containsExactly("cm aenter at 0.0", "cm aexit(CancelledError) at 1.0", "cm exited at 1.5");
        assertThat(clock.time()).isEqualTo(1.5);
        assertThat(currentTask().cancelling()).isZero();
    }

    @Test
    void theStatementRunsInTheCallersTaskAtEachStep() {
        // No task is created: aenter, the block and aexit all run in the task that calls with().
        Steps steps = new Steps();
        Task<?> me = currentTask();
        AsyncContextManager<Task<?>> cm = new AsyncContextManager<>() {
            @Override
            public Task<?> aenter() {
                steps.expect(1);
                return currentTask();
            }

            @Override
            public boolean aexit(Throwable exc) {
                steps.expect(3);
                assertThat(currentTask()).isSameAs(me);
                return false;
            }
        };
        cm.use(task -> {
            steps.expect(2);
            assertThat(task).isSameAs(me);
        });
        steps.finish(4);
    }

    // ---- aclosing (contextlib.aclosing) ----

    /** Something with an aclose() that suspends and counts its calls. */
    static final class Closeable implements AsyncCloseable {
        final List<String> log;
        int closed;

        Closeable(List<String> log) {
            this.log = log;
        }

        @Override
        public void aclose() {
            closed++;
            log.add("aclose at " + now());
            sleep(1);
            log.add("closed at " + now());
        }
    }

    @Test
    void aclosingEntersAsTheThingItselfAndClosesItOnExit() {
        // test_aclosing
        List<String> log = new ArrayList<>();
        Closeable x = new Closeable(log);
        aclosing(x).use(y -> {
            assertThat(y).isSameAs(x);
            log.add("block");
        });
        assertThat(x.closed).isEqualTo(1);
        assertThat(log).containsExactly("block", "aclose at 0.0", "closed at 1.0");
    }

    @Test
    void aclosingClosesWhenTheBlockFailsAndLetsTheExceptionPass() {
        // test_aclosing_error
        List<String> log = new ArrayList<>();
        Closeable x = new Closeable(log);
        ArithmeticException zero = new ArithmeticException("/ by zero");
        Throwable e = catchThrowable(() -> aclosing(x).use(y -> {
            log.add("block");
            throw zero;
        }));
        assertThat(e).isSameAs(zero);
        assertThat(x.closed).isEqualTo(1);
        assertThat(log).containsExactly("block", "aclose at 0.0", "closed at 1.0");
    }

    @Test
    void aclosingWorksAsATryWithResourcesResource() {
        List<String> log = new ArrayList<>();
        Closeable x = new Closeable(log);
        try (var closing = aclosing(x)) {
            assertThat(closing.aenter()).isSameAs(x);
            log.add("block");
        }
        assertThat(log).containsExactly("block", "aclose at 0.0", "closed at 1.0");
    }

    @Test
    void aclosingPropagatesTheExceptionOfAcloseKeepingTheBlocksAsSuppressed() {
        List<String> log = new ArrayList<>();
        Boom closeFailed = new Boom("close failed");
        AsyncCloseable thing = () -> {
            log.add("aclose");
            throw closeFailed;
        };
        IllegalStateException blockFailed = new IllegalStateException("block failed");
        Throwable e = catchThrowable(() -> aclosing(thing).use(y -> {
            throw blockFailed;
        }));
        assertThat(e).isSameAs(closeFailed);
        assertThat(e.getSuppressed()).containsExactly(blockFailed);
        assertThat(log).containsExactly("aclose");
    }

    @Test
    void aclosingNeverSuppresses() throws Exception {
        List<String> log = new ArrayList<>();
        var closing = aclosing(new Closeable(log));
        assertThat(closing.aexit(new Boom("x"))).isFalse();
        assertThat(closing.aexit(null)).isFalse();
    }

    @Test
    void aclosingOfNullIsRefused() {
        assertThatThrownBy(() -> aclosing(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("aclosing");
    }

    @Test
    void aclosingClosesAnAsyncGeneratorWhoseFinallyThenRuns() {
        // test_aclosing_bpo41229: the generator's finally (around a sync resource) runs when the
        // block fails after taking one value
        List<Integer> state = new ArrayList<>();
        AsyncGenerator<Integer> x = AsyncGenerator.of(out -> {
            try {
                out.yield(-1);
                out.yield(-2);
            } finally {
                state.add(1);
            }
        });
        ArithmeticException zero = new ArithmeticException("/ by zero");
        Throwable e = catchThrowable(() -> aclosing(x).use(y -> {
            assertThat(y).isSameAs(x);
            assertThat(y.anext()).isEqualTo(-1);
            throw zero;
        }));
        assertThat(e).isSameAs(zero);
        assertThat(state).containsExactly(1);
        assertThat(x.isClosed()).isTrue();
    }

    // ---- asyncContextManager (contextlib.asynccontextmanager) ----

    @Test
    void generatorManagerRunsSetupBeforeTheBlockAndTeardownAfterIt() {
        // test_contextmanager_plain
        List<Integer> state = new ArrayList<>();
        AsyncContextManager<Integer> woohoo = asyncContextManager(out -> {
            state.add(1);
            out.yield(42);
            state.add(999);
        });
        woohoo.use(x -> {
            assertThat(state).containsExactly(1);
            assertThat(x).isEqualTo(42);
            state.add(x);
        });
        assertThat(state).containsExactly(1, 42, 999);
    }

    @Test
    void generatorManagerRunsItsFinallyWhenTheBlockFailsAndLetsTheExceptionPass() {
        // test_contextmanager_finally
        List<Integer> state = new ArrayList<>();
        AsyncContextManager<Integer> woohoo = asyncContextManager(out -> {
            state.add(1);
            try {
                out.yield(42);
            } finally {
                state.add(999);
            }
        });
        ArithmeticException zero = new ArithmeticException();
        Throwable e = catchThrowable(() -> woohoo.use(x -> {
            assertThat(state).containsExactly(1);
            assertThat(x).isEqualTo(42);
            state.add(x);
            throw zero;
        }));
        assertThat(e).isSameAs(zero);
        assertThat(e.getSuppressed()).isEmpty();
        assertThat(state).containsExactly(1, 42, 999);
    }

    @Test
    void generatorManagerThatCatchesTheBlocksExceptionSuppressesIt() {
        // test_contextmanager_except
        List<Integer> state = new ArrayList<>();
        AsyncContextManager<Integer> woohoo = asyncContextManager(out -> {
            state.add(1);
            try {
                out.yield(42);
            } catch (ArithmeticException e) {
                state.add(Integer.valueOf(e.getMessage()));
                assertThat(state).containsExactly(1, 42, 999);
            }
        });
        String r = woohoo.with(x -> {
            assertThat(state).containsExactly(1);
            assertThat(x).isEqualTo(42);
            state.add(x);
            throw new ArithmeticException("999");
        });
        assertThat(r).isNull();
        assertThat(state).containsExactly(1, 42, 999);
    }

    @Test
    void generatorManagerLetsTheBlocksOwnExceptionsPassAsTheyWereEvenEndOfIterationOnes() {
        // test_contextmanager_traceback (identity part), test_contextmanager_except_stopiter:
        // StopIteration (NoSuchElementException) and StopAsyncIteration raised in the block are
        // not mistaken for the generator's end, nor is a RuntimeError (IllegalStateException).
        class StopAsyncIterationSubclass extends StopAsyncIteration {
        }
        class RuntimeErrorSubclass extends IllegalStateException {
        }
        for (RuntimeException raised : List.of(new NoSuchElementException("spam"), new StopAsyncIteration(),
                new StopAsyncIterationSubclass(), new RuntimeErrorSubclass(), new ArithmeticException())) {
            AsyncContextManager<Void> f = asyncContextManager(out -> out.yield(null));
            Throwable e = catchThrowable(() -> f.use(v -> {
                throw raised;
            }));
            assertThat(e).as(raised.getClass().getSimpleName()).isSameAs(raised);
            assertThat(e.getSuppressed()).isEmpty();
        }
    }

    @Test
    void aexitOfAGeneratorManagerReturnsFalseForAnExceptionItLetsThrough() throws Exception {
        // test_contextmanager_no_reraise: calling aexit directly does not throw
        AsyncContextManager<Void> whee = asyncContextManager(out -> out.yield(null));
        whee.aenter();
        assertThat(whee.aexit(new IllegalArgumentException("foo"))).isFalse();
    }

    @Test
    void generatorManagerThatYieldsAgainAfterTheExceptionFailsAndIsClosed() throws Exception {
        // test_contextmanager_trap_yield_after_throw
        List<String> log = new ArrayList<>();
        AsyncContextManager<Void> whoo = asyncContextManager(out -> {
            try {
                out.yield(null);
            } catch (Exception e) {
                try {
                    out.yield(null);
                } finally {
                    log.add("closed");
                }
            }
        });
        whoo.aenter();
        assertThatThrownBy(() -> whoo.aexit(new IllegalArgumentException("foo")))
                .isInstanceOf(IllegalStateException.class).hasMessage("generator didn't stop after athrow()");
        assertThat(log).containsExactly("closed");
    }

    @Test
    void generatorManagerThatNeverYieldsFailsOnEntry() {
        // test_contextmanager_trap_no_yield
        List<String> log = new ArrayList<>();
        AsyncContextManager<Void> whoo = asyncContextManager(out -> log.add("body ran"));
        Throwable e = catchThrowable(() -> whoo.use(v -> log.add("block")));
        assertThat(e).isInstanceOf(IllegalStateException.class).hasMessage("generator didn't yield").hasNoCause();
        assertThat(log).containsExactly("body ran");
    }

    @Test
    void generatorManagerThatYieldsTwiceFailsOnExitAndIsClosed() {
        // test_contextmanager_trap_second_yield
        List<String> log = new ArrayList<>();
        AsyncContextManager<Void> whoo = asyncContextManager(out -> {
            out.yield(null);
            try {
                out.yield(null);
            } finally {
                log.add("closed");
            }
        });
        Throwable e = catchThrowable(() -> whoo.use(v -> log.add("block")));
        assertThat(e).isInstanceOf(IllegalStateException.class).hasMessage("generator didn't stop");
        assertThat(log).containsExactly("block", "closed");
    }

    @Test
    void generatorManagerThatWrapsTheExceptionRaisesTheWrapperButUnwrapsStopAsyncIteration() {
        // test_contextmanager_wrap_runtimeerror
        Supplier<AsyncContextManager<Void>> woohoo = () -> asyncContextManager(out -> {
            try {
                out.yield(null);
            } catch (Exception exc) {
                throw new IllegalStateException("caught " + exc, exc);
            }
        });
        ArithmeticException zero = new ArithmeticException("/ by zero");
        Throwable e = catchThrowable(() -> woohoo.get().use(v -> {
            throw zero;
        }));
        assertThat(e).isInstanceOf(IllegalStateException.class).hasCause(zero);
        assertThat(e.getSuppressed()).isEmpty();

        // a StopAsyncIteration wrapped in an IllegalStateException is unwrapped: it cannot be told
        // from PEP 479's wrapping
        StopAsyncIteration stop = new StopAsyncIteration();
        assertThat(catchThrowable(() -> woohoo.get().use(v -> {
            throw stop;
        }))).isSameAs(stop);
    }

    @Test
    void generatorManagerRaisingAnotherExceptionReplacesTheBlocksWhichIsKeptAsSuppressed() {
        // Python: the exception raised in the generator's except block has the block's as __context__
        IllegalArgumentException block = new IllegalArgumentException("block");
        IllegalStateException replaced = new IllegalStateException("teardown failed");
        AsyncContextManager<Void> cm = asyncContextManager(out -> {
            try {
                out.yield(null);
            } catch (IllegalArgumentException e) {
                throw replaced;
            }
        });
        Throwable e = catchThrowable(() -> cm.use(v -> {
            throw block;
        }));
        assertThat(e).isSameAs(replaced);
        assertThat(e.getSuppressed()).containsExactly(block);
    }

    @Test
    void generatorManagerIsEnteredOnce() {
        List<String> log = new ArrayList<>();
        AsyncContextManager<String> cm = asyncContextManager(out -> out.yield("v"));
        cm.use(v -> log.add("first " + v));
        assertThatThrownBy(() -> cm.use(v -> log.add("second " + v))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("entered once");
        assertThat(log).containsExactly("first v");
    }

    @Test
    void generatorManagerOfNullIsRefused() {
        assertThatThrownBy(() -> asyncContextManager(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("asyncContextManager");
    }

    /** A method returning a new manager each call: the decorated function of Python. */
    static AsyncContextManager<String> resource(String name, List<String> log, double setup, double teardown) {
        return asyncContextManager(out -> {
            log.add(name + " setup at " + now());
            sleep(setup);
            try {
                out.yield(name);
            } catch (Throwable e) {
                log.add(name + " caught " + describe(e) + " at " + now());
                throw e;
            } finally {
                log.add(name + " teardown at " + now());
                sleep(teardown);
                log.add(name + " released at " + now());
            }
        });
    }

    @Test
    void generatorManagerSetupAndTeardownSuspendAndYieldWorksFromAHelper(VirtualClock clock) {
        // The yield is made by a helper the body calls, and setup and teardown sleep.
        List<String> log = new ArrayList<>();
        AsyncContextManager<Integer> cm = asyncContextManager(out -> {
            sleep(1);
            log.add("setup done at " + now());
            try {
                yieldTwiceTheAnswer(out);
            } finally {
                sleep(1);
                log.add("teardown done at " + now());
            }
        });
        int r = cm.with(v -> {
            log.add("block got " + v + " at " + now());
            return v + 1;
        });
        assertThat(r).isEqualTo(85);
        assertThat(log).containsExactly("setup done at 1.0", "block got 84 at 1.0", "teardown done at 2.0");
        assertThat(clock.time()).isEqualTo(2.0);
    }

    private static void yieldTwiceTheAnswer(Yielder<Integer> out) {
        out.yield(2 * 42);
    }

    @Test
    void cancellationDuringAGeneratorManagersSetupSkipsTheBlockAndTeardown(VirtualClock clock) {
        List<String> log = new ArrayList<>();
        Task<Void> t = createTask(() -> resource("r", log, 10, 1).use(v -> log.add("block")));
        sleep(1);
        t.cancel();
        assertThat(catchThrowable(t::await)).isInstanceOf(CancelledError.class);
        assertThat(t.cancelled()).isTrue();
        assertThat(log).containsExactly("r setup at 0.0");
        assertThat(clock.time()).isEqualTo(1.0);
    }

    @Test
    void cancellationDuringTheBlockIsThrownInAtTheYieldAndTeardownMaySuspend(VirtualClock clock) {
        List<String> log = new ArrayList<>();
        Task<Void> t = createTask(() -> resource("r", log, 1, 1).use(v -> {
            log.add("block at " + now());
            sleep(10);
        }));
        sleep(2);
        t.cancel("stop");
        assertThat(catchThrowable(t::await)).isInstanceOf(CancelledError.class);
        assertThat(t.cancelled()).isTrue();
        assertThat(log).containsExactly("r setup at 0.0", "block at 1.0", "r caught CancelledError: stop at 2.0",
                "r teardown at 2.0", "r released at 3.0");
        assertThat(clock.time()).isEqualTo(3.0);
    }

    @Test
    void cancellationDuringAGeneratorManagersTeardownPropagatesFromIt(VirtualClock clock) {
        List<String> log = new ArrayList<>();
        Task<String> t = createTask(() -> resource("r", log, 0, 10).with(v -> "result"));
        sleep(1);
        t.cancel();
        assertThat(catchThrowable(t::await)).isInstanceOf(CancelledError.class);
        assertThat(log).containsExactly("r setup at 0.0", "r teardown at 0.0");
    }

    @Test
    void generatorManagerThatSwallowsACancellationSuppressesIt() {
        // As in Python: a generator that catches CancelledError and ends suppresses it; the task
        // goes on, still counting the request in cancelling().
        AsyncContextManager<Void> swallowing = asyncContextManager(out -> {
            try {
                out.yield(null);
            } catch (CancelledError e) {
                // swallowed: do not do this
            }
        });
        Task<String> t = createTask(() -> {
            swallowing.use(v -> sleep(10));
            return "went on, cancelling=" + currentTask().cancelling();
        });
        sleep(1);
        t.cancel();
        assertThat(t.await()).isEqualTo("went on, cancelling=1");
    }

    @Test
    void nestedGeneratorManagersUnwindInnermostFirst() {
        // test_recursive, without the decorator form: each call of the method is a new manager
        List<String> log = new ArrayList<>();
        resource("a", log, 0, 0).use(a -> resource("b", log, 0, 0).use(b -> log.add("block " + a + b)));
        assertThat(log).containsExactly("a setup at 0.0", "b setup at 0.0", "block ab", "b teardown at 0.0",
                "b released at 0.0", "a teardown at 0.0", "a released at 0.0");
    }

    @Test
    void anAsyncGeneratorClosedInsideAGeneratorManagersBlockPropagatesGeneratorExit() {
        // test_async_gen_propagates_generator_exit (bpo-33786): the outer generator yields from
        // inside the manager's block; closing it throws GeneratorExit through the manager.
        List<String> log = new ArrayList<>();
        AsyncGenerator<Integer> g = AsyncGenerator.of(out -> resource("ctx", log, 0, 0).use(v -> out.yield(11)));
        for (int val : g) {
            assertThat(val).isEqualTo(11);
            break;
        }
        g.aclose();
        assertThat(g.isClosed()).isTrue();
        assertThat(log).containsExactly("ctx setup at 0.0", "ctx caught GeneratorExit at 0.0", "ctx teardown at 0.0",
                "ctx released at 0.0");
    }

    @Test
    void generatorManagerAroundAnExitStackKeepsAnExplicitlyEmptyContext() {
        // test_async_exit_exception_explicit_none_context, my_cm and my_cm_with_exit_stack
        class MyException extends RuntimeException {
            MyException() {
                super("mine", null, false, true); // Python: exc.__context__ = None
            }
        }
        Supplier<AsyncContextManager<Void>> myCm = () -> asyncContextManager(out -> {
            try {
                out.yield(null);
            } catch (Throwable e) {
                throw new MyException();
            }
        });
        Supplier<AsyncContextManager<AsyncExitStack>> myCmWithExitStack =
                () -> asyncContextManager(out -> new AsyncExitStack().use(stack -> {
                    stack.enterAsyncContext(myCm.get());
                    out.yield(stack);
                }));
        for (var cm : List.of(myCm.get(), myCmWithExitStack.get())) {
            Throwable e = catchThrowable(() -> cm.use(v -> {
                throw new IndexOutOfBoundsException();
            }));
            assertThat(e).isInstanceOf(MyException.class);
            assertThat(e.getSuppressed()).isEmpty();
        }
    }
}
