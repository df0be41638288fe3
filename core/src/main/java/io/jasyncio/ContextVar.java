package io.jasyncio;

import java.util.NoSuchElementException;

/**
 * A variable whose value depends on the task (or thread) reading it: Python's
 * {@code contextvars.ContextVar}.
 *
 * <pre>{@code
 * static final ContextVar<String> REQUEST_ID = new ContextVar<>("request_id");
 *
 * REQUEST_ID.set("r-42");
 * createTask(() -> log(REQUEST_ID.get()));   // the new task sees "r-42" (a copy of this context)
 * }</pre>
 *
 * <p>Unlike {@link ScopedValue}, a context variable can be set at any point of a task and the value
 * stays until changed or {@link #reset(Token) reset}; unlike a {@link ThreadLocal}, each task has
 * its own value although all tasks share the loop's thread.
 *
 * @param <T> the value type ({@code null} is a valid value)
 */
public final class ContextVar<T> {

    private static final Object MISSING = new Object();

    private final String name;
    private final Object defaultValue;

    /** A variable without a default: {@link #get()} fails until it is set. */
    public ContextVar(String name) {
        this.name = requireName(name);
        this.defaultValue = MISSING;
    }

    /** A variable whose {@link #get()} returns {@code defaultValue} until it is set. */
    public ContextVar(String name, T defaultValue) {
        this.name = requireName(name);
        this.defaultValue = defaultValue;
    }

    private static String requireName(String name) {
        if (name == null) {
            throw new NullPointerException("a ContextVar needs a name");
        }
        return name;
    }

    /** The variable's name. */
    public String name() {
        return name;
    }

    /**
     * The value in the current context, else the variable's default.
     *
     * @throws NoSuchElementException (Python's {@code LookupError}) when there is neither
     */
    @SuppressWarnings("unchecked")
    public T get() {
        Object v = Context.lookup(Context.currentEntries(), this, MISSING);
        if (v == MISSING) {
            v = defaultValue;
        }
        if (v == MISSING) {
            throw new NoSuchElementException("ContextVar '" + name + "' has no value in this context and no default");
        }
        return (T) v;
    }

    /** The value in the current context, else {@code fallback} (the variable's default is ignored). */
    @SuppressWarnings("unchecked")
    public T get(T fallback) {
        Object v = Context.lookup(Context.currentEntries(), this, MISSING);
        return v == MISSING ? fallback : (T) v;
    }

    /** Sets the value in the current context; the token restores the previous one. */
    public Token<T> set(T value) {
        Context ctx = Context.current();
        Object old = ctx.lookup(this, MISSING);
        ctx.bind(this, value, MISSING);
        return new Token<>(this, ctx, old);
    }

    /**
     * Restores the value this variable had before the {@link #set} that returned {@code token}.
     *
     * @throws IllegalArgumentException when the token belongs to another variable or context
     * @throws IllegalStateException when the token was used already
     */
    public void reset(Token<T> token) {
        if (token.variable != this) {
            throw new IllegalArgumentException(token + " was created by a different ContextVar than '" + name + "'");
        }
        Context ctx = Context.current();
        if (token.context != ctx) {
            throw new IllegalArgumentException(token + " was created in a different Context");
        }
        if (token.used) {
            throw new IllegalStateException(token + " has already been used once");
        }
        token.used = true;
        ctx.bind(this, token.oldValue, MISSING);
    }

    @Override
    public String toString() {
        return "<ContextVar name='" + name + "'" + (defaultValue == MISSING ? "" : " default=" + defaultValue) + ">";
    }

    /**
     * What {@link ContextVar#set} returns: enough to undo it once with {@link ContextVar#reset}.
     *
     * @param <T> the variable's value type
     */
    public static final class Token<T> {
        private final ContextVar<T> variable;
        private final Context context;
        private final Object oldValue;
        private boolean used;

        Token(ContextVar<T> variable, Context context, Object oldValue) {
            this.variable = variable;
            this.context = context;
            this.oldValue = oldValue;
        }

        /** The variable that was set. */
        public ContextVar<T> variable() {
            return variable;
        }

        /** Whether the variable had no value before the set. */
        public boolean hadNoValue() {
            return oldValue == MISSING;
        }

        @Override
        public String toString() {
            return "<Token" + (used ? " used" : "") + " var=" + variable + ">";
        }
    }
}
