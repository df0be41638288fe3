package io.jasyncio;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The async call graph of a future or task: asyncio 3.14's {@code FutureCallGraph}. For a task,
 * {@code callStack} is where it is suspended; {@code awaitedBy} are the graphs of the tasks awaiting
 * it (directly, through {@code gather}, or as the parent of its {@link TaskGroup}), each with what
 * it awaits ({@code awaiting}: jasyncio's addition, the object on the edge).
 *
 * <pre>{@code
 * * Task(name='worker', id=3)
 * + Call stack:
 * |   at app.Worker.fetch(Worker.java:12)
 * + Awaited by:
 *    * Task(name='Task-1', id=1) awaiting TaskGroup exit (1 tasks left)
 *       + Call stack:
 *       |   at app.Main.main(Main.java:8)
 * }</pre>
 *
 * @param future the future or task
 * @param callStack where the task is suspended (or running, for the current task), innermost first;
 *     empty for a plain future
 * @param awaitedBy the graphs of those awaiting it
 * @param awaiting what the task is suspended on; empty for a plain future or a task not suspended
 */
public record FutureCallGraph(Future<?> future, List<StackTraceElement> callStack, List<FutureCallGraph> awaitedBy,
        String awaiting) {

    /** The call graph of {@code future}, which must belong to the running loop. */
    static FutureCallGraph capture(Future<?> future) {
        EventLoop loop = future.getLoop();
        Map<Future<?>, Boolean> seen = new IdentityHashMap<>();
        return build(future, loop, loop.allTasks(), seen);
    }

    private static FutureCallGraph build(Future<?> f, EventLoop loop, java.util.Set<Task<?>> live,
            Map<Future<?>, Boolean> seen) {
        seen.put(f, true);
        List<StackTraceElement> stack = List.of();
        String awaiting = "";
        if (f instanceof Task<?> t) {
            stack = t == loop.currentTask ? currentStack() : t.getStack();
            Object w = t.waitingOn();
            awaiting = w == null ? "" : TaskDump.label(w);
        }
        List<FutureCallGraph> by = new ArrayList<>();
        for (Task<?> t : live) {
            if (!seen.containsKey(t) && awaits(t, f)) {
                by.add(build(t, loop, live, seen));
            }
        }
        return new FutureCallGraph(f, stack, List.copyOf(by), awaiting);
    }

    /** Whether {@code t} awaits {@code f}: directly, through a composite future, or as its group's parent. */
    private static boolean awaits(Task<?> t, Future<?> f) {
        Object w = t.waitingOn();
        if (w == f) {
            return true;
        }
        if (w instanceof Future<?> wf && wf.awaitedFutures().contains(f)) {
            return true;
        }
        return f instanceof Task<?> child && child.grouped && child.parentId == (int) t.getId();
    }

    /** The running task's own stack, from its caller down to its entry. */
    private static List<StackTraceElement> currentStack() {
        StackTraceElement[] all = new Throwable().getStackTrace();
        List<StackTraceElement> out = new ArrayList<>();
        int i = 0;
        while (i < all.length && (Debug.isKernelFrame(all[i]) || all[i].getClassName().equals(FutureCallGraph.class.getName()))) {
            i++;
        }
        for (; i < all.length; i++) {
            if (all[i].getClassName().equals(Task.class.getName()) && all[i].getMethodName().equals("body")) {
                break;
            }
            out.add(all[i]);
        }
        return out;
    }

    /** The graph as text, in asyncio's {@code format_call_graph} layout. */
    public String format() {
        StringBuilder b = new StringBuilder();
        format(b, "");
        return b.toString();
    }

    private void format(StringBuilder b, String indent) {
        String nl = System.lineSeparator();
        b.append(indent).append("* ").append(head());
        if (!awaiting.isEmpty()) {
            b.append(" awaiting ").append(awaiting);
        }
        b.append(nl);
        if (!callStack.isEmpty()) {
            b.append(indent).append("+ Call stack:").append(nl);
            for (StackTraceElement e : callStack) {
                b.append(indent).append("|   at ").append(e).append(nl);
            }
        }
        if (!awaitedBy.isEmpty()) {
            b.append(indent).append("+ Awaited by:").append(nl);
            for (FutureCallGraph g : awaitedBy) {
                g.format(b, indent + "   ");
            }
        }
    }

    private String head() {
        if (future instanceof Task<?> t) {
            return "Task(name='" + t.getName() + "', id=" + t.getId() + ")";
        }
        return "Future(id=0x" + Integer.toHexString(System.identityHashCode(future)) + ")";
    }

    /** Prints {@link #format()} to {@code out}. */
    public void print(PrintStream out) {
        out.print(format());
    }
}
