package io.jasyncio.examples;

import static io.jasyncio.Asyncio.*;

import io.jasyncio.TimeoutError;
import java.io.PrintStream;

/**
 * Section 8, timeouts and task cancellation: {@code wait_for} and the {@code timeout()} scope.
 *
 * <pre>{@code
 * async def slow_operation():
 *     await asyncio.sleep(10)
 *     return "Done"
 *
 * async def main():
 *     try:
 *         result = await asyncio.wait_for(slow_operation(), timeout=2)
 *     except asyncio.TimeoutError:
 *         print("Operation timed out")
 *
 *     # Python 3.11+ style
 *     try:
 *         async with asyncio.timeout(1):
 *             await asyncio.sleep(2)
 *     except TimeoutError:
 *         print("Again timed out")
 *
 * asyncio.run(main())
 * }</pre>
 *
 * <p>{@code async with asyncio.timeout(1):} becomes {@code timeout(1).run(() -> ...)}: a Java
 * resource cannot turn the block's {@code CancelledError} into a {@code TimeoutError}
 * (docs/adr/0008-scopes-are-lambdas.md).
 */
public final class Section08Timeouts extends Example {

    /** The example, printing to {@code out}. */
    public Section08Timeouts(PrintStream out) {
        super(out);
    }

    /** {@code async def slow_operation()}. */
    String slowOperation() {
        sleep(10);
        return "Done";
    }

    /** {@code async def main()}. */
    void main() {
        try {
            String result = waitFor(() -> slowOperation(), 2);
        } catch (TimeoutError e) {
            print("Operation timed out");
        }

        // Python 3.11+ style
        try {
            timeout(1).run(() -> sleep(2));
        } catch (TimeoutError e) {
            print("Again timed out");
        }
    }

    @Override
    public void program() {
        run(() -> main());
    }

    /** Runs the example on standard output. */
    public static void main(String[] args) {
        new Section08Timeouts(System.out).program();
    }
}
