package io.jasyncio;

import static io.jasyncio.Asyncio.createTask;
import static io.jasyncio.Asyncio.sleep;
import static io.jasyncio.Asyncio.toThread;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jasyncio.engine.Engines;
import io.jasyncio.engine.PinnedStackError;
import io.jasyncio.testing.AsyncioExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The coroutine engines. The suite runs once per engine ({@code -Djasyncio.engine=continuation}
 * and {@code =portable}); each test asserts what is right for the engine in use. What pins a raw
 * continuation is recorded in docs/adr/0002-what-pins-a-continuation.md.
 */
@ExtendWith(AsyncioExtension.class)
@Timeout(60)
class EngineTest {

    private static String engine() {
        return Engines.current().name();
    }

    private static boolean continuationEngine() {
        return engine().equals("continuation");
    }

    // ---- selection ----

    @Test
    void thePropertySelectsTheEngine() {
        String property = System.getProperty(Engines.PROPERTY);
        assertThat(Engines.PROPERTY).isEqualTo("jasyncio.engine");
        assertThat(property).as("the surefire executions set -Djasyncio.engine").isIn("continuation", "portable");
        assertThat(engine()).isEqualTo(property);
        assertThat(Engines.current()).isSameAs(Engines.current());
    }

    @Test
    void theContinuationEngineRunsOnlyWithTheExport() {
        if (continuationEngine()) {
            assertThat(Engines.continuationsAvailable()).isTrue();
        }
        assertThat(Engines.continuationsAvailable()).isEqualTo(
                Object.class.getModule().isExported("jdk.internal.vm", EngineTest.class.getModule()));
    }

    /** ADR 0001: task code runs on the loop thread (continuation) or on a virtual thread of its own (portable). */
    @Test
    void theThreadATaskRunsOnDependsOnTheEngine() {
        Thread mine = Thread.currentThread();
        Thread child = createTask(Thread::currentThread).await();
        if (continuationEngine()) {
            assertThat(child).isSameAs(mine);
            assertThat(mine.isVirtual()).isFalse();
        } else {
            assertThat(child).isNotSameAs(mine);
            assertThat(child.isVirtual()).isTrue();
            assertThat(mine.isVirtual()).isTrue();
        }
    }

    // ---- suspending anywhere ----

    private static int recurseAndSleep(int depth) {
        if (depth == 0) {
            sleep(1);
            return 0;
        }
        return 1 + recurseAndSleep(depth - 1);
    }

    @Test
    void aTaskSuspendsFromADeepStack(EventLoop loop) {
        Task<Integer> t = createTask(() -> recurseAndSleep(2000));
        sleep(0.5);
        // Innermost first; the portable engine's thread stack traces stop at
        // -XX:MaxJavaStackTraceDepth (1024 by default), the continuation's go all the way.
        assertThat(t.getStack().size()).isGreaterThan(1000);
        assertThat(t.getStack().get(0).getMethodName()).isIn("sleep", "recurseAndSleep");
        assertThat(t.await()).isEqualTo(2000);
        assertThat(loop.time()).isEqualTo(1.0);
    }

    @Test
    void aTaskSuspendsInsideCatchAndFinallyBlocks() {
        List<String> log = new ArrayList<>();
        Task<Void> t = createTask(() -> {
            try {
                throw new IllegalStateException("in flight");
            } catch (IllegalStateException e) {
                sleep(1);
                log.add("catch resumed: " + e.getMessage());
            }
            try {
                try {
                    throw new IllegalArgumentException("propagating");
                } finally {
                    sleep(1);
                    log.add("finally resumed");
                }
            } catch (IllegalArgumentException e) {
                log.add("caught after finally: " + e.getMessage());
            }
        });
        t.await();
        assertThat(log).containsExactly("catch resumed: in flight", "finally resumed", "caught after finally: propagating");
    }

    @Test
    void aTaskSuspendsThroughReflectionAndMethodHandles() throws Throwable {
        // Since JDK 18 Method.invoke uses method handles: no native frame, so no pinning.
        java.lang.reflect.Method m = EngineTest.class.getDeclaredMethod("recurseAndSleep", int.class);
        assertThat(createTask(() -> m.invoke(null, 3)).await()).isEqualTo(3);
        MethodHandle mh = MethodHandles.lookup().findStatic(EngineTest.class, "recurseAndSleep",
                MethodType.methodType(int.class, int.class));
        assertThat(createTask(() -> {
            try {
                return (int) mh.invokeExact(4);
            } catch (Throwable e) {
                throw new AssertionError(e);
            }
        }).await()).isEqualTo(4);
    }

    // ---- synchronized ----

    private static final Object MONITOR = new Object();

    /**
     * JDK 24+ (JEP 491) lets a continuation yield while it holds a monitor, and the monitor goes
     * with it: while the task is suspended, the loop thread does not own it and another thread
     * that wants it blocks until the task resumes and leaves the block. On the portable engine the
     * task's virtual thread owns it, with the same observable result.
     */
    @Test
    void aTaskSuspendsInsideSynchronizedAndTheMonitorTravelsWithIt(EventLoop loop) {
        Future<String> release = loop.createFuture();
        List<String> log = new ArrayList<>();
        Task<Void> holder = createTask(() -> {
            synchronized (MONITOR) {
                log.add("entered");
                String s = release.await();
                log.add("resumed with " + s + ", holds=" + Thread.holdsLock(MONITOR));
            }
            log.add("left");
        });
        sleep(0);
        assertThat(log).containsExactly("entered");

        // The loop thread (a plain callback runs on it) does not own the monitor.
        Future<Boolean> loopThreadHolds = loop.createFuture();
        loop.callSoon(() -> loopThreadHolds.setResult(Thread.holdsLock(MONITOR)));
        assertThat(loopThreadHolds.await()).isFalse();
        assertThat(Thread.holdsLock(MONITOR)).isFalse();

        // Another thread cannot take it while the task is suspended.
        CompletableFuture<Void> acquired = new CompletableFuture<>();
        Thread contender = Thread.ofPlatform().name("contender").start(() -> {
            synchronized (MONITOR) {
                acquired.complete(null);
            }
        });
        Thread.State state = toThread(() -> {
            long deadline = System.nanoTime() + 20_000_000_000L;
            Thread.State s;
            while ((s = contender.getState()) != Thread.State.BLOCKED && !acquired.isDone() && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            return s;
        });
        assertThat(state).isEqualTo(Thread.State.BLOCKED);
        assertThat(acquired.isDone()).isFalse();

        // Once the task resumes and leaves the block, the other thread gets it.
        release.setResult("go");
        holder.await();
        Asyncio.wrapFuture(acquired).await();
        toThread(() -> contender.join());
        assertThat(log).containsExactly("entered", "resumed with go, holds=true", "left");
    }

    private synchronized String synchronizedMethod(Future<String> f) {
        return f.await() + ", holds=" + Thread.holdsLock(this);
    }

    @Test
    void aTaskSuspendsInsideASynchronizedMethodAndNestedMonitors(EventLoop loop) {
        Future<String> f = loop.createFuture();
        Object inner = new Object();
        Task<String> t = createTask(() -> {
            synchronized (MONITOR) {
                synchronized (inner) {
                    String r = synchronizedMethod(f);
                    return r + ", both held=" + (Thread.holdsLock(MONITOR) && Thread.holdsLock(inner));
                }
            }
        });
        sleep(0);
        loop.callLater(1, () -> f.setResult("x"));
        assertThat(t.await()).isEqualTo("x, holds=true, both held=true");
    }

    // ---- pinning ----

    /** What the static initializers below run; set by each test before first touching its class. */
    private static volatile Supplier<String> initializerBody;

    private static String runInitializer() {
        return initializerBody.get();
    }

    static final class SuspendsInInitializer {
        static final String VALUE = runInitializer();
    }

    static final class SuspendsInInitializerAgain {
        static final String VALUE = runInitializer();
    }

    static final class SleepsInInitializer {
        static final String VALUE = runInitializer();
    }

    /**
     * A class initializer runs under a native VM frame, so a continuation cannot yield there: the
     * continuation engine raises PinnedStackError (reason NATIVE) at the suspension point. The
     * portable engine parks its virtual thread (pinned to its carrier) and just works.
     */
    @Test
    void suspendingInAStaticInitializerPinsOnTheContinuationEngineOnly(EventLoop loop) {
        if (continuationEngine()) {
            // Await a future nobody completes: if the suspend failed, nothing is left scheduled
            // that could wake this task later (see aPinnedSuspensionLeavesNoStaleWakeup).
            Future<String> never = loop.createFuture();
            initializerBody = never::await;
            assertThatThrownBy(() -> SuspendsInInitializer.VALUE.length())
                    .isInstanceOfSatisfying(PinnedStackError.class, e -> {
                        assertThat(e.reason()).isEqualTo("NATIVE");
                        assertThat(e.getMessage()).contains("static initializer").contains("Remedy");
                        assertThat(e.getStackTrace()).anySatisfy(f -> assertThat(f.getMethodName()).isEqualTo("<clinit>"));
                    });
            // The class is now erroneous, as after any error in an initializer.
            assertThatThrownBy(() -> SuspendsInInitializer.VALUE.length()).isInstanceOf(NoClassDefFoundError.class);
        } else {
            initializerBody = () -> {
                sleep(1);
                return "initialized after a sleep";
            };
            assertThat(SuspendsInInitializer.VALUE).isEqualTo("initialized after a sleep");
            assertThat(loop.time()).isEqualTo(1.0);
        }
    }

    @Test
    void aTaskThatHitAPinnedSuspensionFailsWithPinnedStackError(EventLoop loop) {
        Future<String> never = loop.createFuture();
        initializerBody = continuationEngine() ? never::await : () -> "fine";
        Task<String> t = createTask(() -> SuspendsInInitializerAgain.VALUE);
        if (continuationEngine()) {
            assertThatThrownBy(t::await).isInstanceOf(PinnedStackError.class);
        } else {
            assertThat(t.await()).isEqualTo("fine");
        }
    }

    /**
     * The continuation engine registers the wakeup (ready queue entry, sleep timer or waiter)
     * before it tries to yield; when the yield is refused it leaves that registration behind, and
     * the task is later resumed by it although it is suspended somewhere else (or already done).
     */
    @Test
    void aPinnedSuspensionLeavesNoStaleWakeup(EventLoop loop) {
        initializerBody = () -> {
            sleep(1);
            return "slept";
        };
        String value;
        try {
            value = SleepsInInitializer.VALUE;
        } catch (PinnedStackError e) {
            value = "pinned";
        }
        assertThat(value).isEqualTo(continuationEngine() ? "pinned" : "slept");
        double t0 = loop.time();
        sleep(5);
        assertThat(loop.time() - t0).as("sleep(5) lasted 5 seconds").isEqualTo(5.0);
        Task<String> after = createTask(() -> {
            sleep(0);
            return "loop still fine";
        });
        assertThat(after.await()).isEqualTo("loop still fine");
    }

    private static final List<Throwable> UPCALL_ERRORS = new ArrayList<>();
    private static volatile Supplier<String> upcallBody;

    /** A qsort comparator: called from native code, so its frames sit above a native frame. */
    static int compare(MemorySegment a, MemorySegment b) {
        try {
            upcallBody.get();
        } catch (Throwable e) {
            // An exception must never escape an upcall (the JVM would exit).
            UPCALL_ERRORS.add(e);
        }
        return Integer.compare(a.get(ValueLayout.JAVA_INT, 0), b.get(ValueLayout.JAVA_INT, 0));
    }

    private static int[] qsort(int... values) throws Throwable {
        Linker linker = Linker.nativeLinker();
        MethodHandle qsort = linker.downcallHandle(linker.defaultLookup().findOrThrow("qsort"),
                FunctionDescriptor.ofVoid(ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS));
        MethodHandle cmp = MethodHandles.lookup().findStatic(EngineTest.class, "compare",
                MethodType.methodType(int.class, MemorySegment.class, MemorySegment.class));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment stub = linker.upcallStub(cmp, FunctionDescriptor.of(ValueLayout.JAVA_INT,
                    ValueLayout.ADDRESS.withTargetLayout(ValueLayout.JAVA_INT),
                    ValueLayout.ADDRESS.withTargetLayout(ValueLayout.JAVA_INT)), arena);
            MemorySegment array = arena.allocateFrom(ValueLayout.JAVA_INT, values);
            qsort.invokeExact(array, (long) values.length, 4L, stub);
            return array.toArray(ValueLayout.JAVA_INT);
        }
    }

    /** A foreign-function upcall (native frame on the stack) pins like a class initializer. */
    @Test
    void suspendingInsideANativeUpcallPinsOnTheContinuationEngineOnly(EventLoop loop) throws Throwable {
        UPCALL_ERRORS.clear();
        List<String> suspended = new ArrayList<>();
        Future<String> never = loop.createFuture();
        upcallBody = continuationEngine() ? never::await : () -> {
            sleep(0);
            suspended.add("suspended in upcall");
            return null;
        };
        assertThat(qsort(3, 1, 2)).containsExactly(1, 2, 3);
        if (continuationEngine()) {
            assertThat(UPCALL_ERRORS).isNotEmpty().allSatisfy(e -> assertThat(e)
                    .isInstanceOfSatisfying(PinnedStackError.class, p -> assertThat(p.reason()).isEqualTo("NATIVE")));
            assertThat(suspended).isEmpty();
        } else {
            assertThat(UPCALL_ERRORS).isEmpty();
            assertThat(suspended).isNotEmpty();
        }
    }

    /** jdk.internal.vm.Continuation.pin() marks a critical section (the JDK uses it internally). */
    @Test
    void suspendingInsideAContinuationCriticalSectionPins(EventLoop loop) throws Exception {
        if (!continuationEngine()) {
            return; // no Continuation on the portable engine (and no export to reach it)
        }
        Class<?> continuation = Class.forName("jdk.internal.vm.Continuation");
        java.lang.reflect.Method pin = continuation.getMethod("pin");
        java.lang.reflect.Method unpin = continuation.getMethod("unpin");
        Future<String> never = loop.createFuture();
        pin.invoke(null);
        try {
            assertThatThrownBy(never::await).isInstanceOfSatisfying(PinnedStackError.class, e -> {
                assertThat(e.reason()).isEqualTo("CRITICAL_SECTION");
                assertThat(e.getMessage()).contains("critical section");
            });
        } finally {
            unpin.invoke(null);
        }
    }

    @Test
    void pinnedStackErrorIsAnErrorNotAnException() {
        PinnedStackError e = new PinnedStackError("NATIVE");
        assertThat(e).isInstanceOf(Error.class).isNotInstanceOf(Exception.class);
        assertThat(e.reason()).isEqualTo("NATIVE");
        assertThat(new PinnedStackError("MONITOR").getMessage()).contains("monitor");
        assertThat(new PinnedStackError("SOMETHING_NEW").getMessage()).contains("SOMETHING_NEW");
    }

    // ---- stacks ----

    private static String outerFrame(double delay) {
        return innerFrame(delay) + "!";
    }

    private static String innerFrame(double delay) {
        sleep(delay);
        return "done";
    }

    @Test
    void getStackOfASuspendedTaskShowsTheUsersFrames() {
        Task<String> t = createTask(() -> outerFrame(10));
        sleep(0);
        List<StackTraceElement> stack = t.getStack();
        List<String> methods = stack.stream().map(StackTraceElement::getMethodName).toList();
        assertThat(methods).contains("innerFrame", "outerFrame");
        assertThat(methods.indexOf("innerFrame")).isLessThan(methods.indexOf("outerFrame"));
        assertThat(stack).noneSatisfy(f -> assertThat(f.getClassName()).startsWith("io.jasyncio.engine."));
        assertThat(stack).noneSatisfy(f -> assertThat(f.getClassName()).startsWith("jdk.internal.vm."));
        assertThat(stack).noneSatisfy(f -> assertThat(f.getMethodName()).isIn("park", "suspend", "suspendFromInside", "yield"));
        // The innermost user frame is near the top: at most the suspending API's frames above it.
        assertThat(methods.indexOf("innerFrame")).isLessThanOrEqualTo(3);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        t.printStack(new PrintStream(out, true, StandardCharsets.UTF_8));
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("innerFrame").contains("outerFrame").startsWith("Stack for ");
        t.cancel();
    }

    @Test
    void getStackIsEmptyUnlessSuspended() {
        AtomicReference<List<StackTraceElement>> whileRunning = new AtomicReference<>();
        Task<String> t = createTask(() -> {
            whileRunning.set(Asyncio.currentTask().getStack());
            return innerFrame(1);
        });
        assertThat(t.getStack()).as("not started").isEmpty();
        t.await();
        assertThat(whileRunning.get()).as("running").isEmpty();
        assertThat(t.getStack()).as("done").isEmpty();
    }

    @Test
    void getStackShowsWhereATaskWaitsOnAFuture(EventLoop loop) {
        Future<String> f = loop.createFuture();
        Task<String> t = createTask(() -> waitsOnAFuture(f));
        sleep(0);
        assertThat(t.getStack()).extracting(StackTraceElement::getMethodName).contains("waitsOnAFuture");
        f.setResult("x");
        assertThat(t.await()).isEqualTo("x");
    }

    private static String waitsOnAFuture(Future<String> f) {
        return f.await();
    }

    // ---- interrupts ----

    @Test
    void interruptFlagsStayWithTheirTasksAcrossAnEagerStart(EventLoop loop) {
        // The parent's flag survives an eager child's step, and the child's flag does not leak
        // into the parent (on the continuation engine both run on the loop's thread).
        Thread.currentThread().interrupt();
        Task<Boolean> child = loop.newTask(() -> {
            boolean sawParentsFlag = Thread.currentThread().isInterrupted();
            Thread.currentThread().interrupt();
            sleep(0);
            return sawParentsFlag || !Thread.interrupted();
        }, "child", null, true);
        assertThat(Thread.interrupted()).as("the parent's own flag, still set").isTrue();
        assertThat(child.await()).as("the child saw only its own flag, kept across its suspension").isFalse();
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    /** What {@link #aTaskThatSetsItsInterruptFlagDoesNotMakeTheLoopSpin} observed. */
    private record SpinReport(long idleWaits, Thread.State taskThreadState) {}

    /**
     * A task that sets its thread's interrupt flag (the usual "restore the flag after catching
     * InterruptedException" idiom) and then suspends. On the continuation engine the flag lands on
     * the loop thread, and every select() of the idle loop returns at once: the loop spins (about
     * 100,000 idle waits and a full core in 0.5 s, measured). On the portable engine the task's
     * virtual thread spins in its park loop instead (LockSupport.park returns at once while the flag
     * is set). The same spin keeps a JUnit @Timeout from ever ending a hung AsyncioExtension test:
     * the timeout interrupts the loop thread and the loop spins on.
     */
    @Test
    void aTaskThatSetsItsInterruptFlagDoesNotMakeTheLoopSpin() {
        SpinReport report = toThread(() -> {
            java.util.concurrent.atomic.AtomicLong idleWaits = new java.util.concurrent.atomic.AtomicLong();
            io.jasyncio.testing.VirtualClock virtual = new io.jasyncio.testing.VirtualClock();
            Clock counting = new Clock() {
                @Override
                public long nanoTime() {
                    return virtual.nanoTime();
                }

                @Override
                public long idleWait(long deadline, boolean inFlight) {
                    idleWaits.incrementAndGet();
                    return virtual.idleWait(deadline, inFlight);
                }
            };
            return Asyncio.run(() -> {
                EventLoop loop = Asyncio.getRunningLoop();
                Future<String> release = loop.createFuture();
                AtomicReference<Thread> taskThread = new AtomicReference<>();
                Task<Void> t = createTask(() -> {
                    taskThread.set(Thread.currentThread());
                    Thread.currentThread().interrupt();
                    try {
                        release.await();
                    } finally {
                        Thread.interrupted(); // do not leak the flag
                    }
                });
                sleep(0);
                long before = idleWaits.get();
                // A 100 ms window of real time with the task suspended and a job in flight (so
                // virtual time stands still and the loop waits in select()).
                Thread.State state = toThread(() -> {
                    long end = System.nanoTime() + 100_000_000L;
                    Thread.State s = taskThread.get().getState();
                    while (System.nanoTime() < end) {
                        s = taskThread.get().getState();
                        if (!continuationEngine() && s == Thread.State.WAITING) {
                            break;
                        }
                        Thread.onSpinWait();
                    }
                    return s;
                });
                long spins = idleWaits.get() - before;
                release.setResult("go");
                t.await();
                return new SpinReport(spins, state);
            }, null, () -> new EventLoop(counting));
        });
        if (continuationEngine()) {
            assertThat(report.idleWaits()).as("idle waits of the loop in 100 ms").isLessThan(50);
        } else {
            assertThat(report.taskThreadState()).as("state of the suspended task's virtual thread").isEqualTo(Thread.State.WAITING);
        }
    }

    // ---- engine-specific thread identity (ADR 0001) ----

    private static final ThreadLocal<String> THREAD_LOCAL = new ThreadLocal<>();

    /**
     * Thread-locals are per loop thread on the continuation engine and per task on the portable
     * one: code must use context variables for per-task state. Pinned here so a change is noticed.
     */
    @Test
    void threadLocalsAreSharedByTasksOnTheContinuationEngineOnly() {
        THREAD_LOCAL.set("set by main task");
        try {
            String seen = createTask(() -> THREAD_LOCAL.get()).await();
            assertThat(seen).isEqualTo(continuationEngine() ? "set by main task" : null);
        } finally {
            THREAD_LOCAL.remove();
        }
    }
}
