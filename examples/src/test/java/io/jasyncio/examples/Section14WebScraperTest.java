package io.jasyncio.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.jasyncio.testing.AsyncioExtension;
import io.jasyncio.testing.RealTime;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Section 14 against its own local site: the seed's one line, the results in URL order (pages,
 * the 404 and 503 pages as text, the refused connection as an "Error: ..." string) and the bound
 * of five requests in flight.
 */
@ExtendWith(AsyncioExtension.class)
@RealTime
class Section14WebScraperTest {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final Section14WebScraper example = new Section14WebScraper(new PrintStream(bytes, true, StandardCharsets.UTF_8));

    @Test
    void theScraperPrintsTheSeedsLineAndEveryFailureIsAnErrorStringOrAnErrorPage() throws Exception {
        io.jasyncio.Asyncio.timeout(60, () -> example.main());

        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo("Fetched 20 pages" + System.lineSeparator());
        List<Object> results = example.results();
        assertThat(results).hasSize(20);
        for (int i = 0; i < 17; i++) {
            assertThat(results.get(i)).isEqualTo("<html><body><h1>Page " + (i + 1) + "</h1></body></html>");
        }
        assertThat((String) results.get(17)).contains("404"); // aiohttp.web's error page: "404: Not Found"
        assertThat((String) results.get(18)).contains("503");
        assertThat((String) results.get(19)).startsWith("Error: ").contains("127.0.0.1");
    }

    @Test
    void theSemaphoreKeepsAtMostFiveRequestsInFlight() throws Exception {
        io.jasyncio.Asyncio.timeout(60, () -> example.main());
        // 17 slow pages behind Semaphore(5): the site saw exactly five at once at its busiest.
        assertThat(example.peakInFlight()).isEqualTo(Section14WebScraper.MAX_CONCURRENT);
    }
}
