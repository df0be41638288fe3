package io.jasyncio.testing;

import io.jasyncio.Clock;
import io.jasyncio.EventLoop;
import io.jasyncio.ExceptionContext;
import io.jasyncio.Runner;
import java.lang.reflect.Method;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;

/**
 * Runs each test method as the main task of a fresh event loop, on a {@link VirtualClock} with
 * autojump (or the system clock with {@link RealTime}), so the test body may call suspending
 * methods directly.
 *
 * <pre>{@code
 * @ExtendWith(AsyncioExtension.class)
 * class SleepTest {
 *     @Test
 *     void sleepsInVirtualTime(VirtualClock clock) {
 *         sleep(10);
 *         assertThat(clock.time()).isEqualTo(10.0);
 *     }
 * }
 * }</pre>
 *
 * <p>Test methods may declare parameters of type {@link EventLoop}, {@link VirtualClock} and
 * {@link ExceptionRecorder}. Every loop records what it reports to its exception handler; a test
 * that did not ask for the {@link ExceptionRecorder} fails if anything was reported (a lost
 * exception is a bug). After the method returns, the loop is cleaned up as {@code Asyncio.run}
 * does (remaining tasks cancelled and awaited) and closed.
 */
public final class AsyncioExtension implements BeforeEachCallback, AfterEachCallback, InvocationInterceptor, ParameterResolver {

    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(AsyncioExtension.class);

    /** What one test method runs with. */
    private record Setup(EventLoop loop, Clock clock, ExceptionRecorder recorder, Runner runner) {}

    @Override
    public void beforeEach(ExtensionContext context) {
        boolean realTime = context.getRequiredTestMethod().isAnnotationPresent(RealTime.class);
        for (Class<?> c = context.getRequiredTestClass(); c != null && !realTime; c = c.getEnclosingClass()) {
            realTime = c.isAnnotationPresent(RealTime.class); // @Nested classes inherit it from outer ones
        }
        Clock clock = realTime ? Clock.system() : new VirtualClock();
        EventLoop loop = new EventLoop(clock);
        ExceptionRecorder recorder = new ExceptionRecorder();
        loop.setExceptionHandler(recorder);
        Runner runner = new Runner(null, () -> loop);
        context.getStore(NS).put(Setup.class, new Setup(loop, clock, recorder, runner));
    }

    @Override
    public void interceptTestMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> invocationContext,
            ExtensionContext context) throws Throwable {
        Setup setup = setup(context);
        setup.runner().run(() -> {
            try {
                invocation.proceed();
            } catch (Exception | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new AssertionError(t);
            }
        });
    }

    @Override
    public void afterEach(ExtensionContext context) {
        Setup setup = setup(context);
        setup.runner().close();
        boolean tookCharge = List.of(context.getRequiredTestMethod().getParameterTypes()).contains(ExceptionRecorder.class);
        List<ExceptionContext> reports = setup.recorder().contexts();
        if (!tookCharge && !reports.isEmpty() && context.getExecutionException().isEmpty()) {
            AssertionError e = new AssertionError("the loop reported " + reports.size() + " unexpected error(s); the first: "
                    + reports.get(0));
            if (reports.get(0).exception() != null) {
                e.initCause(reports.get(0).exception());
            }
            throw e;
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Class<?> type = parameterContext.getParameter().getType();
        return type == EventLoop.class || type == VirtualClock.class || type == ExceptionRecorder.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Setup setup = setup(extensionContext);
        Class<?> type = parameterContext.getParameter().getType();
        if (type == EventLoop.class) {
            return setup.loop();
        }
        if (type == ExceptionRecorder.class) {
            return setup.recorder();
        }
        if (setup.clock() instanceof VirtualClock vc) {
            return vc;
        }
        throw new ParameterResolutionException("a @RealTime test has no VirtualClock");
    }

    private static Setup setup(ExtensionContext context) {
        return context.getStore(NS).get(Setup.class, Setup.class);
    }
}
