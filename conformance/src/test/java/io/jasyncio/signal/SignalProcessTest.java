package io.jasyncio.signal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link Signals} in a child JVM ({@link SignalChild}), where a signal may end the process. */
@Timeout(120)
class SignalProcessTest {

    /**
     * This JVM's java, class path and engine, running {@code main}, with SIGINT, SIGTERM and SIGHUP
     * at their default dispositions whatever this process inherited (a background job ignores
     * SIGINT, nohup SIGHUP): coreutils' {@code env --default-signal}, which then execs java.
     */
    static Process startJvm(Class<?> main, Path stderr, String... jvmOptions) throws Exception {
        return startJvm(main, stderr, "--default-signal=INT,TERM,HUP", List.of(jvmOptions), List.of());
    }

    static Process startJvm(Class<?> main, Path stderr, String envSignals, List<String> jvmOptions, List<String> args)
            throws Exception {
        List<String> command = new ArrayList<>();
        command.add("env");
        command.add(envSignals);
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--add-exports");
        command.add("java.base/jdk.internal.vm=ALL-UNNAMED");
        String engine = System.getProperty("jasyncio.engine");
        if (engine != null) {
            command.add("-Djasyncio.engine=" + engine);
        }
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main.getName());
        command.addAll(args);
        return new ProcessBuilder(command).redirectError(stderr.toFile()).start();
    }

    /** Sends {@code signal} to {@code child} with kill(1). */
    static void kill(String signal, Process child) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(child.pid())).inheritIO().start();
        assertThat(kill.waitFor()).as("kill -" + signal).isZero();
    }

    @Test
    void aSignalThisProcessStartedIgnoringIsRefusedWithTheReason() throws Exception {
        Path stderr = Files.createTempFile("signal-child", ".err");
        Process child = startJvm(SignalChild.class, stderr, "--ignore-signal=HUP", List.of(), List.of("ignored-hup"));
        try {
            var out = new BufferedReader(new InputStreamReader(child.getInputStream(), UTF_8));
            assertThat(out.readLine()).as(() -> readQuietly(stderr))
                    .isEqualTo("sig SIGHUP cannot be caught: this process started with it ignored (nohup, or a background"
                            + " job), and the JVM then never delivers it");
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(child.exitValue()).isZero();
        } finally {
            child.destroyForcibly();
            Files.deleteIfExists(stderr);
        }
    }

    private static String readQuietly(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    @Test
    void aSigtermFromOutsideRunsTheCallbackAndOneAfterTheLoopClosedEndsTheJvmAsBefore() throws Exception {
        // Debug mode: a loop whose only task waits for a signal must not be declared stalled.
        Path stderr = Files.createTempFile("signal-child", ".err");
        Process child = startJvm(SignalChild.class, stderr, "-Djasyncio.debug=true");
        try {
            var out = new BufferedReader(new InputStreamReader(child.getInputStream(), UTF_8));
            assertThat(out.readLine()).isEqualTo("USR2 refused");
            assertThat(out.readLine()).isEqualTo("ready");
            kill("TERM", child); // Process.destroy() would send it too, but closes our end of its output
            assertThat(out.readLine()).isEqualTo("callback on thread main");
            assertThat(out.readLine()).isEqualTo("got SIGTERM");
            assertThat(out.readLine()).isEqualTo("loop closed");
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("the child ended").isTrue();
            assertThat(child.exitValue()).as(Files.readString(stderr)).isEqualTo(128 + 15);
            assertThat(Files.readString(stderr)).doesNotContain("stalled");
        } finally {
            child.destroyForcibly();
            Files.deleteIfExists(stderr);
        }
    }
}
