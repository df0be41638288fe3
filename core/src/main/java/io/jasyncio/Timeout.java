package io.jasyncio;

/**
 * A deadline for a block of code: asyncio's {@code Timeout} ({@code asyncio.timeout()} and
 * {@code timeout_at()}, 3.11).
 *
 * <pre>{@code
 * try {
 *     timeout(2).run(() -> slowOperation());
 * } catch (TimeoutError e) {
 *     System.out.println("Operation timed out");
 * }
 * }</pre>
 *
 * <p>When the deadline passes, the running task is cancelled: the block sees a {@link
 * CancelledError} at its current suspension point, may clean up (even suspending, in a
 * {@code finally}), and when that error leaves the block, {@link #run} turns it into a
 * {@link TimeoutError}. Only the scope whose deadline fired converts, and only if no other
 * cancellation of the task is pending (asyncio's {@code uncancel()} counting): an outer timeout, a
 * {@code TaskGroup} or an explicit {@code task.cancel()} still sees its {@code CancelledError}.
 * A block that swallows the cancellation and returns normally returns normally; {@link #expired()}
 * then says what happened. Another exception leaving an expired block propagates with a
 * {@code TimeoutError} added as suppressed (asyncio 3.13 splices one into the exception's implicit
 * context chain, which Java exceptions do not have).
 *
 * <p>Why a lambda and not try-with-resources: the scope must replace the {@code CancelledError}
 * leaving the block with a {@code TimeoutError}, and a resource's {@code close()} can neither see
 * nor replace the exception in flight (docs/adr/0008-scopes-are-lambdas.md).
 *
 * <p>States: created, then active (entered), then expiring (deadline fired, cancellation in flight),
 * expired, or finished. A timeout is entered once; {@link #reschedule} works while active.
 */
public final class Timeout {

    private enum State {
        CREATED("created"), ENTERED("active"), EXPIRING("expiring"), EXPIRED("expired"), EXITED("finished");

        final String text;

        State(String text) {
            this.text = text;
        }
    }

    private State state = State.CREATED;
    /** The deadline in loop seconds, or null for none. */
    private Double when;
    /** The callback that fires the deadline (a timer, or a callSoon for a deadline already past), or null. */
    private Handle handler;
    private Task<?> task;
    /** The task's cancelling() count when the scope was entered. */
    private int cancelling;

    Timeout(Double when) {
        if (when != null && when.isNaN()) {
            throw new IllegalArgumentException("a timeout's deadline is NaN");
        }
        this.when = when;
    }

    /** The deadline in the seconds of {@link EventLoop#time()}, or {@code null} for none. */
    public Double when() {
        return when;
    }

    /**
     * Moves the deadline ({@code null}: no deadline). A deadline already past fires at the next
     * loop iteration.
     *
     * @throws IllegalStateException unless the scope is active
     */
    public void reschedule(Double newWhen) {
        if (state != State.ENTERED) {
            if (state == State.CREATED) {
                throw new IllegalStateException("Timeout has not been entered");
            }
            throw new IllegalStateException("Cannot change state of " + state.text + " Timeout");
        }
        if (newWhen != null && newWhen.isNaN()) {
            throw new IllegalArgumentException("a timeout's deadline is NaN");
        }
        when = newWhen;
        if (handler != null) {
            handler.cancel();
        }
        if (newWhen == null) {
            handler = null;
        } else {
            EventLoop loop = task.loop;
            handler = newWhen <= loop.time() ? loop.callSoon(this::onTimeout) : loop.callAt(newWhen, this::onTimeout);
        }
    }

    /** Whether the deadline fired while the block ran. */
    public boolean expired() {
        return state == State.EXPIRING || state == State.EXPIRED;
    }

    /**
     * Runs {@code block} in the current task under this deadline and returns its result.
     *
     * @throws TimeoutError when the deadline fired and the block ended with the resulting
     *     cancellation
     * @throws IllegalStateException when the timeout was entered before, or no task is running
     */
    public <T> T run(Coroutine<T> block) {
        enter();
        T result;
        try {
            result = block.call();
        } catch (Throwable e) {
            throw Throwables.sneaky(exitWith(e));
        }
        exit(null);
        return result;
    }

    /** Like {@link #run(Coroutine)} for a block without a result. */
    public void run(VoidCoroutine block) {
        run(Coroutine.of(block));
    }

    private void enter() {
        if (state != State.CREATED) {
            throw new IllegalStateException("Timeout has already been entered");
        }
        EventLoop loop = EventLoop.runningOnThisThread();
        Task<?> current = loop == null ? null : loop.currentTask;
        if (current == null) {
            throw new IllegalStateException("Timeout should be used inside a task");
        }
        state = State.ENTERED;
        task = current;
        cancelling = current.cancelling();
        reschedule(when);
    }

    /** asyncio's __aexit__ for a block that threw {@code e}: returns what to throw instead. */
    private Throwable exitWith(Throwable e) {
        Throwable replacement = exit(e);
        return replacement != null ? replacement : e;
    }

    /** asyncio's __aexit__; returns the TimeoutError to raise instead of {@code e}, or null. */
    private Throwable exit(Throwable e) {
        if (handler != null) {
            handler.cancel();
            handler = null;
        }
        if (state == State.EXPIRING) {
            state = State.EXPIRED;
            if (task.uncancel() <= cancelling && e != null) {
                // No other cancel request is pending: this expiry is what ended the block.
                if (e instanceof CancelledError) {
                    return new TimeoutError("the timeout expired", e);
                }
                // A foreign exception escaping an expired block: record the timeout on it
                // (asyncio 3.13 inserts a TimeoutError into its context chain).
                e.addSuppressed(new TimeoutError("the timeout expired while this exception was raised"));
            }
        } else if (state == State.ENTERED) {
            state = State.EXITED;
        }
        return null;
    }

    private void onTimeout() {
        if (state != State.ENTERED) {
            return;
        }
        task.cancel();
        state = State.EXPIRING;
        handler = null;
    }

    /** asyncio's repr: {@code <Timeout [active] when=12.5>}. */
    @Override
    public String toString() {
        String info = state == State.ENTERED ? " when=" + (when == null ? "None" : String.valueOf(Math.round(when * 1000) / 1000.0)) : "";
        return "<Timeout [" + state.text + "]" + info + ">";
    }
}
