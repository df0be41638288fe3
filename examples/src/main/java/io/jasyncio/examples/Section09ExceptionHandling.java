package io.jasyncio.examples;

import static io.jasyncio.Asyncio.*;

import java.io.PrintStream;
import java.util.List;

/**
 * Section 9, exception handling: {@code gather} with {@code returnExceptions} hands back the
 * failure of coroutine 2 in place of its result instead of throwing it; all three lines print after
 * 0.2 s.
 *
 * <pre>{@code
 * async def might_fail(n):
 *     await asyncio.sleep(0.2)
 *     if n % 2 == 0:
 *         raise ValueError(f"Bad number {n}")
 *     return n
 *
 * async def main():
 *     results = await asyncio.gather(
 *         might_fail(1), might_fail(2), might_fail(3),
 *         return_exceptions=True
 *     )
 *     for r in results:
 *         if isinstance(r, Exception):
 *             print(f"Caught: {r}")
 *         else:
 *             print(f"Success: {r}")
 *
 * asyncio.run(main())
 * }</pre>
 */
public final class Section09ExceptionHandling extends Example {

    /** The example, printing to {@code out}. */
    public Section09ExceptionHandling(PrintStream out) {
        super(out);
    }

    /** {@code async def might_fail(n)}; Python's {@code ValueError} is Java's {@link IllegalArgumentException}. */
    int mightFail(int n) {
        sleep(0.2);
        if (n % 2 == 0) {
            throw new IllegalArgumentException("Bad number " + n);
        }
        return n;
    }

    /** {@code async def main()}. */
    void main() {
        // return_exceptions=True comes first in Java: the coroutines are varargs.
        List<Object> results = gather(true,
                () -> mightFail(1), () -> mightFail(2), () -> mightFail(3));
        for (Object r : results) {
            // As in Python, a cancellation would not count: CancelledError is an Error, not an
            // Exception, just as asyncio.CancelledError is a BaseException.
            if (r instanceof Exception) {
                print("Caught: " + str(r));
            } else {
                print("Success: " + str(r));
            }
        }
    }

    @Override
    public void program() {
        run(() -> main());
    }

    /** Runs the example on standard output. */
    public static void main(String[] args) {
        new Section09ExceptionHandling(System.out).program();
    }
}
