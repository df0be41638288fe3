package io.jasyncio.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./jasyncio ps} and {@code pstree} against a real second JVM: {@link PsTarget}, started on the
 * engine this test runs on, with a known task tree. The timeout only keeps a broken build from
 * hanging CI; nothing here waits for time to pass.
 */
@Timeout(60)
class PsTest {

    @TempDir
    Path dir;

    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void killChildren() throws InterruptedException {
        for (Process p : started) {
            p.destroyForcibly();
            p.waitFor();
        }
    }

    @Test
    void ps_pstree_and_json_show_the_task_tree_of_a_running_jvm() throws Exception {
        Process target = startAndAwaitReady();

        Result ps = ps("ps", Long.toString(target.pid()));
        assertThat(ps.status).as(ps.err).isZero();
        List<String> table = ps.out.lines().toList();
        assertThat(table).hasSize(6);
        assertThat(table.get(0)).startsWith("event loop 1 of 1 in thread \"main\": <EventLoop running=true");
        assertThat(table.get(1).split(" +")).containsExactly("id", "name", "state", "parent", "awaiting", "at");
        String mainId = table.get(2).split(" +")[0];
        assertThat(table.get(2)).matches(mainId + " +main +suspended +- +TaskGroup exit \\(3 tasks left\\) +\\S+");
        assertThat(table.get(3)).matches("-?\\d+ +holder +suspended +" + mainId + " +<sleep until [0-9.]+> +\\S+");
        assertThat(table.get(4)).matches("-?\\d+ +waiter +suspended +" + mainId + " +<Event \\[unset, waiters:1]> +\\S+");
        assertThat(table.get(5)).matches("-?\\d+ +locker +suspended +" + mainId + " +<Lock \\[locked, waiters:1]> +\\S+");

        Result pstree = ps("pstree", Long.toString(target.pid()));
        assertThat(pstree.status).as(pstree.err).isZero();
        List<String> tree = pstree.out.lines()
                .map(line -> line.replaceAll("] at \\S+$", "]").replaceAll("<sleep until [0-9.]+>", "<sleep until T>"))
                .toList();
        assertThat(tree).containsExactly(
                tree.get(0),
                "└── (T) main [awaiting TaskGroup exit (3 tasks left)]",
                "    ├── (T) holder [awaiting <sleep until T>]",
                "    ├── (T) waiter [awaiting <Event [unset, waiters:1]>]",
                "    └── (T) locker [awaiting <Lock [locked, waiters:1]>]");
        assertThat(tree.get(0)).startsWith("event loop 1 of 1 in thread \"main\": <EventLoop running=true");

        Result json = ps("ps", Long.toString(target.pid()), "--json");
        assertThat(json.status).as(json.err).isZero();
        assertThat(json.out).startsWith("{\"loops\":[{\"thread\":\"main\",\"dump\":{\"loop\":")
                .contains("\"name\":\"locker\",\"state\":\"suspended\"", "\"awaiting\":\"<Lock [locked, waiters:1]>\"")
                .contains("\"deadlocks\":[]");
    }

    @Test
    void a_process_that_is_not_there_is_named() {
        Result r = ps("ps", Long.toString(Integer.MAX_VALUE));
        assertThat(r.status).isEqualTo(1);
        assertThat(r.err).isEqualTo("jasyncio ps: no process with pid " + Integer.MAX_VALUE + System.lineSeparator());
    }

    @Test
    void a_process_that_is_not_a_jvm_is_refused_at_once() throws IOException {
        Process sleeper = new ProcessBuilder("sleep", "600").start();
        started.add(sleeper);
        Result r = ps("pstree", Long.toString(sleeper.pid()));
        assertThat(r.status).isEqualTo(1);
        assertThat(r.err).startsWith("jasyncio pstree: process " + sleeper.pid() + " (").contains("is not a Java VM");
        assertThat(sleeper.isAlive()).isTrue();
    }

    @Test
    void a_jvm_that_turned_management_off_says_so() throws Exception {
        Process target = startAndAwaitReady("-Djasyncio.management=false");
        Result r = ps("ps", Long.toString(target.pid()));
        assertThat(r.status).isEqualTo(1);
        assertThat(r.err).isEqualTo("jasyncio ps: process " + target.pid()
                + " runs with -Djasyncio.management=false: its event loops are not visible from outside"
                + System.lineSeparator());
    }

    @Test
    void usage_errors() {
        assertThat(ps().status).isEqualTo(2);
        assertThat(ps("top", "1").err).startsWith("usage: jasyncio ps|pstree PID [--json]");
        Result r = ps("ps", "one");
        assertThat(r.status).isEqualTo(2);
        assertThat(r.err).startsWith("jasyncio ps: not a process id: one");
    }

    /**
     * Starts {@link PsTarget} in a new JVM (this JVM's java, class path and engine) and returns once it
     * printed that its tasks are in place.
     */
    private Process startAndAwaitReady(String... jvmOptions) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--add-exports");
        command.add("java.base/jdk.internal.vm=ALL-UNNAMED");
        String engine = System.getProperty("jasyncio.engine");
        if (engine != null) {
            command.add("-Djasyncio.engine=" + engine);
        }
        command.addAll(List.of(jvmOptions));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(PsTarget.class.getName());
        Path stderr = dir.resolve("target-" + started.size() + ".err");
        Process p = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
        started.add(p);
        var out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (!PsTarget.READY.equals(line)) {
            throw new AssertionError("the target printed " + line + " instead of " + PsTarget.READY
                    + "; its stderr:\n" + Files.readString(stderr));
        }
        return p;
    }

    private record Result(int status, String out, String err) {}

    private static Result ps(String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int status = Ps.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
