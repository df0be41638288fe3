package io.jasyncio.examples;

import static io.jasyncio.Asyncio.*;

import java.io.PrintStream;

/**
 * Section 10, async context managers: a resource whose setup and teardown suspend.
 *
 * <pre>{@code
 * class AsyncResource:
 *     async def __aenter__(self):
 *         print("Acquiring resource")
 *         await asyncio.sleep(0.1)
 *         return self
 *     async def __aexit__(self, exc_type, exc_val, exc_tb):
 *         print("Releasing resource")
 *         await asyncio.sleep(0.1)
 *
 * async def main():
 *     async with AsyncResource() as res:
 *         print("Using resource")
 *
 * asyncio.run(main())
 * }</pre>
 *
 * <p>Because jasyncio's coroutines are stackful, {@code async with} is an ordinary
 * try-with-resources block: {@code close()} may suspend like any other method called in a task.
 * The resource's {@code __aenter__} is a method that returns it ({@link AsyncResource#enter()}).
 */
public final class Section10AsyncContextManagers extends Example {

    /** The example, printing to {@code out}. */
    public Section10AsyncContextManagers(PrintStream out) {
        super(out);
    }

    /** {@code class AsyncResource}: setup and teardown that suspend. */
    final class AsyncResource implements AutoCloseable {
        /** {@code __aenter__}. */
        AsyncResource enter() {
            print("Acquiring resource");
            sleep(0.1);
            return this;
        }

        /** {@code __aexit__}: runs when the block ends, normally or not, and may suspend. */
        @Override
        public void close() {
            print("Releasing resource");
            sleep(0.1);
        }
    }

    /** {@code async def main()}. */
    void main() {
        try (AsyncResource res = new AsyncResource().enter()) {
            print("Using resource");
        }
    }

    @Override
    public void program() {
        run(() -> main());
    }

    /** Runs the example on standard output. */
    public static void main(String[] args) {
        new Section10AsyncContextManagers(System.out).program();
    }
}
