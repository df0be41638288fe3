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
        return new VirtualFiber(body, name, false);
    }

    @Override
    public void suspend() {
        // From a generator's body, the task to suspend is the first task up the resumer chain.
        VirtualFiber fiber = CURRENT.get();
        while (fiber != null && fiber.generator) {
            fiber = fiber.parent;
        }
        if (fiber == null) {
            throw new IllegalStateException("not running inside a jasyncio task");
        }
        fiber.activeFiber = CURRENT.get();
        fiber.suspendFromInside();
    }

    @Override
    public Fiber newGenerator(Runnable body, String name) {
        return new VirtualFiber(body, name == null ? "jasyncio-generator" : name, true);
    }

    @Override
    public void yieldGenerator(Fiber generator) {
        if (CURRENT.get() != generator) {
            throw new IllegalStateException("yield called outside its generator's body (or from inside"
                    + " another generator running in it)");
        }
        ((VirtualFiber) generator).suspendFromInside();
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
     *
     * Generators: a generator's body runs on its own thread too, resumed by its consumer's thread
     * (a task's body, another generator's body, or any thread). When a generator's body suspends
     * the task, the thread that parks in the task fiber's suspendFromInside() is the generator's,
     * not the task's own: `active` records it, and the task's next resume() unparks that thread,
     * while the task's own thread stays parked in the generator's resume().
     */
    private static final class VirtualFiber implements Fiber {
        private static final int NEW = 0, RUNNING = 1, SUSPENDED = 2, DONE = 3;

        private final Runnable body;
        private final String name;
        /** Whether this is a generator's fiber (yields to its consumer) rather than a task's. */
        final boolean generator;
        /** For a generator: the fiber running on its resumer's thread (null for a plain thread). */
        VirtualFiber parent;
        /** The thread parked in suspendFromInside(): the body's own, or a generator's inside it. */
        private volatile Thread active;
        /** For a task: the fiber whose thread suspended it (itself, or a generator running inside it). */
        volatile VirtualFiber activeFiber;
        /** NEW, RUNNING, SUSPENDED or DONE; see the protocol above. */
        private volatile int state = NEW;
        /** The thread running the body, once started. */
        private Thread thread;
        /** The thread blocked in resume(), to be unparked when the body suspends or ends. */
        private volatile Thread resumer;
        /** An error that escaped the body, rethrown by resume(). */
        private Throwable escaped;

        VirtualFiber(Runnable body, String name, boolean generator) {
            this.body = body;
            this.name = name;
            this.generator = generator;
        }

        @Override
        public void resume() {
            int s = state;
            if (s == DONE || s == RUNNING) {
                throw new IllegalStateException("fiber cannot be resumed: " + (s == DONE ? "done" : "running"));
            }
            resumer = Thread.currentThread();
            if (generator) {
                parent = CURRENT.get();
            }
            state = RUNNING;
            if (thread == null) {
                thread = Thread.ofVirtual().name(name == null ? "jasyncio-fiber" : name).unstarted(this::runBody);
                thread.start();
            } else {
                LockSupport.unpark(active);
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
            active = Thread.currentThread();
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
            if (thread == null || state == DONE) {
                return new StackTraceElement[0];
            }
            VirtualFiber innermost = activeFiber;
            if (innermost == null || state == RUNNING) {
                innermost = this;
            }
            // A task suspended inside generators: the innermost body's frames, then each consumer's
            // down to the task's own thread, as one stack (the continuation engine's shape).
            java.util.List<StackTraceElement> out = new java.util.ArrayList<>();
            for (VirtualFiber f = innermost; f != null; f = f.generator ? f.parent : null) {
                Thread t = f == this ? (active != null && innermost == this ? active : thread) : f.thread;
                if (t == null) {
                    break;
                }
                StackTraceElement[] all = t.getStackTrace();
                int from = 0;
                while (from < all.length && !isUserFrame(all[from])) {
                    from++; // the hand-off frames above the suspension point
                }
                int to = from;
                while (to < all.length && !isFiberEntry(all[to])) {
                    to++;
                }
                out.addAll(java.util.Arrays.asList(all).subList(from, to));
                if (f == this) {
                    break;
                }
            }
            return out.toArray(new StackTraceElement[0]);
        }

        /** A fiber thread's bottom frame of interest: below it are only the engine and the JDK. */
        private static boolean isFiberEntry(StackTraceElement e) {
            return e.getClassName().equals(VirtualFiber.class.getName()) && e.getMethodName().equals("runBody");
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
