package io.jasyncio.examples;

import static io.jasyncio.Asyncio.*;

import io.jasyncio.Coroutine;
import io.jasyncio.Semaphore;
import io.jasyncio.http.client.ClientResponse;
import io.jasyncio.http.client.ClientSession;
import io.jasyncio.http.server.AppRunner;
import io.jasyncio.http.server.Application;
import io.jasyncio.http.server.HttpException;
import io.jasyncio.http.server.Response;
import io.jasyncio.http.server.TcpSite;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * Section 14, the rate-limited scraper: a {@link Semaphore} bounds the requests in flight, one
 * {@link ClientSession} (aiohttp's) keeps the connections, and {@code gather} with {@code
 * returnExceptions} collects pages and failures alike. Prints {@code Fetched 20 pages}.
 *
 * <pre>{@code
 * async def fetch(session, url, sem):
 *     async with sem:
 *         try:
 *             async with session.get(url) as resp:
 *                 return await resp.text()
 *         except Exception as e:
 *             return f"Error: {e}"
 *
 * async def scrape(urls, max_concurrent=5):
 *     sem = asyncio.Semaphore(max_concurrent)
 *     async with aiohttp.ClientSession() as session:
 *         tasks = [fetch(session, url, sem) for url in urls]
 *         results = await asyncio.gather(*tasks, return_exceptions=True)
 *     return results
 *
 * urls = ["https://example.com" for _ in range(20)]
 * results = asyncio.run(scrape(urls))
 * print(f"Fetched {len([r for r in results if not isinstance(r, Exception)])} pages")
 * }</pre>
 *
 * <h2>The site it scrapes</h2>
 *
 * <p>This machine has no internet, so the program first starts a small site of its own on
 * 127.0.0.1 (jasyncio's HTTP server, {@code aiohttp.web}'s counterpart) whose pages take a little
 * while to answer, and scrapes twenty URLs there. Not all of them work, so that the error handling
 * has something to do: one page is missing (404), one answers that the server is busy (503), and one
 * URL points at a port where nothing listens (the connection is refused). As in the Python original,
 * {@code fetch} turns a failure into an {@code "Error: ..."} string and a 404 or 503 page is still a page, so
 * every result counts and the line is {@code Fetched 20 pages}: the seed's check for exceptions
 * in the results never fires, because {@code fetch} already caught them. {@link #results()} keeps
 * the results for those who want to look (the test does).
 *
 * <p>{@code ./jasyncio scrape URL...} does the same against real URLs, with a progress bar.
 */
public final class Section14WebScraper extends Example {

    /** How long each page of the local site takes to answer, in seconds. */
    static final double PAGE_DELAY = 0.05;
    /** The seed's default bound on requests in flight. */
    static final int MAX_CONCURRENT = 5;

    private List<Object> results = List.of();
    /** The most requests the local site had in flight at once. */
    private int peakInFlight;
    private int inFlight;

    /** The example, printing to {@code out}. */
    public Section14WebScraper(PrintStream out) {
        super(out);
    }

    /** {@code async def fetch(session, url, sem)}. */
    static String fetch(ClientSession session, String url, Semaphore sem) {
        try (var _ = sem.acquire()) {
            try (ClientResponse resp = session.get(url)) {
                return resp.text();
            } catch (Exception e) {
                return "Error: " + e.getMessage();
            }
        }
    }

    /** {@code async def scrape(urls, max_concurrent=5)}. */
    static List<Object> scrape(List<String> urls, int maxConcurrent) {
        Semaphore sem = new Semaphore(maxConcurrent);
        try (ClientSession session = new ClientSession()) {
            List<Coroutine<String>> tasks = new ArrayList<>();
            for (String url : urls) {
                tasks.add(() -> fetch(session, url, sem));
            }
            return gatherAll(true, tasks);
        }
    }

    /** The local site: pages that take {@link #PAGE_DELAY} to answer, a missing one, a busy one. */
    Application site() {
        Application app = new Application();
        app.router().get("/page/{n}", request -> {
            inFlight++;
            peakInFlight = Math.max(peakInFlight, inFlight);
            try {
                sleep(PAGE_DELAY); // a slow page: what makes the concurrency bound matter
                return Response.html("<html><body><h1>Page " + request.matchInfo("n") + "</h1></body></html>");
            } finally {
                inFlight--;
            }
        });
        app.router().get("/missing", request -> {
            throw HttpException.notFound();
        });
        app.router().get("/busy", request -> {
            throw new HttpException(503); // an overloaded server's answer
        });
        return app;
    }

    /** A port on 127.0.0.1 where nothing listens (bound, read, closed). */
    static int closedPort() throws IOException {
        try (ServerSocketChannel probe = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            return ((InetSocketAddress) probe.getLocalAddress()).getPort();
        }
    }

    /** The twenty URLs: seventeen pages, a missing one, a busy one, and one where nothing listens. */
    static List<String> urls(int port, int deadPort) {
        List<String> urls = new ArrayList<>();
        for (int i = 1; i <= 17; i++) {
            urls.add("http://127.0.0.1:" + port + "/page/" + i);
        }
        urls.add("http://127.0.0.1:" + port + "/missing");
        urls.add("http://127.0.0.1:" + port + "/busy");
        urls.add("http://127.0.0.1:" + deadPort + "/");
        return urls;
    }

    /** Starts the site, scrapes it, stops it (gracefully: the runner's cleanup). */
    void main() throws Exception {
        AppRunner runner = new AppRunner(site());
        runner.setup();
        try {
            TcpSite site = new TcpSite(runner, "127.0.0.1", 0);
            site.start();
            results = scrape(urls(site.port(), closedPort()), MAX_CONCURRENT);
        } finally {
            runner.cleanup();
        }
        long fetched = results.stream().filter(r -> !(r instanceof Throwable)).count();
        print("Fetched " + fetched + " pages");
    }

    /** What the last run's gather returned, in URL order. */
    List<Object> results() {
        return results;
    }

    /** The most requests the local site served at once in the last run. */
    int peakInFlight() {
        return peakInFlight;
    }

    @Override
    public void program() {
        run(() -> main());
    }
}
