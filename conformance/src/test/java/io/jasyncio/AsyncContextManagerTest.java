package io.jasyncio;

import static io.jasyncio.AsyncContextManager.aclosing;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link AsyncContextManager}: {@code with}/{@code use} as Python's {@code async with} statement
 * (PEP 492: aenter, the block, aexit with the block's exception, suppression when aexit returns
 * true, the aexit's own exception replacing the block's), exits that suspend, cancellation in each
 * phase, and {@code aclosing}. Ported from CPython 3.13's test_contextlib_async.py
 * (AclosingTestCase) and the language reference's {@code async with} expansion. Every test runs on
 * the virtual clock and states the order of events.
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
}
