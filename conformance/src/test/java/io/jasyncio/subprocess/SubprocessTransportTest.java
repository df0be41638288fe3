package io.jasyncio.subprocess;

import static io.jasyncio.Asyncio.*;
import static io.jasyncio.subprocess.Subprocess.*;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.jasyncio.CancelledError;
import io.jasyncio.Future;
import io.jasyncio.Queue;
import io.jasyncio.Task;
import io.jasyncio.net.BaseTransport;
import io.jasyncio.net.Transport;
import io.jasyncio.testing.AsyncioExtension;
import io.jasyncio.testing.RealTime;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The protocol level ({@code loop.subprocess_exec}): CPython's test_subprocess.py
 * (SubprocessTransportTests, the protocol tests of SubprocessMixin) on real children ({@code
 * /bin/sh}, {@code cat}, {@code sleep}, {@code python3}).
 */
@ExtendWith(AsyncioExtension.class)
@RealTime
@Timeout(60)
class SubprocessTransportTest {

    /**
     * Debian's python3 when it is there (a version manager's {@code python3} shim on the PATH can
     * take a second to start), otherwise the PATH's.
     */
    static final String PYTHON = java.nio.file.Files.isExecutable(java.nio.file.Path.of("/usr/bin/python3"))
            ? "/usr/bin/python3" : "python3";

    /** A child that blocks until killed. */
    static final List<String> BLOCKED = List.of("sleep", "3600");

    /**
     * A child that blocks until killed, with the signals it is sent back at their default action
     * (a JVM started under nohup, or by a shell in the background, ignores some, and its children
     * inherit that: CPython's test_send_signal resets SIGHUP for the same reason), and that says
     * "ready" on stdout once they are.
     */
    static final List<String> BLOCKED_SIGNALS_DEFAULT = List.of(PYTHON, "-c", String.join("\n",
            "import signal, sys, time",
            "for s in (signal.SIGHUP, signal.SIGINT, signal.SIGUSR1, signal.SIGUSR2, signal.SIGTERM):",
            "    signal.signal(s, signal.SIG_DFL)",
            "print('ready', flush=True)",
            "time.sleep(3600)"));

    /** Kills what a failed test left running: its blocked children (the tests run one at a time). */
    @AfterEach
    void killLeftovers() {
        killLeftoverChildren();
    }

    static void killLeftoverChildren() {
        ProcessHandle.current().descendants()
                .filter(h -> h.info().commandLine().orElse("").contains("3600"))
                .forEach(ProcessHandle::destroyForcibly);
    }

    /** Logs the callbacks (consecutive data on one pipe as one entry) and collects the data. */
    static class Recorder implements SubprocessProtocol {
        final List<String> log = new ArrayList<>();
        final Map<Integer, ByteArrayOutputStream> data = new TreeMap<>();
        final Future<Void> made = getRunningLoop().createFuture();
        final Future<Integer> exited = getRunningLoop().createFuture();
        final Future<Void> lost = getRunningLoop().createFuture();
        /** Each data delivery: (fd, text). */
        final Queue<String> chunks = new Queue<>();
        SubprocessTransport transport;

        @Override
        public void connectionMade(BaseTransport t) {
            transport = (SubprocessTransport) t;
            log.add("made");
            made.setResult(null);
        }

        @Override
        public void pipeDataReceived(int fd, ByteBuffer bytes) {
            byte[] b = new byte[bytes.remaining()];
            bytes.get(b);
            data.computeIfAbsent(fd, k -> new ByteArrayOutputStream()).writeBytes(b);
            String entry = "data " + fd;
            if (log.isEmpty() || !log.getLast().equals(entry)) {
                log.add(entry);
            }
            chunks.putNowait(fd + ":" + new String(b, UTF_8));
        }

        @Override
        public void pipeConnectionLost(int fd, Throwable exc) {
            log.add("pipe lost " + fd + (exc == null ? "" : " " + exc));
        }

        @Override
        public void processExited() {
            log.add("exited " + transport.getReturncode());
            exited.setResult(transport.getReturncode());
        }

        @Override
        public void connectionLost(Throwable exc) {
            log.add("lost " + exc);
            lost.setResult(null);
        }

        /** Suspends until pipe {@code fd} has delivered {@code text} (chunks may split it anywhere). */
        void awaitText(int fd, String text) {
            while (!text(fd).contains(text)) {
                chunks.get();
            }
        }

        String text(int fd) {
            ByteArrayOutputStream b = data.get(fd);
            return b == null ? "" : b.toString(UTF_8);
        }

        /** The log entries that concern pipe {@code fd}, consecutive data entries as one. */
        List<String> pipeLog(int fd) {
            List<String> out = new ArrayList<>();
            for (String e : log) {
                if ((e.equals("data " + fd) || e.startsWith("pipe lost " + fd)) && (out.isEmpty() || !out.getLast().equals(e))) {
                    out.add(e);
                }
            }
            return out;
        }
    }

    static List<String> python(String code) {
        return List.of(PYTHON, "-c", code);
    }

    /** The pipe threads and the exit watcher of {@code pid} all end (they hold no resources after the finish). */
    static void assertThreadsEnd(long pid) {
        String prefix = "jasyncio-subprocess-" + pid + "-";
        List<Thread> threads = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith(prefix)).toList();
        for (Thread t : threads) {
            toThread(() -> t.join(30_000));
            assertThat(t.isAlive()).as("%s still runs", t.getName()).isFalse();
        }
    }

    // gh-108973: every protocol method is called; per pipe, its data comes before its end.
    @Test
    void everyEventOfAChildThatWritesToBothPipesInOrder() throws IOException {
        SubprocessConnection<Recorder> c = subprocessExec(Recorder::new,
                python("import sys; sys.stdout.write('stdout'); sys.stderr.write('stderr')"));
        Recorder r = c.protocol();
        assertThat(r.made.done()).as("connectionMade has run when subprocessExec returns").isTrue();
        r.lost.await();

        assertThat(r.log.getFirst()).isEqualTo("made");
        assertThat(r.log.getLast()).isEqualTo("lost null");
        assertThat(r.log).contains("exited 0", "pipe lost 0");
        assertThat(r.pipeLog(1)).containsExactly("data 1", "pipe lost 1");
        assertThat(r.pipeLog(2)).containsExactly("data 2", "pipe lost 2");
        assertThat(r.text(1)).isEqualTo("stdout");
        assertThat(r.text(2)).isEqualTo("stderr");
        assertThat(c.transport().getReturncode()).isZero();
        assertThat(c.transport().isClosing()).isFalse();
        c.transport().close();
        assertThreadsEnd(c.transport().getPid());
    }

    @Test
    void theExitStatusIsTheReturnCode() throws IOException {
        SubprocessConnection<Recorder> c = subprocessShell(Recorder::new, "exit 7");
        assertThat(c.protocol().exited.await()).isEqualTo(7);
        c.protocol().lost.await();
        assertThat(c.transport().getReturncode()).isEqualTo(7);
        assertThat(((ProcessTransport) c.transport()).waitForExit()).isEqualTo(7);
    }

    // CPython: test_close_kill_running, test_proc_exited.
    @Test
    void closeKillsARunningChildAndTheTransportFinishes() throws IOException {
        SubprocessConnection<Recorder> c = subprocessExec(Recorder::new, BLOCKED);
        SubprocessTransport t = c.transport();
        assertThat(t.getReturncode()).isNull();
        assertThat(t.toString()).matches("<SubprocessTransport pid=\\d+ running stdin=<WritePipeTransport stdin open"
                + " bufsize=0> stdout=<ReadPipeTransport stdout reading> stderr=<ReadPipeTransport stderr reading>>");
        Task<Integer> waiter = createTask(() -> ((ProcessTransport) t).waitForExit());

        t.close();
        assertThat(t.isClosing()).isTrue();
        assertThat(waiter.await()).isEqualTo(-9);
        assertThat(c.protocol().log).contains("exited -9", "pipe lost 0", "pipe lost 1", "pipe lost 2");
        assertThat(c.protocol().log.getLast()).isEqualTo("lost null");
        assertThat(t.toString()).matches("<SubprocessTransport closed pid=\\d+ returncode=-9 stdin=<WritePipeTransport stdin"
                + " closed bufsize=0> stdout=<ReadPipeTransport stdout closed> stderr=<ReadPipeTransport stderr closed>>");

        // After the finish, asyncio drops its Popen: signals raise ProcessLookupError.
        assertThatThrownBy(t::kill).isInstanceOf(ProcessLookupError.class);
        assertThatThrownBy(t::terminate).isInstanceOf(ProcessLookupError.class);
        assertThatThrownBy(() -> t.sendSignal(1)).isInstanceOf(ProcessLookupError.class);
        assertThatThrownBy(() -> t.sendSignal("HUP")).isInstanceOf(ProcessLookupError.class);
        t.close(); // idempotent
        assertThreadsEnd(t.getPid());
    }

    @Test
    void aSignalToAChildThatExitedButHasNotFinishedIsDropped() throws IOException {
        // The grandchild keeps stdout open: the transport has not finished after the exit.
        SubprocessConnection<Recorder> c = subprocessShell(Recorder::new, "exec 3<&0; read y; (read x <&3) & exit 5");
        c.transport().getPipeTransport(0).write("go\n".getBytes(UTF_8));
        assertThat(c.protocol().exited.await()).isEqualTo(5);
        c.transport().kill();
        c.transport().terminate();
        c.transport().sendSignal("USR1");
        c.transport().sendSignal(10);
        assertThat(c.transport().getReturncode()).isEqualTo(5);
        c.transport().getPipeTransport(0).write("done\n".getBytes(UTF_8));
        c.protocol().lost.await();
    }

    @Test
    void signalsByNumberAndByName() throws IOException {
        for (Object signal : List.<Object>of(1, "HUP", "sigusr1", "SIGUSR2", 15, 9)) {
            SubprocessConnection<Recorder> c = subprocessExec(Recorder::new, BLOCKED_SIGNALS_DEFAULT);
            c.protocol().awaitText(1, "ready\n");
            if (signal instanceof Integer n) {
                c.transport().sendSignal(n);
            } else {
                c.transport().sendSignal((String) signal);
            }
            int expected = switch (signal.toString().toUpperCase()) {
                case "1", "HUP" -> -1;
                case "SIGUSR1" -> -10;
                case "SIGUSR2" -> -12;
                case "15" -> -15;
                default -> -9;
            };
            assertThat(c.protocol().exited.await()).as("signal %s", signal).isEqualTo(expected);
            c.protocol().lost.await();
        }
    }

    @Test
    void badSignalsAreRefusedWithTheirName() throws IOException {
        SubprocessConnection<Recorder> c = subprocessExec(Recorder::new, BLOCKED);
        SubprocessTransport t = c.transport();
        assertThatThrownBy(() -> t.sendSignal(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0");
        assertThatThrownBy(() -> t.sendSignal(65)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("65");
        assertThatThrownBy(() -> t.sendSignal("NOPE")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("NOPE");
        assertThatThrownBy(() -> t.sendSignal("HUP; rm -rf /")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a signal name");
        assertThat(t.getReturncode()).isNull();
        t.close();
        c.protocol().lost.await();
    }

    // CPython's test_cancel_post_init: the protocol still sees its whole life, the child is killed.
    @Test
    void cancelledWhileStartingTheChildIsKilledAndThenTheCancellationPropagates() {
        List<Recorder> made = new ArrayList<>();
        Task<SubprocessConnection<Recorder>> task = createTask(() -> subprocessExec(() -> {
            Recorder r = new Recorder();
            made.add(r);
            return r;
        }, BLOCKED));
        getRunningLoop().callSoon(task::cancel);
        assertThat(catchThrowable(task::await)).isInstanceOf(CancelledError.class);
        Recorder r = made.getFirst();
        assertThat(r.lost.done()).as("the child was killed and waited for").isTrue();
        assertThat(r.log.getFirst()).isEqualTo("made");
        assertThat(r.log).contains("exited -9");
        assertThat(r.log.getLast()).isEqualTo("lost null");
        assertThreadsEnd(r.transport.getPid());
    }

    /*
     * Backpressure: with stdout paused after its first chunk, the pump reads no more, so the child
     * can write no more than what the pipe holds. The child writes without blocking until the pipe
     * is full, then says on stderr how much it wrote: by then stdout has delivered nothing more.
     */
    @Test
    void aPausedReaderStopsReadingThePipeAndTheChildBlocks() throws IOException {
        String code = """
                import os, sys
                os.write(1, b'x' * 1000)
                os.set_blocking(1, False)
                total = 1000
                while True:
                    try:
                        total += os.write(1, b'y' * 65536)
                    except BlockingIOError:
                        break
                os.write(2, b'%d\\n' % total)
                sys.stdin.readline()
                os.set_blocking(1, True)
                os.write(1, b'z')
                """;
        class PauseOnFirst extends Recorder {
            boolean pausedOnce;

            @Override
            public void pipeDataReceived(int fd, ByteBuffer bytes) {
                super.pipeDataReceived(fd, bytes);
                if (fd == 1 && !pausedOnce) {
                    pausedOnce = true;
                    transport.getPipeTransport(1).pauseReading();
                }
            }
        }
        SubprocessConnection<PauseOnFirst> c = subprocessExec(PauseOnFirst::new, python(code));
        PauseOnFirst r = c.protocol();
        Transport stdout = c.transport().getPipeTransport(1);
        String first = r.chunks.get();
        assertThat(first).startsWith("1:x");
        String report = r.chunks.get();
        assertThat(report).startsWith("2:");
        int written = Integer.parseInt(report.substring(2).strip());
        int delivered = r.data.get(1).size();
        assertThat(stdout.isReading()).isFalse();
        assertThat(delivered).as("nothing delivered after the pause").isEqualTo(first.length() - 2);
        assertThat(written).as("the child could fill the pipe, and no more").isLessThan(delivered + 4 * 65536);

        stdout.resumeReading();
        c.transport().getPipeTransport(0).write("go\n".getBytes(UTF_8));
        r.lost.await();
        assertThat(r.text(1)).hasSize(written + 1).endsWith("yz");
        assertThat(r.exited.result()).isZero();
    }

    /*
     * Write-side flow control: cat echoes stdin to stdout; with stdout paused, cat blocks, so stdin's
     * buffer stays over the high-water mark (pauseWriting) until stdout is read again (resumeWriting).
     */
    @Test
    void stdinIsPausedOverTheHighWaterMarkAndResumedBelowTheLowOne() throws IOException {
        class Flow extends Recorder {
            final Future<Void> paused = getRunningLoop().createFuture();
            final Future<Void> resumed = getRunningLoop().createFuture();

            @Override
            public void connectionMade(BaseTransport t) {
                super.connectionMade(t);
                transport.getPipeTransport(1).pauseReading();
            }

            @Override
            public void pauseWriting() {
                log.add("pause writing");
                paused.setResult(null);
            }

            @Override
            public void resumeWriting() {
                log.add("resume writing");
                resumed.setResult(null);
            }
        }
        SubprocessConnection<Flow> c = subprocessExec(Flow::new, List.of("cat"));
        Flow f = c.protocol();
        Transport stdin = c.transport().getPipeTransport(0);
        assertThat(stdin.getWriteBufferLimitHigh()).isEqualTo(65536);
        assertThat(stdin.getWriteBufferLimitLow()).isEqualTo(16384);
        byte[] big = new byte[1 << 20];
        java.util.Arrays.fill(big, (byte) 'q');
        stdin.write(big);
        assertThat(f.paused.done()).as("paused at once: 1 MiB is over 64 KiB").isTrue();
        assertThat(stdin.getWriteBufferSize()).isEqualTo(1 << 20);

        c.transport().getPipeTransport(1).resumeReading();
        f.resumed.await();
        assertThat(stdin.getWriteBufferSize()).isLessThanOrEqualTo(16384);
        stdin.close();
        f.lost.await();
        assertThat(f.data.get(1).size()).isEqualTo(1 << 20);
        assertThat(f.log).containsSubsequence("pause writing", "resume writing", "pipe lost 0", "lost null");
    }

    /*
     * A grandchild holds stdout and stdin after the child exits: processExited comes at the exit,
     * connectionLost only when the grandchild lets go (CPython 3.13). wait() called after the exit
     * returns at once, as CPython's _wait does. The child reads a line first, so that the grandchild
     * starts after it and reads the next one (and so that it does not exit within the instants
     * after its start when the JDK would still close its pipes at its exit: see ReadPipeTransport).
     */
    @Test
    void aGrandchildHoldingThePipesDelaysTheFinishButNotProcessExited() throws IOException {
        SubprocessConnection<Recorder> c = subprocessShell(Recorder::new,
                "exec 3<&0; read y; (read x <&3; echo late $x) & echo early $y; exit 3");
        Recorder r = c.protocol();
        c.transport().getPipeTransport(0).write("a\n".getBytes(UTF_8));
        assertThat(r.chunks.get()).isEqualTo("1:early a\n");
        assertThat(r.exited.await()).isEqualTo(3);
        assertThat(r.lost.done()).isFalse();
        assertThat(r.log).doesNotContain("pipe lost 1", "pipe lost 0");
        assertThat(((ProcessTransport) c.transport()).waitForExit()).as("the child has exited").isEqualTo(3);

        c.transport().getPipeTransport(0).write("x\n".getBytes(UTF_8));
        assertThat(r.chunks.get()).isEqualTo("1:late x\n");
        r.lost.await();
        assertThat(r.log).containsSubsequence("exited 3", "pipe lost 1", "lost null");
        assertThat(r.log).contains("pipe lost 0", "pipe lost 2");
        assertThreadsEnd(c.transport().getPid());
    }

    // An idle stdin is closed once the child exited and its output pipes closed (CPython sees its reader close).
    @Test
    void anIdleStdinIsClosedWhenTheChildAndItsOutputAreGone() throws IOException {
        SubprocessConnection<Recorder> c = subprocessExec(Recorder::new, python("pass"));
        c.protocol().lost.await();
        assertThat(c.protocol().log).containsSubsequence("exited 0", "pipe lost 0", "lost null");
        assertThat(c.transport().getPipeTransport(0).isClosing()).isTrue();
    }

    // CPython: test_stdin_broken_pipe at the protocol level: the write fails, the pipe is lost with the error.
    @Test
    void writingToAChildThatDoesNotReadBreaksThePipe() throws IOException {
        SubprocessConnection<Recorder> c = subprocessExec(Recorder::new, python("pass"),
                options().stdout(DEVNULL).stderr(DEVNULL));
        c.transport().getPipeTransport(0).write(new byte[1 << 20]);
        c.protocol().lost.await();
        assertThat(c.protocol().log).anyMatch(e -> e.startsWith("pipe lost 0 java.io.IOException"));
        assertThat(c.protocol().log.getLast()).isEqualTo("lost null");
        // Writes after the pipe broke are dropped, as CPython drops them (a warning from the fifth on).
        c.transport().getPipeTransport(0).write("more".getBytes(UTF_8));
    }

    @Test
    void thePipeTransportsAreOneWay() throws IOException {
        SubprocessConnection<Recorder> c = subprocessExec(Recorder::new, BLOCKED);
        Transport in = c.transport().getPipeTransport(0);
        Transport out = c.transport().getPipeTransport(1);
        assertThat(c.transport().getPipeTransport(3)).isNull();
        assertThatThrownBy(() -> out.write(new byte[1])).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("stdout pipe is read-only");
        assertThatThrownBy(in::pauseReading).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("stdin pipe is write-only");
        assertThat(in.isReading()).isFalse();
        assertThat(in.canWriteEof()).isTrue();
        assertThat(out.canWriteEof()).isFalse();
        assertThat(c.transport().getExtraInfo("subprocess")).isInstanceOf(java.lang.Process.class);
        assertThat(in.getExtraInfo("pipe")).isInstanceOf(java.io.OutputStream.class);
        assertThat(out.getExtraInfo("pipe")).isInstanceOf(java.io.InputStream.class);
        c.transport().close();
        c.protocol().lost.await();
    }

    @Test
    void onlyPipesHavePipeTransports() throws IOException {
        SubprocessConnection<Recorder> c = subprocessShell(Recorder::new, "echo out; echo err >&2",
                options().stdin(DEVNULL).stderr(STDOUT));
        assertThat(c.transport().getPipeTransport(0)).isNull();
        assertThat(c.transport().getPipeTransport(1)).isNotNull();
        assertThat(c.transport().getPipeTransport(2)).isNull();
        c.protocol().lost.await();
        assertThat(c.protocol().text(1)).isEqualTo("out\nerr\n");
        assertThat(c.protocol().log).doesNotContain("pipe lost 0", "pipe lost 2");
    }

    @Test
    void badArgumentsAreRefusedBeforeAnythingStarts() {
        assertThatThrownBy(() -> subprocessExec(Recorder::new, List.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("args is empty");
        assertThatThrownBy(() -> subprocessExec(Recorder::new, java.util.Arrays.asList("ls", null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("args[1] is null");
        assertThatThrownBy(() -> options().stdout(STDOUT)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("STDOUT is only valid for stderr");
        assertThatThrownBy(() -> options().stdin(STDOUT)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> subprocessExec(Recorder::new, BLOCKED, options().limit(10)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("limit");
        assertThatThrownBy(() -> subprocessExec(Recorder::new, BLOCKED,
                options().stdin(Stdio.redirect(ProcessBuilder.Redirect.to(new java.io.File("/tmp/x"))))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stdin needs a Redirect to read from");
        assertThatThrownBy(() -> subprocessExec(() -> null, BLOCKED)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("protocol factory returned null");
    }

    @Test
    void aProgramThatDoesNotExistIsAnIOExceptionNamingIt() {
        Throwable e = catchThrowable(() -> subprocessExec(Recorder::new, List.of("/no/such/program-xyz")));
        assertThat(e).isInstanceOf(IOException.class).hasMessageContaining("/no/such/program-xyz");
    }

    @Test
    void returnCodesFromTheJdksExitValues() {
        assertThat(ProcessTransport.returncode(0)).isZero();
        assertThat(ProcessTransport.returncode(7)).isEqualTo(7);
        assertThat(ProcessTransport.returncode(128)).isEqualTo(128);
        assertThat(ProcessTransport.returncode(137)).isEqualTo(-9);
        assertThat(ProcessTransport.returncode(143)).isEqualTo(-15);
        assertThat(ProcessTransport.returncode(192)).isEqualTo(-64);
        assertThat(ProcessTransport.returncode(193)).isEqualTo(193);
        assertThat(ProcessTransport.returncode(255)).isEqualTo(255);
    }
}
