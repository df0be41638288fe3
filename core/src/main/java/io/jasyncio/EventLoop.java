package io.jasyncio;

import io.jasyncio.engine.Engine;
import io.jasyncio.engine.Engines;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The event loop: asyncio's {@code BaseEventLoop} without networking (a later layer adds it).
 *
 * <p>One thread runs the loop; it runs ready callbacks and task steps one at a time, in FIFO order,
 * and waits on a {@link Selector} when there is nothing to do. Timers fire in deadline order (equal
 * deadlines in scheduling order). Other threads enter only through {@link
 * #callSoonThreadsafe(Runnable)} (one thread-safe queue plus a selector wakeup).
 *
 * <p>Most programs never touch the loop: {@link Asyncio#run(Coroutine)} creates one, runs the main
 * coroutine and closes it. Inside a task, {@link Asyncio#getRunningLoop()} returns it.
 *
 * <p>Not thread-safe except where a method says so. In debug mode, calling a loop method from
 * another thread raises an error naming {@code callSoonThreadsafe}.
 */
public class EventLoop implements AutoCloseable {

    /*
     * Overview. One iteration (runOnce) is asyncio's _run_once:
     *   1. drop cancelled timers (compact the heap when more than half of >100 are cancelled);
     *   2. move thread-safe calls from the inbox to the ready queue;
     *   3. wait on the selector: not at all when something is ready or the loop is stopping,
     *      otherwise as long as the clock says (until the next timer, or until woken);
     *   4. move thread-safe calls again, and the timers that are due, to the ready queue;
     *   5. run exactly the entries that are ready now; entries they schedule run next iteration.
     * Ready entries are Handles, or Tasks themselves for task steps (no allocation per step).
     *
     * Selector wakeup (callSoonThreadsafe): the caller enqueues, then wakes the selector unless a
     * wakeup is already pending. The loop clears `wakeupPending` only after its select returned and
     * before it drains the inbox, so an entry enqueued after the drain always finds the flag clear
     * and wakes the next select; an entry enqueued before the clear is drained in this iteration.
     */

    private static final Logger LOG = System.getLogger("jasyncio");
    private static final ThreadLocal<EventLoop> RUNNING = new ThreadLocal<>();
    private static final long MAX_DELAY_NANOS = Long.MAX_VALUE / 4;

    final Clock clock;
    final Engine engine;
    /** engine.runsOnResumerThread(), read once: task steps consult it. */
    final boolean engineSharesThread;
    /** Handles and Tasks ready to run, in order. */
    private final ArrayDeque<Object> ready = new ArrayDeque<>();
    /** Scheduled timers, earliest first; may hold cancelled ones until purged. */
    private final TimerQueue timers = new TimerQueue();
    /** Cancelled timers still in the heap. */
    private int cancelledTimers;
    /** Tie-break for equal deadlines. */
    private long timerSequence;
    /** Calls from other threads, moved to the ready queue each iteration. */
    private final ConcurrentLinkedQueue<Handle> inbox = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean wakeupPending = new AtomicBoolean();
    private final Selector selector;
    /** Reader and writer callbacks of channels on the selector. */
    private final Poller poller;
    /** Work outside the loop that will call back (executor jobs, wrapped futures); loop thread only. */
    private int inFlight;

    /** The thread running the loop, or null. */
    private volatile Thread thread;
    private boolean stopping;
    private volatile boolean closed;

    /** The task whose step is running, or null. */
    Task<?> currentTask;
    /** The Runner's main task, cancelled when the loop's thread is interrupted; or null. */
    Task<?> mainTask;
    /** The context slot (a Context or a snapshot array) of the running task or callback, or null between them. */
    Object currentContext;
    /** The callback running now, or null. */
    Handle runningHandle;
    /** The live tasks (strong references), in slots 0..liveTaskCount-1; each task knows its slot. */
    private Task<?>[] liveTasks = new Task<?>[64];
    private int liveTaskCount;

    boolean debug;
    private double slowCallbackDuration = 0.1;
    private ExceptionHandler exceptionHandler;
    private TaskFactory taskFactory;
    private ExecutorService defaultExecutor;
    private boolean executorShutdownCalled;
    final Unretrieved unretrieved = new Unretrieved(this);
    private final Set<AsyncCloseable> asyncgens = new LinkedHashSet<>();
    private boolean asyncgensShutdownCalled;
    /** Whether the current stall was reported (cleared when the loop has work again). */
    private boolean stallReported;

    /** A loop on the system clock. */
    public EventLoop() {
        this(Clock.system());
    }

    /** A loop on {@code clock} (a virtual clock in tests). */
    public EventLoop(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.engine = Engines.current();
        this.engineSharesThread = engine.runsOnResumerThread();
        this.debug = Debug.enabledByEnvironment();
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the loop's selector", e);
        }
        this.poller = new Poller(selector);
        this.resources = new Resources(selector, "<EventLoop@" + Integer.toHexString(System.identityHashCode(this)) + ">",
                debug ? Debug.creationSite() : null);
        GeneratorCore.CLEANER.register(this, resources);
    }

    /**
     * What a loop holds that outlives it unless closed: its selector (a file descriptor) and its
     * default executor's threads. If the loop becomes unreachable without {@link #close()}, the
     * cleaner releases them and reports the leak, as asyncio's "unclosed event loop" ResourceWarning.
     */
    private static final class Resources implements Runnable {
        final Selector selector;
        final String name;
        final StackTraceElement[] createdAt;
        volatile boolean closed;
        volatile ExecutorService executor;

        Resources(Selector selector, String name, StackTraceElement[] createdAt) {
            this.selector = selector;
            this.name = name;
            this.createdAt = createdAt;
        }

        @Override
        public void run() {
            if (closed) {
                return;
            }
            StringBuilder text = new StringBuilder("unclosed event loop ").append(name)
                    .append(" (close it, or run it with Asyncio.run / a Runner in try-with-resources)");
            if (createdAt != null) {
                text.append("\nEventLoop created at:");
                for (StackTraceElement e : createdAt) {
                    text.append("\n\tat ").append(e);
                }
            }
            LOG.log(Level.WARNING, text.toString());
            try {
                selector.close();
            } catch (IOException e) {
                // reported above; nothing more to do
            }
            ExecutorService ex = executor;
            if (ex != null) {
                ex.shutdown();
            }
        }
    }

    /** Released by the cleaner if this loop is never closed. */
    private final Resources resources;

    // ---- running ----

    /**
     * The slot to put back as the current context after a nested step or Context.call: the saved
     * one, unless it is a snapshot that its owner (the task or callback running now) has since
     * turned into a Context, in which case that Context (the owner must stay on one object).
     */
    Object contextToRestore(Object saved) {
        if (saved instanceof Object[] snapshot) {
            Object owner = currentTask != null ? currentTask.context : runningHandle != null ? runningHandle.context : null;
            if (owner instanceof Context c && c.origin == snapshot) {
                return c;
            }
        }
        return saved;
    }

    /**
     * The current context as a Context object, made from the running task's or callback's
     * snapshot the first time one is needed, and kept in its slot from then on.
     */
    Context materializeCurrentContext() {
        Object slot = currentContext;
        if (slot instanceof Context c) {
            return c;
        }
        Context c = Context.materialize((Object[]) slot);
        currentContext = c;
        if (currentTask != null) {
            currentTask.context = c;
        } else if (runningHandle != null) {
            runningHandle.context = c;
        }
        return c;
    }

    /** The loop running on the calling thread (or in the task running on it), or null. */
    static EventLoop runningOnThisThread() {
        return RUNNING.get();
    }

    /** Called at the start of a fiber body: makes the loop visible on the fiber's own thread. */
    static EventLoop enterFiberThread(EventLoop loop) {
        EventLoop previous = RUNNING.get();
        if (previous != loop) {
            RUNNING.set(loop);
        }
        return previous;
    }

    static void leaveFiberThread(EventLoop previous) {
        if (RUNNING.get() != previous) {
            RUNNING.set(previous);
        }
    }

    /**
     * Runs until {@link #stop()} is called. A stop requested before this call makes it run exactly
     * one iteration.
     *
     * @throws IllegalStateException when the loop is closed or already running, or another loop runs
     *     in this thread
     */
    public void runForever() {
        checkClosed();
        if (thread != null) {
            throw new IllegalStateException("This event loop is already running");
        }
        if (RUNNING.get() != null) {
            throw new IllegalStateException("Cannot run the event loop while another loop is running");
        }
        io.jasyncio.management.Loops.started(this); // for ./jasyncio ps (ADR 0010)
        thread = Thread.currentThread();
        RUNNING.set(this);
        try {
            while (true) {
                runOnce();
                if (stopping) {
                    break;
                }
            }
        } finally {
            stopping = false;
            RUNNING.remove();
            thread = null;
            if (watched) {
                watched = false;
                Watchdog.unwatch(this);
            }
        }
    }

    /**
     * Runs until {@code future} is done and returns its result (or throws its exception).
     *
     * @throws IllegalStateException "Event loop stopped before Future completed." when {@link
     *     #stop()} was called first
     */
    public <T> T runUntilComplete(Future<T> future) {
        checkClosed();
        if (thread != null) {
            throw new IllegalStateException("This event loop is already running");
        }
        if (future.loop != this) {
            throw new IllegalArgumentException("The future belongs to a different loop than the one given as argument");
        }
        checkNotRunningHere();
        // asyncio's _run_until_complete_cb: a fatal error (asyncio's KeyboardInterrupt/SystemExit)
        // escapes runForever by itself and must not leave a stop() behind for the next run.
        java.util.function.Consumer<Future<T>> stopWhenDone = f -> {
            if (!(f.peekException() instanceof VirtualMachineError)) {
                stop();
            }
        };
        future.addDoneCallback(stopWhenDone);
        try {
            runForever();
        } catch (RuntimeException | Error e) {
            if (future.done() && !future.cancelled()) {
                future.markRetrieved(); // it is being thrown right now: not a lost exception
            }
            throw e;
        } finally {
            future.removeDoneCallback(stopWhenDone);
        }
        if (!future.done()) {
            throw new IllegalStateException("Event loop stopped before Future completed.");
        }
        return future.result();
    }

    /** Wraps {@code coroutine} in a task and runs until it is done; see {@link #runUntilComplete(Future)}. */
    public <T> T runUntilComplete(Coroutine<T> coroutine) {
        checkClosed();
        checkNotRunningHere(); // before creating the task: a refused run must not run the coroutine
        return runUntilComplete(createTask(coroutine));
    }

    /** The errors of a run that cannot start: this loop runs already, or another one runs in this thread. */
    private void checkNotRunningHere() {
        if (thread != null) {
            throw new IllegalStateException("This event loop is already running");
        }
        if (RUNNING.get() != null) {
            throw new IllegalStateException("Cannot run the event loop while another loop is running");
        }
    }

    /** Like {@link #runUntilComplete(Coroutine)} for a coroutine without a result. */
    public void runUntilComplete(VoidCoroutine coroutine) {
        runUntilComplete(Coroutine.of(coroutine));
    }

    /** Stops the loop after the current iteration. */
    public void stop() {
        stopping = true;
    }

    /** Whether the loop is running. Thread-safe. */
    public boolean isRunning() {
        return thread != null;
    }

    /** Whether {@link #close()} was called. Thread-safe. */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Closes the loop: drops pending callbacks, reports tasks still pending and exceptions never
     * retrieved to the exception handler, shuts down the default executor without waiting, and
     * releases the selector. Idempotent.
     *
     * @throws IllegalStateException when the loop is running
     */
    @Override
    public void close() {
        if (isRunning()) {
            throw new IllegalStateException("Cannot close a running event loop");
        }
        if (closed) {
            return;
        }
        Set<Task<?>> pending = allTasks();
        for (Task<?> t : pending) {
            callExceptionHandler(ExceptionContext.builder("Task was destroyed but it is pending!").future(t).build());
        }
        unwind(pending);
        unretrieved.reportAll();
        releaseResources();
        closed = true;
        resources.closed = true;
        ready.clear();
        timers.clear();
        inbox.clear();
        ExecutorService executor = defaultExecutor;
        defaultExecutor = null;
        if (executor != null) {
            executor.shutdown();
        }
        try {
            selector.close();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "error closing the loop's selector", e);
        }
    }

    // ---- resources closed with the loop ----

    /** Open loop resources, with where each was registered in debug mode (else null); loop thread. */
    private Map<LoopResource, StackTraceElement[]> liveResources;

    /**
     * jasyncio extension: releases {@code resource} when this loop closes, unless it was
     * {@linkplain #untrackResource untracked} first. A resource still open then (not
     * {@linkplain LoopResource#isClosing() closing}) was leaked: in debug mode it is reported as
     * asyncio's "unclosed transport" warning, with where it was registered. jasyncio's transports
     * track themselves from creation until their socket is closed.
     */
    public void trackResource(LoopResource resource) {
        Objects.requireNonNull(resource, "resource");
        if (liveResources == null) {
            liveResources = new IdentityHashMap<>();
        }
        liveResources.put(resource, debug ? Debug.creationSite() : null);
    }

    /** Forgets a resource given to {@link #trackResource}: its owner closed it. No-op if unknown. */
    public void untrackResource(LoopResource resource) {
        if (liveResources != null) {
            liveResources.remove(resource);
        }
    }

    /** The resources tracked now (for tests and introspection); a snapshot. */
    public Set<LoopResource> trackedResources() {
        return liveResources == null ? Set.of() : Set.copyOf(liveResources.keySet());
    }

    private void releaseResources() {
        Map<LoopResource, StackTraceElement[]> live = liveResources;
        if (live == null || live.isEmpty()) {
            return;
        }
        liveResources = null;
        for (Map.Entry<LoopResource, StackTraceElement[]> e : live.entrySet()) {
            LoopResource r = e.getKey();
            if (debug && !r.isClosing()) {
                StringBuilder text = new StringBuilder("unclosed ").append(r)
                        .append(" at loop close (close it when done; released now)");
                if (e.getValue() != null) {
                    text.append("\nCreated at:");
                    for (StackTraceElement f : e.getValue()) {
                        text.append("\n\tat ").append(f);
                    }
                }
                LOG.log(Level.WARNING, text.toString());
            }
            try {
                r.release();
            } catch (Exception ex) {
                LOG.log(Level.WARNING, "error releasing " + r + " at loop close", ex);
            }
        }
    }

    /** Unwinds the stacks of tasks abandoned by close(): their finally blocks run, their threads end. */
    private void unwind(Set<Task<?>> pending) {
        if (pending.isEmpty()) {
            return;
        }
        EventLoop previous = RUNNING.get();
        RUNNING.set(this); // so that code in finally blocks sees its loop (and fails cleanly if it suspends)
        try {
            for (Task<?> t : pending) {
                t.abandon();
            }
        } finally {
            if (previous == null) {
                RUNNING.remove();
            } else {
                RUNNING.set(previous);
            }
        }
    }

    private void checkClosed() {
        if (closed) {
            throw new IllegalStateException("Event loop is closed");
        }
    }

    /** One iteration; see the overview. */
    private void runOnce() {
        purgeCancelledTimers();
        drainInbox();
        long wait;
        if (!ready.isEmpty() || stopping) {
            wait = 0;
            stallReported = false;
        } else {
            long deadline = timers.isEmpty() ? Long.MAX_VALUE : timers.peekWhen();
            if (deadline == Long.MAX_VALUE && inFlight == 0 && liveTaskCount > 0 && !stallReported
                    && !poller.waiting()) {
                stalled();
            }
            // A reader on an in-process pipe (a signal's wakeup) is like work in flight: its writer
            // is a thread of ours, not a peer in real time.
            wait = clock.idleWait(deadline, inFlight > 0 || poller.inProcessWaiting(), poller.peerWaiting());
        }
        select(wait);
        clock.waitEnded();
        drainInbox();
        unretrieved.pollCollected();

        long now = clock.nanoTime();
        while (!timers.isEmpty() && timers.peekWhen() <= now) {
            Object due = timers.poll();
            if (due instanceof TimerHandle t) {
                t.scheduled = false;
                if (t.cancelled) {
                    cancelledTimers--;
                } else {
                    ready.add(t);
                }
            } else {
                SleepTimer st = (SleepTimer) due;
                if (st.cancelled()) {
                    cancelledTimers--;
                } else {
                    st.when = SleepTimer.READY;
                    ready.add(st);
                }
            }
        }

        for (int n = ready.size(); n > 0; n--) {
            Object entry = ready.poll();
            if (debug) {
                runTimed(entry);
            } else {
                runEntry(entry);
            }
        }
    }

    /**
     * Every live task is suspended and nothing the loop knows of can wake one: no ready callback,
     * no timer, no I/O interest, no executor job or other in-flight work. Only a call from another
     * thread ({@link #callSoonThreadsafe}) could, so the loop would wait forever. Reported at once,
     * with the task tree and any deadlock cycle: in debug mode as a {@link LoopStalledError} thrown
     * from {@code run()}, otherwise as one warning per stall.
     */
    private void stalled() {
        stallReported = true;
        TaskDump dump = dumpTasks();
        List<TaskDump.Deadlock> deadlocks = dump.deadlocks();
        StringBuilder text = new StringBuilder();
        if (deadlocks.isEmpty()) {
            text.append("the event loop is stalled: every task is waiting, and no timer, I/O, executor job or"
                    + " other in-flight work can wake one (only a callSoonThreadsafe from another thread could)");
        } else {
            text.append("the event loop is deadlocked");
            for (TaskDump.Deadlock d : deadlocks) {
                text.append(System.lineSeparator()).append(d.describe());
            }
        }
        text.append(System.lineSeparator()).append(dump.formatTree());
        JfrEvents.stall(!deadlocks.isEmpty(), text.toString());
        if (debug) {
            throw new LoopStalledError(text.toString(), dump);
        }
        LOG.log(Level.WARNING, text.toString());
    }

    /** Runs one ready entry: a task step, a callback, or a sleep timer that wakes its task. */
    private void runEntry(Object entry) {
        if (entry instanceof Task<?> task) {
            task.step();
        } else if (entry instanceof Handle h) {
            h.run();
        } else {
            SleepTimer st = (SleepTimer) entry;
            if (!st.cancelled()) {
                st.when = SleepTimer.FIRED;
                ready.add(st.task);
            }
        }
    }

    // ---- slow steps (debug mode): timed here, sampled by the Watchdog while still running ----

    /** Whether the watchdog samples this loop's slow steps (debug mode, while running). */
    private boolean watched;
    /** The entry running now in debug mode, for the watchdog; null between entries. */
    private volatile Object timedEntry;
    /** When {@link #timedEntry} started (real nanoseconds). */
    private volatile long timedStart;
    /** The watchdog's sample of the running entry's stack, once it passed the threshold. */
    private volatile StackTraceElement[] timedSample;
    /** The start time of the entry last sampled (an entry is sampled once). */
    private long sampledStart;

    private void runTimed(Object entry) {
        if (!watched) {
            watched = true;
            Watchdog.watch(this);
        }
        long start = SystemClock.realNanos();
        timedSample = null;
        timedStart = start;
        timedEntry = entry;
        try {
            runEntry(entry);
        } finally {
            timedEntry = null;
        }
        double took = (SystemClock.realNanos() - start) / 1e9;
        if (took >= slowCallbackDuration) {
            StackTraceElement[] sample = timedSample;
            StringBuilder text = new StringBuilder("Executing ").append(entry).append(" took ")
                    .append(String.format("%.3f", took)).append(" seconds");
            if (sample != null) {
                text.append("; it was running at:");
                appendFrames(text, sample);
            }
            LOG.log(Level.WARNING, text.toString());
            JfrEvents.slowStep(entry, took, sample, true);
        }
    }

    /**
     * Called by the watchdog thread: if the entry running now has run past the threshold, samples
     * the stack it is running at and reports it at once, so that a step that never returns is
     * reported too.
     */
    void watchdogCheck(long now) {
        Object entry = timedEntry;
        long start = timedStart;
        if (entry == null || start == sampledStart || now - start < (long) (slowCallbackDuration * 1e9)) {
            return;
        }
        sampledStart = start;
        StackTraceElement[] sample = sampleRunning(entry);
        if (timedEntry != entry || timedStart != start) {
            return; // it ended meanwhile: the sample would be of something else
        }
        timedSample = sample;
        double running = (now - start) / 1e9;
        StringBuilder text = new StringBuilder("Executing ").append(entry).append(" has been running for ")
                .append(String.format("%.3f", running)).append(" seconds (still running), at:");
        appendFrames(text, sample);
        LOG.log(Level.WARNING, text.toString());
        JfrEvents.slowStep(entry, running, sample, false);
    }

    /** The frames of the running entry, from its innermost frame down to its entry point. */
    private StackTraceElement[] sampleRunning(Object entry) {
        Thread t = thread;
        StackTraceElement[] all = entry instanceof Task<?> task && !engineSharesThread ? task.runningStack()
                : t == null ? new StackTraceElement[0] : t.getStackTrace();
        int end = all.length;
        for (int i = 0; i < all.length; i++) {
            String c = all[i].getClassName();
            String m = all[i].getMethodName();
            if ((c.equals(Task.class.getName()) && m.equals("body")) || (c.equals(EventLoop.class.getName())
                    && m.equals("runEntry")) || (c.equals(Handle.class.getName()) && m.equals("run"))) {
                end = i;
                break;
            }
        }
        return java.util.Arrays.copyOf(all, end);
    }

    private static void appendFrames(StringBuilder text, StackTraceElement[] frames) {
        for (StackTraceElement e : frames) {
            text.append("\n\tat ").append(e);
        }
    }

    private void select(long waitNanos) {
        try {
            if (waitNanos == 0) {
                if (poller.waiting()) {
                    poller.select(0, ready);
                }
            } else if (waitNanos == Long.MAX_VALUE) {
                poller.select(-1, ready);
            } else {
                poller.select(Math.max(1, (waitNanos + 999_999) / 1_000_000), ready);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("the loop's selector failed", e);
        }
        wakeupPending.set(false);
        if (Thread.interrupted()) {
            interruptedFromOutside();
        }
    }

    /**
     * Someone interrupted the loop's thread (tasks' own interrupts never reach here: each task
     * keeps its flag). Like Ctrl-C under asyncio.run: the main task of the Runner is cancelled;
     * without one, the interrupt is logged. Either way the flag is cleared, or every select would
     * return at once and the loop would spin.
     */
    private void interruptedFromOutside() {
        Task<?> main = mainTask;
        if (main != null && !main.done()) {
            main.cancel("the event loop's thread was interrupted");
        } else {
            LOG.log(Level.WARNING, "the event loop''s thread was interrupted; ignored (no main task to cancel)");
        }
    }

    private void drainInbox() {
        Handle h;
        while ((h = inbox.poll()) != null) {
            ready.add(h);
        }
    }

    private void purgeCancelledTimers() {
        if (timers.size() > 100 && cancelledTimers * 2 > timers.size()) {
            timers.removeCancelled();
            cancelledTimers = 0;
        } else {
            Object t;
            while ((t = timers.peek()) != null && TimerQueue.isCancelled(t)) {
                timers.poll();
                if (t instanceof TimerHandle h) {
                    h.scheduled = false;
                }
                cancelledTimers--;
            }
        }
    }

    void timerCancelled() {
        cancelledTimers++;
    }

    // ---- scheduling ----

    /** The loop's time in seconds, on its clock; only differences are meaningful. */
    public double time() {
        return clock.nanoTime() / 1e9;
    }

    /** The loop's clock. */
    public Clock clock() {
        return clock;
    }

    /** Schedules {@code callback} to run soon, after the callbacks already scheduled, in a copy of the current context. */
    public Handle callSoon(Runnable callback) {
        return callSoon(callback, null);
    }

    /** Like {@link #callSoon(Runnable)}, running the callback in {@code context} ({@code null}: a copy of the current one). */
    public Handle callSoon(Runnable callback, Context context) {
        checkClosed();
        Objects.requireNonNull(callback, "callback");
        if (debug) {
            checkThread("callSoon");
        }
        Handle h = new Handle(this, callback, context != null ? context : Context.currentEntries());
        ready.add(h);
        return h;
    }

    /** callSoon with a context slot (a Context or a snapshot array), for done callbacks. */
    void callSoonInContext(Runnable callback, Object context) {
        checkClosed();
        if (debug) {
            checkThread("callSoon");
        }
        ready.add(new Handle(this, callback, context));
    }

    /** callSoon for jasyncio's own callbacks: an empty context (nothing to copy), thread check in debug mode. */
    /** Puts a handle made by jasyncio itself on the ready queue (no context, thread check in debug mode). */
    void readyInternal(Handle handle) {
        if (debug) {
            checkThread("callSoon");
        }
        ready.add(handle);
    }

    void callSoonInternal(Runnable callback) {
        if (debug) {
            checkThread("callSoon");
        }
        ready.add(new Handle(this, callback, Context.EMPTY_ENTRIES));
    }

    /**
     * Schedules {@code callback} to run after {@code delay} seconds; zero or negative runs it as
     * soon as possible (after the callbacks already ready).
     *
     * @throws IllegalArgumentException when {@code delay} is NaN
     */
    public TimerHandle callLater(double delay, Runnable callback) {
        if (Double.isNaN(delay)) {
            throw new IllegalArgumentException("callLater: delay is NaN");
        }
        // Negative delays keep their order (asyncio: call_later(-2) runs before call_later(-1)).
        double n = delay * 1e9;
        long nanos = n >= MAX_DELAY_NANOS ? MAX_DELAY_NANOS : n <= -MAX_DELAY_NANOS ? -MAX_DELAY_NANOS : (long) n;
        return callAtNanos(clock.nanoTime() + nanos, callback, null);
    }

    /** Like {@link #callLater(double, Runnable)} with a {@link Duration}. */
    public TimerHandle callLater(Duration delay, Runnable callback) {
        Objects.requireNonNull(delay, "delay");
        long nanos = delay.compareTo(Duration.ofNanos(MAX_DELAY_NANOS)) > 0 ? MAX_DELAY_NANOS
                : delay.compareTo(Duration.ofNanos(-MAX_DELAY_NANOS)) < 0 ? -MAX_DELAY_NANOS : delay.toNanos();
        return callAtNanos(clock.nanoTime() + nanos, callback, null);
    }

    /** Schedules {@code callback} at loop time {@code when} (seconds, as {@link #time()}). */
    public TimerHandle callAt(double when, Runnable callback) {
        return callAt(when, callback, null);
    }

    /** Like {@link #callAt(double, Runnable)}, running in {@code context} ({@code null}: a copy of the current one). */
    public TimerHandle callAt(double when, Runnable callback, Context context) {
        if (Double.isNaN(when)) {
            throw new IllegalArgumentException("callAt: when is NaN");
        }
        double nanos = when * 1e9;
        long w = nanos >= MAX_DELAY_NANOS ? MAX_DELAY_NANOS : nanos <= -MAX_DELAY_NANOS ? -MAX_DELAY_NANOS : (long) nanos;
        return callAtNanos(w, callback, context);
    }

    TimerHandle callAtNanos(long whenNanos, Runnable callback, Context context) {
        checkClosed();
        Objects.requireNonNull(callback, "callback");
        if (debug) {
            checkThread("callAt");
        }
        TimerHandle h = new TimerHandle(this, whenNanos, timerSequence++, callback,
                context != null ? context : Context.currentEntries());
        timers.add(h);
        return h;
    }

    /** Schedules the timer that ends a task's sleep. */
    void scheduleSleep(SleepTimer t) {
        timers.add(t.when, timerSequence++, t);
    }

    static long toNanos(double seconds, String what) {
        if (Double.isNaN(seconds)) {
            throw new IllegalArgumentException(what + " is NaN");
        }
        double n = seconds * 1e9;
        if (n >= MAX_DELAY_NANOS) {
            return MAX_DELAY_NANOS;
        }
        return n <= 0 ? 0 : (long) n;
    }

    /**
     * Schedules {@code callback} from any thread and wakes the loop. The only loop method that other
     * threads may call (besides {@link #isRunning()} and {@link #isClosed()}).
     *
     * @throws IllegalStateException when the loop is closed
     */
    public Handle callSoonThreadsafe(Runnable callback) {
        return callSoonThreadsafe(callback, null);
    }

    /** Like {@link #callSoonThreadsafe(Runnable)}, running in {@code context} ({@code null}: a copy of the caller's). */
    public Handle callSoonThreadsafe(Runnable callback, Context context) {
        checkClosed();
        Objects.requireNonNull(callback, "callback");
        Handle h = new Handle(this, callback, context != null ? context : Context.currentEntries());
        post(h);
        return h;
    }

    /** Enqueues from any thread and wakes the selector; silently dropped once the loop is closed. */
    private void post(Handle h) {
        if (closed) {
            return;
        }
        inbox.add(h);
        if (!wakeupPending.getAndSet(true)) {
            selector.wakeup();
        }
    }

    /**
     * Starts work outside the loop that will call back through the returned completer (from any
     * thread). While such work is in flight a virtual clock does not jump ahead.
     */
    Completer beginInFlight() {
        inFlight++;
        return new Completer();
    }

    /** Delivers the result of in-flight work back on the loop thread, exactly once. */
    final class Completer {
        private final AtomicBoolean completed = new AtomicBoolean();

        /** Runs {@code action} on the loop (any thread may call); the first call only. */
        void complete(Runnable action) {
            if (!completed.compareAndSet(false, true)) {
                return;
            }
            post(new Handle(EventLoop.this, () -> {
                inFlight--;
                action.run();
            }, Context.EMPTY_ENTRIES));
        }
    }

    /** Puts a task on the ready queue (a first step, a bare yield, or a wakeup). */
    void readyTask(Task<?> task) {
        if (debug) {
            checkThread("a future's completion");
        }
        ready.add(task);
    }



    private void checkThread(String method) {
        Thread t = thread;
        if (t != null && RUNNING.get() != this) {
            throw new IllegalStateException("Non-thread-safe operation " + method + "() invoked on an event loop"
                    + " other than the current one: use loop.callSoonThreadsafe(...) from other threads");
        }
    }

    // ---- futures and tasks ----

    /** A new pending future on this loop. */
    public <T> Future<T> createFuture() {
        return new Future<>(this);
    }

    /** Schedules {@code coroutine} as a task named {@code Task-N}; it starts when the loop next turns (unless the task factory starts it eagerly). */
    public <T> Task<T> createTask(Coroutine<T> coroutine) {
        return createTask(coroutine, null, null);
    }

    /** Like {@link #createTask(Coroutine)} with a name. */
    public <T> Task<T> createTask(Coroutine<T> coroutine, String name) {
        return createTask(coroutine, name, null);
    }

    /**
     * Schedules {@code coroutine} as a task.
     *
     * @param name the name, or {@code null} for {@code Task-N}
     * @param context the context the task runs in, used as is (not copied); {@code null} for a copy
     *     of the current context
     */
    public <T> Task<T> createTask(Coroutine<T> coroutine, String name, Context context) {
        checkClosed();
        Objects.requireNonNull(coroutine, "coroutine");
        if (debug) {
            checkThread("createTask");
        }
        TaskFactory factory = taskFactory;
        if (factory != null) {
            return factory.create(this, coroutine, name, context);
        }
        return newTask(coroutine, name, context, false);
    }

    /** Like {@link #createTask(Coroutine)} for a coroutine without a result. */
    public Task<Void> createTask(VoidCoroutine coroutine) {
        return createTask(coroutine, null);
    }

    /** Like {@link #createTask(Coroutine, String)} for a coroutine without a result. */
    public Task<Void> createTask(VoidCoroutine coroutine, String name) {
        Objects.requireNonNull(coroutine, "coroutine");
        if (taskFactory != null) {
            return createTask(Coroutine.of(coroutine), name, null);
        }
        checkClosed();
        if (debug) {
            checkThread("createTask");
        }
        return startTask(new Task<>(this, coroutine, name, null), false);
    }

    /**
     * Creates a task directly, bypassing the task factory (what a factory calls). With
     * {@code eagerStart} and a running loop, the first step runs now, inside this call, and a
     * coroutine that finishes without suspending never gets scheduled (asyncio 3.12's eager tasks).
     */
    public <T> Task<T> newTask(Coroutine<T> coroutine, String name, Context context, boolean eagerStart) {
        checkClosed();
        Objects.requireNonNull(coroutine, "coroutine");
        return startTask(new Task<>(this, coroutine, name, context), eagerStart);
    }

    private <T> Task<T> startTask(Task<T> task, boolean eagerStart) {
        linkLive(task);
        if (eagerStart && RUNNING.get() == this) {
            task.eagerStart();
        } else {
            ready.add(task);
        }
        return task;
    }

    private void linkLive(Task<?> t) {
        if (liveTaskCount == liveTasks.length) {
            liveTasks = java.util.Arrays.copyOf(liveTasks, liveTaskCount * 2);
        }
        t.liveIndex = liveTaskCount;
        liveTasks[liveTaskCount++] = t;
    }

    /** Called once a task is done: the loop stops holding it (the last slot's task moves into its slot). */
    void taskDone(Task<?> t) {
        int i = t.liveIndex;
        if (i < 0) {
            return;
        }
        JfrEvents.taskDone(t);
        Task<?> last = liveTasks[--liveTaskCount];
        liveTasks[i] = last;
        last.liveIndex = i;
        liveTasks[liveTaskCount] = null;
        t.liveIndex = -1;
        if (liveTasks.length > 256 && liveTaskCount < liveTasks.length / 4) {
            liveTasks = java.util.Arrays.copyOf(liveTasks, liveTasks.length / 2);
        }
    }

    /** The tasks of this loop that are not done (a snapshot; asyncio's all_tasks is a set too, unordered). */
    public Set<Task<?>> allTasks() {
        Set<Task<?>> out = new LinkedHashSet<>(liveTaskCount * 2);
        for (int i = 0; i < liveTaskCount; i++) {
            if (!liveTasks[i].done()) {
                out.add(liveTasks[i]);
            }
        }
        return out;
    }

    // ---- I/O readiness (asyncio's add_reader / add_writer) ----

    /**
     * Calls {@code callback} on the loop whenever {@code channel} is readable (for a server channel:
     * has a connection to accept), until {@link #removeReader}; replaces a previous reader. The
     * channel must be in non-blocking mode; one registration per channel is kept on the loop's
     * selector. Loop thread only.
     *
     * <p>While any reader or writer is registered the loop counts as waiting for real I/O, like
     * work in flight on other threads: a stall is not reported, and a virtual clock never jumps
     * meanwhile (its time then follows real time while the loop waits, so a read's timeout means
     * what it says). Tests that talk to real sockets are better run on the real clock
     * ({@code @RealTime}); the testing module's in-memory network keeps virtual time jumping.
     */
    public Handle addReader(java.nio.channels.SelectableChannel channel, Runnable callback) {
        checkThread("addReader");
        checkClosed();
        Objects.requireNonNull(callback, "callback");
        return poller.addReader(this, Objects.requireNonNull(channel, "channel"), callback);
    }

    /** Stops calling the channel's reader; returns whether one was registered. */
    public boolean removeReader(java.nio.channels.SelectableChannel channel) {
        checkThread("removeReader");
        return !closed && poller.removeReader(channel);
    }

    /**
     * Calls {@code callback} on the loop whenever {@code channel} is writable (for a socket still
     * connecting: when the connection attempt finished), until {@link #removeWriter}.
     */
    public Handle addWriter(java.nio.channels.SelectableChannel channel, Runnable callback) {
        checkThread("addWriter");
        checkClosed();
        Objects.requireNonNull(callback, "callback");
        return poller.addWriter(this, Objects.requireNonNull(channel, "channel"), callback);
    }

    /** Stops calling the channel's writer; returns whether one was registered. */
    public boolean removeWriter(java.nio.channels.SelectableChannel channel) {
        checkThread("removeWriter");
        return !closed && poller.removeWriter(channel);
    }

    /**
     * Forgets {@code channel}'s reader and writer and its selector registration: call it before
     * closing a channel that had either, so that the loop stops counting it as pending I/O.
     */
    public void unregister(java.nio.channels.SelectableChannel channel) {
        checkThread("unregister");
        if (!closed) {
            poller.unregister(channel);
        }
    }

    /**
     * A snapshot of this loop's live tasks: what each awaits, the tasks it waits for, where it is
     * suspended, who created it, and the deadlocks among them. Call on the loop's thread.
     */
    public TaskDump dumpTasks() {
        return TaskDump.capture(this);
    }

    /**
     * {@link #dumpTasks()} from any thread: asks the loop to take the snapshot and waits up to
     * {@code patience} for it. A loop that does not answer in time (stuck in a step, or not running)
     * is read directly, and the snapshot may then be inconsistent.
     */
    public TaskDump dumpTasksThreadsafe(java.time.Duration patience) throws InterruptedException {
        if (thread == Thread.currentThread() || (isRunning() && runningOnThisThread() == this)) {
            return dumpTasks();
        }
        java.util.concurrent.CompletableFuture<TaskDump> answer = new java.util.concurrent.CompletableFuture<>();
        if (isRunning() && !closed) {
            try {
                callSoonThreadsafe(() -> answer.complete(dumpTasks()));
                return answer.get(patience.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException
                    | IllegalStateException e) {
                // not answering: read it as it is
            }
        }
        return dumpTasks();
    }

    /** The task running now, or {@code null} (between tasks, or in a plain callback). */
    public Task<?> currentTask() {
        return currentTask;
    }

    /** Sets the factory {@link #createTask} uses; {@code null} restores the default. */
    public void setTaskFactory(TaskFactory factory) {
        this.taskFactory = factory;
    }

    /** The task factory, or {@code null} for the default. */
    public TaskFactory getTaskFactory() {
        return taskFactory;
    }

    // ---- errors ----

    /** Sets the handler for errors no one caught; {@code null} restores the default handler. */
    public void setExceptionHandler(ExceptionHandler handler) {
        this.exceptionHandler = handler;
    }

    /** The custom exception handler, or {@code null} when the default one is in use. */
    public ExceptionHandler getExceptionHandler() {
        return exceptionHandler;
    }

    /** Logs the report at ERROR on the {@code jasyncio} logger, with the exception's stack trace. */
    public void defaultExceptionHandler(ExceptionContext context) {
        StringBuilder text = new StringBuilder(context.toString());
        appendCreationSite(text, "Handle", context.handle());
        appendCreationSite(text, "Object", context.future());
        LOG.log(Level.ERROR, text.toString(), context.exception());
    }

    private void appendCreationSite(StringBuilder text, String what, Object o) {
        StackTraceElement[] site = o == null ? null : creationSite(o);
        if (site != null) {
            text.append('\n').append(what).append(" created at:");
            for (StackTraceElement e : site) {
                text.append("\n\tat ").append(e);
            }
        }
    }

    /**
     * Reports an error to the exception handler (the default one if none is set). An error thrown
     * by a custom handler is reported by the default handler; the loop goes on either way.
     */
    public void callExceptionHandler(ExceptionContext context) {
        ExceptionHandler h = exceptionHandler;
        if (h == null) {
            try {
                defaultExceptionHandler(context);
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "Exception in default exception handler", e);
            }
            return;
        }
        try {
            h.handle(this, context);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            defaultExceptionHandler(ExceptionContext.builder("Unhandled error in exception handler")
                    .exception(e).put("context", context).build());
        }
    }

    // ---- debug ----

    /** Where handles, futures and tasks were created, recorded in debug mode only (kept off the objects: they stay small). */
    private final Map<Object, StackTraceElement[]> creationSites = java.util.Collections.synchronizedMap(new WeakHashMap<>());

    void recordCreationSite(Object o) {
        creationSites.put(o, Debug.creationSite());
    }

    /** Where {@code o} was created, if it was created in debug mode; otherwise null. */
    StackTraceElement[] creationSite(Object o) {
        return creationSites.isEmpty() ? null : creationSites.get(o);
    }

    /** Whether debug mode is on (also {@code JASYNCIO_DEBUG=1} or {@code -Djasyncio.debug=true}). */
    public boolean getDebug() {
        return debug;
    }

    /**
     * Turns debug mode on or off: slow callbacks and steps are logged, handles, futures and tasks
     * record where they were created, and loop methods check they are called on the loop's thread.
     */
    public void setDebug(boolean enabled) {
        this.debug = enabled;
    }

    /** The duration in seconds above which debug mode logs a callback or step (default 0.1). */
    public double getSlowCallbackDuration() {
        return slowCallbackDuration;
    }

    /** Sets the slow-callback threshold in seconds. */
    public void setSlowCallbackDuration(double seconds) {
        if (!(seconds >= 0)) {
            throw new IllegalArgumentException("slowCallbackDuration must be >= 0, got " + seconds);
        }
        this.slowCallbackDuration = seconds;
    }

    // ---- executors ----

    /**
     * Runs {@code function} on {@code executor} ({@code null}: the default executor) in a copy of the
     * current context, and returns a future of its result. Cancelling the future interrupts the
     * worker thread; a function that ignores interrupts runs on, but its result is dropped.
     *
     * @throws IllegalStateException when the default executor was shut down
     */
    public <T> Future<T> runInExecutor(Executor executor, Callable<T> function) {
        checkClosed();
        Objects.requireNonNull(function, "function");
        Executor ex = executor != null ? executor : defaultExecutor();
        return Interop.runInExecutor(this, ex, function, Context.copyCurrent());
    }

    private ExecutorService defaultExecutor() {
        if (executorShutdownCalled) {
            throw new IllegalStateException("Executor shutdown has been called");
        }
        ExecutorService ex = defaultExecutor;
        if (ex == null) {
            defaultExecutor = ex = DefaultExecutor.create();
            resources.executor = ex;
        }
        return ex;
    }

    /** Replaces the default executor used by {@code runInExecutor(null, ...)} and {@code toThread}. */
    public void setDefaultExecutor(ExecutorService executor) {
        this.defaultExecutor = Objects.requireNonNull(executor, "executor");
        resources.executor = executor;
    }

    /** Shuts the default executor down and waits (suspending) up to 300 seconds for its threads. */
    public void shutdownDefaultExecutor() {
        shutdownDefaultExecutor(300);
    }

    /**
     * Shuts the default executor down and suspends until its jobs end, at most {@code timeout}
     * seconds ({@code <= 0}: do not wait); later {@code runInExecutor(null, ...)} calls fail.
     * Must be called from a task.
     */
    public void shutdownDefaultExecutor(double timeout) {
        Task.current("shutdownDefaultExecutor()");
        executorShutdownCalled = true;
        ExecutorService ex = defaultExecutor;
        if (ex == null) {
            return;
        }
        Future<Boolean> done = createFuture();
        Completer completer = beginInFlight();
        ex.shutdown();
        long waitNanos = toNanos(timeout, "timeout");
        Thread.ofPlatform().daemon().name("jasyncio-executor-shutdown").start(() -> {
            boolean terminated;
            try {
                terminated = ex.awaitTermination(waitNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                terminated = false;
            }
            boolean t = terminated;
            completer.complete(() -> {
                if (!done.done()) { // the awaiting task may have been cancelled meanwhile
                    done.setResult(t);
                }
            });
        });
        try {
            if (!done.await()) {
                LOG.log(Level.WARNING, "The default executor did not finish joining its threads within {0} seconds", timeout);
            }
        } finally {
            defaultExecutor = null;
        }
    }

    // ---- async generators ----

    /** Registers a live async generator, to be closed by {@link #shutdownAsyncgens()}. */
    public void registerAsyncgen(AsyncCloseable generator) {
        if (asyncgensShutdownCalled && debug) {
            LOG.log(Level.WARNING, "asynchronous generator {0} was scheduled after shutdownAsyncgens() call", generator);
        }
        asyncgens.add(generator);
    }

    /** Forgets a generator that finished or was closed. */
    public void unregisterAsyncgen(AsyncCloseable generator) {
        asyncgens.remove(generator);
    }

    /**
     * Python's asyncgen finalizer hook, called from the garbage collector's side: an async generator
     * became unreachable while open, so a new task closes it (its {@code finally} blocks run).
     * Nothing happens once the loop is closed.
     */
    void finalizeAsyncgenThreadsafe(AsyncCloseable generator) {
        try {
            callSoonThreadsafe(() -> {
                if (!closed && asyncgens.remove(generator)) {
                    if (debug) {
                        LOG.log(Level.WARNING, describeOpenAsyncgen(generator, "was garbage-collected while open;"
                                + " closing it in a new task"));
                    }
                    createTask(generator::aclose);
                }
            });
        } catch (IllegalStateException loopClosed) {
            // Too late: close() already reported what it could.
        }
    }

    private String describeOpenAsyncgen(AsyncCloseable generator, String what) {
        StringBuilder text = new StringBuilder("asynchronous generator ").append(generator).append(' ').append(what)
                .append(" (close generators with try-with-resources, aclose() or aclosing())");
        appendCreationSite(text, "Generator", generator);
        return text.toString();
    }

    /**
     * Closes every registered async generator concurrently and suspends until all are closed;
     * errors go to the exception handler. In debug mode each one still open is reported, with where
     * it was created. Must be called from a task.
     */
    public void shutdownAsyncgens() {
        asyncgensShutdownCalled = true;
        if (asyncgens.isEmpty()) {
            return;
        }
        List<AsyncCloseable> gens = new ArrayList<>(asyncgens);
        asyncgens.clear();
        List<Task<Void>> closing = new ArrayList<>();
        for (AsyncCloseable g : gens) {
            if (debug) {
                LOG.log(Level.WARNING, describeOpenAsyncgen(g, "was still open at shutdown; closing it"));
            }
            closing.add(createTask(g::aclose));
        }
        for (int i = 0; i < gens.size(); i++) {
            Task<Void> t = closing.get(i);
            try {
                t.await();
            } catch (CancelledError e) {
                throw e;
            } catch (Throwable e) {
                Object shown = gens.get(i) instanceof GeneratorCore<?> c ? c.publicFace() : gens.get(i);
                callExceptionHandler(ExceptionContext.builder("an error occurred during closing of asynchronous generator "
                        + shown).exception(e).put("asyncgen", shown).build());
            }
        }
    }

    @Override
    public String toString() {
        return "<EventLoop running=" + isRunning() + " closed=" + closed + " debug=" + debug + ">";
    }
}
