package io.jasyncio.examples;

import static io.jasyncio.Asyncio.*;

import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import java.io.PrintStream;

/**
 * Section 4, futures: a task sets the result of a future that the main task awaits; prints {@code
 * Done!} after one second.
 *
 * <pre>{@code
 * async def set_future(fut):
 *     await asyncio.sleep(1)
 *     fut.set_result("Done!")
 *
 * async def main():
 *     loop = asyncio.get_running_loop()
 *     fut = loop.create_future()
 *     asyncio.create_task(set_future(fut))
 *     result = await fut
 *     print(result)
 *
 * asyncio.run(main())
 * }</pre>
 */
public final class Section04Futures extends Example {

    /** The example, printing to {@code out}. */
    public Section04Futures(PrintStream out) {
        super(out);
    }

    /** {@code async def set_future(fut)}. */
    void setFuture(Future<String> fut) {
        sleep(1);
        fut.setResult("Done!");
    }

    /** {@code async def main()}. */
    void main() {
        EventLoop loop = getRunningLoop();
        Future<String> fut = loop.createFuture();
        // The task is not kept, as in the Python; jasyncio's loop holds live tasks strongly, so it
        // cannot be garbage collected half-way (asyncio only holds them weakly).
        createTask(() -> setFuture(fut));
        String result = await(fut);
        print(result);
    }

    @Override
    public void program() {
        run(() -> main());
    }

    /** Runs the example on standard output. */
    public static void main(String[] args) {
        new Section04Futures(System.out).program();
    }
}
