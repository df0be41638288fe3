package io.jasyncio;

import static io.jasyncio.Throwables.sneaky;

import io.jasyncio.engine.Engine;
import io.jasyncio.engine.Engines;
import io.jasyncio.engine.Fiber;
import java.lang.ref.Cleaner;
import java.util.NoSuchElementException;

/**
 * The machine shared by {@link Generator} and {@link AsyncGenerator}: Python's generator frame and
 * its {@code send}/{@code throw}/{@code close}.
 *
 * <p>The body runs on a generator fiber of the JVM's engine, nested in whoever advances it.
 * {@link #advance} resumes it until its next {@link #yield} (true, value in {@link #yielded}) or
 * its end (false, or the exception it raised). Suspending the task from inside the body needs
 * nothing here: the engine suspends the whole chain and the task's next step continues inside
 * the body, while {@link #advance} is still on the consumer's stack.
 *
 * <p>It holds no reference to its public wrapper, so that the wrapper can be garbage-collected
 * while the loop still holds this core to close it ({@link AsyncGenerator}).
 */
final class GeneratorCore<T> implements Yielder<T>, AsyncCloseable {
    private static final int CREATED = 0, SUSPENDED = 1, RUNNING = 2, CLOSED = 3;

    /** Closes generators whose wrapper became unreachable while open (Python's generator finalization). */
    static final Cleaner CLEANER = Cleaner.create(r -> {
        Thread t = new Thread(r, "jasyncio-generator-finalizer");
        t.setDaemon(true);
        return t;
    });

    private static final System.Logger LOG = System.getLogger("jasyncio");

    private final Engine engine;
    /** Whether this is an async generator's core (for error messages and the end exception). */
    final boolean async;
    private GeneratorBody<T> body;
    private Fiber fiber;
    private int state = CREATED;
    /** The value of the last yield, until the consumer takes it. */
    Object yielded;
    /** What the consumer sends in, returned by the body's yield. */
    private Object sent;
    /** What the consumer throws in, thrown by the body's yield (or at the start). */
    private Throwable thrownIn;
    /** The exception that ended the body, until advance() rethrows it. */
    private Throwable failure;
    /** Whether the body runs on a thread of its own (portable engine), which must see the consumer's state. */
    private final boolean ownThread;
    /** Portable engine only: the consumer's running loop (or null), made the body thread's at each advance. */
    private EventLoop consumerLoop;
    /** Portable engine only: the consumer thread's context, shared with the body's thread (PEP 567). */
    private Context consumerContext;
    /** Called once when the generator ends or is closed (async generators unregister from the loop). */
    Runnable onFinish;
    /** The public generator, while reachable: what reports name (the loop holds this core, not it). */
    java.lang.ref.WeakReference<Object> face;

    GeneratorCore(GeneratorBody<T> body, boolean async) {
        if (body == null) {
            throw new NullPointerException("generator body is null");
        }
        this.engine = Engines.current();
        this.ownThread = !engine.runsOnResumerThread();
        this.body = body;
        this.async = async;
    }

    boolean isRunning() {
        return state == RUNNING;
    }

    boolean isClosed() {
        return state == CLOSED;
    }

    boolean isStarted() {
        return state != CREATED;
    }

    /**
     * Python's {@code gen.send(value)} / {@code gen.throw(exc)}: runs the body to its next yield.
     * Returns true with the value in {@link #yielded}, false when the body ended; an exception the
     * body raised is rethrown.
     */
    boolean advance(Object send, Throwable throwIn, String op) {
        switch (state) {
            case RUNNING -> throw new IllegalStateException(op + ": " + kind() + " is already running"
                    + " (a task is suspended inside its body, or its body advanced itself)");
            case CLOSED -> {
                if (throwIn != null) {
                    throw sneaky(throwIn);
                }
                return false;
            }
            case CREATED -> {
                if (throwIn != null) {
                    // As in Python: thrown in before the first step, it leaves at once and the body never runs.
                    finish();
                    throw sneaky(throwIn);
                }
                if (send != null) {
                    throw new IllegalArgumentException(op + ": can't send a non-null value to a just-started "
                            + kind() + " (advance it with a plain next first)");
                }
                fiber = engine.newGenerator(this::runBody, null);
            }
            default -> {
            }
        }
        sent = send;
        thrownIn = throwIn;
        state = RUNNING;
        if (ownThread) {
            consumerLoop = EventLoop.runningOnThisThread();
            consumerContext = Context.threadContext();
        }
        try {
            fiber.resume();
        } catch (Throwable e) {
            finish(); // the engine failed (the body itself catches everything)
            throw e;
        }
        if (!fiber.isDone()) {
            state = SUSPENDED;
            return true;
        }
        finish();
        Throwable f = failure;
        if (f != null) {
            failure = null;
            throw sneaky(f);
        }
        return false;
    }

    /** Takes the last yielded value. */
    @SuppressWarnings("unchecked")
    T takeYielded() {
        Object v = yielded;
        yielded = null;
        return (T) v;
    }

    /** On the body's own thread (portable engine): take on the consumer's loop and context. */
    private void adoptConsumerState() {
        EventLoop.enterFiberThread(consumerLoop);
        Context.setThreadContext(consumerContext);
    }

    private void runBody() {
        if (ownThread) {
            adoptConsumerState();
        }
        try {
            body.run(this);
        } catch (Throwable e) {
            failure = e instanceof NoSuchElementException
                    ? new IllegalStateException(kind() + " raised " + e.getClass().getSimpleName()
                            + " (an exhausted iterator inside the body is not the generator's end)", e)
                    : e;
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public <S> S yield(T value) {
        if (state != RUNNING) {
            throw new IllegalStateException("yield called outside the " + kind() + "'s body");
        }
        yielded = value;
        engine.yieldGenerator(fiber);
        if (ownThread) {
            adoptConsumerState();
        }
        Throwable t = thrownIn;
        if (t != null) {
            thrownIn = null;
            throw sneaky(t);
        }
        Object s = sent;
        sent = null;
        return (S) s;
    }

    /**
     * Python's {@code close()} / {@code aclose()}: throws {@link GeneratorExit} in at the
     * suspended yield so that the body's {@code finally} blocks run (and, in an async generator,
     * may suspend). Closing an unstarted or closed generator does nothing.
     */
    void close(String op) {
        switch (state) {
            case CREATED -> {
                finish();
                return;
            }
            case CLOSED -> {
                return;
            }
            case RUNNING -> throw new IllegalStateException(op + ": " + kind() + " is already running");
            default -> {
            }
        }
        boolean yieldedAgain;
        try {
            yieldedAgain = advance(null, new GeneratorExit(), op);
        } catch (GeneratorExit e) {
            return;
        }
        if (yieldedAgain) {
            yielded = null;
            throw new IllegalStateException(kind() + " ignored GeneratorExit (its body yielded again while closing)");
        }
    }

    /**
     * Closes a sync generator whose wrapper was collected: runs on the cleaner's thread; errors are
     * logged, as Python prints "Exception ignored in: <generator ...>".
     */
    void closeAbandoned() {
        if (state != SUSPENDED) {
            return; // never started, ended, or (impossible once unreachable) running
        }
        try {
            close("close()");
        } catch (Throwable e) {
            LOG.log(System.Logger.Level.WARNING, "Exception ignored in: " + this, e);
        }
    }

    @Override
    public void aclose() {
        close("aclose()");
    }

    private void finish() {
        state = CLOSED;
        body = null;
        fiber = null;
        yielded = null;
        Runnable r = onFinish;
        if (r != null) {
            onFinish = null;
            r.run();
        }
    }

    /** The public generator if still reachable, else this core: what error reports name. */
    Object publicFace() {
        Object f = face == null ? null : face.get();
        return f != null ? f : this;
    }

    @Override
    public String toString() {
        return "<" + (async ? "async_generator" : "generator") + " object at 0x"
                + Integer.toHexString(System.identityHashCode(this))
                + (state == CLOSED ? " closed" : state == RUNNING ? " running" : "") + ">";
    }

    String kind() {
        return async ? "async generator" : "generator";
    }
}
