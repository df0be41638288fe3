package io.jasyncio;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A scope that owns the tasks created in it: asyncio's {@code TaskGroup} (3.11, with 3.13's
 * cancellation bookkeeping).
 *
 * <pre>{@code
 * taskGroup(tg -> {
 *     tg.createTask(() -> fetch("a"));
 *     tg.createTask(() -> fetch("b"));
 * });                                   // returns when both are done
 * }</pre>
 *
 * <ul>
 *   <li>Leaving the block waits for every child, also children created while waiting.</li>
 *   <li>The first child that fails with something other than {@link CancelledError} cancels the
 *       other children and the block (once); the block's {@code CancelledError} stops at the
 *       group.</li>
 *   <li>Failures come out as one {@link ExceptionGroup} ("unhandled errors in a TaskGroup"),
 *       always a group, nested groups kept; an exception the block raised is one of them.
 *       Cancelled children are not failures.</li>
 *   <li>A cancellation of the enclosing task (from outside) cancels the children and propagates
 *       once they are done, unless there are failures: then the group wins and the task stays
 *       cancelled, so its next suspension sees it.</li>
 *   <li>{@link #createTask} before the block runs, after the group finished, or while it is
 *       shutting down after a failure raises {@link IllegalStateException}.</li>
 *   <li>A {@link VirtualMachineError} (asyncio's KeyboardInterrupt/SystemExit) is rethrown as itself,
 *       after the children are done.</li>
 * </ul>
 *
 * <p>Why {@link #run} takes a lambda rather than being a try-with-resources resource: the group
 * must see the exception leaving the block and replace it; see {@link Timeout}.
 */
public final class TaskGroup {

    /** The block run by {@link TaskGroup#run}: it receives the group to create tasks in. */
    @FunctionalInterface
    public interface Body {
        /** The block; may suspend and may throw. */
        void run(TaskGroup group) throws Exception;
    }

    private boolean entered;
    private boolean exiting;
    private boolean aborting;
    private EventLoop loop;
    private Task<?> parentTask;
    private boolean parentCancelRequested;
    private final Set<Task<?>> tasks = new LinkedHashSet<>();
    private List<Throwable> errors = new ArrayList<>();
    private Throwable baseError;
    private Future<Boolean> onCompleted;
    /** The done callback of every child (one object for the group, not one per child). */
    private final java.util.function.Consumer<Future<Object>> onChildDone = this::onTaskDone;

    /** A group, to be run once with {@link #run}. */
    public TaskGroup() {}

    /**
     * Runs {@code body} as the group's block in the current task and waits for every child.
     *
     * @throws ExceptionGroup with the failures of the children and of the block
     * @throws CancelledError when the enclosing task was cancelled (and nothing failed)
     * @throws IllegalStateException when the group ran before, or no task is running
     */
    public void run(Body body) {
        enter();
        Throwable raised = null;
        try {
            body.run(this);
        } catch (Throwable e) {
            raised = e;
        }
        Throwable result = exit(raised);
        if (result != null) {
            throw Throwables.sneaky(result);
        }
    }

    private void enter() {
        if (entered) {
            throw new IllegalStateException("TaskGroup " + this + " has already been entered");
        }
        EventLoop running = EventLoop.runningOnThisThread();
        Task<?> current = running == null ? null : running.currentTask;
        if (current == null) {
            throw new IllegalStateException("TaskGroup " + this + " cannot determine the parent task");
        }
        loop = running;
        parentTask = current;
        entered = true;
    }

    /** asyncio's __aexit__: returns what to throw (null: nothing). */
    private Throwable exit(Throwable exc) {
        exiting = true;
        if (exc != null && isBaseError(exc) && baseError == null) {
            baseError = exc;
        }
        CancelledError propagateCancellation = exc instanceof CancelledError c ? c : null;
        if (exc != null && !aborting) {
            abort();
        }
        while (!tasks.isEmpty()) {
            if (onCompleted == null) {
                onCompleted = new ExitWait(loop, this);
            }
            try {
                onCompleted.await();
            } catch (CancelledError e) {
                if (!aborting) {
                    propagateCancellation = e;
                    abort();
                }
            }
            onCompleted = null;
        }
        if (baseError != null) {
            return baseError;
        }
        if (parentCancelRequested && parentTask.uncancel() == 0) {
            // The group cancelled the block itself; that CancelledError ends here.
            propagateCancellation = null;
        }
        if (propagateCancellation != null && errors.isEmpty()) {
            return propagateCancellation;
        }
        if (exc != null && !(exc instanceof CancelledError)) {
            errors.add(exc);
        }
        if (!errors.isEmpty()) {
            if (parentTask.cancelling() > 0) {
                // Errors win over a cancellation from outside: keep the task cancelled so that its
                // next suspension sees it, with cancelling() unchanged (asyncio 3.13).
                parentTask.uncancel();
                parentTask.cancel();
            }
            ExceptionGroup group = new ExceptionGroup("unhandled errors in a TaskGroup", errors);
            errors = null;
            return group;
        }
        return null;
    }

    /** Creates a task in this group; see {@link EventLoop#createTask(Coroutine, String, Context)}. */
    public <T> Task<T> createTask(Coroutine<T> coroutine, String name, Context context) {
        if (!entered) {
            throw new IllegalStateException("TaskGroup " + this + " has not been entered");
        }
        if (exiting && tasks.isEmpty()) {
            throw new IllegalStateException("TaskGroup " + this + " is finished");
        }
        if (aborting) {
            throw new IllegalStateException("TaskGroup " + this + " is shutting down");
        }
        Task<T> task = loop.createTask(coroutine, name, context);
        task.grouped = true;
        if (task.done()) {
            onTaskDone(task);
        } else {
            tasks.add(task);
            @SuppressWarnings("unchecked")
            Future<Object> child = (Future<Object>) task;
            child.addInternalCallback(onChildDone);
        }
        return task;
    }

    /** Creates a task in this group. */
    public <T> Task<T> createTask(Coroutine<T> coroutine) {
        return createTask(coroutine, null, null);
    }

    /** Creates a named task in this group. */
    public <T> Task<T> createTask(Coroutine<T> coroutine, String name) {
        return createTask(coroutine, name, null);
    }

    /** Creates a task without a result in this group. */
    public Task<Void> createTask(VoidCoroutine coroutine) {
        return createTask(Coroutine.of(coroutine), null, null);
    }

    /** Creates a named task without a result in this group. */
    public Task<Void> createTask(VoidCoroutine coroutine, String name) {
        return createTask(Coroutine.of(coroutine), name, null);
    }

    private static boolean isBaseError(Throwable e) {
        return e instanceof VirtualMachineError;
    }

    private void abort() {
        aborting = true;
        for (Task<?> t : tasks) {
            if (!t.done()) {
                t.cancel();
            }
        }
    }

    private void onTaskDone(Future<?> task) {
        tasks.remove(task);
        if (onCompleted != null && tasks.isEmpty() && !onCompleted.done()) {
            onCompleted.setResult(true);
        }
        if (task.cancelled()) {
            return;
        }
        Throwable exc = task.exception();
        if (exc == null) {
            return;
        }
        errors.add(exc);
        if (isBaseError(exc) && baseError == null) {
            baseError = exc;
        }
        if (parentTask.done()) {
            loop.callExceptionHandler(ExceptionContext.builder("Task " + task + " has errored out but its parent task "
                    + parentTask + " is already completed").exception(exc).future(task).build());
            return;
        }
        if (!aborting && !parentCancelRequested) {
            abort();
            parentCancelRequested = true;
            parentTask.cancel();
        }
    }

    /** asyncio's repr: {@code <TaskGroup tasks=2 errors=1 cancelling>}. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("<TaskGroup");
        if (!tasks.isEmpty()) {
            b.append(" tasks=").append(tasks.size());
        }
        if (errors != null && !errors.isEmpty()) {
            b.append(" errors=").append(errors.size());
        }
        if (aborting) {
            b.append(" cancelling");
        } else if (entered) {
            b.append(" entered");
        }
        return b.append('>').toString();
    }

    /** The future the parent task awaits while the group's tasks finish; introspection sees the tasks through it. */
    private static final class ExitWait extends Future<Boolean> {
        private final TaskGroup group;

        ExitWait(EventLoop loop, TaskGroup group) {
            super(loop);
            this.group = group;
        }

        @Override
        List<? extends Future<?>> awaitedFutures() {
            return List.copyOf(group.tasks);
        }

        @Override
        String awaitLabel() {
            return "TaskGroup exit (" + group.tasks.size() + " tasks left)";
        }
    }
}
