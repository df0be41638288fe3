package io.jasyncio.subprocess;

import static io.jasyncio.Asyncio.*;
import static io.jasyncio.subprocess.Subprocess.*;
import static io.jasyncio.subprocess.SubprocessTransportTest.python;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.jasyncio.EventLoop;
import io.jasyncio.testing.AsyncioExtension;
import io.jasyncio.testing.RealTime;
import io.jasyncio.testing.VirtualClock;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A child's pipes and exit are work in flight: on a {@link VirtualClock} time does not jump past
 * them (and the clock's stall check, which throws when nothing can wake the loop, stays quiet),
 * and the loop's own stall detector does not fire while a child runs.
 */
@ExtendWith(AsyncioExtension.class)
@Timeout(60)
class SubprocessVirtualTimeTest {

    @Test
    void aChildThatTakesItsTimeIsNotAStallAndVirtualTimeStandsStill(VirtualClock clock) throws IOException {
        Process p = createSubprocessExec(python("import time; time.sleep(0.3); print('late', flush=True)"),
                options().stdout(PIPE));
        assertThat(new String(p.stdout().readline(), UTF_8)).isEqualTo("late\n");
        assertThat(p.await()).isZero();
        assertThat(clock.time()).isZero();
    }

    @Test
    void echoThroughCatOnVirtualTime(VirtualClock clock) throws IOException {
        Process p = createSubprocessExec(List.of("cat"), options().stdin(PIPE).stdout(PIPE));
        Process.Output out = p.communicate("on virtual time".getBytes(UTF_8));
        assertThat(new String(out.stdout(), UTF_8)).isEqualTo("on virtual time");
        assertThat(clock.time()).isZero();
    }

    @Test
    @RealTime
    void theStallDetectorStaysQuietWhileAChildRuns(EventLoop loop) throws IOException {
        loop.setDebug(true); // a stall would now be a LoopStalledError out of the test
        Process p = createSubprocessExec(python("import sys; sys.stdin.readline(); print('done')"),
                options().stdin(PIPE).stdout(PIPE));
        Process.Output out = p.communicate("go\n".getBytes(UTF_8));
        assertThat(new String(out.stdout(), UTF_8)).isEqualTo("done\n");
    }
}
