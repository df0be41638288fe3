package io.jasyncio.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import jdk.jfr.Recording;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A loop benchmark with the cost of issue 6's debugging features as a dimension: the parameter
 * {@code debug} (JMH runs each value in its own forked JVM) is
 *
 * <ul>
 *   <li>{@code off}: the default loop, debug mode off, no JFR recording (what every other workload
 *       measures);
 *   <li>{@code on}: {@code loop.setDebug(true)} for the whole trial: every ready entry is timed for
 *       the slow-step report and watched by the watchdog thread, futures, handles and tasks record
 *       their creation site, loop methods check their thread;
 *   <li>{@code jfr}: debug mode off, but a JFR recording (started in-process, nothing else in it)
 *       has jasyncio's task lifecycle events {@code io.jasyncio.TaskCreated} and
 *       {@code io.jasyncio.TaskDone} enabled with their default settings (TaskCreated with its stack
 *       trace), written to disk as a recording with {@code -XX:StartFlightRecording} would be.
 * </ul>
 */
@State(Scope.Thread)
public abstract class DebugLoopBench extends LoopBench {

    /** off, on (debug mode), or jfr (debug off, JFR recording of the task lifecycle events). */
    @Param({"off", "on", "jfr"})
    public String debug;

    private Recording recording;
    private Path recordingDir;

    /** Applies the mode to the trial's loop, right after {@link LoopBench#openLoop()} created it. */
    @Override
    protected void loopOpened() throws IOException {
        switch (debug) {
            case "off" -> loop.setDebug(false);
            case "on" -> loop.setDebug(true);
            case "jfr" -> {
                loop.setDebug(false);
                recordingDir = Files.createTempDirectory("jasyncio-bench-jfr");
                recording = new Recording();
                recording.setName("jasyncio task lifecycle");
                recording.enable("io.jasyncio.TaskCreated");
                recording.enable("io.jasyncio.TaskDone");
                recording.setToDisk(true);
                recording.setMaxSize(256L << 20); // older chunks are dropped: a long trial writes GBs
                recording.setDestination(recordingDir.resolve("tasks.jfr"));
                recording.start();
            }
            default -> throw new IllegalArgumentException("debug must be off, on or jfr, not " + debug);
        }
        // JASYNCIO_DEBUG=1 or -Djasyncio.debug=true in the environment would turn off into on.
        if (loop.getDebug() != debug.equals("on")) {
            throw new IllegalStateException("debug mode did not take: " + loop.getDebug());
        }
    }

    /** Stops the recording and reports its size (proof that the events were on), then deletes it. */
    @TearDown(Level.Trial)
    public void endRecording() throws IOException {
        if (recording == null) {
            return;
        }
        recording.stop();
        Path file = recordingDir.resolve("tasks.jfr");
        System.out.printf("JFR recording of the task lifecycle events: %.1f MB written to %s at the end of the trial"
                + " (at most its last 256 MB)%n", Files.exists(file) ? Files.size(file) / 1048576.0 : 0.0, file);
        recording.close();
        if (Boolean.getBoolean("bench.keepJfr")) {
            return; // -Dbench.keepJfr=true: kept for `jfr summary`
        }
        try (var files = Files.walk(recordingDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        recording = null;
    }
}
