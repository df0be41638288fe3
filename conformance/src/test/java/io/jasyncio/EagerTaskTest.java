package io.jasyncio;

import static io.jasyncio.Asyncio.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.jasyncio.testing.AsyncioExtension;
import io.jasyncio.testing.ExceptionRecorder;
import io.jasyncio.testing.Steps;
import io.jasyncio.testing.VirtualClock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Eager tasks (asyncio 3.12's eager_task_factory): the first step runs inside createTask. Ported
 * from CPython's test_eager_task_factory.py (3.13) and surface notes 2.9.
 */
@ExtendWith(AsyncioExtension.class)
class EagerTaskTest {

    private static void useEagerTasks(EventLoop loop) {
        loop.setTaskFactory(eagerTaskFactory());
    }

    @Test
    void eagerTaskFactoryIsTheLoopsFactoryOnceSet(EventLoop loop) {
        assertThat(loop.getTaskFactory()).isNull();
        useEagerTasks(loop);
        assertThat(loop.getTaskFactory()).isSameAs(eagerTaskFactory());
        Task<Void> t = createTask(() -> {});
        assertThat(t.done()).isTrue();
        loop.setTaskFactory(null);
        Task<Void> lazy = createTask(() -> {});
        assertThat(lazy.done()).isFalse();
        lazy.await();
    }

    // ---- completion inside createTask (test_eager_completion, test_await_future_during_eager_step) ----

    @Test
    void coroutineThatDoesNotSuspendIsDoneWhenCreateTaskReturns(EventLoop loop) {
        useEagerTasks(loop);
        List<String> log = new ArrayList<>();
        loop.callSoon(() -> log.add("callback scheduled before"));
        Task<String> t = createTask(() -> {
            log.add("coroutine");
            return "hello";
        });
        assertThat(t.done()).isTrue();
        assertThat(log).containsExactly("coroutine");
        assertThat(t.await()).isEqualTo("hello");
        assertThat(log).as("awaiting a done task does not suspend").containsExactly("coroutine");
    }

    @Test
    void futureSetDuringTheEagerStepIsDoneWhenCreateTaskReturns(EventLoop loop) {
        useEagerTasks(loop);
        Future<String> fut = loop.createFuture();
        Task<Void> t = createTask(() -> fut.setResult("my message"));
        assertThat(t.done()).isTrue();
        assertThat(fut.await()).isEqualTo("my message");
    }

    @Test
    void eagerStepRunsBeforeCallbacksAlreadyScheduledAndLaterStepsGoThroughTheLoop(EventLoop loop) {
        useEagerTasks(loop);
        Steps steps = new Steps();
        steps.expect(1);
        loop.callSoon(() -> steps.expect(4));
        Task<Void> t = createTask(() -> {
            steps.expect(2);
            sleep(0);
            steps.expect(5);
        });
        steps.expect(3);
        assertThat(t.done()).isFalse();
        t.await();
        steps.finish(6);
    }

    @Test
    void coroutineThatSuspendsIsPendingAndFinishesLater(EventLoop loop, VirtualClock clock) {
        // test_block_after_eager_step
        useEagerTasks(loop);
        Task<String> t = createTask(() -> sleep(0.1, "finished after blocking"));
        assertThat(t.done()).isFalse();
        assertThat(t.await()).isEqualTo("finished after blocking");
        assertThat(clock.time()).isEqualTo(0.1);
    }

    @Test
    void newTaskWithEagerStartRunsEagerlyWithoutAFactory(EventLoop loop) {
        Task<String> eager = loop.newTask(() -> "now", null, null, true);
        assertThat(eager.done()).isTrue();
        Task<String> lazy = loop.newTask(() -> "later", null, null, false);
        assertThat(lazy.done()).isFalse();
        assertThat(lazy.await()).isEqualTo("later");
    }

    // ---- cancellation (test_cancellation_after_eager_completion / _step_blocks) ----

    @Test
    void cancelAfterEagerCompletionReturnsFalse(EventLoop loop) {
        useEagerTasks(loop);
        Task<String> t = createTask(() -> "finished without blocking");
        assertThat(t.cancel()).isFalse();
        assertThat(t.await()).isEqualTo("finished without blocking");
        assertThat(t.cancelled()).isFalse();
        assertThat(t.cancelling()).isEqualTo(0);
    }

    @Test
    void cancelAfterTheEagerStepBlockedDeliversTheMessage(EventLoop loop) {
        useEagerTasks(loop);
        Task<String> t = createTask(() -> sleep(0.1, "finished after blocking"));
        t.cancel("cancellation message");
        assertThat(t.cancelling()).isGreaterThan(0);
        assertThat(catchThrowable(t::await)).isInstanceOf(CancelledError.class).hasMessage("cancellation message");
        assertThat(t.cancelled()).isTrue();
    }

    // ---- current task, all tasks, context (test_current_task, test_all_tasks_*, test_context_vars) ----

    @Test
    void currentTaskDuringTheEagerStepIsTheNewTaskAndTheCreatorAfterwards(EventLoop loop) {
        useEagerTasks(loop);
        Task<?> main = currentTask();
        List<Task<?>> seen = new ArrayList<>();
        Task<Void> t = createTask(() -> {
            seen.add(currentTask());
            sleep(0.1);
            seen.add(currentTask());
        });
        assertThat(seen).containsExactly(t);
        assertThat(currentTask()).isSameAs(main);
        t.await();
        assertThat(seen).containsExactly(t, t);
    }

    @Test
    void nestedEagerStartsRestoreEachCurrentTask(EventLoop loop) {
        useEagerTasks(loop);
        Task<?> main = currentTask();
        List<Object> seen = new ArrayList<>();
        Task<?>[] b = new Task<?>[1];
        Task<Void> a = createTask(() -> {
            seen.add(currentTask());
            b[0] = createTask(() -> {
                seen.add(currentTask());
            });
            seen.add(b[0].done());
            seen.add(currentTask());
        });
        seen.add(currentTask());
        assertThat(seen).containsExactly(a, b[0], true, a, main);
    }

    @Test
    void allTasksIncludesTheTaskDuringItsEagerStepButNotAfterItsEagerCompletion(EventLoop loop) {
        useEagerTasks(loop);
        List<java.util.Set<Task<?>>> captured = new ArrayList<>();
        Task<Void> t = createTask(() -> {
            captured.add(allTasks());
        });
        assertThat(captured.get(0)).contains(t);
        assertThat(allTasks()).doesNotContain(t);
    }

    @Test
    void allTasksIncludesAnEagerTaskThatBlockedUntilItIsDone(EventLoop loop) {
        useEagerTasks(loop);
        Future<String> fut1 = loop.createFuture();
        Future<String> fut2 = loop.createFuture();
        List<java.util.Set<Task<?>>> captured = new ArrayList<>();
        Task<Void> t = createTask(() -> {
            captured.add(allTasks());
            fut1.await();
            fut2.setResult(null);
        });
        assertThat(captured.get(0)).contains(t);
        assertThat(allTasks()).contains(t);
        fut1.setResult(null);
        fut2.await();
        sleep(0);
        assertThat(allTasks()).doesNotContain(t);
    }

    @Test
    void eagerStepRunsInTheTasksOwnCopyOfTheContext(EventLoop loop) {
        useEagerTasks(loop);
        ContextVar<Integer> cv = new ContextVar<>("cv", 0);
        List<String> log = new ArrayList<>();
        cv.set(1);
        Task<Void> t = createTask(() -> {
            log.add("first step sees " + cv.get());
            cv.set(2);
            sleep(0.1);
            log.add("second step sees " + cv.get());
            cv.set(3);
        });
        assertThat(log).containsExactly("first step sees 1");
        assertThat(cv.get()).isEqualTo(1);
        t.await();
        assertThat(log).containsExactly("first step sees 1", "second step sees 2");
        assertThat(cv.get()).isEqualTo(1);
    }

    @Test
    void eagerStartInsideAPlainCallbackRestoresTheCallbacksContext(EventLoop loop) {
        useEagerTasks(loop);
        ContextVar<String> cv = new ContextVar<>("cv", "default");
        List<String> log = new ArrayList<>();
        loop.callSoon(() -> {
            cv.set("callback");
            createTask(() -> {
                log.add("task sees " + cv.get());
                cv.set("task");
            });
            log.add("callback sees " + cv.get() + ", current task " + currentTask());
        });
        sleep(0);
        assertThat(log).containsExactly("task sees callback", "callback sees callback, current task null");
    }

    @Test
    void eagerStartInsideAPlainCallbackLeavesNoCurrentTask(EventLoop loop) {
        useEagerTasks(loop);
        List<String> log = new ArrayList<>();
        loop.callSoon(() -> {
            Task<Task<?>> t = createTask(() -> currentTask());
            log.add("eager step saw its task: " + (t.result() == t));
            log.add("callback afterwards: " + currentTask());
        });
        sleep(0);
        assertThat(log).containsExactly("eager step saw its task: true", "callback afterwards: null");
    }

    // ---- errors go into the task ----

    @Test
    void exceptionOfTheEagerStepGoesIntoTheTaskNotToTheCaller(EventLoop loop) {
        useEagerTasks(loop);
        IllegalStateException exc = new IllegalStateException("eager failure");
        Task<Void> t = createTask(() -> {
            throw exc;
        });
        assertThat(t.done()).isTrue();
        assertThat(t.exception()).isSameAs(exc);
        assertThat(catchThrowable(t::await)).isSameAs(exc);
    }

    @Test
    void cancelledErrorRaisedByTheEagerStepEndsTheTaskCancelled(EventLoop loop) {
        useEagerTasks(loop);
        Task<Void> t = createTask(() -> {
            throw new CancelledError("by itself");
        });
        assertThat(t.cancelled()).isTrue();
        assertThat(catchThrowable(t::await)).isInstanceOf(CancelledError.class).hasMessage("by itself");
    }

    // ---- names, callbacks, getCoro ----

    @Test
    void eagerTasksGetDefaultAndExplicitNames(EventLoop loop) {
        useEagerTasks(loop);
        Task<String> unnamed = createTask(() -> currentTask().getName());
        assertThat(unnamed.result()).matches("Task-\\d+").isEqualTo(unnamed.getName());
        Task<String> named = createTask(() -> currentTask().getName(), "eager one");
        assertThat(named.result()).isEqualTo("eager one");
    }

    @Test
    void doneCallbacksOfAnEagerlyFinishedTaskAreStillScheduled(EventLoop loop) {
        useEagerTasks(loop);
        List<String> log = new ArrayList<>();
        Task<String> t = createTask(() -> "r");
        t.addDoneCallback(f -> log.add("callback " + f.result()));
        assertThat(log).isEmpty();
        sleep(0);
        assertThat(log).containsExactly("callback r");
    }

    @Test
    void getCoroIsNullAfterEagerCompletion(EventLoop loop) {
        // test_issue122332
        useEagerTasks(loop);
        Task<Void> t = createTask(() -> {});
        t.await();
        assertThat(t.getCoro()).isNull();
    }

    @Test
    void eagerFactoryOnALoopThatIsNotRunningSchedulesTheTaskNormally() {
        EventLoop other = new EventLoop(new VirtualClock());
        ExceptionRecorder recorder = new ExceptionRecorder();
        other.setExceptionHandler(recorder);
        other.setTaskFactory(eagerTaskFactory());
        List<String> log = new ArrayList<>();
        Task<Void> t = other.createTask(() -> {
            log.add("ran");
        });
        assertThat(t.done()).isFalse();
        assertThat(log).isEmpty();
        other.close();
        assertThat(recorder.messages()).containsExactly("Task was destroyed but it is pending!");
    }

    // ---- gather with eager children (test_recursive_gather) ----

    private static void recursiveGather(int width, int depth) {
        if (depth == 0) {
            return;
        }
        List<Coroutine<Object>> children = new ArrayList<>();
        for (int i = 0; i < width; i++) {
            children.add(() -> {
                recursiveGather(width, depth - 1);
                return null;
            });
        }
        gatherAll(false, children);
    }

    @Test
    void recursiveGatherUnderTheEagerFactoryFinishesEveryTaskInsideCreateTask(EventLoop loop) {
        int[] created = {0};
        int[] notDoneAfterCreation = {0};
        loop.setTaskFactory(new TaskFactory() {
            @Override
            public <T> Task<T> create(EventLoop l, Coroutine<T> coroutine, String name, Context context) {
                Task<T> t = eagerTaskFactory().create(l, coroutine, name, context);
                created[0]++;
                if (!t.done()) {
                    notDoneAfterCreation[0]++;
                }
                return t;
            }
        });
        Task<Void> t = createTask(() -> recursiveGather(5, 4));
        assertThat(t.done()).isTrue();
        assertThat(created[0]).isEqualTo(1 + 5 + 25 + 125 + 625);
        assertThat(notDoneAfterCreation[0]).isEqualTo(0);
    }

    @Test
    void recursiveGatherWithoutTheEagerFactorySchedulesEveryTask(EventLoop loop) {
        int[] created = {0};
        loop.setTaskFactory(new TaskFactory() {
            @Override
            public <T> Task<T> create(EventLoop l, Coroutine<T> coroutine, String name, Context context) {
                created[0]++;
                return l.newTask(coroutine, name, context, false);
            }
        });
        createTask(() -> recursiveGather(5, 4)).await();
        assertThat(created[0]).isEqualTo(781);
    }

    @Test
    void gatherOfEagerChildrenThatDoNotSuspendReturnsWithoutSuspending(EventLoop loop) {
        useEagerTasks(loop);
        List<String> log = new ArrayList<>();
        loop.callSoon(() -> log.add("callback"));
        assertThat(gather(() -> "a", () -> "b")).containsExactly("a", "b");
        assertThat(log).isEmpty();
    }

    @Test
    void gatherOfAFutureFollowedByTheEagerChildThatCompletesIt(EventLoop loop) {
        useEagerTasks(loop);
        Future<String> fut = loop.createFuture();
        Coroutine<String> setter = () -> {
            fut.setResult("x");
            return "y";
        };
        assertThat(gatherAll(false, List.of(setter, fut))).containsExactly("y", "x");
    }

    @Test
    void gatherOfAPendingFutureThatALaterEagerChildCompletes(EventLoop loop) {
        // asyncio: await gather(fut, setter()) == [1, 2] under eager_task_factory (checked on 3.13).
        useEagerTasks(loop);
        Future<Integer> fut = loop.createFuture();
        Coroutine<Integer> setter = () -> {
            fut.setResult(1);
            return 2;
        };
        assertThat(gatherAll(false, List.of(fut, setter))).containsExactly(1, 2);
    }
}
