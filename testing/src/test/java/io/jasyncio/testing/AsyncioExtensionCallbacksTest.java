package io.jasyncio.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.Task;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;

/**
 * {@link AsyncioExtension} driven directly through its callbacks, with minimal fake JUnit contexts,
 * for the paths a test cannot observe from inside: failing a test whose loop reported an error,
 * and parameter resolution errors.
 */
class AsyncioExtensionCallbacksTest {

    /** Sample "test methods" whose signatures the extension inspects. */
    @SuppressWarnings("unused")
    static class Samples {
        void plain() {}

        void withRecorder(ExceptionRecorder recorder) {}

        void withClock(VirtualClock clock) {}

        @RealTime
        void realTime(VirtualClock clock) {}

        void withLoop(EventLoop loop) {}

        void withString(String s) {}
    }

    private static Method sample(String name) {
        for (Method m : Samples.class.getDeclaredMethods()) {
            if (m.getName().equals(name)) {
                return m;
            }
        }
        throw new IllegalArgumentException(name);
    }

    private static ExtensionContext context(Method method, Throwable executionException) {
        Map<Object, Object> store = new HashMap<>();
        ExtensionContext.Store s = (ExtensionContext.Store) Proxy.newProxyInstance(
                AsyncioExtensionCallbacksTest.class.getClassLoader(), new Class<?>[] {ExtensionContext.Store.class},
                (proxy, m, args) -> switch (m.getName()) {
                    case "put" -> store.put(args[0], args[1]);
                    case "get" -> args.length == 1 ? store.get(args[0]) : ((Class<?>) args[1]).cast(store.get(args[0]));
                    case "remove" -> store.remove(args[0]);
                    default -> throw new UnsupportedOperationException("Store." + m.getName());
                });
        return (ExtensionContext) Proxy.newProxyInstance(
                AsyncioExtensionCallbacksTest.class.getClassLoader(), new Class<?>[] {ExtensionContext.class},
                (proxy, m, args) -> switch (m.getName()) {
                    case "getStore" -> s;
                    case "getRequiredTestMethod" -> method;
                    case "getRequiredTestClass" -> Samples.class;
                    case "getExecutionException" -> Optional.ofNullable(executionException);
                    case "toString" -> "fake context for " + method.getName();
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException("ExtensionContext." + m.getName());
                });
    }

    private static ParameterContext parameter(Parameter p) {
        return (ParameterContext) Proxy.newProxyInstance(
                AsyncioExtensionCallbacksTest.class.getClassLoader(), new Class<?>[] {ParameterContext.class},
                (proxy, m, args) -> switch (m.getName()) {
                    case "getParameter" -> p;
                    case "getIndex" -> 0;
                    default -> throw new UnsupportedOperationException("ParameterContext." + m.getName());
                });
    }

    private final AsyncioExtension extension = new AsyncioExtension();

    private Object resolve(ExtensionContext ctx, Method m) {
        return extension.resolveParameter(parameter(m.getParameters()[0]), ctx);
    }

    /** Runs {@code body} as the "test method" through interceptTestMethod. */
    private void invoke(ExtensionContext ctx, Runnable body) throws Throwable {
        InvocationInterceptor.Invocation<Void> invocation = () -> {
            body.run();
            return null;
        };
        extension.interceptTestMethod(invocation, null, ctx);
    }

    @Test
    void theMethodRunsAsATaskOfTheResolvedLoop() throws Throwable {
        Method m = sample("withLoop");
        ExtensionContext ctx = context(m, null);
        extension.beforeEach(ctx);
        EventLoop loop = (EventLoop) resolve(ctx, m);
        AtomicReference<Task<?>> task = new AtomicReference<>();
        invoke(ctx, () -> {
            assertThat(Asyncio.getRunningLoop()).isSameAs(loop);
            task.set(Asyncio.currentTask());
        });
        assertThat(task.get()).isNotNull();
        assertThat(task.get().done()).isTrue();
        assertThat(loop.isClosed()).isFalse();
        extension.afterEach(ctx);
        assertThat(loop.isClosed()).isTrue();
    }

    @Test
    void aTestWhoseLoopReportedAnErrorFails() throws Throwable {
        Method m = sample("plain");
        ExtensionContext ctx = context(m, null);
        extension.beforeEach(ctx);
        IllegalStateException lost = new IllegalStateException("lost");
        invoke(ctx, () -> {
            Asyncio.getRunningLoop().callSoon(() -> {
                throw lost;
            });
            Asyncio.sleep(0);
        });
        assertThatThrownBy(() -> extension.afterEach(ctx))
                .isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("the loop reported 1 unexpected error(s); the first: Exception in callback")
                .hasCause(lost);
    }

    @Test
    void aTestThatLeftAFailedTaskUnretrievedFails() throws Throwable {
        Method m = sample("plain");
        ExtensionContext ctx = context(m, null);
        extension.beforeEach(ctx);
        invoke(ctx, () -> {
            Asyncio.createTask(() -> {
                throw new IllegalArgumentException("nobody awaits me");
            });
            Asyncio.sleep(0);
        });
        assertThatThrownBy(() -> extension.afterEach(ctx))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("unexpected error")
                .cause().hasMessage("nobody awaits me");
    }

    @Test
    void aTestThatAskedForTheRecorderTakesChargeOfTheReports() throws Throwable {
        Method m = sample("withRecorder");
        ExtensionContext ctx = context(m, null);
        extension.beforeEach(ctx);
        ExceptionRecorder recorder = (ExceptionRecorder) resolve(ctx, m);
        invoke(ctx, () -> {
            Asyncio.getRunningLoop().callSoon(() -> {
                throw new IllegalStateException("reported");
            });
            Asyncio.sleep(0);
        });
        extension.afterEach(ctx);
        assertThat(recorder.messages()).hasSize(1);
    }

    @Test
    void aTestThatFailedAnywayIsNotMaskedByTheReports() throws Throwable {
        Method m = sample("plain");
        AssertionError testFailure = new AssertionError("the test's own failure");
        ExtensionContext ctx = context(m, testFailure);
        extension.beforeEach(ctx);
        invoke(ctx, () -> {
            Asyncio.getRunningLoop().callSoon(() -> {
                throw new IllegalStateException("reported");
            });
            Asyncio.sleep(0);
        });
        extension.afterEach(ctx);
    }

    @Test
    void theTestsExceptionPropagatesUnwrapped() throws Throwable {
        Method m = sample("plain");
        ExtensionContext ctx = context(m, null);
        extension.beforeEach(ctx);
        AssertionError failure = new AssertionError("assertion in the test");
        assertThatThrownBy(() -> invoke(ctx, () -> {
            throw failure;
        })).isSameAs(failure);
        extension.afterEach(ctx);
    }

    @Test
    void parametersOfOtherTypesAreNotSupported() {
        Method m = sample("withString");
        assertThat(extension.supportsParameter(parameter(m.getParameters()[0]), context(m, null))).isFalse();
        for (String name : new String[] {"withLoop", "withClock", "withRecorder"}) {
            Method s = sample(name);
            assertThat(extension.supportsParameter(parameter(s.getParameters()[0]), context(s, null))).as(name).isTrue();
        }
    }

    @Test
    void aRealTimeTestCannotAskForAVirtualClock() {
        Method m = sample("realTime");
        ExtensionContext ctx = context(m, null);
        extension.beforeEach(ctx);
        assertThatThrownBy(() -> resolve(ctx, m))
                .isInstanceOf(ParameterResolutionException.class)
                .hasMessageContaining("@RealTime");
        extension.afterEach(ctx);
    }

    @Test
    void theResolvedClockDrivesTheResolvedLoop() throws Throwable {
        Method m = sample("withClock");
        ExtensionContext ctx = context(m, null);
        extension.beforeEach(ctx);
        VirtualClock clock = (VirtualClock) resolve(ctx, m);
        invoke(ctx, () -> {
            assertThat(Asyncio.getRunningLoop().clock()).isSameAs(clock);
            Asyncio.sleep(42);
        });
        assertThat(clock.time()).isEqualTo(42.0);
        extension.afterEach(ctx);
    }

    @Test
    void aStalledTestFailsWithStalledError() throws Throwable {
        Method m = sample("plain");
        ExtensionContext ctx = context(m, null);
        extension.beforeEach(ctx);
        assertThatThrownBy(() -> invoke(ctx, () -> Asyncio.getRunningLoop().createFuture().await()))
                .isInstanceOf(StalledError.class);
        extension.afterEach(ctx);
    }
}
