package io.jasyncio.tools;

import static io.jasyncio.Asyncio.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.jasyncio.http.server.AppRunner;
import io.jasyncio.http.server.Application;
import io.jasyncio.http.server.HttpException;
import io.jasyncio.http.server.Response;
import io.jasyncio.http.server.TcpSite;
import io.jasyncio.testing.AsyncioExtension;
import io.jasyncio.testing.RealTime;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** ./jasyncio scrape against a local site: outcomes in order, the concurrency bound, the summary and the usage. */
@ExtendWith(AsyncioExtension.class)
@RealTime
class ScrapeTest {

    private int inFlight;
    private int peak;

    private AppRunner site() throws Exception {
        Application app = new Application();
        app.router().get("/page/{n}", request -> {
            inFlight++;
            peak = Math.max(peak, inFlight);
            try {
                sleep(0.02);
                return Response.text("x".repeat(1000));
            } finally {
                inFlight--;
            }
        });
        app.router().get("/missing", request -> {
            throw HttpException.notFound();
        });
        AppRunner runner = new AppRunner(app);
        runner.setup();
        return runner;
    }

    private static int deadPort() throws Exception {
        try (ServerSocketChannel probe = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            return ((InetSocketAddress) probe.getLocalAddress()).getPort();
        }
    }

    @Test
    void everyUrlHasItsOutcomeInOrderWithAtMostNInFlightAndTheProgressBarOnATerminal() throws Exception {
        AppRunner runner = site();
        try {
            TcpSite site = new TcpSite(runner, "127.0.0.1", 0);
            site.start();
            String base = "http://127.0.0.1:" + site.port();
            List<String> urls = new java.util.ArrayList<>();
            for (int i = 0; i < 8; i++) {
                urls.add(base + "/page/" + i);
            }
            urls.add(base + "/missing");
            urls.add("http://127.0.0.1:" + deadPort() + "/");
            ByteArrayOutputStream progress = new ByteArrayOutputStream();
            Scrape scrape = new Scrape(3, 10, new PrintStream(progress, true, StandardCharsets.UTF_8), true);

            List<Scrape.Outcome> outcomes = scrape.scrape(urls);

            assertThat(outcomes).extracting(Scrape.Outcome::url).containsExactlyElementsOf(urls);
            assertThat(outcomes.subList(0, 8)).allSatisfy(o -> {
                assertThat(o.status()).isEqualTo(200);
                assertThat(o.bytes()).isEqualTo(1000);
            });
            assertThat(outcomes.get(8).status()).isEqualTo(404);
            assertThat(outcomes.get(9).error()).hasMessageContaining("Cannot connect to host 127.0.0.1");
            assertThat(peak).isEqualTo(3);
            assertThat(progress.toString(StandardCharsets.UTF_8)).contains("\r[####################] 10/10  2 errors  8.0 kB");

            List<String> summary = Scrape.summary(outcomes, 2.0);
            assertThat(summary.get(0)).isEqualTo("Fetched 9 of 10 URLs in 2.00 s (5.0 per second), 8.0 kB");
            assertThat(summary).contains("  200: 8", "  404: 1", "  ClientConnectorError: 1");
            assertThat(summary.getLast()).startsWith("  ! http://127.0.0.1:").contains("Cannot connect");
        } finally {
            runner.cleanup();
        }
    }

    @Test
    void withoutATerminalNothingGoesToTheProgressStream() throws Exception {
        AppRunner runner = site();
        try {
            TcpSite site = new TcpSite(runner, "127.0.0.1", 0);
            site.start();
            ByteArrayOutputStream progress = new ByteArrayOutputStream();
            Scrape scrape = new Scrape(5, 10, new PrintStream(progress, true, StandardCharsets.UTF_8), false);
            List<Scrape.Outcome> outcomes = scrape.scrape(List.of("http://127.0.0.1:" + site.port() + "/page/1"));
            assertThat(outcomes).singleElement().matches(Scrape.Outcome::ok);
            assertThat(progress.size()).isZero();
        } finally {
            runner.cleanup();
        }
    }

    @Test
    void badArgumentsAreNamedWithTheUsageAndExitStatus2() {
        for (String[] args : List.of(new String[] {}, new String[] {"--concurrency", "0", "http://x"},
                new String[] {"--timeout", "soon", "http://x"}, new String[] {"--bogus", "http://x"},
                new String[] {"--from"}, new String[] {"--from", "/nonexistent/urls.txt"})) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int status = Scrape.run(args, new PrintStream(new ByteArrayOutputStream()),
                    new PrintStream(err, true, StandardCharsets.UTF_8), false);
            assertThat(status).as(String.join(" ", args)).isEqualTo(2);
            assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("jasyncio scrape: ");
        }
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Scrape.run(new String[] {"-c", "-3", "http://x"}, System.out, new PrintStream(err, true, StandardCharsets.UTF_8), false);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("-c must be a positive integer, not '-3'", Scrape.USAGE);
    }

    @Test
    void sizesAndTheBarReadAsCurlsDo() {
        assertThat(Scrape.size(999)).isEqualTo("999 B");
        assertThat(Scrape.size(1234)).isEqualTo("1.2 kB");
        assertThat(Scrape.size(3_400_000)).isEqualTo("3.4 MB");
        assertThat(Scrape.bar(7, 20, 1, 1234, 0.84)).isEqualTo("[#######.............] 7/20  1 error  1.2 kB  0.8 s");
        assertThat(Scrape.bar(0, 0, 0, 0, 0)).startsWith("[####################] 0/0");
    }
}
