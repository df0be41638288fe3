package io.jasyncio.engine;

import java.util.concurrent.locks.LockSupport;

/**
 * The portable engine: each task body runs on its own virtual thread, and control is handed back
 * and forth with whoever resumed it, so that exactly one of them runs at a time.
 *
 * <p>Needs no JVM flag. A hand-off costs about a microsecond instead of 100 ns, but the
 * semantics are the same as the continuation engine's: the resumer blocks until the body suspends
 * or ends.
 */
final class VirtualThreadEngine implements Engine {

    /** The fiber whose body runs on the current (virtual) thread. */
    private static final ThreadLocal<VirtualFiber> CURRENT = new ThreadLocal<>();

    @Override
    public String name() {
        return "portable";
    }

    @Override
    public boolean runsOnResumerThread() {
        return false;
    }

    @Override
    public Fiber newFiber(Runnable body, String name) {
        return new VirtualFiber(body, name);
    }

    @Override
    public void suspend() {
        VirtualFiber fiber = CURRENT.get();
        if (fiber == null) {
            throw new IllegalStateException("not running inside a jasyncio task");
        }
        fiber.suspendFromInside();
    }

    /*
     * Hand-off protocol. `state` is the only shared variable and is volatile: every write made by
     * one side before it flips `state` is visible to the other side after it sees the flip.
     *
     *   resume():  state = RUNNING; start or unpark the body thread; park while state == RUNNING
     *   suspend(): state = SUSPENDED; unpark the resumer; park while state != RUNNING
     *   body end:  state = DONE; unpark the resumer
     *
     * park() may return spuriously, hence the loops.
     */
    private static final class VirtualFiber implements Fiber {
        private static final int NEW = 0, RUNNING = 1, SUSPENDED = 2, DONE = 3;

        private final Runnable body;
        private final String name;
        /** NEW, RUNNING, SUSPENDED or DONE; see the protocol above. */
        private volatile int state = NEW;
        /** The thread running the body, once started. */
        private Thread thread;
        /** The thread blocked in resume(), to be unparked when the body suspends or ends. */
        private volatile Thread resumer;
        /** An error that escaped the body, rethrown by resume(). */
        private Throwable escaped;

        VirtualFiber(Runnable body, String name) {
            this.body = body;
            this.name = name;
        }

        @Override
        public void resume() {
            int s = state;
            if (s == DONE || s == RUNNING) {
                throw new IllegalStateException("fiber cannot be resumed: " + (s == DONE ? "done" : "running"));
            }
            resumer = Thread.currentThread();
            state = RUNNING;
            if (thread == null) {
                thread = Thread.ofVirtual().name(name == null ? "jasyncio-fiber" : name).unstarted(this::runBody);
                thread.start();
            } else {
                LockSupport.unpark(thread);
            }
            parkWhile(RUNNING, true);
            Throwable e = escaped;
            if (e != null) {
                escaped = null;
                throw sneaky(e);
            }
        }

        private void runBody() {
            CURRENT.set(this);
            try {
                body.run();
            } catch (Throwable e) {
                escaped = e;
            } finally {
                CURRENT.remove();
                Thread r = resumer;
                state = DONE;
                LockSupport.unpark(r);
            }
        }

        void suspendFromInside() {
            Thread r = resumer;
            state = SUSPENDED;
            LockSupport.unpark(r);
            parkWhile(RUNNING, false);
        }

        /**
         * Parks while {@code state == value} (or, with {@code equal} false, while it differs).
         * An interrupt flag would make park() return at once, forever: it is cleared while
         * waiting and restored afterwards, so the thread keeps its interrupt without spinning.
         */
        private void parkWhile(int value, boolean equal) {
            boolean interrupted = false;
            while ((state == value) == equal) {
                LockSupport.park(this);
                if (Thread.interrupted()) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public boolean isDone() {
            return state == DONE;
        }

        @Override
        public StackTraceElement[] stackTrace() {
            Thread t = thread;
            if (t == null || state == DONE) {
                return new StackTraceElement[0];
            }
            StackTraceElement[] all = t.getStackTrace();
            // Drop the hand-off frames above the user's suspension point.
            int i = 0;
            while (i < all.length && !isUserFrame(all[i])) {
                i++;
            }
            return java.util.Arrays.copyOfRange(all, i, all.length);
        }

        private static boolean isUserFrame(StackTraceElement e) {
            String c = e.getClassName();
            return !(c.startsWith("java.") || c.startsWith("jdk.") || c.startsWith("io.jasyncio.engine."));
        }
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> RuntimeException sneaky(Throwable e) throws E {
        throw (E) e;
    }
}
