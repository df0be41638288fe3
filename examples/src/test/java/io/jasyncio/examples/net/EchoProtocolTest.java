package io.jasyncio.examples.net;

import static io.jasyncio.Asyncio.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jasyncio.testing.AsyncioExtension;
import io.jasyncio.testing.RealTime;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The protocol echo example over loopback: the documentation's lines, in causal order. */
@ExtendWith(AsyncioExtension.class)
@RealTime
class EchoProtocolTest {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final EchoProtocol example = new EchoProtocol(new PrintStream(bytes, true, StandardCharsets.UTF_8));

    @Test
    void theServerEchoesAndClosesAndTheClientSeesTheClose() {
        timeout(30, () -> example.main());
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(7);
        assertThat(lines).anySatisfy(l -> assertThat(l).matches("Connection from \\('127\\.0\\.0\\.1', \\d+\\)"));
        // Each side's lines come in its program's order; the server answers only what was sent.
        assertThat(lines.stream().filter(l -> !l.startsWith("Connection from")).toList()).containsExactly(
                "Data sent: 'Hello World!'",              // client
                "Data received: 'Hello World!'",          // server
                "Send: 'Hello World!'",                   // server
                "Close the client socket",                // server
                "Data received: 'Hello World!'",          // client
                "The server closed the connection");      // client
    }

    @Test
    void badArgumentsSayHowToRunIt() {
        assertThatThrownBy(() -> EchoProtocol.main(new String[] {"server", "x"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("usage: EchoProtocol");
    }
}
