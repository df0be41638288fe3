package io.jasyncio.http.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.jasyncio.Asyncio;
import io.jasyncio.net.Streams;
import io.jasyncio.subprocess.Process;
import io.jasyncio.subprocess.Subprocess;
import io.jasyncio.testing.AsyncioExtension;
import io.jasyncio.testing.RealTime;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link Application#runApp} in a child JVM: Ctrl-C (a real SIGINT) and SIGTERM shut it down
 * gracefully: the request in flight is answered, the callbacks run, runApp returns.
 */
@ExtendWith(AsyncioExtension.class)
@RealTime
class RunAppTest {

    @Test
    void sigintShutsDownGracefully() throws Exception {
        runAndStop("INT");
    }

    @Test
    void sigtermShutsDownGracefully() throws Exception {
        runAndStop("TERM");
    }

    private static void runAndStop(String signal) throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        List<String> cmd = new ArrayList<>(List.of("env", "--default-signal=INT",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-exports", "java.base/jdk.internal.vm=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                RunAppMain.class.getName(), String.valueOf(port)));
        Process child = Subprocess.createSubprocessExec(cmd, Subprocess.options().stdout(Subprocess.PIPE)
                .stderr(Subprocess.PIPE).stdin(Subprocess.DEVNULL));
        try {
            assertThat(line(child)).isEqualTo("======== Running on http://127.0.0.1:" + port + " ========");
            assertThat(line(child)).isEqualTo("(Press CTRL+C to quit)");
            RawClient c = new RawClient(Streams.openConnection("127.0.0.1", port));
            c.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(line(child)).isEqualTo("slow started");
            child.sendSignal(signal);
            assertThat(line(child)).isEqualTo("shutdown started");
            RawClient.Reply r = c.read();
            assertThat(r.text()).isEqualTo("slow done");
            assertThat(r.header("Connection")).isEqualTo("close");
            assertThat(line(child)).isEqualTo("cleanup done");
            assertThat(line(child)).isEqualTo("runApp returned");
            int code = Asyncio.timeout(30, () -> child.await());
            assertThat(code).as(new String(child.stderr().read(), StandardCharsets.UTF_8)).isZero();
        } finally {
            if (child.returncode() == null) {
                child.kill();
                child.await();
            }
        }
    }

    private static String line(Process child) throws Exception {
        byte[] b = Asyncio.timeout(60, () -> child.stdout().readline());
        return new String(b, StandardCharsets.UTF_8).strip();
    }
}
