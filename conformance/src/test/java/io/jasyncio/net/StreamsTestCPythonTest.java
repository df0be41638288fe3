package io.jasyncio.net;

import static io.jasyncio.Asyncio.*;
import static io.jasyncio.net.StreamsTest.b;
import static io.jasyncio.net.StreamsTest.s;
import static io.jasyncio.net.StreamsTestLoopbackTest.BOUND;
import static io.jasyncio.net.StreamsTestLoopbackTest.READ_SIZE;
import static io.jasyncio.net.StreamsTestLoopbackTest.port;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.jasyncio.Task;
import io.jasyncio.testing.AsyncioExtension;
import io.jasyncio.testing.RealTime;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * jasyncio streams against CPython asyncio's own streams over loopback: Debian's
 * {@code /usr/bin/python3} as the peer (a missing interpreter fails the test). The Python programs
 * are below; each bound to 127.0.0.1 and prints its port or its results. Everything waits inside
 * timeout scopes; the peer process is killed at the end whatever happened.
 */
@ExtendWith(AsyncioExtension.class)
@RealTime
class StreamsTestCPythonTest {

    static final String PYTHON = "/usr/bin/python3";

    /**
     * {@code echo}: echoes lines until the client's EOF, then writes "bye" and closes (so the client's
     * half-close is exercised). {@code flood N}: writes N bytes (i % 251) to each client and closes.
     */
    static final String SERVER = """
            import asyncio, sys

            async def echo(reader, writer):
                while line := await reader.readline():
                    writer.write(line)
                    await writer.drain()
                writer.write(b'bye\\n')
                await writer.drain()
                writer.close()
                await writer.wait_closed()

            async def flood(reader, writer):
                n = int(sys.argv[2])
                block = bytes(i % 251 for i in range(251 * 1000))
                sent = 0
                while sent < n:
                    chunk = block[:min(len(block), n - sent)]
                    writer.write(chunk)
                    await writer.drain()
                    sent += len(chunk)
                writer.close()
                await writer.wait_closed()

            async def main():
                handler = {'echo': echo, 'flood': flood}[sys.argv[1]]
                server = await asyncio.start_server(handler, '127.0.0.1', 0)
                print(server.sockets[0].getsockname()[1], flush=True)
                async with server:
                    await server.serve_forever()

            asyncio.run(main())
            """;

    /** Connects to the port in argv[1], sends three lines one by one, half-closes, prints what it got. */
    static final String CLIENT = """
            import asyncio, sys

            async def main(port):
                reader, writer = await asyncio.open_connection('127.0.0.1', port)
                for i in range(3):
                    writer.write(f'line {i}\\n'.encode())
                    await writer.drain()
                    print((await reader.readline()).decode().rstrip('\\n'), flush=True)
                writer.write_eof()
                rest = await reader.read()
                print('rest', repr(rest.decode()), flush=True)
                writer.close()
                await writer.wait_closed()

            asyncio.run(main(int(sys.argv[1])))
            """;

    /** A Python process; {@link #close()} kills it and waits for it to be gone. */
    record Peer(Process process, BufferedReader out) implements AutoCloseable {
        static Peer start(String program, String... args) throws IOException {
            List<String> command = new ArrayList<>(List.of(PYTHON, "-c", program));
            command.addAll(List.of(args));
            Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            return new Peer(p, new BufferedReader(new InputStreamReader(p.getInputStream(), UTF_8)));
        }

        /** The next line the program prints (read on a worker thread: the loop is not blocked). */
        String readLine() {
            String line = toThread(() -> out.readLine());
            if (line == null) {
                throw new AssertionError("the Python peer ended; exit code " + exitCode());
            }
            return line;
        }

        /** Waits (on a worker thread) for the program to end, and returns its exit code. */
        int exitCode() {
            Callable<Integer> waitFor = process::waitFor;
            return toThread(waitFor);
        }

        @Override
        public void close() {
            process.destroyForcibly();
            exitCode();
        }
    }

    @Test
    void aJasyncioClientTalksToACPythonEchoServerAndHalfCloses() {
        timeout(BOUND, () -> {
            try (Peer python = Peer.start(SERVER, "echo")) {
                int port = Integer.parseInt(python.readLine());
                StreamConnection c = Streams.openConnection("127.0.0.1", port);
                c.writer().write(b("hello\n"));
                c.writer().drain();
                assertThat(s(c.reader().readline())).isEqualTo("hello\n");
                // Two megabytes of lines each way at once: both sides' flow control at work.
                int lines = 2000;
                String line = "x".repeat(999) + "\n";
                Task<Integer> receiving = createTask(() -> {
                    int n = 0;
                    for (int i = 0; i < lines; i++) {
                        byte[] got = c.reader().readline();
                        assertThat(s(got)).isEqualTo(line);
                        n += got.length;
                    }
                    return n;
                });
                byte[] bytes = b(line);
                for (int i = 0; i < lines; i++) {
                    c.writer().write(bytes);
                    c.writer().drain();
                }
                assertThat(receiving.await()).isEqualTo(lines * 1000);
                c.writer().writeEof();
                assertThat(s(c.reader().read())).isEqualTo("bye\n");
                assertThat(c.reader().atEof()).isTrue();
                c.writer().close();
                c.writer().waitClosed();
            }
        });
    }

    @Test
    void aCPythonClientTalksToAJasyncioStreamServer() {
        timeout(BOUND, () -> {
            Server server = Streams.startServer((reader, writer) -> {
                for (byte[] line : reader) {
                    writer.write(b(s(line).toUpperCase()));
                    writer.drain();
                }
                writer.write(b("done"));
                writer.close();
                writer.waitClosed();
            }, "127.0.0.1", 0);
            try (Peer python = Peer.start(CLIENT, Integer.toString(port(server)))) {
                List<String> printed = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    printed.add(python.readLine());
                }
                assertThat(printed).containsExactly("LINE 0", "LINE 1", "LINE 2", "rest 'done'");
                assertThat(python.exitCode()).isZero();
            }
            server.close();
            server.waitClosed();
        });
    }

    @Test
    void aCPythonServerFloodingAJasyncioReaderIsHeldOffByItsLimit() {
        timeout(BOUND, () -> {
            int total = 8 << 20;
            int limit = 4096;
            try (Peer python = Peer.start(SERVER, "flood", Integer.toString(total))) {
                int port = Integer.parseInt(python.readLine());
                StreamConnection c = Streams.openConnection("127.0.0.1", port, limit);
                StreamReader reader = c.reader();
                StreamsTestLoopbackTest.until(reader::isPaused);
                long bound = 2L * limit + READ_SIZE;
                long got = 0;
                while (true) {
                    assertThat((long) reader.buffered()).isLessThanOrEqualTo(bound);
                    byte[] block = reader.read(limit);
                    if (block.length == 0) {
                        break;
                    }
                    for (int i = 0; i < block.length; i++) {
                        if (block[i] != (byte) ((got + i) % 251)) {
                            throw new AssertionError("byte " + (got + i) + " is wrong");
                        }
                    }
                    got += block.length;
                }
                assertThat(got).isEqualTo(total);
                c.writer().close();
                c.writer().waitClosed();
            }
        });
    }
}
