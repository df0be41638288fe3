package io.jasyncio.subprocess;

import static io.jasyncio.Asyncio.*;
import static io.jasyncio.subprocess.Subprocess.*;
import static io.jasyncio.subprocess.SubprocessTransportTest.assertThreadsEnd;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.jasyncio.CancelledError;
import io.jasyncio.Task;
import io.jasyncio.testing.AsyncioExtension;
import io.jasyncio.testing.ExceptionRecorder;
import io.jasyncio.testing.RealTime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The streams level ({@code asyncio.subprocess.Process}): CPython's test_subprocess.py
 * (SubprocessMixin) on real children ({@code cat}, {@code /bin/sh}, {@code sleep}, {@code
 * python3}).
 */
@ExtendWith(AsyncioExtension.class)
@RealTime
@Timeout(120)
class SubprocessTest {

    /** CPython's PROGRAM_CAT: copies stdin to stdout. */
    static final List<String> CAT = List.of("cat");
    /** CPython's PROGRAM_BLOCKED. */
    static final List<String> BLOCKED = List.of("sleep", "3600");

    static List<String> python(String code) {
        return SubprocessTransportTest.python(code);
    }

    @AfterEach
    void killLeftovers() {
        SubprocessTransportTest.killLeftoverChildren();
    }

    static java.lang.Process javaProcess(Process p) {
        return (java.lang.Process) p.transport().getExtraInfo("subprocess");
    }

    // ---- echo through cat ----

    // CPython: test_stdin_stdout
    @Test
    void writeDrainCloseThenReadEverythingBack() throws IOException {
        Process p = createSubprocessExec(CAT, options().stdin(PIPE).stdout(PIPE));
        p.stdin().write("some data".getBytes(UTF_8));
        p.stdin().drain();
        p.stdin().close();
        assertThat(new String(p.stdout().read(), UTF_8)).isEqualTo("some data");
        assertThat(p.await()).isZero();
        assertThat(p.returncode()).isZero();
        assertThat(p.stderr()).isNull();
        assertThat(p.toString()).isEqualTo("<Process " + p.pid() + ">");
    }

    @Test
    void aLineWrittenComesBackBeforeStdinIsClosed() throws IOException {
        Process p = createSubprocessExec(CAT, options().stdin(PIPE).stdout(PIPE));
        for (String line : List.of("hello\n", "world\n")) {
            p.stdin().write(line.getBytes(UTF_8));
            p.stdin().drain();
            assertThat(new String(p.stdout().readline(), UTF_8)).isEqualTo(line);
        }
        p.stdin().close();
        p.stdin().waitClosed();
        assertThat(p.stdout().read()).isEmpty();
        assertThat(p.await()).isZero();
        assertThreadsEnd(p.pid());
    }

    // CPython: test_communicate, test_communicate_none_input
    @Test
    void communicateFeedsStdinAndCollectsStdout() throws IOException {
        Process p = createSubprocessExec(CAT, options().stdin(PIPE).stdout(PIPE));
        Process.Output out = p.communicate("some data".getBytes(UTF_8));
        assertThat(new String(out.stdout(), UTF_8)).isEqualTo("some data");
        assertThat(out.stderr()).isNull();
        assertThat(p.returncode()).isZero();

        Process q = createSubprocessExec(CAT, options().stdin(PIPE).stdout(PIPE));
        assertThat(q.communicate().stdout()).isEmpty();
        assertThat(q.returncode()).isZero();
    }

    // ---- no deadlock with large outputs ----

    @Test
    void tenMegabytesOnStdoutAndOnStderrThroughCommunicate() throws IOException {
        // The child fills both pipes in turn: reading only one of them to its end would deadlock.
        String code = """
                import sys
                out, err = sys.stdout.buffer, sys.stderr.buffer
                for i in range(160):
                    out.write(b'o' * 65536); out.flush()
                    err.write(b'e' * 65536); err.flush()
                """;
        Process p = createSubprocessExec(python(code), options().stdout(PIPE).stderr(PIPE));
        Process.Output out = p.communicate();
        assertThat(p.returncode()).isZero();
        assertThat(out.stdout()).hasSize(10 * 1024 * 1024);
        assertThat(out.stderr()).hasSize(10 * 1024 * 1024);
        assertThat(countOf(out.stdout(), (byte) 'o')).isEqualTo(10 * 1024 * 1024);
        assertThat(countOf(out.stderr(), (byte) 'e')).isEqualTo(10 * 1024 * 1024);
        assertThreadsEnd(p.pid());
    }

    @Test
    void tenMegabytesThroughCatWhileItsOutputIsRead() throws IOException {
        byte[] input = new byte[10 * 1024 * 1024];
        for (int i = 0; i < input.length; i++) {
            input[i] = (byte) (i * 31 + (i >>> 13));
        }
        Process p = createSubprocessExec(CAT, options().stdin(PIPE).stdout(PIPE));
        Process.Output out = p.communicate(input);
        assertThat(p.returncode()).isZero();
        assertThat(Arrays.equals(out.stdout(), input)).as("cat's output equals its input").isTrue();
    }

    private static int countOf(byte[] data, byte b) {
        int n = 0;
        for (byte x : data) {
            if (x == b) {
                n++;
            }
        }
        return n;
    }

    // CPython: test_pause_reading. A reader over twice its limit pauses its pipe.
    @Test
    void aFullReaderPausesItsPipeUntilItIsRead() throws IOException {
        Process p = createSubprocessExec(python("import sys; sys.stdout.write('x' * 21); sys.stdout.flush()"),
                options().stdout(PIPE).limit(10));
        assertThat(p.stdout().read(1)).containsExactly('x');
        assertThat(p.transport().getPipeTransport(1).isReading()).as("20 bytes buffered, over twice the limit").isFalse();
        Process.Output out = p.communicate();
        assertThat(new String(out.stdout(), UTF_8)).isEqualTo("x".repeat(20));
        assertThat(p.returncode()).isZero();
    }

    // CPython: test_read_stdout_after_process_exit
    @Test
    void outputIsStillReadAfterTheChildExited() throws IOException {
        Process p = createSubprocessExec(
                python("import sys\nfor _ in range(64): sys.stdout.write('x' * 4096)\nsys.stdout.flush()\nsys.exit(1)"),
                options().stdout(PIPE));
        int total = 0;
        while (true) {
            byte[] data = p.stdout().read(65536);
            if (data.length == 0) {
                break;
            }
            total += data.length;
            sleep(0);
        }
        assertThat(total).isEqualTo(64 * 4096);
        assertThat(p.await()).isEqualTo(1);
    }

    // ---- exit codes and signals ----

    @Test
    void exitCodes() throws IOException {
        assertThat(createSubprocessShell("exit 7").await()).isEqualTo(7);
        assertThat(createSubprocessShell("true").await()).isZero();
        assertThat(createSubprocessShell("exit 255").await()).isEqualTo(255);
        assertThat(createSubprocessExec(SubprocessTransportTest.PYTHON, "-c", "import sys; sys.exit(3)").await()).isEqualTo(3);
    }

    // CPython: test_kill, test_terminate
    @Test
    void killAndTerminateGiveNegativeSignalNumbers() throws IOException {
        Process killed = createSubprocessExec(BLOCKED, options());
        assertThat(killed.returncode()).isNull();
        killed.kill();
        assertThat(killed.await()).isEqualTo(-9);
        assertThat(killed.returncode()).isEqualTo(-9);

        Process terminated = createSubprocessExec(BLOCKED, options());
        terminated.terminate();
        assertThat(terminated.await()).isEqualTo(-15);
    }

    /*
     * CPython: test_kill_issue43884: a shell killed while it runs a command. The command (cat, a
     * grandchild) still holds stdout, so the wait ends only when it does: here when its stdin closes.
     */
    @Test
    void killAShellWhileItRunsACommand() throws IOException {
        Process p = createSubprocessShell("echo started; cat; echo never", options().stdin(PIPE).stdout(PIPE));
        assertThat(new String(p.stdout().readline(), UTF_8)).isEqualTo("started\n");
        p.stdin().write("ping\n".getBytes(UTF_8));
        assertThat(new String(p.stdout().readline(), UTF_8)).as("cat runs").isEqualTo("ping\n");
        p.kill();
        Task<Integer> waiter = createTask(p::await);
        p.stdin().write("still echoed by cat\n".getBytes(UTF_8));
        assertThat(new String(p.stdout().readline(), UTF_8)).isEqualTo("still echoed by cat\n");
        p.stdin().close();
        assertThat(waiter.await()).isEqualTo(-9);
        assertThat(p.stdout().read()).isEmpty();
    }

    // CPython: test_send_signal (the child resets SIGHUP, which this JVM may ignore: bpo-31034)
    @Test
    void sendSignalHup() throws IOException {
        Process p = createSubprocessExec(SubprocessTransportTest.BLOCKED_SIGNALS_DEFAULT, options().stdout(PIPE));
        assertThat(new String(p.stdout().readline(), UTF_8)).isEqualTo("ready\n");
        p.sendSignal("SIGHUP");
        assertThat(p.await()).isEqualTo(-1);
    }

    @Test
    void sendSignalByNumber() throws IOException {
        Process p = createSubprocessExec(SubprocessTransportTest.BLOCKED_SIGNALS_DEFAULT, options().stdout(PIPE));
        assertThat(new String(p.stdout().readline(), UTF_8)).isEqualTo("ready\n");
        p.sendSignal(10);
        assertThat(p.await()).isEqualTo(-10);
    }

    // CPython: test_subprocess_concurrent_wait
    @Test
    void manyTasksAwaitTheSameChild() throws IOException {
        Process p = createSubprocessExec(CAT, options().stdin(PIPE).stdout(PIPE));
        assertThat(new String(p.communicate("some data".getBytes(UTF_8)).stdout(), UTF_8)).isEqualTo("some data");
        List<Task<Integer>> waiters = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            waiters.add(createTask(p::await));
        }
        assertThat(gatherAll(false, waiters)).containsOnly(0).hasSize(10);
    }

    // CPython: test_subprocess_communicate_stdout (gh-100133): many children at once.
    @Test
    void tenChildrenAtOnce() throws IOException {
        List<Task<String>> tasks = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String word = "foo" + i;
            tasks.add(createTask(() -> {
                Process p = createSubprocessExec(python("print('" + word + "')"), options().stdout(PIPE));
                return new String(p.communicate().stdout(), UTF_8).strip();
            }));
        }
        List<Object> out = gatherAll(false, tasks);
        assertThat(out).containsExactly("foo0", "foo1", "foo2", "foo3", "foo4", "foo5", "foo6", "foo7", "foo8", "foo9");
    }

    // ---- where the streams go ----

    @Test
    void aShellCommandWithRedirectionsInItsWorkingDirectory(@TempDir Path dir) throws IOException {
        Process p = createSubprocessShell("printf 'b\\na\\nc\\n' > in.txt && sort < in.txt > out.txt && cat out.txt"
                + " && echo oops >&2 && exit 4", options().stdout(PIPE).stderr(PIPE).cwd(dir));
        Process.Output out = p.communicate();
        assertThat(new String(out.stdout(), UTF_8)).isEqualTo("a\nb\nc\n");
        assertThat(new String(out.stderr(), UTF_8)).isEqualTo("oops\n");
        assertThat(p.returncode()).isEqualTo(4);
        assertThat(Files.readString(dir.resolve("out.txt"))).isEqualTo("a\nb\nc\n");
    }

    @Test
    void stderrIntoStdout() throws IOException {
        Process p = createSubprocessShell("echo out; echo err >&2; echo out2",
                options().stdout(PIPE).stderr(STDOUT));
        Process.Output out = p.communicate();
        assertThat(new String(out.stdout(), UTF_8)).isEqualTo("out\nerr\nout2\n");
        assertThat(out.stderr()).isNull();
        assertThat(p.stderr()).isNull();
    }

    // CPython: test_devnull_input, test_devnull_output, test_devnull_error
    @Test
    void devnullForEachStream() throws IOException {
        String code = "import sys; data = sys.stdin.read(); print(len(data)); print('e', file=sys.stderr)";
        Process in = createSubprocessExec(python(code), options().stdin(DEVNULL).stdout(PIPE).stderr(PIPE));
        Process.Output o1 = in.communicate();
        assertThat(new String(o1.stdout(), UTF_8).strip()).isEqualTo("0");
        assertThat(in.stdin()).isNull();

        Process out = createSubprocessExec(python(code), options().stdin(PIPE).stdout(DEVNULL).stderr(PIPE));
        Process.Output o2 = out.communicate("abc".getBytes(UTF_8));
        assertThat(o2.stdout()).isNull();
        assertThat(new String(o2.stderr(), UTF_8)).isEqualTo("e\n");
        assertThat(out.returncode()).isZero();

        Process err = createSubprocessExec(python(code), options().stdin(PIPE).stdout(PIPE).stderr(DEVNULL));
        Process.Output o3 = err.communicate("abc".getBytes(UTF_8));
        assertThat(new String(o3.stdout(), UTF_8).strip()).isEqualTo("3");
        assertThat(o3.stderr()).isNull();
    }

    @Test
    void redirectsToAndFromFiles(@TempDir Path dir) throws IOException {
        Path in = Files.writeString(dir.resolve("in"), "from a file\n");
        Path out = dir.resolve("out");
        Process p = createSubprocessExec(CAT, options().stdin(Stdio.redirect(ProcessBuilder.Redirect.from(in.toFile())))
                .stdout(Stdio.redirect(ProcessBuilder.Redirect.to(out.toFile()))));
        assertThat(p.await()).isZero();
        assertThat(Files.readString(out)).isEqualTo("from a file\n");
    }

    // CPython: test_create_subprocess_env_shell, test_create_subprocess_env_exec
    @Test
    void theEnvironmentReplacesThisProcesss() throws IOException {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("FOO", "bar");
        Process p = createSubprocessShell(SubprocessTransportTest.PYTHON
                + " -c \"import os, sys; sys.stdout.write(os.getenv('FOO'))\"",
                options().env(env).stdout(PIPE));
        assertThat(new String(p.communicate().stdout(), UTF_8)).isEqualTo("bar");

        Process bare = createSubprocessExec(List.of("/usr/bin/env"), options().env(Map.of("ONLY", "this")).stdout(PIPE));
        assertThat(new String(bare.communicate().stdout(), UTF_8)).isEqualTo("ONLY=this\n");
    }

    // ---- broken pipes ----

    // CPython: test_stdin_broken_pipe
    @Test
    void drainThrowsWhenTheChildExitsWithoutReading(ExceptionRecorder errors) throws IOException {
        Process p = createSubprocessExec(python("pass"), options().stdin(PIPE));
        p.stdin().write(new byte[1 << 20]);
        Throwable e = catchThrowable(() -> p.stdin().drain());
        assertThat(e).isInstanceOf(IOException.class);
        assertThat(p.await()).isZero();
        assertThat(errors.messages()).isEmpty();
    }

    // CPython: test_communicate_ignore_broken_pipe
    @Test
    void communicateIgnoresABrokenStdin(ExceptionRecorder errors) throws IOException {
        Process p = createSubprocessExec(python("pass"), options().stdin(PIPE));
        Process.Output out = p.communicate(new byte[1 << 20]);
        assertThat(out.stdout()).isNull();
        assertThat(p.returncode()).isZero();
        assertThat(errors.messages()).isEmpty();
    }

    // CPython: test_empty_input
    @Test
    void emptyInput() throws IOException {
        Process p = createSubprocessExec(python("import sys; data = sys.stdin.read(); print(len(data))"),
                options().stdin(PIPE).stdout(PIPE));
        assertThat(new String(p.communicate(new byte[0]).stdout(), UTF_8).strip()).isEqualTo("0");
    }

    @Test
    void communicateWithInputNeedsAStdinPipe() throws IOException {
        Process p = createSubprocessExec(CAT, options().stdin(DEVNULL).stdout(PIPE));
        assertThatThrownBy(() -> p.communicate("x".getBytes(UTF_8))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("stdin=PIPE");
        assertThat(p.communicate().stdout()).isEmpty();
    }

    // ---- cancellation ----

    // CPython: test_cancel_process_wait (issue #23140)
    @Test
    void cancellingAwaitLeavesTheChildRunning() throws IOException {
        Process p = createSubprocessExec(BLOCKED, options());
        Task<Integer> waiter = createTask(p::await);
        getRunningLoop().callSoon(waiter::cancel);
        assertThat(catchThrowable(waiter::await)).isInstanceOf(CancelledError.class);
        assertThat(p.returncode()).isNull();
        assertThat(javaProcess(p).isAlive()).isTrue();
        p.kill();
        assertThat(p.await()).isEqualTo(-9);
        assertThreadsEnd(p.pid());
    }

    @Test
    void cancellingCommunicateLeavesTheChildRunningWithNoThreadLeft() throws IOException {
        Process p = createSubprocessExec(python("import sys, time; print('partial', flush=True); time.sleep(3600)"),
                options().stdin(PIPE).stdout(PIPE).stderr(PIPE));
        Task<Process.Output> talk = createTask(() -> p.communicate("input".getBytes(UTF_8)));
        sleep(0);
        talk.cancel();
        assertThat(catchThrowable(talk::await)).isInstanceOf(CancelledError.class);
        assertThat(p.returncode()).isNull();
        assertThat(javaProcess(p).isAlive()).isTrue();
        p.kill();
        assertThat(p.await()).isEqualTo(-9);
        assertThreadsEnd(p.pid());
    }

    // CPython: test_cancel_make_subprocess_transport_exec
    @Test
    void cancellingCreationKillsTheChild() {
        List<Long> pids = new ArrayList<>();
        Task<Process> task = createTask(() -> createSubprocessExec(List.of("sleep", "3601"), options().stdout(PIPE)));
        getRunningLoop().callSoon(task::cancel);
        assertThat(catchThrowable(task::await)).isInstanceOf(CancelledError.class);
        // The child this test started is gone: killed and waited for.
        ProcessHandle.current().children().filter(h -> h.info().commandLine().orElse("").contains("sleep 3601"))
                .forEach(h -> pids.add(h.pid()));
        assertThat(pids).isEmpty();
    }

    // ---- a grandchild holds the pipes ----

    /*
     * The child exits while a grandchild still holds stdout and reads stdin (CPython 3.13): the
     * return code is there at the exit, but a wait that started before returns only when the
     * grandchild lets the pipes go, and the grandchild's output still arrives.
     */
    @Test
    void aChildThatExitsWhileAGrandchildHoldsItsPipes() throws IOException {
        Process p = createSubprocessShell("exec 3<&0; read y; (read x <&3; echo late $x) & echo early $y; exit 3",
                options().stdin(PIPE).stdout(PIPE));
        Task<Integer> waiter = createTask(p::await);
        p.stdin().write("a\n".getBytes(UTF_8));
        assertThat(new String(p.stdout().readline(), UTF_8)).isEqualTo("early a\n");
        p.stdin().write("x\n".getBytes(UTF_8));
        assertThat(new String(p.stdout().readline(), UTF_8)).isEqualTo("late x\n");
        assertThat(waiter.done()).as("stdout is still open: its end is yet to be read").isFalse();
        assertThat(waiter.await()).isEqualTo(3);
        assertThat(p.stdout().read()).isEmpty();
        assertThreadsEnd(p.pid());
    }

    // ---- bad input ----

    @Test
    void aProgramThatDoesNotExist() {
        assertThatThrownBy(() -> createSubprocessExec("/no/such/program-xyz")).isInstanceOf(IOException.class)
                .hasMessageContaining("/no/such/program-xyz");
        assertThatThrownBy(() -> createSubprocessExec(List.of(), options())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> options().limit(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("limit must be > 0");
        assertThatThrownBy(() -> options().env(java.util.Collections.singletonMap("A", null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("A=null");
    }
}
