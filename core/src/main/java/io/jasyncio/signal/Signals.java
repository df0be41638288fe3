package io.jasyncio.signal;

import io.jasyncio.Asyncio;
import io.jasyncio.Context;
import io.jasyncio.EventLoop;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Runs a callback on an event loop when the process receives a signal: asyncio's
 * {@code loop.add_signal_handler(sig, callback)} and {@code loop.remove_signal_handler(sig)}.
 *
 * <pre>{@code
 * Event stop = new Event();
 * Signals.addSignalHandler("SIGTERM", stop::set);   // on the running loop
 * stop.await();                                     // until `kill -TERM pid`
 * Signals.removeSignalHandler("SIGTERM");
 * }</pre>
 *
 * <p>Signals are named as the JDK names them, with or without the {@code SIG} prefix:
 * {@code "SIGINT"} or {@code "INT"}, {@code "TERM"}, {@code "HUP"}, {@code "USR1"} ... Signals the
 * JVM keeps for itself ({@code QUIT}, {@code USR2}, {@code SEGV} ...) and those nobody can catch
 * ({@code KILL}, {@code STOP}) are refused, and so are {@code INT}, {@code TERM} and {@code HUP} in a
 * process that started with them ignored ({@code nohup}, a background job): the JVM never delivers
 * them then.
 *
 * <p>A handler replaces the JVM's own for that signal: for {@code INT}, {@code TERM} and {@code HUP}
 * that is the one that runs the shutdown hooks and exits, as asyncio's replaces Python's default
 * action. {@link #removeSignalHandler} puts the previous handler back. A signal is handled by one
 * loop at a time, a loop in any thread of the process (asyncio: only the main thread's loop). The
 * JVM runs signal handlers on a thread of its own; the callback runs on the loop, once per signal
 * received, in the context current when it was added. Call these methods on the loop's thread (or
 * before the loop runs), like the loop's other non-thread-safe methods.
 *
 * <p>While a loop has a signal handler it counts as waiting for I/O, as asyncio's loop waits on its
 * wakeup pipe: a task waiting only for a signal is not reported as a stalled loop, and a virtual
 * clock does not jump at once.
 *
 * <p>When the loop closes, its handlers are removed and the previous ones put back, as asyncio's
 * {@code close()} does (the loop's wakeup pipe is a {@link io.jasyncio.LoopResource}): after that,
 * a {@code TERM} ends the JVM as it would have without jasyncio.
 */
public final class Signals {
    private Signals() {}

    /*
     * Overview.
     *
     * asyncio's design, on the JDK's signal API: the JVM calls an Installed handler on its
     * signal-dispatch thread; the handler writes the signal's number into its loop's wakeup pipe
     * (asyncio: signal.set_wakeup_fd on the loop's self-pipe); the loop, which has the pipe's read
     * end as a reader, reads the numbers and schedules each signal's callback with callSoon
     * (asyncio: _process_self_data -> _handle_signal). The pipe makes the loop "wait for I/O", so
     * that stall detection knows a signal may still come.
     *
     * INSTALLED and WAKEUPS are guarded by the class. A loop has a Wakeup while it has at least one
     * Installed. An Installed, once removed, stays a valid JVM handler: someone may have installed
     * theirs on top of it and put it back later; it then passes signals to its predecessor.
     *
     * Lock order: Signals.class, then sun.misc.Signal's (taken inside Signal.handle).
     */

    private static final System.Logger LOG = System.getLogger("jasyncio");
    /** The signals HotSpot will not catch when the process inherited them ignored. */
    private static final java.util.Set<String> JVM_SHUTDOWN_SIGNALS = java.util.Set.of("INT", "TERM", "HUP");

    /** Installed handlers by signal number. */
    private static final Map<Integer, Installed> INSTALLED = new HashMap<>();
    /** Each loop's wakeup pipe, while it has handlers. */
    private static final Map<EventLoop, Wakeup> WAKEUPS = new IdentityHashMap<>();

    /** What a signal runs: the callback and its context. */
    private record Target(Runnable callback, Context context) {}

    /** A loop's wakeup pipe: the signal thread writes signal numbers, the loop reads them. */
    private static final class Wakeup implements io.jasyncio.LoopResource {
        final EventLoop loop;
        final Pipe pipe;
        /** How many signals this loop handles. */
        int handlers;

        Wakeup(EventLoop loop) {
            this.loop = loop;
            try {
                pipe = Pipe.open();
                pipe.source().configureBlocking(false);
                pipe.sink().configureBlocking(false);
            } catch (IOException e) {
                throw new IllegalStateException("cannot make the loop's signal wakeup pipe: " + e.getMessage(), e);
            }
            loop.addReader(pipe.source(), this::drain);
            loop.trackResource(this);
        }

        /** Not a leak when the loop closes with handlers: asyncio removes them there, and so do we. */
        @Override
        public boolean isClosing() {
            return true;
        }

        /** The loop is closing: remove its handlers, which closes this pipe with the last one. */
        @Override
        public void release() {
            synchronized (Signals.class) {
                for (Installed h : List.copyOf(INSTALLED.values())) {
                    if (h.loop == loop) {
                        uninstall(h);
                    }
                }
            }
        }

        /** Signal thread: one byte per signal; a full pipe (thousands unread) drops it, with a warning. */
        void post(Signal sig) {
            try {
                if (pipe.sink().write(ByteBuffer.wrap(new byte[] {(byte) sig.getNumber()})) == 0) {
                    LOG.log(System.Logger.Level.WARNING, "{0} dropped: the loop''s signal wakeup pipe is full", sig);
                }
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, sig + " dropped: cannot wake the loop: " + e);
            }
        }

        /** Loop thread: schedules the callback of each signal received. */
        private void drain() {
            ByteBuffer buf = ByteBuffer.allocate(64);
            while (true) {
                buf.clear();
                int n;
                try {
                    n = pipe.source().read(buf);
                } catch (IOException e) {
                    return; // closed meanwhile
                }
                if (n <= 0) {
                    return;
                }
                for (int i = 0; i < n; i++) {
                    Target t = targetFor(loop, buf.get(i) & 0xff);
                    if (t != null) {
                        loop.callSoon(t.callback(), t.context());
                    }
                }
            }
        }

        void close() {
            loop.untrackResource(this);
            if (!loop.isClosed()) {
                loop.unregister(pipe.source());
            }
            try {
                pipe.source().close();
                pipe.sink().close();
            } catch (IOException e) {
                // nothing left to tell anyone
            }
        }
    }

    /** The JVM-level handler of one signal for one loop. */
    private static final class Installed implements SignalHandler {
        final Signal signal;
        final EventLoop loop;
        final Wakeup wakeup;
        /** The handler this one replaced: put back on removal. */
        SignalHandler previous;
        /** The current target; replaced by a second add from the same loop. */
        volatile Target target;
        /** Set once removed from INSTALLED. */
        volatile boolean removed;

        Installed(Signal signal, EventLoop loop, Wakeup wakeup, Target target) {
            this.signal = signal;
            this.loop = loop;
            this.wakeup = wakeup;
            this.target = target;
        }

        /** Runs on the JVM's signal-dispatch thread ("SIGHUP handler"). */
        @Override
        public void handle(Signal sig) {
            if (!removed && !loop.isClosed()) {
                wakeup.post(sig);
                return;
            }
            if (!removed) {
                synchronized (Signals.class) {
                    if (INSTALLED.get(signal.getNumber()) == this) {
                        uninstall(this);
                    }
                }
            }
            passOn(sig);
        }

        /** Gives the signal to the handler this one replaced, as if this one had never been there. */
        private void passOn(Signal sig) {
            SignalHandler p = previous;
            if (p == SignalHandler.SIG_IGN) {
                return;
            }
            if (p == SignalHandler.SIG_DFL || p == null) {
                LOG.log(System.Logger.Level.WARNING, "{0} arrived after its event loop closed; its default action"
                        + " cannot be re-delivered from Java, so it is ignored", sig);
                return;
            }
            p.handle(sig);
        }

        @Override
        public String toString() {
            return "<jasyncio handler of " + signal + " for " + loop + (removed ? " (removed)" : "") + ">";
        }
    }

    /** {@link #addSignalHandler(EventLoop, String, Runnable)} on the running loop. */
    public static void addSignalHandler(String signal, Runnable callback) {
        addSignalHandler(Asyncio.getRunningLoop(), signal, callback);
    }

    /**
     * Calls {@code callback} on {@code loop} each time the process receives {@code signal}; replaces
     * the loop's previous callback for that signal. Call it on the loop's thread, or before the loop
     * runs.
     *
     * @throws IllegalArgumentException when {@code signal} is not a signal name the JDK knows
     * @throws IllegalStateException when the signal cannot be caught or the JVM uses it itself, when
     *     another loop handles it, or when {@code loop} is closed
     */
    public static void addSignalHandler(EventLoop loop, String signal, Runnable callback) {
        Objects.requireNonNull(loop, "loop");
        Objects.requireNonNull(callback, "callback");
        Signal sig = signalOf(signal);
        if (loop.isClosed()) {
            throw new IllegalStateException("Event loop is closed");
        }
        Target target = new Target(callback, Context.copyCurrent());
        synchronized (Signals.class) {
            Installed current = INSTALLED.get(sig.getNumber());
            if (current != null) {
                if (current.loop != loop) {
                    throw new IllegalStateException(sig + " is handled by another event loop, " + current.loop
                            + ": remove it there first");
                }
                current.target = target;
                return;
            }
            Wakeup wakeup = WAKEUPS.get(loop);
            boolean newWakeup = wakeup == null;
            if (newWakeup) {
                wakeup = new Wakeup(loop);
            }
            Installed h = new Installed(sig, loop, wakeup, target);
            SignalHandler previous;
            try {
                previous = Signal.handle(sig, h);
            } catch (IllegalArgumentException e) {
                if (newWakeup) {
                    wakeup.close();
                }
                throw new IllegalStateException("sig " + sig + " cannot be caught: " + e.getMessage(), e);
            }
            if (previous == SignalHandler.SIG_IGN && JVM_SHUTDOWN_SIGNALS.contains(sig.getName())) {
                // HotSpot leaves INT, TERM and HUP alone when the process started with them ignored
                // (nohup, a background job): the handler is recorded but never called.
                Signal.handle(sig, previous);
                if (newWakeup) {
                    wakeup.close();
                }
                throw new IllegalStateException("sig " + sig + " cannot be caught: this process started with it ignored"
                        + " (nohup, or a background job), and the JVM then never delivers it");
            }
            if (isNative(previous)) {
                Signal.handle(sig, previous);
                if (newWakeup) {
                    wakeup.close();
                }
                throw new IllegalStateException("sig " + sig + " cannot be caught: the JVM or native code uses it ("
                        + previous + ")");
            }
            h.previous = previous;
            INSTALLED.put(sig.getNumber(), h);
            WAKEUPS.put(loop, wakeup);
            wakeup.handlers++;
        }
    }

    /** {@link #removeSignalHandler(EventLoop, String)} on the running loop. */
    public static boolean removeSignalHandler(String signal) {
        return removeSignalHandler(Asyncio.getRunningLoop(), signal);
    }

    /**
     * Stops handling {@code signal} on {@code loop} and puts back the handler that was there before
     * (for {@code INT}, {@code TERM}, {@code HUP}: the JVM's, which exits). Call it on the loop's
     * thread, or when the loop is not running.
     *
     * @return whether {@code loop} had a handler for it
     * @throws IllegalArgumentException when {@code signal} is not a signal name the JDK knows
     */
    public static boolean removeSignalHandler(EventLoop loop, String signal) {
        Objects.requireNonNull(loop, "loop");
        Signal sig = signalOf(signal);
        synchronized (Signals.class) {
            Installed h = INSTALLED.get(sig.getNumber());
            if (h == null || h.loop != loop) {
                return false;
            }
            uninstall(h);
            return true;
        }
    }

    /** Whether {@code loop} has a handler for {@code signal}. Thread-safe. */
    public static boolean hasSignalHandler(EventLoop loop, String signal) {
        Signal sig = signalOf(signal);
        synchronized (Signals.class) {
            Installed h = INSTALLED.get(sig.getNumber());
            return h != null && h.loop == loop;
        }
    }

    /** The callback for signal {@code number} on {@code loop}, or null if it was removed meanwhile. */
    private static Target targetFor(EventLoop loop, int number) {
        synchronized (Signals.class) {
            Installed h = INSTALLED.get(number);
            return h != null && h.loop == loop ? h.target : null;
        }
    }

    /** Removes {@code h} and puts its predecessor back, unless someone installed theirs on top meanwhile. */
    private static void uninstall(Installed h) {
        assert Thread.holdsLock(Signals.class);
        INSTALLED.remove(h.signal.getNumber());
        h.removed = true;
        SignalHandler now = Signal.handle(h.signal, h.previous);
        if (now != h) {
            // Someone replaced ours; keep theirs (ours, removed, passes signals on if they chain to it).
            Signal.handle(h.signal, now);
        }
        if (--h.wakeup.handlers == 0) {
            WAKEUPS.remove(h.loop);
            h.wakeup.close();
        }
    }

    /** A handler the JVM or native code installed (not a Java one, nor SIG_DFL/SIG_IGN): replacing it could break them. */
    private static boolean isNative(SignalHandler h) {
        return h != SignalHandler.SIG_DFL && h != SignalHandler.SIG_IGN
                && String.valueOf(h).startsWith("jdk.internal.misc.Signal$NativeHandler");
    }

    private static Signal signalOf(String name) {
        Objects.requireNonNull(name, "signal");
        String shortName = name.startsWith("SIG") ? name.substring(3) : name;
        try {
            return new Signal(shortName);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid signal " + name + ": not a signal name this JDK knows"
                    + " (such as SIGINT, SIGTERM, SIGHUP, SIGUSR1)", e);
        }
    }
}
