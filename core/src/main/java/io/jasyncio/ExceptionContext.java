package io.jasyncio;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the loop knows about an error it reports: asyncio's exception-handler context dict.
 *
 * <p>The keys are asyncio's: {@code message} (always), {@code exception}, {@code future},
 * {@code task}, {@code handle}, and others that later layers add ({@code protocol},
 * {@code transport}, {@code socket}, {@code asyncgen}, {@code source_traceback}).
 */
public final class ExceptionContext {
    private final Map<String, Object> entries;

    private ExceptionContext(Map<String, Object> entries) {
        this.entries = Collections.unmodifiableMap(entries);
    }

    /** A builder for a report with the given message. */
    public static Builder builder(String message) {
        return new Builder(message);
    }

    /** The report's message, e.g. {@code "Task exception was never retrieved"}. */
    public String message() {
        return (String) entries.get("message");
    }

    /** The exception, or {@code null}. */
    public Throwable exception() {
        return (Throwable) entries.get("exception");
    }

    /** The future or task concerned, or {@code null}. */
    public Future<?> future() {
        if (entries.get("future") instanceof Future<?> f) {
            return f;
        }
        return task();
    }

    /** The task concerned, or {@code null}. */
    public Task<?> task() {
        return entries.get("task") instanceof Task<?> t ? t : null;
    }

    /** The handle whose callback failed, or {@code null}. */
    public Handle handle() {
        return entries.get("handle") instanceof Handle h ? h : null;
    }

    /** Any key, or {@code null}. */
    public Object get(String key) {
        return entries.get(key);
    }

    /** All keys and values, in insertion order. */
    public Map<String, Object> asMap() {
        return entries;
    }

    /** The message and the other keys sorted, as asyncio's default handler prints them. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(message());
        for (Map.Entry<String, Object> e : new TreeMap<>(entries).entrySet()) {
            if (e.getKey().equals("message") || e.getKey().equals("exception")) {
                continue;
            }
            b.append('\n').append(e.getKey()).append(": ").append(e.getValue());
        }
        return b.toString();
    }

    /** Builds an {@link ExceptionContext}. */
    public static final class Builder {
        private final Map<String, Object> entries = new LinkedHashMap<>();

        private Builder(String message) {
            entries.put("message", message);
        }

        /** Sets {@code exception}. */
        public Builder exception(Throwable e) {
            return put("exception", e);
        }

        /** Sets {@code future}, or {@code task} when it is a task. */
        public Builder future(Future<?> f) {
            return put(f instanceof Task ? "task" : "future", f);
        }

        /** Sets {@code handle}. */
        public Builder handle(Handle h) {
            return put("handle", h);
        }

        /** Sets any key; a {@code null} value is left out. */
        public Builder put(String key, Object value) {
            if (value != null) {
                entries.put(key, value);
            }
            return this;
        }

        /** The context. */
        public ExceptionContext build() {
            return new ExceptionContext(entries);
        }
    }
}
