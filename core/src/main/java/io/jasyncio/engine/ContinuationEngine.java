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
    public Fiber newFiber(Runnable body, String name) {
        return new ContinuationFiber(body);
    }

    @Override
    public void suspend() {
        if (Continuation.getCurrentContinuation(SCOPE) == null) {
            throw new IllegalStateException("not running inside a jasyncio task");
        }
        Continuation.yield(SCOPE);
    }

    private static final class ContinuationFiber extends Fiber {
        private final Cont continuation;

        ContinuationFiber(Runnable body) {
            this.continuation = new Cont(body);
        }

        @Override
        public void resume() {
            continuation.run();
        }

        @Override
        public boolean isDone() {
            return continuation.isDone();
        }

        @Override
        public StackTraceElement[] stackTrace() {
            return continuation.isDone() ? new StackTraceElement[0] : continuation.getStackTrace();
        }
    }

    /** A continuation that turns the JVM's pinning report into an error that names the remedy. */
    private static final class Cont extends Continuation {
        Cont(Runnable body) {
            super(SCOPE, body);
        }

        @Override
        protected void onPinned(Continuation.Pinned reason) {
            throw new PinnedStackError(reason.name());
        }
    }
}
