package io.jasyncio.bench.http;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.Task;
import io.jasyncio.engine.Engines;
import io.jasyncio.http.client.ClientResponse;
import io.jasyncio.http.client.ClientSession;
import io.jasyncio.http.client.TcpConnector;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * The http benchmark's jasyncio client (bench/README.md, "The http workload"): one
 * {@link ClientSession} whose {@link TcpConnector} has {@code limit = N}, and N tasks, each looping
 * {@code session.get(url)} + {@code read()} (keep-alive: every task keeps one pooled connection
 * busy), as the aiohttp client in {@code bench/http/http_client.py}. First a warm-up phase of
 * {@code WARMUP} seconds (JIT), then the measured phase of {@code SECONDS}: the tasks stop starting
 * requests when it ends. Prints {@code measuring} on stdout when the measured phase starts and, when
 * it ends, one JSON line: the requests completed, the wall time until the last task finished and
 * the process's CPU time (every thread) over the phase, and the bytes the loop thread allocated
 * per request (a figure the machine's load does not move; on the portable engine the tasks run on
 * other threads, so it covers only the loop's part).
 * Every response must be a 200 with the expected body; anything else is counted as an error (and
 * the first one is printed on stderr).
 *
 * <pre>
 * java --add-exports java.base/jdk.internal.vm=ALL-UNNAMED -cp ... io.jasyncio.bench.http.JasyncioHttpClient URL N WARMUP SECONDS
 * </pre>
 */
public final class JasyncioHttpClient {
    private JasyncioHttpClient() {}

    /** What one phase counted. */
    private static final class Phase {
        volatile boolean stop;
        long requests;
        long errors;
        long bytes;
        String firstError;
    }

    /** {@code URL N WARMUP SECONDS}. */
    public static void main(String[] args) {
        if (args.length != 4) {
            throw new IllegalArgumentException("usage: JasyncioHttpClient URL N WARMUP_SECONDS SECONDS");
        }
        String url = args[0];
        int n = Integer.parseInt(args[1]);
        double warmup = Double.parseDouble(args[2]);
        double seconds = Double.parseDouble(args[3]);
        byte[] expected = JasyncioHttpServer.HELLO.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Asyncio.run(() -> {
            TcpConnector connector = TcpConnector.builder().limit(n).build();
            try (ClientSession session = ClientSession.builder().connector(connector).build()) {
                if (warmup > 0) {
                    Phase w = run(session, url, n, warmup, expected);
                    if (w.errors > 0) {
                        System.err.println("warm-up: " + w.errors + " errors, first: " + w.firstError);
                    }
                }
                System.out.println("measuring");
                System.out.flush();
                long cpu0 = os.getProcessCpuTime();
                long alloc0 = threads.getCurrentThreadAllocatedBytes();
                long t0 = System.nanoTime();
                Phase p = run(session, url, n, seconds, expected);
                double elapsed = (System.nanoTime() - t0) / 1e9;
                double cpu = (os.getProcessCpuTime() - cpu0) / 1e9;
                long alloc = threads.getCurrentThreadAllocatedBytes() - alloc0;
                if (p.errors > 0) {
                    System.err.println(p.errors + " errors, first: " + p.firstError);
                }
                System.out.println(String.format(java.util.Locale.ROOT,
                        "{\"requests\": %d, \"seconds\": %.6f, \"cpu_s\": %.6f, \"errors\": %d, \"bytes\": %d, "
                                + "\"concurrency\": %d, \"loop_alloc_bytes_per_request\": %.1f, "
                                + "\"impl_detail\": \"jasyncio %s engine\"}",
                        p.requests, elapsed, cpu, p.errors, p.bytes, n, p.requests == 0 ? 0.0 : (double) alloc / p.requests,
                        Engines.current().name()));
                System.out.flush();
            }
        });
    }

    /** N tasks looping GET + read for {@code seconds}; returns when the last one finished. */
    private static Phase run(ClientSession session, String url, int n, double seconds, byte[] expected) {
        Phase p = new Phase();
        EventLoop loop = Asyncio.getRunningLoop();
        var stopper = loop.callLater(seconds, () -> p.stop = true);
        List<Task<Void>> tasks = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            tasks.add(Asyncio.createTask(() -> {
                while (!p.stop) {
                    try (ClientResponse r = session.get(url)) {
                        byte[] body = r.read();
                        if (r.status() != 200 || !java.util.Arrays.equals(body, expected)) {
                            p.errors++;
                            if (p.firstError == null) {
                                p.firstError = "status " + r.status() + ", " + body.length + " body bytes";
                            }
                        } else {
                            p.requests++;
                            p.bytes += body.length;
                        }
                    } catch (Exception e) {
                        p.errors++;
                        if (p.firstError == null) {
                            p.firstError = e.toString();
                        }
                        if (p.errors > 1000) {
                            throw e;
                        }
                    }
                }
            }));
        }
        try {
            Asyncio.gatherAll(false, tasks);
        } finally {
            stopper.cancel();
        }
        return p;
    }
}
