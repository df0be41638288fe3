package io.jasyncio.management;

import io.jasyncio.TaskDump;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import javax.management.JMException;
import javax.management.ObjectName;

/**
 * The platform MXBean {@value Loops#MBEAN_NAME}: the tasks of the live loops of {@link Loops}.
 * Its operations run on JMX threads, never on a loop's thread.
 */
final class EventLoops implements EventLoopsMXBean {

    /** How long an operation waits for each loop to take its own snapshot. */
    private static final Duration PATIENCE = Duration.ofSeconds(1);

    private EventLoops() {}

    /** Registers the MXBean with the platform MBeanServer (creating that server if need be). */
    static void register() throws JMException {
        ManagementFactory.getPlatformMBeanServer().registerMBean(new EventLoops(), new ObjectName(Loops.MBEAN_NAME));
    }

    @Override
    public int getLoopCount() {
        return Loops.live().size();
    }

    @Override
    public String formatTable() {
        return text(TaskDump::formatTable);
    }

    @Override
    public String formatTree() {
        return text(TaskDump::formatTree);
    }

    @Override
    public String toJson() {
        StringBuilder b = new StringBuilder("{\"loops\":[");
        List<Loops.Live> loops = Loops.live();
        for (int i = 0; i < loops.size(); i++) {
            Loops.Live live = loops.get(i);
            b.append(i == 0 ? "" : ",").append("{\"thread\":");
            jsonString(b, live.thread());
            try {
                String dump = dump(live).toJson();
                b.append(",\"dump\":").append(dump);
            } catch (RuntimeException e) {
                b.append(",\"error\":");
                jsonString(b, e.toString());
            }
            b.append('}');
        }
        return b.append("]}").toString();
    }

    /** Each live loop under a heading line, as {@code format} renders its dump. */
    private static String text(Function<TaskDump, String> format) {
        StringBuilder b = new StringBuilder();
        List<Loops.Live> loops = Loops.live();
        String nl = System.lineSeparator();
        for (int i = 0; i < loops.size(); i++) {
            Loops.Live live = loops.get(i);
            b.append(i == 0 ? "" : nl).append("event loop ").append(i + 1).append(" of ").append(loops.size())
                    .append(" in thread \"").append(live.thread()).append("\": ").append(live.loop()).append(nl);
            try {
                b.append(format.apply(dump(live)));
            } catch (RuntimeException e) {
                b.append("(its tasks could not be read: ").append(e).append(')').append(nl);
            }
        }
        return b.toString();
    }

    /**
     * The loop's snapshot, taken on its thread if it answers in time.
     *
     * @throws RuntimeException when a direct read of a loop that did not answer failed (the loop
     *     changed under it)
     */
    private static TaskDump dump(Loops.Live live) {
        try {
            return live.loop().dumpTasksThreadsafe(PATIENCE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the loop's snapshot", e);
        }
    }

    private static void jsonString(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        b.append('"');
    }
}
