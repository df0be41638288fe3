package io.jasyncio;

import static io.jasyncio.Asyncio.createTask;
import static io.jasyncio.Asyncio.currentTask;
import static io.jasyncio.Asyncio.sleep;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.jasyncio.testing.VirtualClock;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Ctrl-C under {@link Runner#run}: CPython's test_runners.py (test_interrupt_call_soon,
 * test_interrupt_wait, test_interrupt_cancelled_task, test_signal_install_not_supported_ok). As
 * CPython's tests call {@code _thread.interrupt_main()}, the in-process tests call the installed
 * handler's {@code interrupt()} (never twice: a second SIGINT exits the JVM, as it should); real
 * SIGINTs go to a child JVM ({@link RunnerSigintChild}).
 */
@Timeout(120)
class RunnerSigintTest {

    private static final Signal INT = new Signal("INT");
    private final List<String> log = Collections.synchronizedList(new ArrayList<>());
    /** What handled SIGINT before the test. */
    private String jvmDefault;

    @BeforeEach
    void installEvenIfThisJvmIgnoresSigint() {
        jvmDefault = String.valueOf(currentSigintHandler());
        SigintHandler.installOverIgnored = true; // see its comment: these tests interrupt by hand
    }

    @AfterEach
    void backToTheRule() {
        SigintHandler.installOverIgnored = false;
    }

    /**
     * What handles SIGINT right now: a no-op Java handler takes it for the instant it takes to look.
     * Never {@code SIG_IGN}: HotSpot will not catch SIGINT again once it was ignored.
     */
    private static SignalHandler currentSigintHandler() {
        SignalHandler now = Signal.handle(INT, sig -> {});
        Signal.handle(INT, now);
        return now;
    }

    private static Runner runner() {
        return new Runner(null, () -> new EventLoop(new VirtualClock()));
    }

    @Test
    void theseTestsRunOnTheMainThreadWithTheDefaultHandler() {
        // The premise of the in-process tests below (Surefire runs tests on "main").
        assertThat(Thread.currentThread().getName()).isEqualTo("main");
        // The JVM's own handler, or SIG_IGN when this JVM was started as a background job.
        assertThat(jvmDefault).matches("SIG_DFL|SIG_IGN|java\\.lang\\.Terminator.*");
    }

    @Test
    void anInterruptWhileTheMainTaskOnlyYieldsCancelsItAndRunThrowsKeyboardInterrupt() {
        try (Runner runner = runner()) {
            Throwable e = catchThrowable(() -> runner.run(() -> {
                assertThat(runner.sigintHandler()).isNotNull(); // else the loop below would never end
                runner.getLoop().callSoon(() -> runner.sigintHandler().interrupt()); // while the task spins
                try {
                    while (true) {
                        sleep(0);
                    }
                } catch (CancelledError c) {
                    log.add("main cancelled");
                    throw c;
                }
            }));
            assertThat(e).isInstanceOf(KeyboardInterrupt.class).hasCauseInstanceOf(CancelledError.class);
        }
        assertThat(log).containsExactly("main cancelled");
        assertThat(String.valueOf(currentSigintHandler())).isEqualTo(jvmDefault); // put back
    }

    @Test
    void anInterruptWhileWaitingCancelsTheFutureAndTheMainTask() {
        AtomicReference<Future<Void>> fut = new AtomicReference<>();
        try (Runner runner = runner()) {
            Throwable e = catchThrowable(() -> runner.run(() -> {
                fut.set(runner.getLoop().createFuture());
                runner.getLoop().callSoon(() -> runner.sigintHandler().interrupt()); // once the task waits
                fut.get().await();
                return null;
            }));
            assertThat(e).isInstanceOf(KeyboardInterrupt.class);
        }
        assertThat(fut.get().cancelled()).isTrue();
    }

    @Test
    void anInterruptOfAMainTaskAlreadyCancelledEndsInCancelledError() {
        try (Runner runner = runner()) {
            Throwable e = catchThrowable(() -> runner.run(() -> {
                Task<?> main = currentTask();
                createTask(() -> {
                    sleep(0);
                    main.cancel();
                    runner.sigintHandler().interrupt();
                    return null;
                });
                sleep(10);
                return null;
            }));
            // Two cancel requests, one withdrawn by run(): not the interrupt's alone.
            assertThat(e).isExactlyInstanceOf(CancelledError.class);
        }
    }

    @Test
    void aMainTaskThatSurvivesTheInterruptReturnsNormally() {
        try (Runner runner = runner()) {
            String result = runner.run(() -> {
                runner.sigintHandler().interrupt();
                try {
                    sleep(1);
                } catch (CancelledError c) {
                    currentTask().uncancel();
                    return "cleaned up and done";
                }
                return "not interrupted";
            });
            assertThat(result).isEqualTo("cleaned up and done");
        }
    }

    @Test
    void noHandlerOffTheMainThreadOrOverSomeoneElses() throws Exception {
        AtomicReference<Object> seen = new AtomicReference<>("unset");
        Thread worker = new Thread(() -> {
            try (Runner runner = runner()) {
                runner.run(() -> {
                    seen.set(runner.sigintHandler());
                    return null;
                });
            }
        }, "worker");
        worker.start();
        worker.join();
        assertThat(seen.get()).isNull();

        SigintHandler.installOverIgnored = false; // the real rule (an ignored SIGINT: also no handler)
        SignalHandler mine = sig -> log.add("mine");
        SignalHandler before = Signal.handle(INT, mine);
        try (Runner runner = runner()) {
            runner.run(() -> {
                seen.set(runner.sigintHandler());
                return null;
            });
            assertThat(seen.get()).isNull();
            if (!jvmDefault.equals("SIG_IGN")) { // an ignored SIGINT hides what Java has registered
                assertThat(currentSigintHandler()).isSameAs(mine);
            }
        } finally {
            Signal.handle(INT, before);
        }
    }

    // ---- real SIGINTs, in a child JVM ----

    private static Process startChild(String scenario, Path stderr) throws Exception {
        List<String> command = new ArrayList<>(List.of("env", "--default-signal=INT")); // even if we ignore SIGINT
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--add-exports");
        command.add("java.base/jdk.internal.vm=ALL-UNNAMED");
        String engine = System.getProperty("jasyncio.engine");
        if (engine != null) {
            command.add("-Djasyncio.engine=" + engine);
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), RunnerSigintChild.class.getName(), scenario));
        return new ProcessBuilder(command).redirectError(stderr.toFile()).start();
    }

    private static void sigint(Process child) throws Exception {
        assertThat(new ProcessBuilder("kill", "-INT", Long.toString(child.pid())).inheritIO().start().waitFor()).isZero();
    }

    @Test
    void ctrlCCancelsTheMainTaskWhichCleansUpAndRunThrowsKeyboardInterrupt() throws Exception {
        Path stderr = Files.createTempFile("sigint-child", ".err");
        Process child = startChild("cleanup", stderr);
        try {
            var out = new BufferedReader(new InputStreamReader(child.getInputStream(), UTF_8));
            assertThat(out.readLine()).isEqualTo("ready");
            sigint(child);
            assertThat(out.readLine()).isEqualTo("main task cancelled: cleaning up");
            assertThat(out.readLine()).isEqualTo("KeyboardInterrupt caused by CancelledError");
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(child.exitValue()).as(Files.readString(stderr)).isEqualTo(130);
        } finally {
            child.destroyForcibly();
            Files.deleteIfExists(stderr);
        }
    }

    @Test
    void aSecondCtrlCExitsTheJvmWhenTheMainTaskIgnoresTheFirst() throws Exception {
        Path stderr = Files.createTempFile("sigint-child", ".err");
        Process child = startChild("stubborn", stderr);
        try {
            var out = new BufferedReader(new InputStreamReader(child.getInputStream(), UTF_8));
            assertThat(out.readLine()).isEqualTo("ready");
            sigint(child);
            assertThat(out.readLine()).isEqualTo("main task ignores the cancellation");
            sigint(child);
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(child.exitValue()).as(Files.readString(stderr)).isEqualTo(130); // the JVM's own SIGINT exit
            assertThat(out.readLine()).isEqualTo("shutdown hook ran");
        } finally {
            child.destroyForcibly();
            Files.deleteIfExists(stderr);
        }
    }
}
