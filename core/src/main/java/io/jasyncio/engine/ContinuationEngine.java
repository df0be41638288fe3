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

    /**
     * A fiber that is its own continuation (one object per task, not two), and that turns the
     * JVM's pinning report into an error that names the remedy.
     */
    private static final class ContinuationFiber extends Continuation implements Fiber {
        ContinuationFiber(Runnable body) {
            super(SCOPE, body);
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
