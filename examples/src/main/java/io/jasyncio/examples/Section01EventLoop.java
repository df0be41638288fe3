package io.jasyncio.examples;

import static io.jasyncio.Asyncio.*;

import io.jasyncio.Coroutine;
import io.jasyncio.EventLoop;
import java.io.PrintStream;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Section 1, the event loop: the same coroutine run by {@code asyncio.run} and by a loop managed by
 * hand. Prints {@code Hello}, {@code World} one second later, then the same again.
 *
 * <pre>{@code
 * async def say_hello():
 *     print("Hello")
 *     await asyncio.sleep(1)
 *     print("World")
 *
 * # Python 3.7+ recommended way
 * asyncio.run(say_hello())
 *
 * # Manual loop management (older style)
 * loop = asyncio.new_event_loop()
 * asyncio.set_event_loop(loop)
 * loop.run_until_complete(say_hello())
 * loop.close()
 * }</pre>
 */
public final class Section01EventLoop extends Example {
    /**
     * Makes the two loops: asyncio.run's {@code loop_factory} (3.12) and {@code new_event_loop}. The
     * tour uses ordinary loops; a test passes loops on one virtual clock, which is why the factory
     * is injectable.
     */
    private final Supplier<EventLoop> loopFactory;

    /** The example on ordinary event loops, printing to {@code out}. */
    public Section01EventLoop(PrintStream out) {
        this(out, EventLoop::new);
    }

    /** The example on loops made by {@code loopFactory}. */
    Section01EventLoop(PrintStream out, Supplier<EventLoop> loopFactory) {
        super(out);
        this.loopFactory = Objects.requireNonNull(loopFactory, "loopFactory");
    }

    /** {@code async def say_hello()}. */
    void sayHello() {
        print("Hello");
        sleep(1);
        print("World");
    }

    @Override
    public void program() {
        // Python 3.7+ recommended way: asyncio.run(say_hello()). With the default factory this is
        // run(() -> sayHello()); the three-argument run takes a Coroutine only (there is no
        // VoidCoroutine overload), hence Coroutine.of.
        run(Coroutine.of(this::sayHello), null, loopFactory);

        // Manual loop management (older style). jasyncio has no set_event_loop: the loop a task
        // sees (getRunningLoop()) is always the one running it, so there is nothing to set.
        EventLoop loop = loopFactory.get();     // asyncio.new_event_loop()
        loop.runUntilComplete(() -> sayHello());
        loop.close();
    }

    /** Runs the example on standard output. */
    public static void main(String[] args) {
        new Section01EventLoop(System.out).program();
    }
}
