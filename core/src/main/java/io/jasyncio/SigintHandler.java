package io.jasyncio;

import java.util.concurrent.atomic.AtomicInteger;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * The SIGINT handler of one {@link Runner#run}: asyncio's {@code Runner._on_sigint}. The first
 * Ctrl-C cancels the main task (on the loop, through {@code callSoonThreadsafe}); {@code run} then
 * throws {@link KeyboardInterrupt} if that cancellation ended the task. A second Ctrl-C, or one
 * after the run, goes to the handler that was there before: the JVM's, which runs the shutdown
 * hooks and exits with status 130 (asyncio raises {@code KeyboardInterrupt} at once; Java cannot
 * throw into a running thread, and a program stuck in a step must still be stoppable).
 *
 * <p>Installed only as asyncio installs its handler: when {@code run} is called on the main thread
 * and SIGINT still has its default handler (the JVM's; not under {@code -Xrs}, not when ignored,
 * not when someone installed their own). JDK signal handlers run on a thread of their own.
 */
final class SigintHandler implements SignalHandler {
    private static final Signal INT = new Signal("INT");

    /**
     * Tests only: install over an ignored SIGINT too. A JVM started as a background job (as build
     * tools and CI often start tests) inherits SIGINT ignored, the JVM then never delivers it, and
     * asyncio's rule installs nothing; the in-process tests call {@link #interrupt()} themselves.
     */
    static volatile boolean installOverIgnored;

    private final EventLoop loop;
    private final Task<?> main;
    /** The handler this one replaced (the JVM's): set right after installation, before it is needed. */
    private volatile SignalHandler previous;
    /** How many SIGINTs arrived during the run (asyncio's _interrupt_count). */
    private final AtomicInteger interrupts = new AtomicInteger();
    /** Whether the first SIGINT's cancel reached the main task still running (loop thread only). */
    private boolean cancelledMain;
    /** Cleared when the run ends: SIGINTs go straight to the previous handler. */
    private volatile boolean active = true;

    private SigintHandler(EventLoop loop, Task<?> main) {
        this.loop = loop;
        this.main = main;
    }

    /** Installs a handler for {@code main}'s run, or returns null when asyncio would not (see the class comment). */
    static SigintHandler install(EventLoop loop, Task<?> main) {
        if (!isMainThread()) {
            return null;
        }
        SigintHandler h = new SigintHandler(loop, main);
        synchronized (SigintHandler.class) {
            SignalHandler before;
            try {
                before = Signal.handle(INT, h);
            } catch (IllegalArgumentException e) {
                return null; // -Xrs: the JVM leaves SIGINT to the OS
            }
            if (!isJvmDefault(before) && !(installOverIgnored && before == SignalHandler.SIG_IGN)) {
                Signal.handle(INT, before);
                return null;
            }
            h.previous = before;
        }
        return h;
    }

    /** Puts the previous handler back, unless someone installed theirs on top meanwhile (asyncio: the same check). */
    void uninstall() {
        active = false;
        synchronized (SigintHandler.class) {
            SignalHandler now = Signal.handle(INT, previous);
            if (now != this) {
                Signal.handle(INT, now);
            }
        }
    }

    /**
     * Whether a SIGINT cancelled the main task (asyncio's {@code _interrupt_count > 0}). One that
     * reached the loop after the task had ended for another reason did not: asyncio's handler runs
     * at once in the main thread, so there the task cannot end in between. Loop thread.
     */
    boolean cancelledMain() {
        return cancelledMain;
    }

    @Override
    public void handle(Signal sig) {
        interrupt();
    }

    /** What a SIGINT does (tests call it as CPython's tests call {@code _thread.interrupt_main}). */
    void interrupt() {
        if (active && interrupts.incrementAndGet() == 1) {
            try {
                loop.callSoonThreadsafe(() -> {
                    if (!main.done()) {
                        cancelledMain = true;
                        main.cancel();
                    }
                });
                return;
            } catch (IllegalStateException loopClosed) {
                // fall through to the JVM's handler
            }
        }
        SignalHandler p = previous;
        if (p == null || p == SignalHandler.SIG_DFL) {
            Runtime.getRuntime().exit(128 + INT.getNumber()); // what the default action's status says
        } else {
            p.handle(INT);
        }
    }

    /** The JVM's own handler (java.lang.Terminator's: shutdown hooks, exit 130) or the OS default. */
    private static boolean isJvmDefault(SignalHandler h) {
        return h == SignalHandler.SIG_DFL || String.valueOf(h).startsWith("java.lang.Terminator");
    }

    /** The thread the launcher ran {@code main} on (Java has no API for it: its name and group). */
    private static boolean isMainThread() {
        Thread t = Thread.currentThread();
        return !t.isVirtual() && "main".equals(t.getName()) && t.getThreadGroup() != null
                && "main".equals(t.getThreadGroup().getName());
    }

    @Override
    public String toString() {
        return "<jasyncio Runner SIGINT handler for " + main + (active ? "" : " (run ended)") + ">";
    }
}
