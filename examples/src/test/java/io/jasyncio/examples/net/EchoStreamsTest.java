package io.jasyncio.examples.net;

import static io.jasyncio.Asyncio.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jasyncio.net.Server;
import io.jasyncio.testing.AsyncioExtension;
import io.jasyncio.testing.RealTime;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The streams echo example over loopback: the lines of asyncio's documentation, in order. */
@ExtendWith(AsyncioExtension.class)
@RealTime
class EchoStreamsTest {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final EchoStreams example = new EchoStreams(new PrintStream(bytes, true, StandardCharsets.UTF_8));

    private List<String> lines() {
        return bytes.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void theServerEchoesTheClientsMessageAndBothClose() {
        timeout(30, () -> example.main());
        List<String> lines = lines();
        assertThat(lines).hasSize(7);
        assertThat(lines.get(0)).matches("Serving on \\('127\\.0\\.0\\.1', \\d+\\)");
        assertThat(lines.get(1)).isEqualTo("Send: 'Hello World!'");
        assertThat(lines.get(2)).matches("Received 'Hello World!' from \\('127\\.0\\.0\\.1', \\d+\\)");
        assertThat(lines.subList(3, 7)).containsExactly(
                "Send: 'Hello World!'",          // the server
                "Close the connection",          // the server
                "Received: 'Hello World!'",      // the client
                "Close the connection");         // the client
    }

    @Test
    void theServerProgramServesClientsOneAfterAnother() {
        timeout(30, () -> {
            try (Server server = example.startEchoServer(0)) {
                int port = ((InetSocketAddress) server.sockets().get(0).getLocalAddress()).getPort();
                example.tcpEchoClient("first", port);
                example.tcpEchoClient("it's \"quoted\"", port);
                server.close();
                server.waitClosed();
            }
        });
        assertThat(lines()).contains("Received: 'first'", "Received: 'it\\'s \"quoted\"'");
    }

    @Test
    void pythonReprsOfStringsAndAddresses() {
        assertThat(EchoStreams.repr("it's")).isEqualTo("\"it's\"");
        assertThat(EchoStreams.repr("a\nb\\")).isEqualTo("'a\\nb\\\\'");
        assertThat(EchoStreams.address(new InetSocketAddress("127.0.0.1", 8888))).isEqualTo("('127.0.0.1', 8888)");
        assertThat(EchoStreams.address(new InetSocketAddress("::1", 8888))).isEqualTo("/[0:0:0:0:0:0:0:1]:8888");
    }

    @Test
    void badArgumentsSayHowToRunIt() {
        assertThatThrownBy(() -> EchoStreams.main(new String[] {"client", "port"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("usage: EchoStreams");
        assertThatThrownBy(() -> EchoStreams.main(new String[] {"proxy"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("usage: EchoStreams");
    }
}
