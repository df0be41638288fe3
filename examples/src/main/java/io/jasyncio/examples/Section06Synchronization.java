package io.jasyncio.examples;

import static io.jasyncio.Asyncio.*;

import io.jasyncio.Lock;
import io.jasyncio.Semaphore;
import io.jasyncio.Task;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Section 6, synchronization: a {@link Lock} protecting a shared list, and a {@link Semaphore}
 * limiting concurrency to three fetches at a time. {@code async with lock:} is a
 * try-with-resources block on {@code lock.acquire()}.
 *
 * <pre>{@code
 * async def worker(lock, shared_list, value):
 *     async with lock:
 *         # critical section
 *         shared_list.append(value)
 *         await asyncio.sleep(0.1)  # simulate work
 *         print(f"Appended {value}")
 *
 * async def main():
 *     lock = asyncio.Lock()
 *     shared = []
 *     tasks = [asyncio.create_task(worker(lock, shared, i)) for i in range(5)]
 *     await asyncio.gather(*tasks)
 *     print(shared)
 *
 * asyncio.run(main())
 *
 * async def fetch_url(sem, url):
 *     async with sem:
 *         print(f"Fetching {url}")
 *         await asyncio.sleep(1)
 *         return f"Data from {url}"
 *
 * async def main():
 *     sem = asyncio.Semaphore(3)  # max 3 concurrent fetches
 *     urls = [f"http://example.com/{i}" for i in range(10)]
 *     tasks = [asyncio.create_task(fetch_url(sem, url)) for url in urls]
 *     results = await asyncio.gather(*tasks)
 *     print(f"Fetched {len(results)} URLs")
 *
 * asyncio.run(main())
 * }</pre>
 */
public final class Section06Synchronization extends Example {

    /** The example, printing to {@code out}. */
    public Section06Synchronization(PrintStream out) {
        super(out);
    }

    /** {@code async def worker(lock, shared_list, value)}. */
    void worker(Lock lock, List<Integer> sharedList, int value) {
        try (var _ = lock.acquire()) {
            // critical section
            sharedList.add(value);
            sleep(0.1);  // simulate work
            print("Appended " + value);
        }
    }

    /** The lock example's {@code async def main()}. */
    void lockMain() {
        Lock lock = new Lock();
        List<Integer> shared = new ArrayList<>();
        List<Task<Void>> tasks = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int value = i;
            tasks.add(createTask(() -> worker(lock, shared, value)));
        }
        gatherAll(false, tasks);
        print(str(shared));
    }

    /** {@code async def fetch_url(sem, url)}. */
    String fetchUrl(Semaphore sem, String url) {
        try (var _ = sem.acquire()) {
            print("Fetching " + url);
            sleep(1);
            return "Data from " + url;
        }
    }

    /** The semaphore example's {@code async def main()}. */
    void semaphoreMain() {
        Semaphore sem = new Semaphore(3);  // max 3 concurrent fetches
        List<Task<String>> tasks = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String url = "http://example.com/" + i;
            tasks.add(createTask(() -> fetchUrl(sem, url)));
        }
        List<Object> results = gatherAll(false, tasks);
        print("Fetched " + results.size() + " URLs");
    }

    @Override
    public void program() {
        run(() -> lockMain());
        run(() -> semaphoreMain());
    }

    /** Runs the example on standard output. */
    public static void main(String[] args) {
        new Section06Synchronization(System.out).program();
    }
}
