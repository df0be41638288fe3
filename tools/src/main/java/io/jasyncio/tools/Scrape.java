package io.jasyncio.tools;

import static io.jasyncio.Asyncio.*;

import io.jasyncio.Coroutine;
import io.jasyncio.Semaphore;
import io.jasyncio.http.client.ClientResponse;
import io.jasyncio.http.client.ClientSession;
import io.jasyncio.http.client.ClientTimeout;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code ./jasyncio scrape [--concurrency N] [--timeout S] [--from FILE] URL...}: the seed's
 * section 14 scraper for real URLs. At most N requests run at once (a {@link Semaphore}); one
 * {@link ClientSession} keeps the connections alive between requests to the same host; {@code
 * gather} with {@code returnExceptions} collects every outcome. A progress bar on standard error
 * (when it is a terminal) shows pages done, errors and bytes; the summary on standard output
 * counts the statuses and the errors by kind, the bytes received and the time taken.
 *
 * <p>Exit status: 0 when every URL answered 2xx or 3xx, 1 when some did not (or failed), 2 for a
 * usage error.
 */
public final class Scrape {

    /** The outcome of one URL: its status and body size, or the error that ended it. */
    record Outcome(String url, int status, long bytes, Throwable error) {
        boolean ok() {
            return error == null && status < 400;
        }
    }

    private final int concurrency;
    private final double timeout;
    private final PrintStream progressOut;
    private final boolean showProgress;
    private int done;
    private int errors;
    private long bytes;
    private int total;
    private long startNanos;

    Scrape(int concurrency, double timeout, PrintStream progressOut, boolean showProgress) {
        this.concurrency = concurrency;
        this.timeout = timeout;
        this.progressOut = progressOut;
        this.showProgress = showProgress;
    }

    /** Fetches one URL under the semaphore: the seed's {@code fetch}, keeping status and size. */
    Outcome fetch(ClientSession session, String url, Semaphore sem) {
        try (var _ = sem.acquire()) {
            Outcome outcome;
            try (ClientResponse resp = session.get(url)) {
                long size = 0;
                for (byte[] chunk : resp.content().iterAny()) {
                    size += chunk.length;
                    bytes += chunk.length;
                    progress();
                }
                outcome = new Outcome(url, resp.status(), size, null);
            } catch (Exception e) {
                outcome = new Outcome(url, 0, 0, e);
            }
            done++;
            if (!outcome.ok()) {
                errors++;
            }
            progress();
            return outcome;
        }
    }

    /** The seed's {@code scrape}: every URL, at most {@code concurrency} at once, outcomes in URL order. */
    List<Outcome> scrape(List<String> urls) {
        total = urls.size();
        startNanos = System.nanoTime();
        Semaphore sem = new Semaphore(concurrency);
        try (ClientSession session = ClientSession.builder().timeout(ClientTimeout.ofTotal(timeout)).build()) {
            List<Coroutine<Outcome>> tasks = new ArrayList<>();
            for (String url : urls) {
                tasks.add(() -> fetch(session, url, sem));
            }
            List<Object> results = gatherAll(true, tasks);
            List<Outcome> outcomes = new ArrayList<>(results.size());
            for (int i = 0; i < results.size(); i++) {
                Object r = results.get(i);
                outcomes.add(r instanceof Outcome o ? o : new Outcome(urls.get(i), 0, 0, (Throwable) r));
            }
            if (showProgress) {
                progressOut.print("\r" + " ".repeat(78) + "\r");
                progressOut.flush();
            }
            return outcomes;
        }
    }

    private void progress() {
        if (showProgress) {
            progressOut.print("\r" + bar(done, total, errors, bytes, (System.nanoTime() - startNanos) / 1e9));
            progressOut.flush();
        }
    }

    /** One progress line: {@code [#######.............]  7/20  1 error  1.2 MB  0.8 s}. */
    static String bar(int done, int total, int errors, long bytes, double seconds) {
        int width = 20;
        int filled = total == 0 ? width : (int) ((long) done * width / total);
        return "[" + "#".repeat(filled) + ".".repeat(width - filled) + "] "
                + String.format(Locale.ROOT, "%d/%d  %d error%s  %s  %.1f s", done, total, errors, errors == 1 ? "" : "s",
                        size(bytes), seconds);
    }

    /** Bytes as a person reads them: 512 B, 1.2 kB, 3.4 MB (decimal units, as curl). */
    static String size(long bytes) {
        if (bytes < 1000) {
            return bytes + " B";
        }
        if (bytes < 1_000_000) {
            return String.format(Locale.ROOT, "%.1f kB", bytes / 1e3);
        }
        if (bytes < 1_000_000_000) {
            return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
        }
        return String.format(Locale.ROOT, "%.1f GB", bytes / 1e9);
    }

    /** The summary lines: statuses, errors by kind, bytes, time and rate. */
    static List<String> summary(List<Outcome> outcomes, double seconds) {
        Map<Integer, Integer> statuses = new TreeMap<>();
        Map<String, Integer> failures = new TreeMap<>();
        long bytes = 0;
        for (Outcome o : outcomes) {
            if (o.error() != null) {
                failures.merge(o.error().getClass().getSimpleName(), 1, Integer::sum);
            } else {
                statuses.merge(o.status(), 1, Integer::sum);
                bytes += o.bytes();
            }
        }
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "Fetched %d of %d URLs in %.2f s (%.1f per second), %s",
                outcomes.size() - failures.values().stream().mapToInt(Integer::intValue).sum(), outcomes.size(), seconds,
                seconds > 0 ? outcomes.size() / seconds : 0.0, size(bytes)));
        statuses.forEach((status, n) -> lines.add(String.format(Locale.ROOT, "  %d: %d", status, n)));
        failures.forEach((kind, n) -> lines.add(String.format(Locale.ROOT, "  %s: %d", kind, n)));
        for (Outcome o : outcomes) {
            if (o.error() != null) {
                lines.add("  ! " + o.url() + ": " + o.error().getMessage());
            }
        }
        return lines;
    }

    /** Parsed command line. */
    record Args(int concurrency, double timeout, List<String> urls) {}

    static final String USAGE = "usage: ./jasyncio scrape [--concurrency N] [--timeout SECONDS] [--from FILE] URL...";

    /** Parses the arguments; a bad one throws IllegalArgumentException naming it, with the usage. */
    static Args parse(String[] args) throws IOException {
        int concurrency = 5;
        double timeout = 30;
        List<String> urls = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--concurrency", "-c" -> concurrency = positiveInt(a, value(args, ++i, a));
                case "--timeout" -> timeout = positiveDouble(a, value(args, ++i, a));
                case "--from" -> {
                    for (String line : Files.readAllLines(Path.of(value(args, ++i, a)))) {
                        if (!line.isBlank() && !line.strip().startsWith("#")) {
                            urls.add(line.strip());
                        }
                    }
                }
                default -> {
                    if (a.startsWith("-")) {
                        throw new IllegalArgumentException("unknown option " + a + "\n" + USAGE);
                    }
                    urls.add(a);
                }
            }
        }
        if (urls.isEmpty()) {
            throw new IllegalArgumentException("no URL given\n" + USAGE);
        }
        return new Args(concurrency, timeout, urls);
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value\n" + USAGE);
        }
        return args[i];
    }

    private static int positiveInt(String option, String v) {
        try {
            int n = Integer.parseInt(v);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(option + " must be a positive integer, not '" + v + "'\n" + USAGE);
    }

    private static double positiveDouble(String option, String v) {
        try {
            double d = Double.parseDouble(v);
            if (d > 0) {
                return d;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(option + " must be a positive number of seconds, not '" + v + "'\n" + USAGE);
    }

    /** Runs the command and returns its exit status (tests call this; main exits with it). */
    static int run(String[] argv, PrintStream out, PrintStream err, boolean terminal) {
        Args args;
        try {
            args = parse(argv);
        } catch (IllegalArgumentException | IOException e) {
            err.println("jasyncio scrape: " + e.getMessage());
            return 2;
        }
        Scrape scrape = new Scrape(args.concurrency(), args.timeout(), err, terminal);
        long t0 = System.nanoTime();
        List<Outcome> outcomes = io.jasyncio.Asyncio.run(() -> scrape.scrape(args.urls()));
        for (String line : summary(outcomes, (System.nanoTime() - t0) / 1e9)) {
            out.println(line);
        }
        return outcomes.stream().allMatch(Outcome::ok) ? 0 : 1;
    }

    /** The command's entry point (the launcher's {@code scrape}). */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err, System.console() != null));
    }
}
