package io.jasyncio.management;

import io.jasyncio.EventLoop;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The live event loops of this JVM, for looking at the process from outside: the registry behind
 * the platform MXBean {@value #MBEAN_NAME} ({@link EventLoopsMXBean}), which {@code ./jasyncio ps
 * PID} and {@code ./jasyncio pstree PID} call.
 *
 * <p>Every {@link EventLoop} reports itself here when it starts running; nothing else needs to call
 * this class. The registry holds loops weakly and skips closed ones, so it never keeps a loop alive.
 * The first loop to run in the JVM also starts the registration of the MXBean on a daemon thread, once
 * per JVM, unless the system property {@value #ENABLED_PROPERTY} is {@code false}.
 */
public final class Loops {

    /*
     * Overview. started() runs on a loop's thread each time the loop starts running (runForever, and
     * so every runUntilComplete and Asyncio.run). The common case, a loop running again in the thread
     * it ran in before, is one synchronized WeakHashMap lookup. The first call in the JVM also:
     *   1. sets the system property MARKER_PROPERTY, synchronously, so that a client that attaches
     *      right after the first loop started knows the MXBean is coming and waits for it, while a
     *      client attached to a JVM without jasyncio (no property) fails at once instead of waiting;
     *   2. starts the daemon thread "jasyncio-management", which registers the MXBean with the
     *      platform MBeanServer. Creating that server costs tens of milliseconds the first time, which
     *      is why no loop waits for it. If it fails (a runtime without java.management, or another
     *      copy of jasyncio in another class loader registered first), the marker says why.
     *
     * Keys are the loops themselves in a WeakHashMap (EventLoop keeps Object's identity equals and
     * hashCode); values hold the loop's thread through a WeakReference, so neither keeps anything
     * alive. A closed loop stays in the map until it is collected and is skipped by live().
     */

    /** The MXBean's object name. */
    public static final String MBEAN_NAME = "io.jasyncio:type=EventLoops";

    /** The system property that turns the MXBean off when {@code false}: {@value}. */
    public static final String ENABLED_PROPERTY = "jasyncio.management";

    /**
     * The system property that tells a client what to expect: {@value #MBEAN_NAME} once the first loop
     * ran (the MXBean is registered or about to be), {@code unavailable: <reason>} when registering it
     * failed; absent before any loop ran and when the MXBean is turned off: {@value}.
     */
    public static final String MARKER_PROPERTY = "jasyncio.management.mbean";

    private static final Logger LOG = System.getLogger("jasyncio");
    private static final boolean ENABLED = !"false".equalsIgnoreCase(System.getProperty(ENABLED_PROPERTY));

    /** Every loop that ran, with its order and last thread; guarded by itself. */
    private static final Map<EventLoop, Seen> LOOPS = new WeakHashMap<>();
    /** The order of the next loop to run for the first time; guarded by LOOPS. */
    private static long nextOrder;
    /** Whether the MXBean's registration was started; guarded by LOOPS. */
    private static boolean registering;

    private Loops() {}

    /**
     * What the registry knows of a loop.
     *
     * @param order the loop's rank among the loops of this JVM, in the order they first ran
     * @param thread the thread that last started running it
     */
    private record Seen(long order, WeakReference<Thread> thread) {}

    /**
     * A live loop, as the MXBean reports it.
     *
     * @param loop the loop
     * @param thread the name of the thread that last started running it
     */
    record Live(EventLoop loop, String thread) {}

    /**
     * Records that {@code loop} starts running in the current thread. Called by {@link
     * EventLoop#runForever()}; calling it again is harmless. The first call in the JVM starts the
     * MXBean's registration on a daemon thread (unless {@value #ENABLED_PROPERTY} is {@code false}).
     *
     * @param loop the loop that starts running
     */
    public static void started(EventLoop loop) {
        if (!ENABLED) {
            return;
        }
        Thread current = Thread.currentThread();
        boolean first;
        synchronized (LOOPS) {
            Seen seen = LOOPS.get(loop);
            if (seen != null && seen.thread().get() == current) {
                return;
            }
            LOOPS.put(loop, new Seen(seen == null ? nextOrder++ : seen.order(), new WeakReference<>(current)));
            first = !registering;
            registering = true;
        }
        if (first) {
            System.setProperty(MARKER_PROPERTY, MBEAN_NAME);
            Thread.ofPlatform().daemon().name("jasyncio-management").start(Loops::register);
        }
    }

    /** The loops that ran and are not closed, in the order they first ran. Any thread. */
    static List<Live> live() {
        record Entry(EventLoop loop, Seen seen) {}
        List<Entry> entries = new ArrayList<>();
        synchronized (LOOPS) {
            for (Map.Entry<EventLoop, Seen> e : LOOPS.entrySet()) {
                if (e.getKey() != null && !e.getKey().isClosed()) {
                    entries.add(new Entry(e.getKey(), e.getValue()));
                }
            }
        }
        entries.sort(Comparator.comparingLong(e -> e.seen().order()));
        List<Live> out = new ArrayList<>(entries.size());
        for (Entry e : entries) {
            Thread t = e.seen().thread().get();
            out.add(new Live(e.loop(), t == null ? "(ended)" : t.getName()));
        }
        return out;
    }

    /** On the "jasyncio-management" thread: registers the MXBean, or says in the marker why not. */
    private static void register() {
        try {
            EventLoops.register();
        } catch (Exception | LinkageError e) {
            System.setProperty(MARKER_PROPERTY, "unavailable: " + e);
            LOG.log(Level.DEBUG, "jasyncio: the " + MBEAN_NAME + " MXBean is not available", e);
        }
    }
}
