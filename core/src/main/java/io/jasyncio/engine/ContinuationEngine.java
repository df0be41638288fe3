package io.jasyncio.engine;

import jdk.internal.vm.Continuation;
import jdk.internal.vm.ContinuationScope;

/**
 * The default engine: one {@code jdk.internal.vm.Continuation} per task.
 *
 * <p>This class is the only user of {@code jdk.internal.*} in jasyncio. It is loaded reflectively
 * by {@link Engines} only after checking that {@code java.base} exports {@code jdk.internal.vm} to
 * us ({@code --add-exports java.base/jdk.internal.vm=ALL-UNNAMED}), so that a JVM without the flag
 * never links it.
 */
final class ContinuationEngine implements Engine {

    /** The scope every jasyncio continuation yields to. */
    private static final ContinuationScope SCOPE = new ContinuationScope("jasyncio");

    /**
     * The scope generator bodies yield to. A generator's continuation runs nested inside its
     * consumer's (a task's, another generator's, or none): yielding this scope returns to the
     * consumer, while yielding {@link #SCOPE} from inside it freezes the whole chain up to the
     * task, and the task's next {@code run()} remounts the generator where it was.
     */
    private static final ContinuationScope GENERATORS = new ContinuationScope("jasyncio-generator");

    @Override
    public String name() {
        return "continuation";
    }

    @Override
    public boolean runsOnResumerThread() {
        return true;
    }

    @Override
    public Fiber newFiber(Runnable body, String name) {
        return new ContinuationFiber(body);
    }

    @Override
    public void suspend() {
        // Callers checked that a task is current; Continuation.yield itself throws
        // IllegalStateException("Not in scope") should that ever be wrong.
        Continuation.yield(SCOPE);
    }

    @Override
    public Fiber newGenerator(Runnable body, String name) {
        return new GeneratorFiber(body);
    }

    @Override
    public void yieldGenerator(Fiber generator) {
        if (Continuation.getCurrentContinuation(GENERATORS) != generator) {
            throw new IllegalStateException("yield called outside its generator's body (or from inside"
                    + " another generator running in it)");
        }
        // A task started eagerly from the body runs nested in the generator: yielding from there
        // would freeze that task inside the generator.
        Continuation task = Continuation.getCurrentContinuation(SCOPE);
        for (Continuation c = task == null ? null : task.getParent(); c != null; c = c.getParent()) {
            if (c == generator) {
                throw new IllegalStateException("yield called from a task started inside the generator's"
                        + " body; only the body itself may yield");
            }
        }
        Continuation.yield(GENERATORS);
    }

    /** A generator's stack: a continuation of the generator scope. */
    private static final class GeneratorFiber extends ContinuationFiber {
        GeneratorFiber(Runnable body) {
            super(GENERATORS, body);
        }
    }

    /**
     * A fiber that is its own continuation (one object per task, not two), and that turns the
     * JVM's pinning report into an error that names the remedy.
     */
    private static class ContinuationFiber extends Continuation implements Fiber {
        ContinuationFiber(Runnable body) {
            this(SCOPE, body);
        }

        ContinuationFiber(ContinuationScope scope, Runnable body) {
            super(scope, body);
        }

        @Override
        public void resume() {
            run();
        }

        @Override
        public StackTraceElement[] stackTrace() {
            return isDone() ? new StackTraceElement[0] : getStackTrace();
        }

        @Override
        protected void onPinned(Continuation.Pinned reason) {
            throw new PinnedStackError(reason.name());
        }
    }
}
