package io.jasyncio;

import static io.jasyncio.Asyncio.createTask;
import static io.jasyncio.Asyncio.sleep;
import static io.jasyncio.Asyncio.toThread;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jasyncio.testing.AsyncioExtension;
import io.jasyncio.testing.ExceptionRecorder;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link ContextVar} and {@link Context}: CPython's test_context.py for the variable API and
 * test_tasks.py / test_base_events.py / test_threads.py for how contexts follow tasks, callbacks
 * and threads (asyncio-surface 2.1.7, 2.13.3, 2.14.1).
 */
@ExtendWith(AsyncioExtension.class)
class ContextVarTest {

    private static final ContextVar<String> REQUEST = new ContextVar<>("request");
    private static final ContextVar<String> WITH_DEFAULT = new ContextVar<>("with_default", "dflt");

    /**
     * Runs {@code action} in {@code ctx} as a loop callback and returns its result: reads or writes
     * another context through callSoon's explicit context, independently of {@link Context#run}
     * (which {@link #contextRunInsideATaskEntersThatContext} tests on its own).
     */
    private static <T> T in(Context ctx, java.util.function.Supplier<T> action) {
        EventLoop loop = Asyncio.getRunningLoop();
        Future<T> f = loop.createFuture();
        loop.callSoon(() -> f.setResult(action.get()), ctx);
        return f.await();
    }

    // ---- the variable API ----

    @Test
    void getWithoutValueOrDefaultRaisesNoSuchElement() {
        ContextVar<String> v = new ContextVar<>("fresh");
        assertThatThrownBy(v::get).isInstanceOf(NoSuchElementException.class).hasMessageContaining("fresh");
        assertThat(v.get("fallback")).isEqualTo("fallback");
        assertThat(v.get(null)).isNull();
    }

    @Test
    void getReturnsTheDefaultUntilSet() {
        ContextVar<String> v = new ContextVar<>("v", "dflt");
        assertThat(v.get()).isEqualTo("dflt");
        // get(fallback) ignores the variable's default (Python's var.get(default)).
        assertThat(v.get("fallback")).isEqualTo("fallback");
        v.set("value");
        assertThat(v.get()).isEqualTo("value");
        assertThat(v.get("fallback")).isEqualTo("value");
    }

    @Test
    void nullIsAValidValueAndAValidDefault() {
        ContextVar<String> nullDefault = new ContextVar<>("nullDefault", null);
        assertThat(nullDefault.get()).isNull();
        ContextVar<String> v = new ContextVar<>("v", "dflt");
        v.set(null);
        assertThat(v.get()).isNull();
        assertThat(v.get("fallback")).isNull();
        assertThat(Context.current().containsKey(v)).isTrue();
    }

    @Test
    void aVariableNeedsAName() {
        assertThatThrownBy(() -> new ContextVar<String>(null)).isInstanceOf(NullPointerException.class);
        assertThat(new ContextVar<String>("n").name()).isEqualTo("n");
        assertThat(new ContextVar<String>("n").toString()).isEqualTo("<ContextVar name='n'>");
        assertThat(new ContextVar<>("n", 5).toString()).isEqualTo("<ContextVar name='n' default=5>");
    }

    @Test
    void resetRestoresThePreviousValueOrUnsets() {
        ContextVar<String> v = new ContextVar<>("v");
        ContextVar.Token<String> t1 = v.set("one");
        assertThat(t1.hadNoValue()).isTrue();
        assertThat(t1.variable()).isSameAs(v);
        ContextVar.Token<String> t2 = v.set("two");
        assertThat(t2.hadNoValue()).isFalse();
        v.reset(t2);
        assertThat(v.get()).isEqualTo("one");
        v.reset(t1);
        assertThatThrownBy(v::get).isInstanceOf(NoSuchElementException.class);
        assertThat(Context.current().containsKey(v)).isFalse();
    }

    /** test_context.py::test_context_var_reset_*: a token is good for one reset, of its own variable, in its own context. */
    @Test
    void tokenMisuseIsRejected() {
        ContextVar<String> v = new ContextVar<>("v");
        ContextVar<String> other = new ContextVar<>("other");
        ContextVar.Token<String> t = v.set("x");
        @SuppressWarnings({"unchecked", "rawtypes"})
        ContextVar<String> raw = (ContextVar) other;
        assertThatThrownBy(() -> raw.reset(t)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("different ContextVar");
        v.reset(t);
        assertThatThrownBy(() -> v.reset(t)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already been used");
        assertThat(t.toString()).contains("used");
    }

    @Test
    void aTokenFromAnotherContextIsRejected() {
        ContextVar<String> v = new ContextVar<>("v");
        ContextVar.Token<String> fromTask = createTask(() -> v.set("in task")).await();
        assertThatThrownBy(() -> v.reset(fromTask)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("different Context");
        ContextVar.Token<String> mine = v.set("mine");
        Throwable inOtherTask = createTask(() -> {
            try {
                v.reset(mine);
                return null;
            } catch (IllegalArgumentException e) {
                return e;
            }
        }).await();
        assertThat(inOtherTask).hasMessageContaining("different Context");
        // The failed resets changed nothing; the token is still good here.
        assertThat(v.get()).isEqualTo("mine");
        v.reset(mine);
        assertThat(v.get("unset")).isEqualTo("unset");
    }

    // ---- Context ----

    @Test
    void aContextCopyIsIndependent() {
        toThread(ContextVarTest::contextCopyIsIndependent);
    }

    /** Outside any loop (on a worker thread), where Context.run makes the context current. */
    private static void contextCopyIsIndependent() {
        Context a = new Context();
        a.run(() -> REQUEST.set("a"));
        Context b = a.copy();
        b.run(() -> REQUEST.set("b"));
        assertThat(a.run(() -> REQUEST.get())).isEqualTo("a");
        assertThat(b.run(() -> REQUEST.get())).isEqualTo("b");
        assertThat(a.size()).isEqualTo(1);
        assertThat(a.containsKey(REQUEST)).isTrue();
        assertThat(new Context().containsKey(REQUEST)).isFalse();
        assertThat(a.toString()).isEqualTo("<Context request=a>");
    }

    @Test
    void contextCallOnAWorkerThreadRunsInThatContextAndRestoresThePreviousOne() throws Exception {
        Context ctx = new Context();
        List<String> seen = toThread(() -> {
            List<String> out = new ArrayList<>();
            REQUEST.set("worker's own");
            out.add(ctx.call(() -> {
                REQUEST.set("in ctx");
                return REQUEST.get();
            }));
            out.add(REQUEST.get());
            out.add(ctx.run(() -> REQUEST.get()));
            Exception boom = new Exception("boom");
            try {
                ctx.call(() -> {
                    throw boom;
                });
            } catch (Exception e) {
                out.add(e == boom ? "same exception" : "other exception");
            }
            out.add(REQUEST.get());
            return out;
        });
        assertThat(seen).containsExactly("in ctx", "worker's own", "in ctx", "same exception", "worker's own");
        assertThat(REQUEST.get("unset")).isEqualTo("unset");
        assertThat(in(ctx, () -> REQUEST.get())).isEqualTo("in ctx");
    }

    /**
     * Python's {@code ctx.run(fn)} enters ctx wherever it is called, in a task or a callback too.
     * Verified on CPython 3.13: in a task, {@code ctx.run(var.set, 'x')} then {@code ctx.run(var.get)}
     * gives 'x' and {@code var.get('unset')} gives 'unset'; the same inside a call_soon callback.
     */
    @Test
    void contextRunInsideATaskEntersThatContext(EventLoop loop) {
        Context ctx = new Context();
        ctx.run(() -> REQUEST.set("x"));
        assertThat(ctx.run(() -> REQUEST.get())).isEqualTo("x");
        assertThat(REQUEST.get("unset")).isEqualTo("unset");
        Future<List<String>> f = loop.createFuture();
        loop.callSoon(() -> {
            Context c2 = Context.copyCurrent();
            c2.run(() -> REQUEST.set("y"));
            f.setResult(List.of(c2.run(() -> REQUEST.get()), REQUEST.get("unset")));
        });
        assertThat(f.await()).containsExactly("y", "unset");
    }

    @Test
    void aPlainThreadHasItsOwnContext() throws Exception {
        String seen = toThread(() -> {
            CompletableFuture<String> r = new CompletableFuture<>();
            Thread t = Thread.ofPlatform().start(() -> {
                ContextVar.Token<String> tok = REQUEST.set("thread");
                r.complete(REQUEST.get());
                REQUEST.reset(tok);
            });
            t.join();
            return r.get();
        });
        assertThat(seen).isEqualTo("thread");
        assertThat(REQUEST.get("unset")).isEqualTo("unset");
    }

    // ---- tasks ----

    @Test
    void aNewTaskStartsWithACopyOfItsCreatorsContext() {
        REQUEST.set("creator");
        Task<String> child = createTask(() -> {
            sleep(1);
            return REQUEST.get();
        });
        // Set after createTask: the child's copy was taken already.
        REQUEST.set("changed after create");
        assertThat(child.await()).isEqualTo("creator");
        assertThat(in(child.getContext(), () -> REQUEST.get())).isEqualTo("creator");
    }

    @Test
    void aTasksSetIsInvisibleToItsCreatorAndToOtherTasks() {
        REQUEST.set("creator");
        List<String> seen = new ArrayList<>();
        Task<Void> a = createTask(() -> {
            REQUEST.set("a");
            sleep(1);
            seen.add("a sees " + REQUEST.get());
        });
        Task<Void> b = createTask(() -> {
            sleep(0.5);
            seen.add("b sees " + REQUEST.get());
            REQUEST.set("b");
            sleep(1);
            seen.add("b sees " + REQUEST.get());
        });
        Asyncio.gather(a, b);
        assertThat(seen).containsExactly("b sees creator", "a sees a", "b sees b");
        assertThat(REQUEST.get()).isEqualTo("creator");
    }

    @Test
    void aGrandchildCopiesItsParentTasksContext() {
        String nested = createTask(() -> {
            REQUEST.set("child");
            return createTask(() -> REQUEST.get()).await();
        }).await();
        assertThat(nested).isEqualTo("child");
        assertThat(REQUEST.get("unset")).isEqualTo("unset");
    }

    @Test
    void tasksCreatedWithAnExplicitContextShareIt() {
        Context shared = new Context();
        Task<Object> writer = createTask(() -> {
            REQUEST.set("written by writer");
            sleep(1);
            return null;
        }, null, shared);
        Task<String> reader = createTask(() -> {
            sleep(2);
            return REQUEST.get();
        }, null, shared);
        assertThat(writer.getContext()).isSameAs(shared);
        assertThat(reader.getContext()).isSameAs(shared);
        writer.await();
        assertThat(reader.await()).isEqualTo("written by writer");
        assertThat(in(shared, () -> REQUEST.get())).isEqualTo("written by writer");
        // The creator's context is not the shared one.
        assertThat(REQUEST.get("unset")).isEqualTo("unset");
    }

    @Test
    void aTaskWithAnExplicitContextSeesItsValuesNotItsCreators() {
        REQUEST.set("creator");
        Context ctx = new Context();
        in(ctx, () -> REQUEST.set("explicit"));
        assertThat(createTask(() -> REQUEST.get(), "t", ctx).await()).isEqualTo("explicit");
    }

    @Test
    void setsInATaskSurviveItsSuspensions() {
        Task<List<String>> t = createTask(() -> {
            List<String> out = new ArrayList<>();
            REQUEST.set("one");
            sleep(1);
            out.add(REQUEST.get());
            ContextVar.Token<String> tok = REQUEST.set("two");
            sleep(0);
            out.add(REQUEST.get());
            REQUEST.reset(tok);
            sleep(0);
            out.add(REQUEST.get());
            return out;
        });
        REQUEST.set("main");
        sleep(0.5);
        assertThat(REQUEST.get()).isEqualTo("main");
        assertThat(t.await()).containsExactly("one", "two", "one");
    }

    // ---- callbacks ----

    @Test
    void callbacksRunInTheContextCapturedWhenTheyWereScheduled(EventLoop loop) {
        REQUEST.set("at schedule");
        Future<String> soon = loop.createFuture();
        Future<String> later = loop.createFuture();
        loop.callSoon(() -> soon.setResult(REQUEST.get()));
        loop.callLater(1, () -> later.setResult(REQUEST.get()));
        REQUEST.set("changed after schedule");
        assertThat(soon.await()).isEqualTo("at schedule");
        assertThat(later.await()).isEqualTo("at schedule");
    }

    @Test
    void aCallbacksSetDoesNotLeakIntoTheSchedulersContext(EventLoop loop) {
        REQUEST.set("task");
        Future<String> f = loop.createFuture();
        loop.callSoon(() -> {
            REQUEST.set("callback");
            f.setResult(REQUEST.get());
        });
        assertThat(f.await()).isEqualTo("callback");
        assertThat(REQUEST.get()).isEqualTo("task");
    }

    @Test
    void aCallbackScheduledWithAnExplicitContextRunsInIt(EventLoop loop) {
        Context ctx = new Context();
        in(ctx, () -> REQUEST.set("explicit"));
        Future<String> f = loop.createFuture();
        Handle h = loop.callSoon(() -> {
            REQUEST.set("callback wrote " + REQUEST.get());
            f.setResult(REQUEST.get());
        }, ctx);
        assertThat(h.getContext()).isSameAs(ctx);
        assertThat(f.await()).isEqualTo("callback wrote explicit");
        // Explicit contexts are used as they are: the callback's set is visible in ctx.
        assertThat(in(ctx, () -> REQUEST.get())).isEqualTo("callback wrote explicit");
        Future<String> timer = loop.createFuture();
        loop.callAt(loop.time() + 1, () -> timer.setResult(REQUEST.get()), ctx);
        assertThat(timer.await()).isEqualTo("callback wrote explicit");
    }

    @Test
    void doneCallbacksRunInTheContextOfAddDoneCallback(EventLoop loop) {
        REQUEST.set("when added");
        Future<String> f = loop.createFuture();
        Future<String> seen = loop.createFuture();
        f.addDoneCallback(done -> seen.setResult(REQUEST.get()));
        REQUEST.set("changed");
        f.setResult("x");
        assertThat(seen.await()).isEqualTo("when added");
    }

    @Test
    void callSoonThreadsafeCapturesTheCallingThreadsContext(EventLoop loop) throws Exception {
        REQUEST.set("task");
        Future<String> f = loop.createFuture();
        toThread(() -> {
            Context ctx = new Context();
            ctx.call(() -> {
                REQUEST.set("poster thread");
                return loop.callSoonThreadsafe(() -> f.setResult(REQUEST.get()));
            });
        });
        assertThat(f.await()).isEqualTo("poster thread");
    }

    /** asyncio 3.12: the custom exception handler runs in the failing callback's context (verified on CPython 3.13). */
    @Test
    void theExceptionHandlerRunsInTheFailingCallbacksContext(EventLoop loop, ExceptionRecorder recorder) {
        List<String> seen = new ArrayList<>();
        loop.setExceptionHandler((l, c) -> {
            seen.add(REQUEST.get("unset"));
            recorder.handle(l, c);
        });
        Future<Void> done = loop.createFuture();
        loop.callSoon(() -> {
            REQUEST.set("in callback");
            throw new IllegalStateException("boom");
        });
        loop.callSoon(() -> done.setResult(null));
        done.await();
        assertThat(seen).containsExactly("in callback");
        assertThat(recorder.messages()).hasSize(1);
    }

    // ---- threads ----

    @Test
    void toThreadCarriesACopyOfTheContextToTheWorker() {
        REQUEST.set("task value");
        String seen = toThread(() -> {
            String v = REQUEST.get();
            REQUEST.set("worker value");
            return v + " / " + REQUEST.get();
        });
        assertThat(seen).isEqualTo("task value / worker value");
        // The worker's set was made in a copy.
        assertThat(REQUEST.get()).isEqualTo("task value");
    }

    @Test
    void theWorkerThreadsOwnContextIsRestoredAfterToThread() {
        REQUEST.set("first");
        AtomicReference<Thread> worker = new AtomicReference<>();
        toThread(() -> worker.set(Thread.currentThread()));
        // A second job on (possibly) the same pool thread must not see the first job's values.
        createTask(() -> toThread(() -> REQUEST.get("unset"))).await();
        String seen = createTask(() -> {
            REQUEST.set("second");
            return toThread(() -> REQUEST.get("unset"));
        }).await();
        assertThat(seen).isEqualTo("second");
        String inNewContext = createTask(() -> toThread(() -> REQUEST.get("unset")), null, new Context()).await();
        assertThat(inNewContext).isEqualTo("unset");
    }

    @Test
    void runInExecutorCarriesTheContextToo(EventLoop loop) {
        REQUEST.set("task value");
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            assertThat(Asyncio.runInExecutor(executor, () -> REQUEST.get() + " on " + Thread.currentThread().getName()))
                    .startsWith("task value on pool-");
            assertThat(loop.runInExecutor(null, () -> REQUEST.get()).await()).isEqualTo("task value");
            // Afterwards the executor's thread is back in its own context.
            assertThat(Asyncio.runInExecutor(executor, () -> {
                CompletableFuture<String> plain = new CompletableFuture<>();
                executor.execute(() -> plain.complete(REQUEST.get("unset")));
                return "submitted";
            })).isEqualTo("submitted");
            String plain = Asyncio.runInExecutor(executor, () -> "x");
            assertThat(plain).isEqualTo("x");
            CompletableFuture<String> raw = CompletableFuture.supplyAsync(() -> REQUEST.get("unset"), executor);
            assertThat(Asyncio.wrapFuture(raw).await()).isEqualTo("unset");
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void withDefaultVariableInAWorkerSeesTheDefault() {
        assertThat(toThread(() -> WITH_DEFAULT.get())).isEqualTo("dflt");
    }
}
