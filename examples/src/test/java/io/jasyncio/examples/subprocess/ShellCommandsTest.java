package io.jasyncio.examples.subprocess;

import static org.assertj.core.api.Assertions.assertThat;

import io.jasyncio.testing.AsyncioExtension;
import io.jasyncio.testing.VirtualClock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The subprocess example on real children: the lines of asyncio's documentation, in order. */
class ShellCommandsTest {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final ShellCommands example = new ShellCommands(new PrintStream(bytes, true, StandardCharsets.UTF_8));

    private List<String> lines() {
        return bytes.toString(StandardCharsets.UTF_8).lines().toList();
    }

    /*
     * `ls /zzz` fails at once, the other command sleeps a second in its shell. The children's pipes
     * are work in flight, so the virtual clock stands still while they run (and nothing is taken
     * for a stall).
     */
    @Test
    @ExtendWith(AsyncioExtension.class)
    @Timeout(60)
    void bothCommandsReportTheirStatusAndOutput(VirtualClock clock) {
        example.main();

        List<String> lines = lines();
        assertThat(lines.get(0)).matches("\\['ls /zzz' exited with [12]\\]");
        assertThat(lines.get(1)).isEqualTo("[stderr]");
        assertThat(lines.get(2)).startsWith("ls: ").contains("/zzz").contains("No such file or directory");
        assertThat(lines.subList(3, lines.size())).containsExactly(
                "",
                "['sleep 1; echo \"hello\"' exited with 0]",
                "[stdout]",
                "hello",
                "");
        assertThat(clock.time()).isZero();
    }

    @Test
    @Timeout(60)
    void theProgramRunsOnItsOwnLoop() {
        example.program();
        assertThat(bytes.toString(StandardCharsets.UTF_8))
                .contains("['sleep 1; echo \"hello\"' exited with 0]\n[stdout]\nhello\n\n");
    }

    @Test
    void pythonReprsOfCommands() {
        assertThat(ShellCommands.repr("ls /zzz")).isEqualTo("'ls /zzz'");
        assertThat(ShellCommands.repr("sleep 1; echo \"hello\"")).isEqualTo("'sleep 1; echo \"hello\"'");
        assertThat(ShellCommands.repr("echo it's")).isEqualTo("\"echo it's\"");
        assertThat(ShellCommands.repr("a'b\"c\\")).isEqualTo("'a\\'b\"c\\\\'");
    }
}
