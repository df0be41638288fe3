package io.jasyncio;

import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * A set of {@link ContextVar} values: Python's {@code contextvars.Context}.
 *
 * <p>Every task runs in its own context, a copy of its creator's taken at {@code createTask} (or
 * the context passed to {@code createTask(coro, name, context)}, used as is). Callbacks run in a
 * copy taken when they were scheduled. {@code toThread} and {@code runInExecutor} run the function
 * in a copy of the caller's context on the worker thread. So one task's {@link ContextVar#set} is
 * never seen by another task, and a worker thread sees the values of the task that offloaded it.
 *
 * <p>A context maps variables to values immutably: {@link #copy()} is O(1), and setting a variable
 * replaces the map of the current context only. Not thread-safe: a context belongs to one task or
 * thread at a time.
 */
public final class Context {

    /*
     * Overview. The values are an immutable array (variable, value, variable, value ...); a Context
     * is a mutable pointer to one. Copying a context, which every createTask and callSoon does,
     * only needs the array, so tasks and handles keep a "context slot": a Context, or just the
     * array they were given (a snapshot). The Context object is made the first time someone needs
     * it (ContextVar.set, Context.current(), getContext()) and then replaces the array in the slot
     * (EventLoop.materializeCurrentContext). Most tasks never need one: 16 bytes less per task.
     */

    /** Alternating variable and value, immutable once published; replaced on each set. */
    Object[] entries;

    private static final Object[] EMPTY = new Object[0];
    /** The values of an empty context: the slot of jasyncio's internal callbacks. */
    static final Object[] EMPTY_ENTRIES = new Object[0];
    /** The snapshot this Context was made from (see the overview), or null. */
    Object[] origin;
    private static final ThreadLocal<Context> THREAD_CONTEXT = ThreadLocal.withInitial(Context::new);

    /** An empty context. */
    public Context() {
        this.entries = EMPTY;
    }

    Context(Object[] entries) {
        this.entries = entries;
    }

    /** The context code on the calling thread runs in: the running task's or callback's, else the thread's. */
    public static Context current() {
        EventLoop loop = EventLoop.runningOnThisThread();
        if (loop != null && loop.currentContext != null) {
            return loop.materializeCurrentContext();
        }
        return THREAD_CONTEXT.get();
    }

    /** The calling thread's own context (the one used outside any task or callback). */
    static Context threadContext() {
        return THREAD_CONTEXT.get();
    }

    /** Makes {@code c} the calling thread's own context (a generator body's thread shares its consumer's). */
    static void setThreadContext(Context c) {
        THREAD_CONTEXT.set(c);
    }

    /** A Context for a task's or callback's snapshot, remembering it (see EventLoop.contextToRestore). */
    static Context materialize(Object[] snapshot) {
        Context c = new Context(snapshot);
        c.origin = snapshot;
        return c;
    }

    /** A copy of the current context: Python's {@code contextvars.copy_context()}. */
    public static Context copyCurrent() {
        return new Context(currentEntries());
    }

    /** The current context's values, without making a Context object for them. */
    static Object[] currentEntries() {
        EventLoop loop = EventLoop.runningOnThisThread();
        if (loop != null) {
            Object slot = loop.currentContext;
            if (slot != null) {
                return entriesOf(slot);
            }
        }
        return THREAD_CONTEXT.get().entries;
    }

    /** The values in a context slot: a Context or a snapshot array. */
    static Object[] entriesOf(Object slot) {
        return slot instanceof Context c ? c.entries : (Object[]) slot;
    }

    /** A new context with the same values; later sets in either one are not seen by the other. */
    public Context copy() {
        return new Context(entries);
    }

    /**
     * Runs {@code action} with this context as the current one, then restores the previous one:
     * Python's {@code Context.run}. Works on any thread, inside a task or callback too. As with
     * Python's, the action must not suspend (a task that tries gets an IllegalStateException).
     */
    public <T> T call(Callable<T> action) throws Exception {
        EventLoop loop = EventLoop.runningOnThisThread();
        if (loop != null) {
            Object previous = loop.currentContext;
            loop.currentContext = this;
            try {
                return action.call();
            } finally {
                loop.currentContext = loop.contextToRestore(previous);
            }
        }
        Context previous = THREAD_CONTEXT.get();
        THREAD_CONTEXT.set(this);
        try {
            return action.call();
        } finally {
            THREAD_CONTEXT.set(previous);
        }
    }

    /** Like {@link #call(Callable)} for an action without checked exceptions. */
    public <T> T run(Supplier<T> action) {
        try {
            return call(action::get);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new AssertionError("a Supplier cannot throw a checked exception", e);
        }
    }

    /** Like {@link #run(Supplier)} for an action without a result. */
    public void run(Runnable action) {
        run(() -> {
            action.run();
            return null;
        });
    }

    /** Whether {@code variable} has a value in this context. */
    public boolean containsKey(ContextVar<?> variable) {
        return indexOf(variable) >= 0;
    }

    /** The number of variables with a value in this context. */
    public int size() {
        return entries.length / 2;
    }

    int indexOf(ContextVar<?> variable) {
        return indexOf(entries, variable);
    }

    private static int indexOf(Object[] e, ContextVar<?> variable) {
        for (int i = 0; i < e.length; i += 2) {
            if (e[i] == variable) {
                return i;
            }
        }
        return -1;
    }

    /** The value of {@code variable}, or {@code missing} when it has none here. */
    Object lookup(ContextVar<?> variable, Object missing) {
        return lookup(entries, variable, missing);
    }

    /** The value of {@code variable} in {@code entries}, or {@code missing}. */
    static Object lookup(Object[] entries, ContextVar<?> variable, Object missing) {
        int i = indexOf(entries, variable);
        return i < 0 ? missing : entries[i + 1];
    }

    /** Binds {@code variable} to {@code value}, or unbinds it when {@code value == missing}. */
    void bind(ContextVar<?> variable, Object value, Object missing) {
        Object[] e = entries;
        int i = indexOf(variable);
        if (value == missing) {
            if (i < 0) {
                return;
            }
            Object[] n = new Object[e.length - 2];
            System.arraycopy(e, 0, n, 0, i);
            System.arraycopy(e, i + 2, n, i, e.length - i - 2);
            entries = n;
        } else if (i < 0) {
            Object[] n = java.util.Arrays.copyOf(e, e.length + 2);
            n[e.length] = variable;
            n[e.length + 1] = value;
            entries = n;
        } else {
            Object[] n = e.clone();
            n[i + 1] = value;
            entries = n;
        }
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("<Context");
        for (int i = 0; i < entries.length; i += 2) {
            b.append(i == 0 ? " " : ", ").append(((ContextVar<?>) entries[i]).name()).append('=').append(entries[i + 1]);
        }
        return b.append('>').toString();
    }
}
