package io.jasyncio.http.client;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Real servers from Debian packages for the client's tests, started per test class in a temporary
 * directory and stopped after it. A missing program is a failure, not a skip (CI installs them).
 * Blocking: use from {@code @BeforeAll} / {@code @AfterAll}.
 */
final class RealPeers {
    private RealPeers() {}

    /** A free TCP port on 127.0.0.1 (bound then released: nginx cannot listen on port 0). */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        }
    }

    /** Fails naming the package when {@code program} is not installed. */
    static void require(String program, String debianPackage) {
        if (!Files.isExecutable(Path.of(program))) {
            throw new AssertionError(program + " is missing: install the Debian package " + debianPackage
                    + " (.ci/run does)");
        }
    }

    /** Waits (at most 15 s) until {@code port} accepts connections, or fails with the process's output. */
    static void awaitPort(int port, Process p, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new AssertionError("the peer exited with " + p.exitValue() + ": " + read(log));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                p.waitFor(50, TimeUnit.MILLISECONDS);
            }
        }
        p.destroyForcibly();
        throw new AssertionError("the peer did not listen on " + port + " within 15 s: " + read(log));
    }

    static String read(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log) : "(no log)";
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /** Stops {@code p} (TERM, then KILL after 10 s). */
    static void stop(Process p) throws InterruptedException {
        if (p == null) {
            return;
        }
        p.destroy();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Starts {@code command} with its output to {@code log}. */
    static Process start(List<String> command, Path dir, Path log) throws IOException {
        return new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
    }
}
