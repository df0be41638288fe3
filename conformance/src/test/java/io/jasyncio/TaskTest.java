package io.jasyncio;

import static io.jasyncio.Asyncio.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.jasyncio.testing.AsyncioExtension;
import io.jasyncio.testing.Steps;
import io.jasyncio.testing.VirtualClock;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * asyncio's Task outside cancellation: scheduling, results, names, reprs, currentTask/allTasks,
 * getStack, sleep(0), contexts. Ported from CPython's test_tasks.py (3.13); cancellation is in
 * {@link TaskCancellationTest}.
 */
@ExtendWith(AsyncioExtension.class)
class TaskTest {

    // ---- scheduling and results (test_task_basics, test_step_result_future) ----

    @Test
    void createTaskDoesNotRunTheCoroutineUntilTheLoopTurns() {
        Steps steps = new Steps();
        steps.expect(1);
        Task<Void> t = createTask(() -> steps.expect(3));
        steps.expect(2);
        assertThat(t.done()).isFalse();
        sleep(0);
        steps.finish(4);
        assertThat(t.done()).isTrue();
    }

    @Test
    void tasksStartInCreationOrderAfterCallbacksAlreadyScheduled(EventLoop loop) {
        List<String> log = new ArrayList<>();
        loop.callSoon(() -> log.add("callback before"));
        createTask(() -> log.add("task 1"));
        loop.callSoon(() -> log.add("callback between"));
        createTask(() -> log.add("task 2"));
        sleep(0);
        assertThat(log).containsExactly("callback before", "task 1", "callback between", "task 2");
    }

    @Test
    void taskResultIsWhatTheCoroutineReturned() {
        Task<Integer> t = createTask(() -> inner1() + inner2());
        assertThat(t.await()).isEqualTo(1042);
        assertThat(t.done()).isTrue();
        assertThat(t.cancelled()).isFalse();
        assertThat(t.result()).isEqualTo(1042);
        assertThat(t.exception()).isNull();
    }

    private static int inner1() {
        sleep(0);
        return 42;
    }

    private static int inner2() {
        return 1000;
    }

    @Test
    void taskOfAVoidCoroutineHasANullResult() {
        Task<Void> t = createTask(() -> sleep(1));
        assertThat(t.await()).isNull();
        assertThat(t.result()).isNull();
    }

    @Test
    void taskWaitsOnTheFutureItAwaitsAndGetsItsResult(EventLoop loop) {
        Object res = new Object();
        Future<Object> fut = loop.createFuture();
        List<Object> got = new ArrayList<>();
        Task<Void> t = createTask(() -> {
            got.add(fut.await());
        });
        sleep(0);
        assertThat(t.done()).isFalse();
        fut.setResult(res);
        sleep(0);
        assertThat(got).containsExactly(res);
        assertThat(t.done()).isTrue();
    }

    @Test
    void taskExceptionIsTheVeryObjectTheCoroutineThrew() {
        IllegalStateException boom = new IllegalStateException("boom");
        Task<Void> t = createTask(() -> {
            sleep(0);
            throw boom;
        });
        assertThat(catchThrowable(t::await)).isSameAs(boom);
        assertThat(t.done()).isTrue();
        assertThat(t.cancelled()).isFalse();
        assertThat(t.exception()).isSameAs(boom);
        assertThat(catchThrowable(t::result)).isSameAs(boom);
        assertThat(catchThrowable(t::await)).isSameAs(boom);
    }

    @Test
    void checkedExceptionOfACoroutineReachesTheAwaiterUnwrapped() {
        IOException io = new IOException("disk");
        Task<String> t = createTask(() -> {
            throw io;
        });
        Throwable caught = null;
        try {
            t.await();
        } catch (Exception e) {
            caught = e;
        }
        assertThat(caught).isSameAs(io);
    }

    @Test
    void errorThrownByACoroutineBecomesTheTasksException() {
        AssertionError err = new AssertionError("failed check");
        Task<Void> t = createTask(() -> {
            throw err;
        });
        assertThat(catchThrowable(t::await)).isSameAs(err);
        assertThat(t.exception()).isSameAs(err);
    }

    @Test
    void aTaskMayReturnAFutureAsItsResult(EventLoop loop) {
        // test_coroutine_non_gen_function_return_future: a returned future is a value, not awaited.
        Future<String> fut = loop.createFuture();
        Task<Future<String>> t1 = createTask(() -> fut);
        Task<Void> t2 = createTask(() -> fut.setResult("test"));
        assertThat(t1.await()).isSameAs(fut);
        assertThat(t2.await()).isNull();
    }

    @Test
    void taskRefusesSetResultAndSetException() {
        Task<String> t = createTask(() -> "ko");
        assertThatThrownBy(() -> t.setResult("ok")).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("setResult");
        assertThatThrownBy(() -> t.setException(new RuntimeException())).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("setException");
        assertThat(t.await()).isEqualTo("ko");
    }

    @Test
    void taskDoneCallbacksAreScheduledAfterItFinishesInRegistrationOrder() {
        List<String> log = new ArrayList<>();
        Task<String> t = createTask(() -> {
            log.add("body");
            return "r";
        });
        t.addDoneCallback(f -> log.add("cb1 " + f.result()));
        t.addDoneCallback(f -> log.add("cb2 " + f.result()));
        sleep(0);
        assertThat(log).containsExactly("body");
        sleep(0);
        assertThat(log).containsExactly("body", "cb1 r", "cb2 r");
    }

    @Test
    void awaitersOfATaskResumeInTheOrderTheyStartedAwaiting() {
        List<String> log = new ArrayList<>();
        Task<String> t = createTask(() -> sleep(1, "r"));
        for (String n : List.of("a", "b", "c")) {
            createTask(() -> log.add(n + " " + t.await()));
        }
        sleep(0);
        t.addDoneCallback(f -> log.add("callback"));
        t.await();
        sleep(0);
        assertThat(log).containsExactly("a r", "b r", "c r", "callback");
    }

    @Test
    void fireAndForgetTaskRunsToCompletion(VirtualClock clock) {
        // The loop holds strong references to live tasks (asyncio's weak ones let them vanish).
        List<String> log = new ArrayList<>();
        createTask(() -> {
            sleep(1);
            System.gc();
            sleep(1);
            log.add("finished");
        });
        sleep(3);
        assertThat(log).containsExactly("finished");
    }

    // ---- awaiting oneself, other loops ----

    @Test
    void taskAwaitingItselfFails() {
        Task<?>[] self = new Task<?>[1];
        self[0] = createTask(() -> self[0].await());
        Throwable e = catchThrowable(self[0]::await);
        assertThat(e).isInstanceOf(IllegalStateException.class).hasMessageContaining("Task cannot await on itself");
        assertThat(self[0].exception()).isSameAs(e);
    }

    @Test
    void taskAwaitingAFutureOfAnotherLoopFails() {
        EventLoop other = new EventLoop(new VirtualClock());
        try {
            Future<String> fut = other.createFuture();
            Task<String> t = createTask(fut::await);
            assertThat(catchThrowable(t::await)).isInstanceOf(IllegalStateException.class)
                    .hasMessageMatching("Task .* got Future .* attached to a different loop");
        } finally {
            other.close();
        }
    }

    @Test
    void suspendingOutsideATaskFailsNamingTheMethod(EventLoop loop) {
        List<Throwable> errors = new ArrayList<>();
        loop.callSoon(() -> errors.add(catchThrowable(() -> sleep(1))));
        sleep(0);
        assertThat(errors).singleElement().isInstanceOf(IllegalStateException.class)
                .extracting(Throwable::getMessage).asString().contains("sleep()");
    }

    // ---- sleep (test_sleep, test_sleep_zero, test_sleep_when_delay_is_nan) ----

    @Test
    void sleepSuspendsForTheDelayAndReturnsTheResult(VirtualClock clock) {
        Task<String> t = createTask(() -> {
            sleep(0.05);
            return sleep(0.05, "yeah");
        });
        assertThat(t.await()).isEqualTo("yeah");
        assertThat(clock.time()).isEqualTo(0.1, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void sleepZeroGivesUpExactlyOneIteration(EventLoop loop) {
        int[] result = {0};
        loop.callSoon(() -> result[0] += 1);
        assertThat(result[0]).isEqualTo(0);
        int num = sleep(0, 10);
        assertThat(result[0]).isEqualTo(1);
        result[0] += num;
        assertThat(result[0]).isEqualTo(11);
    }

    @Test
    void sleepZeroDoesNotLetCallbacksScheduledDuringTheIterationRun(EventLoop loop) {
        List<String> log = new ArrayList<>();
        loop.callSoon(() -> {
            log.add("a");
            loop.callSoon(() -> log.add("a2"));
        });
        sleep(0);
        assertThat(log).containsExactly("a");
        sleep(0);
        assertThat(log).containsExactly("a", "a2");
    }

    @Test
    void negativeSleepBehavesLikeSleepZero(EventLoop loop, VirtualClock clock) {
        List<String> log = new ArrayList<>();
        loop.callSoon(() -> log.add("callback"));
        sleep(-5);
        assertThat(log).containsExactly("callback");
        assertThat(clock.time()).isEqualTo(0.0);
    }

    @Test
    void twoTasksLoopingOnSleepZeroInterleaveStrictly() {
        StringBuilder log = new StringBuilder();
        Task<Void> a = createTask(() -> {
            for (int i = 0; i < 3; i++) {
                log.append('a');
                sleep(0);
            }
        });
        Task<Void> b = createTask(() -> {
            for (int i = 0; i < 3; i++) {
                log.append('b');
                sleep(0);
            }
        });
        gather(a, b);
        assertThat(log).hasToString("ababab");
    }

    @Test
    void sleepOfNaNFails() {
        assertThatThrownBy(() -> sleep(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sleepWithDurationSleepsInVirtualTime(VirtualClock clock) {
        sleep(java.time.Duration.ofMillis(1500));
        assertThat(clock.time()).isEqualTo(1.5);
    }

    // ---- names (test_task_repr_autogenerated, test_task_set_name_pylong, test_bare_create_named_task) ----

    @Test
    void defaultNamesAreTaskNWithIncreasingNumbers() {
        Task<Integer> t1 = createTask(() -> 123);
        Task<Integer> t2 = createTask(() -> 123);
        long n1 = taskNumber(t1.getName());
        long n2 = taskNumber(t2.getName());
        assertThat(n2).isGreaterThan(n1);
        assertThat(t1.toString()).startsWith("<Task pending name='Task-" + n1 + "'");
        assertThat(t1.toString()).isNotEqualTo(t2.toString());
        gather(t1, t2);
    }

    @Test
    void theMainTaskHasADefaultName() {
        assertThat(currentTask().getName()).matches("Task-\\d+");
    }

    private static long taskNumber(String name) {
        Matcher m = Pattern.compile("Task-(\\d+)").matcher(name);
        assertThat(m.matches()).as("default name %s", name).isTrue();
        return Long.parseLong(m.group(1));
    }

    @Test
    void explicitNameIsKeptAndSetNameRenames() {
        Task<Integer> t = createTask(() -> 123, "fetch");
        assertThat(t.getName()).isEqualTo("fetch");
        assertThat(t.toString()).startsWith("<Task pending name='fetch'");
        t.setName("renamed");
        assertThat(t.getName()).isEqualTo("renamed");
        t.await();
        assertThat(t).hasToString("<Task finished name='renamed' result=123>");
    }

    @Test
    void setNameOfNullNamesTheTaskNull() {
        // asyncio: set_name(x) stores str(x), so None gives 'None'.
        Task<Integer> t = createTask(() -> 1);
        t.setName(null);
        assertThat(t.getName()).isEqualTo("null");
        t.await();
    }

    @Test
    void theRunningTaskCanRenameItself() {
        Task<String> t = createTask(() -> {
            currentTask().setName("self-named");
            return currentTask().getName();
        });
        assertThat(t.await()).isEqualTo("self-named");
    }

    // ---- reprs (test_task_repr, test_task_repr_wait_for) ----

    @Test
    void reprOfATaskNotYetStarted() {
        Task<String> t = createTask(() -> "abc", "TestTask");
        assertThat(t.toString()).matches("<Task pending name='TestTask' coro=<[^<>]+>>");
        t.addDoneCallback(f -> {});
        assertThat(t.toString()).matches("<Task pending name='TestTask' coro=<[^<>]+> cb=\\[1]>");
        t.await();
    }

    @Test
    void reprOfTheRunningTaskSaysItIsRunning() {
        Task<String> t = createTask(() -> currentTask().toString(), "TestTask");
        // cb=[1]: this test's main task awaits it.
        assertThat(t.await()).matches("<Task pending name='TestTask' coro=<[^<>]*running[^<>]*> cb=\\[1]>");
    }

    @Test
    void reprOfTheRunningTaskNamesNoJdkFrame() {
        Task<List<String>> t = createTask(() -> List.of(currentTask().toString(), "" + currentTask(),
                String.valueOf(currentTask())), "TestTask");
        for (String repr : t.await()) {
            assertThat(repr).doesNotContainPattern("coro=<(String|StringBuilder|StringConcatHelper|Continuation"
                    + "|VirtualThread|Thread|ForkJoin\\w*)\\.");
        }
    }

    @Test
    void reprOfFinishedTasks() {
        Task<String> t = createTask(() -> "abc", "TestTask");
        t.await();
        assertThat(t).hasToString("<Task finished name='TestTask' result='abc'>");
        Task<Void> v = createTask(() -> sleep(0), "Void");
        v.await();
        assertThat(v).hasToString("<Task finished name='Void' result=null>");
        Task<Void> failed = createTask(() -> {
            throw new IllegalStateException("boom");
        }, "Failed");
        catchThrowable(failed::await);
        assertThat(failed).hasToString("<Task finished name='Failed' exception=java.lang.IllegalStateException: boom>");
    }

    @Test
    void reprOfACancelledTask() {
        Task<Void> t = createTask(() -> sleep(10), "TestTask");
        sleep(0);
        t.cancel();
        catchThrowable(t::await);
        assertThat(t).hasToString("<Task cancelled name='TestTask'>");
    }

    @Test
    void reprOfASuspendedTaskNamesWhatItWaitsFor(EventLoop loop) {
        Future<String> fut = loop.createFuture();
        Task<String> t = createTask(fut::await, "TestTask");
        sleep(0);
        assertThat(t.toString()).matches("<Task pending name='TestTask' coro=<[^<>]+> wait_for=.*Future pending.*>");
        fut.setResult(null);
        t.await();
    }

    @Test
    void reprOfASuspendedTaskShowsTheAwaitedFuturesRepr(EventLoop loop) {
        Future<String> fut = loop.createFuture();
        Task<String> t = createTask(fut::await, "TestTask");
        sleep(0);
        t.addDoneCallback(f -> {});
        assertThat(t.toString()).matches("<Task pending name='TestTask' coro=<[^<>]+> wait_for="
                + Pattern.quote(fut.toString()) + " cb=\\[1]>");
        Task<String> outer = createTask(t::await, "Outer");
        sleep(0);
        assertThat(outer.toString()).contains("wait_for=<Task pending name='TestTask'");
        fut.setResult(null);
        outer.await();
    }

    // ---- currentTask / allTasks (test_current_task, test_current_task_with_interleaving_tasks) ----

    @Test
    void currentTaskIsTheTaskRunningNow() {
        Task<?> main = currentTask();
        assertThat(main).isNotNull();
        Task<?>[] seen = new Task<?>[2];
        Task<?>[] t = new Task<?>[1];
        t[0] = createTask(() -> {
            seen[0] = currentTask();
            sleep(0);
            seen[1] = currentTask();
        });
        t[0].await();
        assertThat(seen).containsExactly(t[0], t[0]);
        assertThat(currentTask()).isSameAs(main);
    }

    @Test
    void currentTaskIsNullInAPlainCallback(EventLoop loop) {
        List<Object> seen = new ArrayList<>();
        loop.callSoon(() -> {
            seen.add(String.valueOf(currentTask()));
            seen.add(String.valueOf(loop.currentTask()));
        });
        sleep(0);
        assertThat(seen).containsExactly("null", "null");
    }

    @Test
    void currentTaskFollowsInterleavingTasks(EventLoop loop) {
        Future<Boolean> fut1 = loop.createFuture();
        Future<Boolean> fut2 = loop.createFuture();
        List<String> log = new ArrayList<>();
        Task<?>[] tasks = new Task<?>[2];
        tasks[0] = createTask(() -> {
            log.add("1 is current: " + (currentTask() == tasks[0]));
            fut1.await();
            log.add("1 is current: " + (currentTask() == tasks[0]));
            fut2.setResult(true);
        });
        tasks[1] = createTask(() -> {
            log.add("2 is current: " + (currentTask() == tasks[1]));
            fut1.setResult(true);
            fut2.await();
            log.add("2 is current: " + (currentTask() == tasks[1]));
        });
        gather(tasks[0], tasks[1]);
        assertThat(log).containsExactly("1 is current: true", "2 is current: true", "1 is current: true",
                "2 is current: true");
    }

    @Test
    void allTasksListsThePendingTasksOfTheLoopInCreationOrder(EventLoop loop) {
        Task<?> main = currentTask();
        Task<Void> a = createTask(() -> sleep(1));
        Task<Void> b = createTask(() -> sleep(2));
        assertThat(allTasks()).containsExactly(main, a, b);
        assertThat(loop.allTasks()).containsExactly(main, a, b);
        a.await();
        assertThat(allTasks()).containsExactly(main, b);
        b.await();
        assertThat(allTasks()).containsExactly(main);
    }

    @Test
    void allTasksIncludesTasksNotYetStarted() {
        Task<Void> t = createTask(() -> {});
        assertThat(allTasks()).contains(t);
        t.await();
        assertThat(allTasks()).doesNotContain(t);
    }

    @Test
    void outsideALoopThereIsNoCurrentTaskAndNoTaskList() throws InterruptedException {
        // test_current_task_no_running_loop; checked on a thread without a loop.
        Object[] seen = new Object[2];
        Thread t = Thread.ofPlatform().start(() -> {
            seen[0] = String.valueOf(currentTask());
            seen[1] = catchThrowable(Asyncio::allTasks);
        });
        t.join();
        assertThat(seen[0]).isEqualTo("null");
        assertThat(seen[1]).isInstanceOf(IllegalStateException.class);
    }

    // ---- getStack / printStack (test_get_stack) ----

    private static void stackFoo(Future<?> f) {
        stackBar(f);
    }

    private static void stackBar(Future<?> f) {
        f.await();
    }

    private static List<String> testFrames(List<StackTraceElement> stack) {
        return stack.stream().filter(e -> e.getClassName().equals(TaskTest.class.getName()))
                .map(StackTraceElement::getMethodName).toList();
    }

    @Test
    void getStackOfASuspendedTaskListsItsFramesInnermostFirst(EventLoop loop) {
        Future<String> f = loop.createFuture();
        Task<Void> t = createTask(() -> stackFoo(f));
        sleep(0);
        List<String> frames = testFrames(t.getStack());
        assertThat(frames).hasSize(3);
        assertThat(frames.subList(0, 2)).containsExactly("stackBar", "stackFoo");
        assertThat(frames.get(2)).startsWith("lambda$");
        f.setResult(null);
        t.await();
    }

    @Test
    void getStackStartsAtTheCallersSuspendingCallAndEndsAtTheCoroutine(EventLoop loop) {
        Future<String> f = loop.createFuture();
        Task<Void> t = createTask(() -> stackFoo(f));
        sleep(0);
        List<StackTraceElement> stack = t.getStack();
        assertThat(stack).extracting(StackTraceElement::getClassName).containsOnly(TaskTest.class.getName());
        assertThat(stack.get(0).getMethodName()).isEqualTo("stackBar");
        f.setResult(null);
        t.await();
    }

    @Test
    void getStackIsEmptyForATaskThatIsNotSuspended() {
        Task<List<StackTraceElement>> running = createTask(() -> currentTask().getStack());
        assertThat(running.await()).isEmpty();
        Task<Void> notStarted = createTask(() -> {});
        assertThat(notStarted.getStack()).isEmpty();
        notStarted.await();
        assertThat(notStarted.getStack()).isEmpty();
    }

    @Test
    void printStackPrintsTheTaskAndItsFrames(EventLoop loop) {
        Future<String> f = loop.createFuture();
        Task<Void> t = createTask(() -> stackFoo(f), "Printed");
        sleep(0);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        t.printStack(new PrintStream(out, true, StandardCharsets.UTF_8));
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(text).startsWith("Stack for <Task pending name='Printed'");
        assertThat(text).containsPattern("\n\tat io\\.jasyncio\\.TaskTest\\.stackBar\\(TaskTest\\.java:\\d+\\)\n"
                + "\tat io\\.jasyncio\\.TaskTest\\.stackFoo\\(TaskTest\\.java:\\d+\\)\n");
        f.setResult(null);
        t.await();
        out.reset();
        t.printStack(new PrintStream(out, true, StandardCharsets.UTF_8));
        assertThat(out.toString(StandardCharsets.UTF_8))
                .isEqualTo("Stack for <Task finished name='Printed' result=null>: no frames (not suspended)"
                        + System.lineSeparator());
    }

    // ---- contexts (test_context_1..6, test_get_context) ----

    @Test
    void taskRunsInACopyOfItsCreatorsContext() {
        ContextVar<String> cv = new ContextVar<>("cv", "default");
        cv.set("creator");
        Task<String> t = createTask(() -> {
            String seen = cv.get();
            cv.set("task");
            sleep(0);
            return seen + "/" + cv.get();
        });
        cv.set("creator changed later");
        assertThat(t.await()).isEqualTo("creator/task");
        assertThat(cv.get()).isEqualTo("creator changed later");
    }

    @Test
    void taskGivenAContextRunsInThatVeryContext() {
        ContextVar<Integer> cv = new ContextVar<>("cv", 0);
        cv.set(1);
        Context ctx = Context.copyCurrent();
        Task<Integer> t1 = createTask(() -> {
            cv.set(cv.get() + 1);
            return cv.get();
        }, null, ctx);
        Task<Integer> t2 = createTask(() -> {
            sleep(0);
            cv.set(cv.get() + 10);
            return cv.get();
        }, null, ctx);
        assertThat(t1.getContext()).isSameAs(ctx);
        assertThat(t2.getContext()).isSameAs(ctx);
        assertThat(gather(t1, t2)).containsExactly(2, 12);
        assertThat(cv.get()).isEqualTo(1);
    }

    @Test
    void getCoroReturnsTheCoroutineWhilePending() {
        Coroutine<String> coro = () -> "x";
        Task<String> t = createTask(coro);
        assertThat(t.getCoro()).isSameAs(coro);
        t.await();
    }

    @Test
    void getCoroKeepsTheCoroutineOfAFinishedTaskButNotOfAnEagerlyFinishedOne() {
        // asyncio keeps the coroutine of a finished task (test_get_coro) and drops it only after
        // an eager completion (test_eager_task_factory.py::test_issue122332).
        Coroutine<String> coro = () -> {
            sleep(0);
            return "x";
        };
        Task<String> t = createTask(coro);
        t.await();
        assertThat(t.getCoro()).isSameAs(coro);

        Task<String> eager = getRunningLoop().newTask(() -> "at once", null, null, true);
        assertThat(eager.done()).isTrue();
        assertThat(eager.getCoro()).isNull();
    }
}
