package io.jasyncio.net;

import static io.jasyncio.Asyncio.*;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jasyncio.Task;
import io.jasyncio.testing.AsyncioExtension;
import io.jasyncio.testing.MemoryStreams;
import io.jasyncio.testing.RealTime;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** asyncio's sock_sendfile and loop.sendfile: the kernel's zero-copy path on sockets, the fallback elsewhere. */
@ExtendWith(AsyncioExtension.class)
class SendfileTest {

    /** More than a loopback socket buffers, so that sending must wait for the reader. */
    static final int SIZE = 8 << 20;
    private byte[] content;
    private Path path;
    private FileChannel file;

    @BeforeEach
    void makeFile() throws IOException {
        content = new byte[SIZE];
        new Random(42).nextBytes(content);
        path = Files.createTempFile("sendfile", ".bin");
        Files.write(path, content);
        file = FileChannel.open(path, StandardOpenOption.READ);
    }

    @AfterEach
    void removeFile() throws IOException {
        file.close();
        Files.delete(path);
    }

    /** A connected pair of non-blocking channels on loopback. */
    private static SocketChannel[] socketPair() throws IOException {
        try (ServerSocketChannel listener = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            SocketChannel a = SocketChannel.open(listener.getLocalAddress());
            SocketChannel b = listener.accept();
            a.configureBlocking(false);
            b.configureBlocking(false);
            return new SocketChannel[] {a, b};
        }
    }

    /** Reads {@code n} bytes from {@code ch} in a task. */
    private static Task<byte[]> receive(SocketChannel ch, int n) {
        return createTask(() -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            while (out.size() < n) {
                byte[] got = Sockets.sockRecv(ch, 256 * 1024);
                if (got.length == 0) {
                    break;
                }
                out.writeBytes(got);
            }
            return out.toByteArray();
        });
    }

    @Test
    @RealTime
    void sockSendfileSendsTheWholeFileAndLeavesThePositionAtItsEnd() throws Exception {
        SocketChannel[] pair = socketPair();
        try (SocketChannel a = pair[0]; SocketChannel b = pair[1]) {
            Task<byte[]> received = receive(b, SIZE);
            assertThat(Sockets.sockSendfile(a, file, 0, null)).isEqualTo(SIZE);
            assertThat(received.await()).isEqualTo(content);
            assertThat(file.position()).isEqualTo(SIZE);
        }
    }

    @Test
    @RealTime
    void anOffsetAndACountSendThatSliceAndACountPastTheEndStopsThere() throws Exception {
        SocketChannel[] pair = socketPair();
        try (SocketChannel a = pair[0]; SocketChannel b = pair[1]) {
            Task<byte[]> received = receive(b, 1000);
            assertThat(Sockets.sockSendfile(a, file, 100, 1000L)).isEqualTo(1000);
            assertThat(received.await()).isEqualTo(Arrays.copyOfRange(content, 100, 1100));
            assertThat(file.position()).isEqualTo(1100);

            Task<byte[]> tail = receive(b, 10);
            assertThat(Sockets.sockSendfile(a, file, SIZE - 10, 1000L)).isEqualTo(10);
            assertThat(tail.await()).isEqualTo(Arrays.copyOfRange(content, SIZE - 10, SIZE));
        }
    }

    @Test
    @RealTime
    void onATransportTheFileGoesBetweenWhatWasWrittenBeforeAndAfterAndWritesWaitMeanwhile() throws Exception {
        Server server = Streams.startServer((reader, writer) -> {
            writer.write("head:".getBytes(UTF_8));
            Task<Long> sending = createTask(() -> Net.sendfile(writer.transport(), file));
            sleep(0);
            sleep(0);
            // The peer reads nothing yet, so the sendfile is still waiting: writes are refused.
            assertThatThrownBy(() -> writer.write(new byte[] {1}))
                    .isInstanceOf(IllegalStateException.class).hasMessage("unable to write; sendfile is in progress");
            assertThat(sending.await()).isEqualTo(SIZE);
            writer.write(":tail".getBytes(UTF_8));
            writer.close();
        }, "127.0.0.1", 0);
        try (server) {
            int port = ((InetSocketAddress) server.sockets().getFirst().getLocalAddress()).getPort();
            StreamConnection c = Streams.openConnection("127.0.0.1", port);
            byte[] all = c.reader().read();
            assertThat(new String(all, 0, 5, UTF_8)).isEqualTo("head:");
            assertThat(Arrays.copyOfRange(all, 5, 5 + SIZE)).isEqualTo(content);
            assertThat(new String(all, 5 + SIZE, all.length - 5 - SIZE, UTF_8)).isEqualTo(":tail");
            c.writer().close();
        }
    }

    @Test
    void aTransportWithoutASocketGetsTheFileThroughWritesWithItsFlowControl() throws Exception {
        MemoryStreams pipe = MemoryStreams.open();
        Task<byte[]> received = createTask(() -> pipe.server().reader().readexactly(SIZE));
        assertThat(Net.sendfile(pipe.client().writer().transport(), file, 0, null)).isEqualTo(SIZE);
        assertThat(received.await()).isEqualTo(content);
        assertThat(file.position()).isEqualTo(SIZE);
        // The stream's protocol is back: writing and reading work as before.
        pipe.client().writer().write("after".getBytes(UTF_8));
        assertThat(pipe.server().reader().readexactly(5)).isEqualTo("after".getBytes(UTF_8));
    }

    @Test
    void badArgumentsAndAClosingTransportAreRefused() throws Exception {
        MemoryStreams pipe = MemoryStreams.open();
        Transport t = pipe.client().writer().transport();
        assertThatThrownBy(() -> Net.sendfile(t, file, -1, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("offset must be a non-negative integer (got -1)");
        assertThatThrownBy(() -> Net.sendfile(t, file, 0, 0L)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("count must be a positive integer (got 0)");
        t.close();
        assertThatThrownBy(() -> Net.sendfile(t, file)).isInstanceOf(IllegalStateException.class)
                .hasMessage("Transport is closing");
    }
}
