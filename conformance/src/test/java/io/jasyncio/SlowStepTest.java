package io.jasyncio;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;

/**
 * Debug mode's slow-step report: a step that runs past slowCallbackDuration is reported while it
 * still runs, with the stack it is running at (sampled by the watchdog), and again when it ends;
 * both are JFR events too. No sleeps: the slow step blocks until the watchdog's report arrives.
 */
class SlowStepTest {

    /** Blocks the loop until {@code released}: the frame the report must show. */
    static void blockingCall(CountDownLatch released) throws InterruptedException {
        assertThat(released.await(30, TimeUnit.SECONDS)).as("the watchdog reported the running step").isTrue();
    }

    @Test
    void aSlowStepIsReportedWhileRunningWithItsStackAndWhenItEnds() throws Exception {
        List<String> reports = new CopyOnWriteArrayList<>();
        CountDownLatch reported = new CountDownLatch(1);
        Handler h = new Handler() {
            @Override
            public void publish(LogRecord r) {
                String m = r.getMessage();
                // Only the blocker's own reports (a loaded machine may make other steps slow too).
                if (m.matches("(?s)Executing <Task \\w+ name='blocker'.*")) {
                    reports.add(m);
                    if (m.contains("still running")) {
                        reported.countDown();
                    }
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        Logger jul = Logger.getLogger("jasyncio");
        jul.addHandler(h);
        Path jfr = Files.createTempFile("slowstep", ".jfr");
        try (Recording recording = new Recording(); Runner runner = new Runner(true, null)) {
            recording.enable("io.jasyncio.SlowStep");
            recording.start();
            runner.getLoop().setSlowCallbackDuration(0.05);
            runner.run(() -> runner.getLoop().createTask(() -> {
                blockingCall(reported);
                return null;
            }, "blocker").await());
            recording.stop();
            recording.dump(jfr);
        } finally {
            jul.removeHandler(h);
        }
        assertThat(reports).hasSize(2);
        assertThat(reports.get(0)).contains("<Task", "blocker", "(still running), at:",
                "at io.jasyncio.SlowStepTest.blockingCall(SlowStepTest.java");
        assertThat(reports.get(1)).contains("took", "it was running at:", "SlowStepTest.blockingCall");
        List<RecordedEvent> events = RecordingFile.readAllEvents(jfr).stream()
                .filter(e -> e.getString("entry").matches("<Task \\w+ name='blocker'.*")).toList();
        Files.delete(jfr);
        // One from the watchdog (still running), one at the end; JFR files are not in commit order.
        assertThat(events).extracting(e -> e.getBoolean("finished")).containsExactlyInAnyOrder(false, true);
        assertThat(events).allSatisfy(e -> assertThat(e.getString("stack")).contains("SlowStepTest.blockingCall"));
    }
}
