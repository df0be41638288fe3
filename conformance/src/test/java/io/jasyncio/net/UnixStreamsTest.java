package io.jasyncio.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.jasyncio.testing.AsyncioExtension;
import io.jasyncio.testing.RealTime;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** asyncio's open_unix_connection / start_unix_server: streams over a Unix-domain socket. */
@ExtendWith(AsyncioExtension.class)
@RealTime
class UnixStreamsTest {

    @Test
    void aLineEchoesOverAUnixSocket() throws Exception {
        Path dir = Files.createTempDirectory("jasyncio-unix");
        Path path = dir.resolve("echo.sock");
        try (Server server = Streams.startUnixServer((reader, writer) -> {
            writer.write(reader.readline());
            writer.drain();
            writer.close();
        }, path)) {
            try (StreamConnection c = Streams.openUnixConnection(path)) {
                c.writer().write("ping\n".getBytes(StandardCharsets.UTF_8));
                c.writer().drain();
                assertThat(new String(c.reader().readline(), StandardCharsets.UTF_8)).isEqualTo("ping\n");
            }
        } finally {
            Files.deleteIfExists(path);
            Files.delete(dir);
        }
    }
}
