package io.jasyncio.examples;

import static io.jasyncio.Asyncio.*;

import io.jasyncio.Queue;
import io.jasyncio.QueueShutDown;
import io.jasyncio.Task;
import java.io.PrintStream;

/**
 * Section 7, queues: one producer and two consumers sharing a bounded {@link Queue}.
 *
 * <pre>{@code
 * async def producer(queue, n):
 *     for i in range(n):
 *         await queue.put(i)
 *         print(f"Produced {i}")
 *         await asyncio.sleep(0.2)
 *     await queue.put(None)  # sentinel
 *
 * async def consumer(queue, name):
 *     while True:
 *         item = await queue.get()
 *         if item is None:
 *             queue.task_done()
 *             break
 *         print(f"{name} consumed {item}")
 *         await asyncio.sleep(0.5)
 *         queue.task_done()
 *
 * async def main():
 *     q = asyncio.Queue(maxsize=10)
 *     prod = asyncio.create_task(producer(q, 10))
 *     cons1 = asyncio.create_task(consumer(q, "A"))
 *     cons2 = asyncio.create_task(consumer(q, "B"))
 *     await prod
 *     await q.join()  # wait for all items processed
 *     await asyncio.gather(cons1, cons2)
 *
 * asyncio.run(main())
 * }</pre>
 *
 * <p><b>The original never finishes.</b> Two consumers share one {@code None} sentinel: the first
 * consumer to get it stops, the other waits in {@code queue.get()} forever, so {@code gather(cons1,
 * cons2)} never returns (CPython prints every line, then hangs). This port ends the stream with
 * asyncio 3.13's {@code queue.shutdown()} instead of the sentinel: each consumer, finding the queue
 * shut down and empty, gets {@link QueueShutDown} and stops. It prints the same lines.
 */
public final class Section07Queues extends Example {

    /** The example, printing to {@code out}. */
    public Section07Queues(PrintStream out) {
        super(out);
    }

    /** {@code async def producer(queue, n)}. */
    void producer(Queue<Integer> queue, int n) {
        for (int i = 0; i < n; i++) {
            queue.put(i);
            print("Produced " + i);
            sleep(0.2);
        }
        queue.shutdown();  // instead of one None sentinel for two consumers
    }

    /** {@code async def consumer(queue, name)}. */
    void consumer(Queue<Integer> queue, String name) {
        while (true) {
            int item;
            try {
                item = queue.get();
            } catch (QueueShutDown finished) {
                break;
            }
            print(name + " consumed " + item);
            sleep(0.5);
            queue.taskDone();
        }
    }

    /** {@code async def main()}. */
    void main() {
        Queue<Integer> q = new Queue<>(10);
        Task<Void> prod = createTask(() -> producer(q, 10));
        Task<Void> cons1 = createTask(() -> consumer(q, "A"));
        Task<Void> cons2 = createTask(() -> consumer(q, "B"));
        prod.await();
        q.join();  // wait for all items processed
        gather(cons1, cons2);
    }

    @Override
    public void program() {
        run(() -> main());
    }

    /** Runs the example on standard output. */
    public static void main(String[] args) {
        new Section07Queues(System.out).program();
    }
}
