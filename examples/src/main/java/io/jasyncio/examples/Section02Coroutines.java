package io.jasyncio.examples;

import static io.jasyncio.Asyncio.*;

import java.io.PrintStream;
import java.util.Map;

/**
 * Section 2, coroutines: one coroutine awaits another, which in jasyncio is a plain call (it runs
 * inline in the caller's task and may suspend).
 *
 * <pre>{@code
 * async def fetch_data(url):
 *     print(f"Fetching {url}")
 *     await asyncio.sleep(0.5)  # simulate network
 *     return {"data": "sample"}
 *
 * async def process():
 *     data = await fetch_data("https://api.example.com")
 *     print(f"Processed: {data}")
 *
 * asyncio.run(process())
 * }</pre>
 */
public final class Section02Coroutines extends Example {

    /** The example, printing to {@code out}. */
    public Section02Coroutines(PrintStream out) {
        super(out);
    }

    /** {@code async def fetch_data(url)}. */
    Map<String, String> fetchData(String url) {
        print("Fetching " + url);
        sleep(0.5);  // simulate network
        return Map.of("data", "sample");
    }

    /** {@code async def process()}. */
    void process() {
        Map<String, String> data = fetchData("https://api.example.com");  // await fetch_data(...)
        print("Processed: " + str(data));  // str() prints the dict as Python does: {'data': 'sample'}
    }

    @Override
    public void program() {
        run(() -> process());
    }

    /** Runs the example on standard output. */
    public static void main(String[] args) {
        new Section02Coroutines(System.out).program();
    }
}
