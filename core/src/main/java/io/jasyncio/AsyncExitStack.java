package io.jasyncio;

import java.util.ArrayDeque;
import java.util.Objects;

/**
 * A stack of exits, unwound last-in first-out as if they were nested {@code async with}
 * statements: Python's {@code contextlib.AsyncExitStack}. For a number of resources known only
 * at run time, and for setup that hands its resources on only when all of it succeeded
 * ({@link #popAll()}).
 *
 * <pre>{@code
 * new AsyncExitStack().use(stack -> {
 *     List<Connection> connections = new ArrayList<>();
 *     for (String host : hosts) {
 *         connections.add(stack.enterAsyncContext(connect(host)));
 *     }
 *     ...                       // every connection entered so far is exited, however this ends
 * });
 * }</pre>
 *
 * <p>Unwinding ({@link #aexit}, {@link #aclose}, the end of {@link #with}/{@link #use}) pops and
 * runs each exit callback in turn, each of which may suspend:
 * <ul>
 *   <li>a callback receives the exception in flight: the block's, or the one a callback that ran
 *       before it (registered after it) raised; {@code null} if none;</li>
 *   <li>a callback that returns {@code true} suppresses that exception: the ones after it receive
 *       {@code null}, and the statement ends normally unless a later one raises;</li>
 *   <li>a callback that raises replaces the exception in flight; the replaced one is added to the
 *       new one as suppressed (Python sets it as the new one's {@code __context__}), unless it is
 *       the same exception or already reachable from it through causes and suppressed exceptions,
 *       or the addition would make a cycle; an exception with suppression disabled keeps nothing
 *       (Python's explicit {@code __context__ = None}). This holds after a block that completed
 *       normally too, as for nested statements (CPython's stack then drops the replaced
 *       exception: python/cpython#102201). What a stack entered in this one raises is left as
 *       that stack chained it;</li>
 *   <li>whatever is in flight after the last callback propagates. A cancellation of the task
 *       while a callback suspends is raised by that callback, so it is such an exception: the
 *       remaining callbacks still run (and may suspend: the request was delivered), then the
 *       {@link CancelledError} propagates.</li>
 * </ul>
 *
 * <p>Every callback may suspend, so contextlib's synchronous and asynchronous pairs are one here:
 * {@link #push} is {@link #pushAsyncExit}, {@link #callback} is {@link #pushAsyncCallback}, and
 * {@link #enterContext} takes a Java {@link AutoCloseable}.
 *
 * <p>As a try-with-resources resource, {@link #close()} is {@link #aclose()}: the callbacks receive
 * {@code null} even when the block fails, and cannot suppress its exception; what they raise is
 * added to it as suppressed (Java's rule). Use {@link #use}/{@link #with} for Python's semantics.
 *
 * <p>Like contextlib's, a stack has no closed state: an unwound stack is an empty one, which may be
 * filled and unwound again. Callbacks pushed while unwinding run next. Not thread-safe: use a stack
 * from the tasks of one loop.
 */
public final class AsyncExitStack implements AsyncContextManager<AsyncExitStack>, AsyncCloseable, AutoCloseable {

    /**
     * An exit callback with {@link AsyncContextManager#aexit}'s contract: it receives the exception
     * in flight (or {@code null}), may suspend, returns {@code true} to suppress it, or throws to
     * replace it. {@code cm::aexit} is one.
     */
    @FunctionalInterface
    public interface ExitCallback {
        /** Python's {@code __aexit__(exc_type, exc, tb)}; {@code exc} is null when nothing is in flight. */
        boolean aexit(Throwable exc) throws Exception;
    }

    /**
     * The exit of a stack entered in this one. What it raises already carries its context: it was
     * set where it was raised, inside that stack, as Python sets {@code __context__} at the raise;
     * this stack does not add its own exception in flight (which the inner stack may have
     * suppressed) to it. The same holds for {@link #with} around a stack.
     */
    private record NestedStackExit(AsyncExitStack stack) implements ExitCallback {
        @Override
        public boolean aexit(Throwable exc) {
            return stack.aexit(exc);
        }
    }

    private static ExitCallback exitOf(AsyncContextManager<?> cm) {
        return cm instanceof AsyncExitStack stack ? new NestedStackExit(stack) : cm::aexit;
    }

    /** The registered exits, the last registered at the tail (contextlib's deque). */
    private ArrayDeque<ExitCallback> callbacks = new ArrayDeque<>();

    /** An empty stack. */
    public AsyncExitStack() {}

    /**
     * Enters {@code cm} and registers its {@link AsyncContextManager#aexit}: contextlib's
     * {@code enter_async_context}. May suspend. If aenter throws, nothing is registered.
     *
     * @return what aenter returned
     * @throws NullPointerException when {@code cm} is null
     */
    public <T> T enterAsyncContext(AsyncContextManager<T> cm) {
        Objects.requireNonNull(cm, "enterAsyncContext(cm): the context manager is null");
        T value;
        try {
            value = cm.aenter();
        } catch (Throwable e) {
            throw Throwables.sneaky(e);
        }
        callbacks.addLast(exitOf(cm));
        return value;
    }

    /**
     * Registers {@code resource.close()} to run on unwinding, never suppressing: contextlib's
     * {@code enter_context} for a resource that was entered (opened, acquired) when it was made.
     * Its {@code close()} may suspend.
     *
     * @return {@code resource}
     * @throws NullPointerException when {@code resource} is null
     */
    public <R extends AutoCloseable> R enterContext(R resource) {
        Objects.requireNonNull(resource, "enterContext(resource): the resource is null");
        callbacks.addLast(exc -> {
            resource.close();
            return false;
        });
        return resource;
    }

    /**
     * Registers an exit callback that sees the exception in flight and may suppress it:
     * contextlib's {@code push_async_exit} with a coroutine function.
     *
     * @return {@code exit}
     * @throws NullPointerException when {@code exit} is null
     */
    public ExitCallback pushAsyncExit(ExitCallback exit) {
        Objects.requireNonNull(exit, "pushAsyncExit(exit): the exit callback is null");
        callbacks.addLast(exit);
        return exit;
    }

    /**
     * Registers {@code cm}'s {@link AsyncContextManager#aexit} without entering it: contextlib's
     * {@code push_async_exit} with an async context manager.
     *
     * @return {@code cm}
     * @throws NullPointerException when {@code cm} is null
     */
    public <T> AsyncContextManager<T> pushAsyncExit(AsyncContextManager<T> cm) {
        Objects.requireNonNull(cm, "pushAsyncExit(cm): the context manager is null");
        callbacks.addLast(exitOf(cm));
        return cm;
    }

    /**
     * The same as {@link #pushAsyncExit(ExitCallback)}: contextlib's {@code push} (every callback
     * may suspend here).
     *
     * @return {@code exit}
     * @throws NullPointerException when {@code exit} is null
     */
    public ExitCallback push(ExitCallback exit) {
        Objects.requireNonNull(exit, "push(exit): the exit callback is null");
        return pushAsyncExit(exit);
    }

    /**
     * Registers a callback that runs on unwinding whatever is in flight and cannot suppress it:
     * contextlib's {@code push_async_callback}. Arguments are captured by the lambda.
     *
     * @return {@code callback}
     * @throws NullPointerException when {@code callback} is null
     */
    public VoidCoroutine pushAsyncCallback(VoidCoroutine callback) {
        Objects.requireNonNull(callback, "pushAsyncCallback(callback): the callback is null");
        callbacks.addLast(exc -> {
            callback.run();
            return false;
        });
        return callback;
    }

    /**
     * The same as {@link #pushAsyncCallback}: contextlib's {@code callback} (every callback may
     * suspend here).
     *
     * @return {@code callback}
     * @throws NullPointerException when {@code callback} is null
     */
    public VoidCoroutine callback(VoidCoroutine callback) {
        Objects.requireNonNull(callback, "callback(callback): the callback is null");
        return pushAsyncCallback(callback);
    }

    /**
     * Moves every registered callback to a new stack and leaves this one empty: contextlib's
     * {@code pop_all}. Unwinding this stack then runs nothing; the new stack owns the exits.
     *
     * @return the new stack
     */
    public AsyncExitStack popAll() {
        AsyncExitStack moved = new AsyncExitStack();
        moved.callbacks = callbacks;
        callbacks = new ArrayDeque<>();
        return moved;
    }

    /**
     * Unwinds now, with no exception in flight: contextlib's {@code aclose}. May suspend.
     * The exception in flight after the last callback, if any, propagates unwrapped.
     */
    @Override
    public void aclose() {
        aexit(null);
    }

    /** Returns this stack: {@code async with AsyncExitStack() as stack}. */
    @Override
    public AsyncExitStack aenter() {
        return this;
    }

    /**
     * Unwinds with {@code exc} in flight (see the class comment). May suspend.
     *
     * @param exc the exception leaving the block, or {@code null}
     * @return whether {@code exc} was given and a callback suppressed what was in flight at its
     *     turn, with nothing raised after it
     */
    @Override
    public boolean aexit(Throwable exc) {
        boolean received = exc != null;
        boolean suppressed = false;
        boolean pendingRaise = false;
        Throwable inFlight = exc;
        // callbacks is read at each turn: a callback may push more, or popAll() the rest.
        while (!callbacks.isEmpty()) {
            ExitCallback callback = callbacks.removeLast();
            try {
                if (callback.aexit(inFlight)) {
                    suppressed = true;
                    pendingRaise = false;
                    inFlight = null;
                }
            } catch (Throwable raised) {
                if (!(callback instanceof NestedStackExit)) {
                    ExceptionChaining.setContext(raised, inFlight);
                }
                pendingRaise = true;
                inFlight = raised;
            }
        }
        if (pendingRaise) {
            throw Throwables.sneaky(inFlight);
        }
        return received && suppressed;
    }

    /**
     * {@link #aclose()}, for try-with-resources: the callbacks receive {@code null}, even when the
     * block failed. May suspend.
     */
    @Override
    public void close() {
        aclose();
    }

    /** {@code <AsyncExitStack 2 callbacks>}. */
    @Override
    public String toString() {
        int n = callbacks.size();
        return "<AsyncExitStack " + n + (n == 1 ? " callback>" : " callbacks>");
    }
}
