package io.jasyncio;

/**
 * A callback scheduled on the loop by {@link EventLoop#callSoon(Runnable)}: asyncio's
 * {@code Handle}. {@link #cancel()} before it runs and it never runs.
 *
 * <p>The callback runs in the {@link Context} captured when it was scheduled. An exception it
 * throws goes to the loop's exception handler ("Exception in callback ...") and the loop goes on.
 */
public class Handle {
    final EventLoop loop;
    /** The callback; cleared on cancel so that a cancelled handle holds nothing alive. */
    Runnable callback;
    /** The context slot the callback runs in (a Context or a snapshot array); null for jasyncio's internal callbacks. */
    Object context;
    /** Whether {@link #cancel()} was called. */
    boolean cancelled;

    Handle(EventLoop loop, Runnable callback, Object context) {
        this.loop = loop;
        this.callback = callback;
        this.context = context;
        if (loop.debug) {
            loop.recordCreationSite(this);
        }
    }

    /** Prevents the callback from running; no effect once it ran or was cancelled. */
    public void cancel() {
        if (!cancelled) {
            cancelled = true;
            if (!loop.debug) {
                // Hold nothing alive; in debug mode keep it for toString (it never runs: cancelled).
                callback = null;
            }
        }
    }

    /** Whether {@link #cancel()} was called. */
    public boolean cancelled() {
        return cancelled;
    }

    /** The context the callback runs in ({@code null} for jasyncio's own callbacks). */
    public Context getContext() {
        Object slot = context;
        if (slot instanceof Object[] entries) {
            if (loop.runningHandle == this && loop.currentContext == slot) {
                return loop.materializeCurrentContext();
            }
            Context c = Context.materialize(entries);
            context = c;
            return c;
        }
        return (Context) slot;
    }

    /** Runs the callback in its context, reporting what it throws to the exception handler. */
    void run() {
        Runnable cb = callback;
        if (cb == null || cancelled) {
            return;
        }
        Object previous = loop.currentContext;
        Handle previousHandle = loop.runningHandle;
        if (context != null) {
            loop.currentContext = context;
        }
        loop.runningHandle = this;
        try {
            invoke(cb);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            loop.callExceptionHandler(ExceptionContext.builder("Exception in callback " + describeCallback())
                    .exception(e).handle(this).build());
        } finally {
            loop.runningHandle = previousHandle;
            loop.currentContext = loop.contextToRestore(previous);
        }
    }

    /** Calls the callback; jasyncio's own handles that carry their call in fields override it. */
    void invoke(Runnable cb) {
        cb.run();
    }

    /** What the callback is, for messages. */
    String describeCallback() {
        return describe(callback);
    }

    static String describe(Object cb) {
        if (cb == null) {
            return "<none>";
        }
        String s = cb.toString();
        // A lambda's default toString is Outer$$Lambda/0x...@hash: keep the readable part.
        int lambda = s.indexOf("$$Lambda");
        return lambda > 0 ? s.substring(0, lambda) + "$$Lambda" : s;
    }

    String state() {
        return cancelled ? "cancelled" : "";
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("<").append(getClass().getSimpleName());
        if (cancelled) {
            b.append(" cancelled");
        }
        if (callback != null) {
            b.append(' ').append(describe(callback));
        }
        StackTraceElement[] site = loop.creationSite(this);
        if (site != null && site.length > 0) {
            b.append(" created at ").append(site[0]);
        }
        return b.append('>').toString();
    }
}
