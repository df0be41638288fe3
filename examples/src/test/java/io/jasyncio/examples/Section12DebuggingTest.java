package io.jasyncio.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.jasyncio.EventLoop;
import io.jasyncio.testing.AsyncioExtension;
import io.jasyncio.testing.VirtualClock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/*
 * The example prints task reprs, which cannot equal the Python's byte for byte: CPython shows the
 * coroutine's file and line and its own internals (base_events.py, runners.py), jasyncio shows Java
 * frames, and task numbers depend on what ran before in the process. So these tests pin the shape
 * that asyncio's repr has, and check that the Python original's lines have that shape too.
 */
class Section12DebuggingTest {

    /** What the Python original printed (CPython 3.13, run as /tmp/pyex/s12.py). */
    private static final List<String> PYTHON_LINES = List.of(
            "Current task: <Task pending name='Task-1' coro=<main() running at /tmp/pyex/s12.py:4>"
                    + " cb=[_run_until_complete_cb() at /root/.pyenv/versions/3.13.0/lib/python3.13/asyncio/base_events.py:182]"
                    + " created at /root/.pyenv/versions/3.13.0/lib/python3.13/asyncio/runners.py:100>",
            "All tasks: {<Task pending name='Task-1' coro=<main() running at /tmp/pyex/s12.py:6>"
                    + " cb=[_run_until_complete_cb() at /root/.pyenv/versions/3.13.0/lib/python3.13/asyncio/base_events.py:182]"
                    + " created at /root/.pyenv/versions/3.13.0/lib/python3.13/asyncio/runners.py:100>}");

    /** The repr of a pending task up to its callbacks: {@code <Task pending name='Task-1' coro=<...> cb=[...]}. */
    private static final String PENDING_TASK = "<Task pending name='(Task-\\d+)' coro=<[^>]+> cb=\\[[^\\]]+\\]";
    /** The same, created in debug mode: it ends with the place where the task was created. */
    private static final String DEBUG_TASK = PENDING_TASK + " created at [^>]+>";

    @Test
    void thePythonOriginalPrintsTheShapeTheseTestsPin() {
        assertThat(PYTHON_LINES.get(0)).matches("Current task: " + DEBUG_TASK);
        assertThat(PYTHON_LINES.get(1)).matches("All tasks: \\{" + DEBUG_TASK + "\\}");
    }

    /*
     * Under the extension the test method is the main task, and the loop exists before the test
     * can turn debug mode on, so this task has no creation site: the repr ends after cb=[...].
     */
    @Test
    @ExtendWith(AsyncioExtension.class)
    void printsTheCurrentTaskAndTheSetOfAllTasks(EventLoop loop, VirtualClock clock) {
        loop.setDebug(true);
        TimedOutput out = new TimedOutput(clock::time);

        new Section12Debugging(out.stream()).main();

        List<String> transcript = out.transcript();
        assertThat(transcript).hasSize(2);
        assertThat(transcript.get(0)).matches("\\[0\\.000\\] Current task: " + PENDING_TASK + ">");
        assertThat(transcript.get(1)).matches("\\[0\\.000\\] All tasks: \\{" + PENDING_TASK + ">\\}");
        assertThat(taskName(transcript.get(1))).isEqualTo(taskName(transcript.get(0)));
    }

    /*
     * The whole program, asyncio.run(main(), debug=True) included, runs its own loop, so it runs
     * outside the extension, on the real clock; it never sleeps, and nothing here is timed.
     */
    @Test
    void programInDebugModeShowsWhereTheMainTaskWasCreated() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        new Section12Debugging(new PrintStream(bytes, true, StandardCharsets.UTF_8)).program();

        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(2);
        // As Python's coro=<main() running at s12.py:4>: the coroutine's own frame and its current line.
        assertThat(lines.get(0)).matches("Current task: " + DEBUG_TASK)
                .containsPattern("coro=<Section12Debugging\\.main\\(\\) running at Section12Debugging\\.java:\\d+>")
                .contains("created at io.jasyncio.examples.Section12Debugging.program(");
        assertThat(lines.get(1)).matches("All tasks: \\{" + DEBUG_TASK + "\\}");
        assertThat(taskName(lines.get(1))).isEqualTo(taskName(lines.get(0)));
    }

    private static String taskName(String line) {
        Matcher m = Pattern.compile(PENDING_TASK).matcher(line);
        assertThat(m.find()).as("a task repr in %s", line).isTrue();
        return m.group(1);
    }
}
