package io.jasyncio;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * jasyncio's JDK Flight Recorder events, so that Java profilers show them next to the JVM's own:
 * {@code io.jasyncio.SlowStep} and {@code io.jasyncio.Stall} (on by default when recording), and
 * {@code io.jasyncio.TaskCreated} / {@code io.jasyncio.TaskDone} (off by default: enable them in a
 * JFR settings file). An event type costs nothing while no recording has it enabled.
 */
final class JfrEvents {
    private JfrEvents() {}

    @Name("io.jasyncio.SlowStep")
    @Label("Slow Step")
    @Category({"jasyncio"})
    @Description("A task step or callback ran longer than the loop's slowCallbackDuration (debug mode)")
    @StackTrace(false)
    static final class SlowStep extends Event {
        @Label("What ran")
        String entry;
        @Label("Seconds")
        double seconds;
        @Label("Finished")
        @Description("false: sampled by the watchdog while still running")
        boolean finished;
        @Label("Stack")
        String stack;
    }

    @Name("io.jasyncio.Stall")
    @Label("Event Loop Stall")
    @Category({"jasyncio"})
    @Description("Every task is waiting and nothing can wake one")
    @StackTrace(false)
    static final class Stall extends Event {
        @Label("Deadlock")
        boolean deadlock;
        @Label("Report")
        String report;
    }

    @Name("io.jasyncio.TaskCreated")
    @Label("Task Created")
    @Category({"jasyncio"})
    @Enabled(false)
    static final class TaskCreated extends Event {
        @Label("Task id")
        long id;
        @Label("Parent id")
        long parentId;
    }

    @Name("io.jasyncio.TaskDone")
    @Label("Task Done")
    @Category({"jasyncio"})
    @Enabled(false)
    @StackTrace(false)
    static final class TaskDone extends Event {
        @Label("Task id")
        long id;
        @Label("Name")
        String name;
        @Label("Outcome")
        String outcome;
    }

    static void slowStep(Object entry, double seconds, StackTraceElement[] stack, boolean finished) {
        SlowStep e = new SlowStep();
        if (!e.isEnabled()) {
            return;
        }
        e.entry = String.valueOf(entry);
        e.seconds = seconds;
        e.finished = finished;
        if (stack != null) {
            StringBuilder b = new StringBuilder();
            for (StackTraceElement f : stack) {
                b.append(f).append('\n');
            }
            e.stack = b.toString();
        }
        e.commit();
    }

    static void stall(boolean deadlock, String report) {
        Stall e = new Stall();
        if (e.isEnabled()) {
            e.deadlock = deadlock;
            e.report = report;
            e.commit();
        }
    }

    static void taskCreated(Task<?> task) {
        TaskCreated e = new TaskCreated();
        if (e.isEnabled()) {
            e.id = task.getId();
            e.parentId = task.parentId;
            e.commit();
        }
    }

    static void taskDone(Task<?> task) {
        TaskDone e = new TaskDone();
        if (e.isEnabled()) {
            e.id = task.getId();
            e.name = task.getName();
            e.outcome = task.cancelled() ? "cancelled" : task.peekException() != null ? "failed" : "finished";
            e.commit();
        }
    }
}
