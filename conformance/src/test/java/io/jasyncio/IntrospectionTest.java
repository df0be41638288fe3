package io.jasyncio;

import static io.jasyncio.Asyncio.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.jasyncio.testing.AsyncioExtension;
import io.jasyncio.testing.VirtualClock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Task dumps, call graphs and deadlock naming (issue 6). */
@ExtendWith(AsyncioExtension.class)
class IntrospectionTest {

    static void leaf(List<FutureCallGraph> graphs) {
        graphs.add(captureCallGraph());
        sleep(10);
    }

    @Test
    void callGraphOfAThreeLevelTaskGroupAndGatherTree(VirtualClock clock) {
        List<FutureCallGraph> graphs = new ArrayList<>();
        Task<?> root = createTask(() -> taskGroup(tg -> {
            tg.createTask(() -> {
                Task<?> a = createTask(() -> leaf(graphs), "leaf-a");
                gather(a);
                return null;
            }, "middle");
        }), "root");
        sleep(1);
        // leaf-a captured its graph while running: its awaiter is 'middle' (gather), awaited by 'root' (TaskGroup).
        FutureCallGraph g = graphs.get(0);
        assertThat(((Task<?>) g.future()).getName()).isEqualTo("leaf-a");
        assertThat(g.callStack()).first().extracting(StackTraceElement::getMethodName).isEqualTo("leaf");
        assertThat(g.awaitedBy()).singleElement().satisfies(middle -> {
            assertThat(((Task<?>) middle.future()).getName()).isEqualTo("middle");
            assertThat(middle.awaiting()).startsWith("gather(");
            assertThat(middle.awaitedBy()).singleElement().satisfies(r -> {
                assertThat(((Task<?>) r.future()).getName()).isEqualTo("root");
            });
        });
        // Captured from outside (the test task), leaf-a is suspended in its sleep.
        Task<?> leafTask = allTasks().stream().filter(t -> t.getName().equals("leaf-a")).findFirst().orElseThrow();
        FutureCallGraph later = captureCallGraph(leafTask);
        assertThat(later.awaiting()).startsWith("<sleep until 10.0");
        assertThat(later.callStack()).extracting(StackTraceElement::getMethodName).contains("leaf");
        assertThat(later.format()).contains("* Task(name='leaf-a'", "+ Awaited by:", "* Task(name='middle'",
                "* Task(name='root'", "awaiting TaskGroup exit");
        root.cancel();
    }

    @Test
    void taskTreeShowsWhoCreatedWhomAndWhatEachAwaits(EventLoop loop, VirtualClock clock) {
        Event never = new Event();
        Task<?> parent = createTask(() -> {
            createTask(never::await, "child");
            sleep(5);
        }, "parent");
        sleep(1);
        TaskDump dump = loop.dumpTasks();
        TaskDump.TaskInfo p = dump.tasks().stream().filter(t -> t.name().equals("parent")).findFirst().orElseThrow();
        TaskDump.TaskInfo c = dump.tasks().stream().filter(t -> t.name().equals("child")).findFirst().orElseThrow();
        assertThat(c.parentId()).isEqualTo(p.id());
        assertThat(c.awaiting()).startsWith("<Event");
        assertThat(p.awaiting()).startsWith("<sleep until 5.0");
        assertThat(dump.formatTree()).contains("(T) parent [awaiting <sleep until 5.0", "    └── (T) child [awaiting <Event");
        assertThat(dump.toJson()).contains("\"name\":\"child\"", "\"parent\":" + p.id());
        parent.cancel();
        allTasks().stream().filter(t -> t.getName().equals("child")).forEach(Task::cancel);
    }

    @Test
    void aDeadlockBetweenTwoTasksAndTwoLocksIsNamed(EventLoop loop) {
        Lock a = new Lock();
        Lock b = new Lock();
        Task<?> t1 = createTask(() -> {
            try (var _ = a.acquire()) {
                sleep(0);
                try (var _ = b.acquire()) {
                    return null;
                }
            }
        }, "one");
        Task<?> t2 = createTask(() -> {
            try (var _ = b.acquire()) {
                sleep(0);
                try (var _ = a.acquire()) {
                    return null;
                }
            }
        }, "two");
        sleep(0);
        sleep(0);
        List<TaskDump.Deadlock> deadlocks = loop.dumpTasks().deadlocks();
        assertThat(deadlocks).singleElement().satisfies(d -> {
            assertThat(d.cycle()).extracting(TaskDump.TaskInfo::name).containsExactlyInAnyOrder("one", "two");
            assertThat(d.describe()).contains("deadlock: task '", "awaits <Lock [locked, waiters:1]>",
                    "waiting for task 'two'", "waiting for task 'one'");
        });
        t1.cancel();
        t2.cancel();
    }
}
