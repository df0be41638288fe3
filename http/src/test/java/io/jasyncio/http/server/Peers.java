package io.jasyncio.http.server;

import static org.assertj.core.api.Assertions.fail;

import io.jasyncio.Asyncio;
import io.jasyncio.TimeoutError;
import io.jasyncio.subprocess.Process;
import io.jasyncio.subprocess.Subprocess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Runs real peers (curl, wrk, CPython) as subprocesses of a @RealTime test, bounded in time. */
final class Peers {
    private Peers() {}

    /** What a peer printed and returned. */
    record Result(int code, String out, String err) {}

    /** Fails (not skips) when the program is missing: .ci/run installs it. */
    static String require(String program) {
        if (!Files.isExecutable(Path.of(program))) {
            fail(program + " is missing: this test needs it as a real peer (.ci/run installs it with apt-get)");
        }
        return program;
    }

    /** Runs {@code cmd} to its end, at most {@code seconds} (then it is killed and the test fails). */
    static Result run(double seconds, List<String> cmd) throws Exception {
        require(cmd.get(0));
        Process p = Subprocess.createSubprocessExec(cmd, Subprocess.options().stdout(Subprocess.PIPE)
                .stderr(Subprocess.PIPE).stdin(Subprocess.DEVNULL));
        Process.Output out;
        try {
            out = Asyncio.timeout(seconds, () -> p.communicate());
        } catch (TimeoutError e) {
            p.kill();
            p.await();
            throw new AssertionError(cmd + " did not finish within " + seconds + " s", e);
        }
        return new Result(p.await(), new String(out.stdout(), StandardCharsets.UTF_8),
                new String(out.stderr(), StandardCharsets.UTF_8));
    }
}
