package io.jasyncio;

import static io.jasyncio.Asyncio.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.jasyncio.testing.AsyncioExtension;
import io.jasyncio.testing.VirtualClock;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link AsyncExitStack}: LIFO unwinding, what each exit callback sees, suppression, exception
 * chaining, {@code popAll}, callbacks that suspend and cancellation while unwinding. Ported from
 * CPython 3.13's test_contextlib.py (TestBaseExitStack) and test_contextlib_async.py
 * (TestAsyncExitStack); Python's {@code __context__} links are asserted as jasyncio's
 * suppressed exceptions (docs/asyncio-mapping.md, "Context managers").
 */
@ExtendWith(AsyncioExtension.class)
class AsyncExitStackTest {

    /** Python's {@code raise exc} for any Throwable, from a lambda that may throw Exception. */
    static void raise(Throwable e) throws Exception {
        if (e instanceof Exception x) {
            throw x;
        }
        throw (Error) e;
    }

    static double now() {
        return getRunningLoop().time();
    }

    static String describe(Throwable e) {
        return e == null ? "null" : e.getClass().getSimpleName();
    }

    /** The exception thrown when the block ran under a new stack, or null. */
    static Throwable outcome(AsyncContextManager.VoidBody<AsyncExitStack> block) {
        return catchThrowable(() -> new AsyncExitStack().use(block));
    }

    // ---- order and what the callbacks see ----

    @Test
    void anEmptyStackEntersAndExits() {
        // test_no_resources
        AsyncExitStack stack = new AsyncExitStack();
        AsyncExitStack entered = stack.with(s -> s);
        assertThat(entered).isSameAs(stack);
        stack.aclose();
    }

    @Test
    void callbacksRunLastInFirstOutWithTheArgumentsTheyCaptured() {
        // test_callback, test_async_callback: arguments are captured by the lambda
        List<String> expected = List.of("()", "(1)", "(1, 2)", "(example=1)", "(1, example=1)", "(1, 2, example=1)");
        List<String> result = new ArrayList<>();
        new AsyncExitStack().use(stack -> {
            List<String> reversed = expected.reversed();
            for (int i = 0; i < reversed.size(); i++) {
                String args = reversed.get(i);
                VoidCoroutine cb = () -> {
                    sleep(0);
                    result.add(args);
                };
                // callback() is pushAsyncCallback() under contextlib's other name: alternate them
                assertThat(i % 2 == 0 ? stack.pushAsyncCallback(cb) : stack.callback(cb)).isSameAs(cb);
            }
        });
        assertThat(result).isEqualTo(expected);
    }

    @Test
    void pushedExitsSeeTheBlocksExceptionUntilOneSuppressesIt() {
        // test_push, test_async_push: pushed (bottom to top) expectOk, cm(expectOk), suppress,
        // cm(expectExc), expectExc, expectExc; the block divides by zero.
        List<String> log = new ArrayList<>();
        class ExitCM implements AsyncContextManager<Void> {
            final String name;

            ExitCM(String name) {
                this.name = name;
            }

            @Override
            public Void aenter() {
                throw new AssertionError("Should not be called!");
            }

            @Override
            public boolean aexit(Throwable exc) {
                log.add(name + " saw " + describe(exc));
                return false;
            }
        }
        AsyncExitStack.ExitCallback suppress = exc -> {
            log.add("suppress saw " + describe(exc));
            sleep(0);
            return true;
        };
        new AsyncExitStack().use(stack -> {
            stack.pushAsyncExit(exc -> {
                log.add("expectOk saw " + describe(exc));
                return false;
            });
            ExitCM cm = new ExitCM("cm(expectOk)");
            assertThat(stack.pushAsyncExit(cm)).isSameAs(cm);
            assertThat(stack.pushAsyncExit(suppress)).isSameAs(suppress);
            stack.pushAsyncExit(new ExitCM("cm(expectExc)"));
            stack.push(exc -> {
                log.add("expectExc saw " + describe(exc));
                return false;
            });
            stack.pushAsyncExit(exc -> {
                log.add("expectExc saw " + describe(exc));
                return false;
            });
            log.add("block");
            int zero = 0;
            log.add("not reached " + 1 / zero);
        });
        assertThat(log).containsExactly("block",
                "expectExc saw ArithmeticException", "expectExc saw ArithmeticException",
                "cm(expectExc) saw ArithmeticException", "suppress saw ArithmeticException",
                "cm(expectOk) saw null", "expectOk saw null");
    }

    @Test
    void enterAsyncContextReturnsWhatAenterReturnedAndExitsInItsTurn() {
        // test_enter_async_context: [1, 2, 3, 4]
        List<Integer> result = new ArrayList<>();
        AsyncContextManager<String> cm = new AsyncContextManager<>() {
            @Override
            public String aenter() {
                sleep(0);
                result.add(1);
                return "entered";
            }

            @Override
            public boolean aexit(Throwable exc) {
                sleep(0);
                result.add(3);
                return false;
            }
        };
        new AsyncExitStack().use(stack -> {
            stack.pushAsyncCallback(() -> result.add(4)); // registered first, cleaned up last
            assertThat(stack.enterAsyncContext(cm)).isEqualTo("entered");
            result.add(2);
        });
        assertThat(result).containsExactly(1, 2, 3, 4);
    }

    @Test
    void enterContextTakesAnAutoCloseableAndClosesItInItsTurn() {
        // test_enter_context: a Java resource is entered when it is made; the stack closes it
        List<Integer> result = new ArrayList<>();
        AutoCloseable resource = () -> result.add(3);
        new AsyncExitStack().use(stack -> {
            stack.callback(() -> result.add(4));
            result.add(1);
            assertThat(stack.enterContext(resource)).isSameAs(resource);
            result.add(2);
        });
        assertThat(result).containsExactly(1, 2, 3, 4);
    }

    @Test
    void anAenterThatFailsRegistersNothing() {
        // test_enter_async_context_errors: a failed entry leaves no exit callback behind
        List<String> log = new ArrayList<>();
        IllegalStateException refused = new IllegalStateException("refused");
        AsyncContextManager<String> failing = new AsyncContextManager<>() {
            @Override
            public String aenter() {
                throw refused;
            }

            @Override
            public boolean aexit(Throwable exc) {
                log.add("aexit");
                return false;
            }
        };
        new AsyncExitStack().use(stack -> {
            assertThat(catchThrowable(() -> stack.enterAsyncContext(failing))).isSameAs(refused);
            assertThat(stack.toString()).contains("0 callbacks");
        });
        assertThat(log).isEmpty();
    }

    @Test
    void acloseUnwindsAtOnceAndTheStatementsExitFindsNothingLeft() {
        // test_close: [1, 2]
        List<Integer> result = new ArrayList<>();
        new AsyncExitStack().use(stack -> {
            stack.callback(() -> result.add(1));
            stack.aclose();
            result.add(2);
        });
        assertThat(result).containsExactly(1, 2);
    }

    @Test
    void popAllMovesTheCallbacksToANewStack() {
        // test_pop_all: [1, 2, 3]
        List<Integer> result = new ArrayList<>();
        AsyncExitStack moved = new AsyncExitStack().with(stack -> {
            stack.callback(() -> result.add(3));
            AsyncExitStack newStack = stack.popAll();
            result.add(1);
            return newStack;
        });
        result.add(2);
        moved.aclose();
        assertThat(result).containsExactly(1, 2, 3);
    }

    @Test
    void popAllShieldsTheMovedCallbacksFromTheBlocksException() {
        // the usual use of pop_all: keep resources only when the whole setup succeeded
        List<String> log = new ArrayList<>();
        AsyncExitStack kept = new AsyncExitStack().with(stack -> {
            stack.pushAsyncExit(exc -> {
                log.add("moved exit saw " + describe(exc));
                return false;
            });
            return stack.popAll();
        });
        assertThat(log).isEmpty();
        kept.aclose();
        assertThat(log).containsExactly("moved exit saw null");
    }

    @Test
    void aStackClosedBeforeCanBeFilledAndClosedAgain() {
        // contextlib keeps no closed state: an unwound stack is an empty stack
        List<Integer> result = new ArrayList<>();
        AsyncExitStack stack = new AsyncExitStack();
        stack.callback(() -> result.add(1));
        stack.aclose();
        stack.aclose();
        stack.callback(() -> result.add(2));
        stack.aclose();
        assertThat(result).containsExactly(1, 2);
    }

    @Test
    void aCallbackPushedWhileUnwindingRunsNext() {
        // contextlib pops until the deque is empty, so a callback pushed by a callback runs next
        List<Integer> result = new ArrayList<>();
        AsyncExitStack stack = new AsyncExitStack();
        stack.callback(() -> result.add(3));
        stack.callback(() -> {
            result.add(1);
            stack.callback(() -> result.add(2));
        });
        stack.aclose();
        assertThat(result).containsExactly(1, 2, 3);
    }

    // ---- raising and suppressing ----

    @Test
    void anExitReturningFalseLetsTheBlocksExceptionPass() {
        // test_exit_raise
        ArithmeticException zero = new ArithmeticException("/ by zero");
        Throwable e = outcome(stack -> {
            stack.pushAsyncExit(exc -> false);
            throw zero;
        });
        assertThat(e).isSameAs(zero);
        assertThat(e.getSuppressed()).isEmpty();
    }

    @Test
    void anExitReturningTrueSuppressesTheBlocksException() {
        // test_exit_suppress, test_body_exception_suppress
        assertThat(outcome(stack -> {
            stack.pushAsyncExit(exc -> true);
            throw new ArithmeticException("/ by zero");
        })).isNull();
        AsyncExitStack stack = new AsyncExitStack();
        stack.pushAsyncExit(exc -> true);
        assertThat(stack.aexit(new ArithmeticException())).isTrue();
    }

    @Test
    void aexitReportsSuppressionOnlyWhenItReceivedAnException() {
        // __aexit__ returns received_exc and suppressed_exc
        AsyncExitStack stack = new AsyncExitStack();
        stack.pushAsyncExit(exc -> true);
        assertThat(stack.aexit(null)).isFalse();
        stack.pushAsyncExit(exc -> false);
        assertThat(stack.aexit(new ArithmeticException())).isFalse();
    }

    @Test
    void exceptionsOfExitCallbacksChainAsNestedStatementsWould() {
        // test_exit_exception_chaining, test_async_exit_exception_chaining.
        // Pushed: raise Index, raise Key, raise Attribute, suppress, raise Value; block: 1 / 0.
        // Python: IndexError.__context__ is KeyError, whose __context__ is AttributeError, whose
        // __context__ is None (the suppressed ones are gone); the suppressor saw ValueError with
        // __context__ ZeroDivisionError. jasyncio: the same links as suppressed exceptions.
        IndexOutOfBoundsException index = new IndexOutOfBoundsException("index");
        NoSuchElementException key = new NoSuchElementException("key");
        UnsupportedOperationException attribute = new UnsupportedOperationException("attribute");
        IllegalArgumentException value = new IllegalArgumentException("value");
        ArithmeticException zero = new ArithmeticException("/ by zero");
        Throwable[] saved = {null};
        Throwable e = outcome(stack -> {
            stack.pushAsyncCallback(() -> raise(index));
            stack.pushAsyncCallback(() -> raise(key));
            stack.pushAsyncCallback(() -> {
                sleep(0);
                raise(attribute);
            });
            stack.pushAsyncExit(exc -> {
                saved[0] = exc;
                return true;
            });
            stack.pushAsyncCallback(() -> raise(value));
            throw zero;
        });
        assertThat(e).isSameAs(index);
        assertThat(index.getSuppressed()).containsExactly(key);
        assertThat(key.getSuppressed()).containsExactly(attribute);
        assertThat(attribute.getSuppressed()).isEmpty();
        assertThat(saved[0]).isSameAs(value);
        assertThat(value.getSuppressed()).containsExactly(zero);
    }

    @Test
    void nestedStatementsChainTheSameWayAsTheStack() {
        // test_exit_exception_chaining_reference: the stack's chaining is that of nested statements
        IndexOutOfBoundsException index = new IndexOutOfBoundsException("index");
        NoSuchElementException key = new NoSuchElementException("key");
        UnsupportedOperationException attribute = new UnsupportedOperationException("attribute");
        IllegalArgumentException value = new IllegalArgumentException("value");
        ArithmeticException zero = new ArithmeticException("/ by zero");
        Throwable[] saved = {null};
        Throwable e = catchThrowable(() -> raising(index).use(a ->
                raisingWithContext(key, attribute).use(b ->
                        suppressing(saved).use(c ->
                                raising(value).use(d -> {
                                    throw zero;
                                })))));
        assertThat(e).isSameAs(index);
        assertThat(index.getSuppressed()).containsExactly(key);
        assertThat(key.getSuppressed()).containsExactly(attribute);
        assertThat(attribute.getSuppressed()).isEmpty();
        assertThat(saved[0]).isSameAs(value);
        assertThat(value.getSuppressed()).containsExactly(zero);
    }

    /** RaiseExc: an exit that raises {@code e}. */
    static AsyncContextManager<Void> raising(Throwable e) {
        return manager(exc -> {
            raise(e);
            return false;
        });
    }

    /**
     * RaiseExcWithContext: an exit that raises {@code outer} while handling {@code inner}
     * (Python: {@code try: raise inner / except: raise outer}).
     */
    static AsyncContextManager<Void> raisingWithContext(Throwable outer, Throwable inner) {
        return manager(exc -> {
            try {
                raise(inner);
            } catch (Throwable handled) {
                outer.addSuppressed(handled);
                raise(outer);
            }
            return false;
        });
    }

    /** SuppressExc: an exit that records what it saw and suppresses it. */
    static AsyncContextManager<Void> suppressing(Throwable[] saved) {
        return manager(exc -> {
            saved[0] = exc;
            return true;
        });
    }

    /** A manager entered as null whose aexit is {@code exit}. */
    static AsyncContextManager<Void> manager(AsyncExitStack.ExitCallback exit) {
        return new AsyncContextManager<>() {
            @Override
            public Void aenter() {
                return null;
            }

            @Override
            public boolean aexit(Throwable exc) throws Exception {
                return exit.aexit(exc);
            }
        };
    }

    @Test
    void anExitExceptionWithSuppressionDisabledKeepsNoContextInTheStackAsInNestedStatements() {
        // test_exit_exception_explicit_none_context, test_async_exit_exception_explicit_none_context:
        // Python's "exc.__context__ = None" is an exception that refuses suppressed exceptions.
        class MyException extends RuntimeException {
            MyException() {
                super("mine", null, false, true);
            }
        }
        AsyncContextManager<Void> myCm = manager(exc -> {
            throw new MyException();
        });
        Throwable direct = catchThrowable(() -> myCm.use(v -> {
            throw new IndexOutOfBoundsException();
        }));
        Throwable viaStack = outcome(stack -> {
            stack.enterAsyncContext(myCm);
            throw new IndexOutOfBoundsException();
        });
        for (Throwable e : List.of(direct, viaStack)) {
            assertThat(e).isInstanceOf(MyException.class);
            assertThat(e.getSuppressed()).isEmpty();
        }
    }

    @Test
    void exitExceptionsChainAfterABlockThatCompletedNormallyAsNestedStatementsDo() {
        // Nested statements chain here: with raise_on_exit(Key): with raise_on_exit(Value): pass
        // gives KeyError with __context__ ValueError. CPython's ExitStack loses the ValueError
        // when no exception was active (python/cpython#102201, open); jasyncio keeps it.
        NoSuchElementException key = new NoSuchElementException("key");
        IllegalArgumentException value = new IllegalArgumentException("value");
        Throwable nested = catchThrowable(() -> raising(key).use(a -> raising(value).use(b -> {})));
        assertThat(nested).isSameAs(key);
        assertThat(key.getSuppressed()).containsExactly(value);

        NoSuchElementException key2 = new NoSuchElementException("key");
        IllegalArgumentException value2 = new IllegalArgumentException("value");
        Throwable stacked = outcome(stack -> {
            stack.enterAsyncContext(raising(key2));
            stack.enterAsyncContext(raising(value2));
        });
        assertThat(stacked).isSameAs(key2);
        assertThat(key2.getSuppressed()).containsExactly(value2);
    }

    @Test
    void anInnerStackThatSuppressedTheExceptionAndThenRaisedKeepsItsOwnContext() {
        // Python: the inner stack suppresses 1/0, then a callback below raises KeyError, whose
        // __context__ is None; the outer stack and statement leave it so.
        NoSuchElementException fresh = new NoSuchElementException("fresh");
        AsyncExitStack inner = new AsyncExitStack();
        inner.callback(() -> raise(fresh));
        inner.pushAsyncExit(exc -> true);
        Throwable e = outcome(stack -> {
            stack.enterAsyncContext(inner);
            throw new ArithmeticException("/ by zero");
        });
        assertThat(e).isSameAs(fresh);
        assertThat(fresh.getSuppressed()).isEmpty();
    }

    @Test
    void anExceptionOfAnExitCallbackPropagatesUnlessAnEarlierOneSuppressesIt() {
        // test_exit_exception_non_suppressing (bpo-19092)
        IndexOutOfBoundsException index = new IndexOutOfBoundsException("index");
        assertThat(outcome(stack -> {
            stack.callback(() -> {});
            stack.callback(() -> raise(index));
        })).isSameAs(index);

        NoSuchElementException key = new NoSuchElementException("key");
        Throwable e = outcome(stack -> {
            stack.callback(() -> raise(key));
            stack.pushAsyncExit(exc -> true);
            stack.callback(() -> raise(new IndexOutOfBoundsException("suppressed")));
        });
        assertThat(e).isSameAs(key);
        assertThat(key.getSuppressed()).isEmpty();
    }

    @Test
    void anExitThatAlreadyRecordedTheExceptionItReplacesIsNotGivenItTwice() {
        // test_exit_exception_with_correct_context (bpo-20317): each exit raises its exception
        // with the one in flight attached already (Python's generator finally: raise exc).
        Exception exc1 = new Exception("1");
        Exception exc2 = new Exception("2");
        Exception exc3 = new Exception("3");
        Exception exc4 = new Exception("4");
        Throwable e = outcome(stack -> {
            stack.enterAsyncContext(getsTheContextRight(exc4));
            stack.enterAsyncContext(getsTheContextRight(exc3));
            stack.enterAsyncContext(getsTheContextRight(exc2));
            throw exc1;
        });
        assertThat(e).isSameAs(exc4);
        assertThat(exc4.getSuppressed()).containsExactly(exc3);
        assertThat(exc3.getSuppressed()).containsExactly(exc2);
        assertThat(exc2.getSuppressed()).containsExactly(exc1);
        assertThat(exc1.getSuppressed()).isEmpty();
    }

    static AsyncContextManager<Void> getsTheContextRight(Exception raised) {
        return manager(inFlight -> {
            if (inFlight != null) {
                raised.addSuppressed(inFlight);
            }
            throw raised;
        });
    }

    @Test
    void anExitExceptionThatCarriesItsOwnContextKeepsItBesideTheReplacedOne() {
        // test_exit_exception_with_existing_context: callbacks raise_nested(exc4, exc5) and
        // raise_nested(exc2, exc3) (Python: try: raise inner / finally: raise outer); the block
        // raises exc1. Python makes one chain 5 → 4 → 3 → 2 → 1 by attaching each replaced
        // exception at the end of the new one's context chain; jasyncio attaches it to the new
        // exception itself, after what it carries: 5 [4, 3], 3 [2, 1]. Each is reachable once.
        Exception exc1 = new Exception("1");
        Exception exc2 = new Exception("2");
        Exception exc3 = new Exception("3");
        Exception exc4 = new Exception("4");
        Exception exc5 = new Exception("5");
        Throwable e = outcome(stack -> {
            stack.callback(() -> raiseNested(exc4, exc5));
            stack.callback(() -> raiseNested(exc2, exc3));
            throw exc1;
        });
        assertThat(e).isSameAs(exc5);
        assertThat(exc5.getSuppressed()).containsExactly(exc4, exc3);
        assertThat(exc3.getSuppressed()).containsExactly(exc2, exc1);
        assertThat(exc4.getSuppressed()).isEmpty();
        assertThat(exc2.getSuppressed()).isEmpty();
        assertThat(exc1.getSuppressed()).isEmpty();
    }

    static void raiseNested(Exception inner, Exception outer) throws Exception {
        try {
            throw inner;
        } catch (Exception handled) {
            outer.addSuppressed(handled);
            throw outer;
        }
    }

    @Test
    void aSuppressingExitClearsTheExceptionsOfLaterCallbacks() {
        // test_exit_exception_chaining_suppress: no block exception, two raising callbacks above
        // a suppressing one: nothing propagates
        AsyncExitStack stack = new AsyncExitStack();
        stack.pushAsyncExit(exc -> true);
        stack.push(exc -> {
            int zero = 0;
            return 1 / zero == 0;
        });
        stack.push(exc -> {
            throw new NoSuchElementException("key");
        });
        stack.aclose();
    }

    @Test
    void aWrapperOfTheExceptionInFlightIsNotGivenItAgain() {
        // test_dont_reraise_RuntimeError (bpo-27122): second() raises UniqueException from the
        // exception it sees, first() reraises what it sees; the block raises UniqueRuntimeError.
        class UniqueException extends Exception {
            UniqueException(String message, Throwable cause) {
                super(message, cause);
            }
        }
        class UniqueRuntimeError extends RuntimeException {
            UniqueRuntimeError(String message) {
                super(message);
            }
        }
        UniqueRuntimeError original = new UniqueRuntimeError("please no infinite loop.");
        Throwable e = outcome(stack -> {
            stack.enterAsyncContext(manager(exc -> {
                throw new UniqueException("new exception", exc);
            }));
            stack.enterAsyncContext(manager(exc -> {
                raise(exc);
                return false;
            }));
            throw original;
        });
        assertThat(e).isInstanceOf(UniqueException.class).hasCause(original);
        assertThat(e.getSuppressed()).isEmpty();
        assertThat(original.getSuppressed()).isEmpty();
        assertThat(original.getCause()).isNull();
    }

    @Test
    void tenThousandCallbacksUnwindWithoutDeepRecursion() {
        // test_excessive_nesting
        int[] count = {0};
        new AsyncExitStack().use(stack -> {
            for (int i = 0; i < 10_000; i++) {
                stack.callback(() -> count[0]++);
            }
        });
        assertThat(count[0]).isEqualTo(10_000);
    }

    @Test
    void anInnerStackEnteredInAnOuterOneSeesAndMaySuppressTheBlocksException() {
        List<String> log = new ArrayList<>();
        AsyncExitStack inner = new AsyncExitStack();
        inner.pushAsyncExit(exc -> {
            log.add("inner saw " + describe(exc));
            return true;
        });
        assertThat(outcome(stack -> {
            stack.pushAsyncExit(exc -> {
                log.add("outer saw " + describe(exc));
                return false;
            });
            assertThat(stack.enterAsyncContext(inner)).isSameAs(inner);
            throw new ArithmeticException();
        })).isNull();
        assertThat(log).containsExactly("inner saw ArithmeticException", "outer saw null");
    }

    // ---- bad input ----

    @Test
    void nullArgumentsAreRefusedWhenPushedNotWhenUnwinding() {
        List<String> log = new ArrayList<>();
        new AsyncExitStack().use(stack -> {
            stack.callback(() -> log.add("registered before"));
            assertThatThrownBy(() -> stack.enterAsyncContext(null)).isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("enterAsyncContext");
            assertThatThrownBy(() -> stack.enterContext(null)).isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("enterContext");
            assertThatThrownBy(() -> stack.pushAsyncExit((AsyncExitStack.ExitCallback) null))
                    .isInstanceOf(NullPointerException.class).hasMessageContaining("pushAsyncExit");
            assertThatThrownBy(() -> stack.pushAsyncExit((AsyncContextManager<?>) null))
                    .isInstanceOf(NullPointerException.class).hasMessageContaining("pushAsyncExit");
            assertThatThrownBy(() -> stack.push(null)).isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("push");
            assertThatThrownBy(() -> stack.pushAsyncCallback(null)).isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("pushAsyncCallback");
            assertThatThrownBy(() -> stack.callback(null)).isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("callback");
            assertThat(stack.toString()).contains("1 callback");
        });
        assertThat(log).containsExactly("registered before");
    }

    // ---- suspension and cancellation ----

    @Test
    void callbacksThatSuspendUnwindOneAfterAnotherWhileOtherTasksRun(VirtualClock clock) {
        // Callbacks a, b, c pushed in that order each sleep 1: c at 0-1, b at 1-2, a at 2-3; a
        // neighbour ticking every 1.5 runs in between.
        List<String> log = new ArrayList<>();
        Task<Void> neighbour = createTask(() -> {
            for (int i = 0; i < 2; i++) {
                sleep(1.5);
                log.add("tick " + now());
            }
        });
        new AsyncExitStack().use(stack -> {
            for (String name : List.of("a", "b", "c")) {
                stack.pushAsyncCallback(() -> {
                    log.add(name + " starts at " + now());
                    sleep(1);
                });
            }
            log.add("block at " + now());
        });
        log.add("unwound at " + now());
        neighbour.await();
        assertThat(log).containsExactly("block at 0.0", "c starts at 0.0", "b starts at 1.0", "tick 1.5",
                "a starts at 2.0", "tick 3.0", "unwound at 3.0");
        assertThat(clock.time()).isEqualTo(3.0);
    }

    @Test
    void cancellationDuringTheBlockReachesEveryExitCallback() {
        List<String> log = new ArrayList<>();
        Task<Void> t = createTask(() -> new AsyncExitStack().use(stack -> {
            stack.pushAsyncExit(exc -> {
                log.add("first pushed saw " + describe(exc) + " at " + now());
                return false;
            });
            stack.pushAsyncExit(exc -> {
                log.add("last pushed saw " + describe(exc) + " at " + now());
                sleep(1); // the request was delivered: cleanup may suspend
                return false;
            });
            sleep(10);
        }));
        sleep(1);
        t.cancel();
        assertThat(catchThrowable(t::await)).isInstanceOf(CancelledError.class);
        assertThat(t.cancelled()).isTrue();
        assertThat(log).containsExactly("last pushed saw CancelledError at 1.0", "first pushed saw CancelledError at 2.0");
    }

    @Test
    void cancellationWhileUnwindingIsSeenByTheRemainingCallbacksAndThenRaised(VirtualClock clock) {
        // Pushed: a (sleeps 1), b (sleeps 10); the block raises boom. b starts at 0 and is
        // cancelled at 1: its CancelledError replaces boom (boom kept as suppressed); a still
        // runs, sees the CancelledError and may sleep; the task ends cancelled at 2.
        List<String> log = new ArrayList<>();
        IllegalStateException boom = new IllegalStateException("boom");
        Throwable[] raised = {null};
        Task<Void> t = createTask(() -> {
            try {
                new AsyncExitStack().use(stack -> {
                    stack.pushAsyncExit(exc -> {
                        log.add("a saw " + describe(exc) + " at " + now());
                        sleep(1);
                        return false;
                    });
                    stack.pushAsyncExit(exc -> {
                        log.add("b saw " + describe(exc) + " at " + now());
                        sleep(10);
                        log.add("not reached");
                        return false;
                    });
                    throw boom;
                });
            } catch (Throwable e) {
                raised[0] = e;
                throw e;
            }
        });
        sleep(1);
        t.cancel("stop");
        assertThat(catchThrowable(t::await)).isInstanceOf(CancelledError.class);
        assertThat(t.cancelled()).isTrue();
        assertThat(raised[0]).isInstanceOf(CancelledError.class).hasMessage("stop");
        assertThat(raised[0].getSuppressed()).containsExactly(boom);
        assertThat(log).containsExactly("b saw IllegalStateException at 0.0", "a saw CancelledError at 1.0");
        assertThat(clock.time()).isEqualTo(2.0);
    }

    // ---- try-with-resources ----

    @Test
    void asATryWithResourcesResourceTheStackUnwindsOnCloseWithoutSeeingTheException() {
        // close() is aclose(): the callbacks see null and cannot suppress; what they raise is added
        // to the block's exception as suppressed (Java's rule for a failing close()).
        List<String> log = new ArrayList<>();
        IllegalStateException cleanup = new IllegalStateException("cleanup");
        ArithmeticException zero = new ArithmeticException("/ by zero");
        Throwable e = catchThrowable(() -> {
            try (var stack = new AsyncExitStack()) {
                stack.callback(() -> raise(cleanup));
                stack.pushAsyncExit(exc -> {
                    log.add("exit saw " + describe(exc));
                    sleep(1);
                    return true; // nothing to suppress: close() passes no exception
                });
                throw zero;
            }
        });
        assertThat(e).isSameAs(zero);
        assertThat(zero.getSuppressed()).containsExactly(cleanup);
        assertThat(log).containsExactly("exit saw null");
    }

    @Test
    void asATryWithResourcesResourceTheStackUnwindsAfterANormalBlock(VirtualClock clock) {
        List<String> log = new ArrayList<>();
        try (var stack = new AsyncExitStack()) {
            stack.callback(() -> {
                sleep(1);
                log.add("closed at " + now());
            });
            log.add("block");
        }
        assertThat(log).containsExactly("block", "closed at 1.0");
    }
}
