package io.jasyncio;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A snapshot of a loop's live tasks: what each one awaits, which tasks it waits for, where it is
 * suspended, who created it; the deadlocks among them. The data behind {@code ./jasyncio ps} and
 * {@code pstree}, {@link Asyncio#printCallGraph} and stall reports.
 *
 * <p>Take it on the loop's thread ({@link EventLoop#dumpTasks()}); from another thread,
 * {@link EventLoop#dumpTasksThreadsafe(java.time.Duration)} asks the loop for one.
 *
 * <p>"Waits for" edges: a task awaiting another task waits for it; awaiting {@code gather} or a
 * {@link TaskGroup}'s exit, for the children not done; parked on a {@link Lock}, for the task holding
 * it. A cycle of such edges is a deadlock: none of its tasks can ever run again.
 */
public final class TaskDump {

    /**
     * One task.
     *
     * @param id the task's id ({@link Task#getId()})
     * @param name its name
     * @param state {@code running}, {@code ready} (scheduled to run) or {@code suspended}
     * @param parentId the id of the task that created it, while that one is live; 0 otherwise
     * @param awaiting what it is suspended on: a task, {@code gather(...)}, a lock's or queue's repr,
     *     {@code <sleep until t>}; empty when not suspended
     * @param waitsFor the ids of the tasks that must progress for it to wake
     * @param stack where it is suspended, innermost frame first
     * @param createdAt where it was created (debug mode only; empty otherwise)
     */
    public record TaskInfo(long id, String name, String state, long parentId, String awaiting, List<Long> waitsFor,
            List<StackTraceElement> stack, List<StackTraceElement> createdAt) {}

    /** A cycle of tasks waiting for each other, in order: each waits for the next, the last for the first. */
    public record Deadlock(List<TaskInfo> cycle) {
        /**
         * In words: {@code deadlock: task 'a' awaits <Lock [locked, waiters:1]>, waiting for task 'b';
         * task 'b' awaits <Lock [locked, waiters:1]>, waiting for task 'a'}.
         */
        public String describe() {
            StringBuilder b = new StringBuilder("deadlock: ");
            for (int i = 0; i < cycle.size(); i++) {
                TaskInfo t = cycle.get(i);
                TaskInfo next = cycle.get((i + 1) % cycle.size());
                b.append(i == 0 ? "" : "; ").append("task '").append(t.name()).append("' awaits ").append(t.awaiting())
                        .append(", waiting for task '").append(next.name()).append('\'');
            }
            return b.toString();
        }
    }

    private final String loop;
    private final double time;
    private final List<TaskInfo> tasks;

    private TaskDump(String loop, double time, List<TaskInfo> tasks) {
        this.loop = loop;
        this.time = time;
        this.tasks = tasks;
    }

    /** Takes the snapshot. Call on the loop's thread (or accept a possibly inconsistent one). */
    static TaskDump capture(EventLoop loop) {
        Set<Task<?>> live = loop.allTasks();
        Map<Integer, Task<?>> byId = new HashMap<>();
        for (Task<?> t : live) {
            byId.put((int) t.getId(), t);
        }
        List<TaskInfo> out = new ArrayList<>(live.size());
        for (Task<?> t : live) {
            Object w = t.waitingOn();
            String state = t == loop.currentTask ? "running" : w == null ? "ready" : "suspended";
            Task<?> parent = t.parentId == 0 ? null : byId.get(t.parentId);
            List<Long> waitsFor = new ArrayList<>();
            for (Task<?> b : blockers(w)) {
                if (!b.done()) {
                    waitsFor.add(b.getId());
                }
            }
            StackTraceElement[] site = loop.creationSite(t);
            out.add(new TaskInfo(t.getId(), t.getName(), state, parent == null ? 0 : parent.getId(),
                    w == null ? "" : label(w), List.copyOf(waitsFor),
                    t == loop.currentTask ? List.of() : t.getStack(), site == null ? List.of() : List.of(site)));
        }
        return new TaskDump(loop.toString(), loop.time(), List.copyOf(out));
    }

    /** What a suspended task's waiter is, in words. */
    static String label(Object waiter) {
        return waiter instanceof Future<?> f ? f.awaitLabel() : String.valueOf(waiter);
    }

    /** The tasks a waiter waits for: the awaited task, composite children, a lock's holder. */
    static List<Task<?>> blockers(Object waiter) {
        if (!(waiter instanceof Future<?> f)) {
            return List.of();
        }
        if (f instanceof Task<?> t) {
            return List.of(t);
        }
        if (f instanceof WaitQueue.Parked p && p.queue.owner() instanceof Lock l) {
            Task<?> holder = l.holder();
            return holder == null ? List.of() : List.of(holder);
        }
        List<Task<?>> out = new ArrayList<>();
        for (Future<?> c : f.awaitedFutures()) {
            if (c instanceof Task<?> t) {
                out.add(t);
            }
        }
        return out;
    }

    /** The loop's repr when the snapshot was taken. */
    public String loop() {
        return loop;
    }

    /** The loop's time when the snapshot was taken. */
    public double time() {
        return time;
    }

    /** The live tasks, in creation order. */
    public List<TaskInfo> tasks() {
        return tasks;
    }

    /** The task with this id, or null. */
    public TaskInfo task(long id) {
        for (TaskInfo t : tasks) {
            if (t.id() == id) {
                return t;
            }
        }
        return null;
    }

    /**
     * The deadlocks: one cycle for every group of tasks that wait for each other (a strongly
     * connected component of the waits-for graph, found in linear time), in task order.
     */
    public List<Deadlock> deadlocks() {
        Map<Long, TaskInfo> byId = new LinkedHashMap<>();
        for (TaskInfo t : tasks) {
            byId.put(t.id(), t);
        }
        Map<Long, Integer> component = new Tarjan(byId).run();
        List<Deadlock> found = new ArrayList<>();
        Set<Integer> reported = new LinkedHashSet<>();
        for (TaskInfo t : tasks) {
            int c = component.get(t.id());
            if (reported.contains(c) || !inCycle(t, c, component)) {
                continue;
            }
            reported.add(c);
            // Walk edges inside the component until a task repeats: that is one cycle.
            List<TaskInfo> path = new ArrayList<>();
            Map<Long, Integer> at = new HashMap<>();
            TaskInfo cur = t;
            while (!at.containsKey(cur.id())) {
                at.put(cur.id(), path.size());
                path.add(cur);
                for (long next : cur.waitsFor()) {
                    Integer nc = component.get(next);
                    if (nc != null && nc == c) {
                        cur = byId.get(next);
                        break;
                    }
                }
            }
            found.add(new Deadlock(List.copyOf(path.subList(at.get(cur.id()), path.size()))));
        }
        return found;
    }

    private static boolean inCycle(TaskInfo t, int c, Map<Long, Integer> component) {
        for (long next : t.waitsFor()) {
            Integer nc = component.get(next);
            if (nc != null && nc == c) {
                return true; // an edge inside its own component (a self-wait counts)
            }
        }
        return false;
    }

    /** Tarjan's strongly connected components, iterative (task graphs can be deep). */
    private static final class Tarjan {
        private final Map<Long, TaskInfo> byId;
        private final Map<Long, Integer> index = new HashMap<>();
        private final Map<Long, Integer> low = new HashMap<>();
        private final Map<Long, Integer> component = new HashMap<>();
        private final java.util.ArrayDeque<Long> stack = new java.util.ArrayDeque<>();
        private final Set<Long> onStack = new java.util.HashSet<>();
        private int counter;
        private int components;

        Tarjan(Map<Long, TaskInfo> byId) {
            this.byId = byId;
        }

        Map<Long, Integer> run() {
            for (long v : byId.keySet()) {
                if (!index.containsKey(v)) {
                    visit(v);
                }
            }
            return component;
        }

        private void visit(long root) {
            // Frames: {node, next edge position}.
            java.util.ArrayDeque<long[]> work = new java.util.ArrayDeque<>();
            open(root);
            work.push(new long[] {root, 0});
            while (!work.isEmpty()) {
                long[] frame = work.peek();
                long v = frame[0];
                List<Long> edges = byId.get(v).waitsFor();
                if (frame[1] < edges.size()) {
                    long w = edges.get((int) frame[1]++);
                    if (!byId.containsKey(w)) {
                        continue;
                    }
                    if (!index.containsKey(w)) {
                        open(w);
                        work.push(new long[] {w, 0});
                    } else if (onStack.contains(w)) {
                        low.put(v, Math.min(low.get(v), index.get(w)));
                    }
                    continue;
                }
                work.pop();
                if (!work.isEmpty()) {
                    long parent = work.peek()[0];
                    low.put(parent, Math.min(low.get(parent), low.get(v)));
                }
                if (low.get(v).equals(index.get(v))) {
                    long w;
                    do {
                        w = stack.pop();
                        onStack.remove(w);
                        component.put(w, components);
                    } while (w != v);
                    components++;
                }
            }
        }

        private void open(long v) {
            index.put(v, counter);
            low.put(v, counter);
            counter++;
            stack.push(v);
            onStack.add(v);
        }
    }

    /** {@code ./jasyncio ps}: one line per task. */
    public String formatTable() {
        StringBuilder b = new StringBuilder();
        b.append(String.format("%-8s %-24s %-10s %-8s %-40s %s%n", "id", "name", "state", "parent", "awaiting", "at"));
        for (TaskInfo t : tasks) {
            b.append(String.format("%-8d %-24s %-10s %-8s %-40s %s%n", t.id(), clip(t.name(), 24), t.state(),
                    t.parentId() == 0 ? "-" : Long.toString(t.parentId()), clip(t.awaiting(), 40),
                    t.stack().isEmpty() ? "" : t.stack().get(0)));
        }
        for (Deadlock d : deadlocks()) {
            b.append(d.describe()).append(System.lineSeparator());
        }
        return b.toString();
    }

    /** {@code ./jasyncio pstree}: the tasks as a tree of who created whom, with what each awaits. */
    public String formatTree() {
        Map<Long, List<TaskInfo>> children = new LinkedHashMap<>();
        List<TaskInfo> roots = new ArrayList<>();
        for (TaskInfo t : tasks) {
            if (t.parentId() == 0) {
                roots.add(t);
            } else {
                children.computeIfAbsent(t.parentId(), k -> new ArrayList<>()).add(t);
            }
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < roots.size(); i++) {
            tree(b, roots.get(i), "", i == roots.size() - 1, children);
        }
        for (Deadlock d : deadlocks()) {
            b.append(d.describe()).append(System.lineSeparator());
        }
        return b.toString();
    }

    private static void tree(StringBuilder b, TaskInfo t, String indent, boolean last, Map<Long, List<TaskInfo>> children) {
        b.append(indent).append(last ? "└── " : "├── ").append("(T) ").append(t.name()).append(" [")
                .append(t.awaiting().isEmpty() ? t.state() : "awaiting " + t.awaiting()).append(']');
        if (!t.stack().isEmpty()) {
            b.append(" at ").append(t.stack().get(0));
        }
        b.append(System.lineSeparator());
        List<TaskInfo> kids = children.getOrDefault(t.id(), Collections.emptyList());
        for (int i = 0; i < kids.size(); i++) {
            tree(b, kids.get(i), indent + (last ? "    " : "│   "), i == kids.size() - 1, children);
        }
    }

    /** The snapshot as JSON: {@code {"loop":..., "time":..., "tasks":[...], "deadlocks":[[ids...]]}}. */
    public String toJson() {
        StringBuilder b = new StringBuilder("{\"loop\":");
        Json.string(b, loop);
        b.append(",\"time\":").append(time).append(",\"tasks\":[");
        for (int i = 0; i < tasks.size(); i++) {
            TaskInfo t = tasks.get(i);
            b.append(i == 0 ? "" : ",").append("{\"id\":").append(t.id()).append(",\"name\":");
            Json.string(b, t.name());
            b.append(",\"state\":");
            Json.string(b, t.state());
            b.append(",\"parent\":").append(t.parentId() == 0 ? "null" : Long.toString(t.parentId()));
            b.append(",\"awaiting\":");
            Json.string(b, t.awaiting());
            b.append(",\"waits_for\":").append(t.waitsFor().toString().replace(" ", ""));
            b.append(",\"stack\":");
            Json.frames(b, t.stack());
            b.append(",\"created_at\":");
            Json.frames(b, t.createdAt());
            b.append('}');
        }
        b.append("],\"deadlocks\":[");
        List<Deadlock> ds = deadlocks();
        for (int i = 0; i < ds.size(); i++) {
            b.append(i == 0 ? "" : ",").append(ds.get(i).cycle().stream().map(t -> Long.toString(t.id())).toList()
                    .toString().replace(" ", ""));
        }
        return b.append("]}").toString();
    }

    private static String clip(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n - 1) + "…";
    }

    @Override
    public String toString() {
        return formatTree();
    }

    /** The little JSON this class writes. */
    private static final class Json {
        static void string(StringBuilder b, String s) {
            b.append('"');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '"' -> b.append("\\\"");
                    case '\\' -> b.append("\\\\");
                    case '\n' -> b.append("\\n");
                    case '\r' -> b.append("\\r");
                    case '\t' -> b.append("\\t");
                    default -> {
                        if (c < 0x20) {
                            b.append(String.format("\\u%04x", (int) c));
                        } else {
                            b.append(c);
                        }
                    }
                }
            }
            b.append('"');
        }

        static void frames(StringBuilder b, List<StackTraceElement> frames) {
            b.append('[');
            for (int i = 0; i < frames.size(); i++) {
                if (i > 0) {
                    b.append(',');
                }
                string(b, frames.get(i).toString());
            }
            b.append(']');
        }
    }
}
