package io.jasyncio.examples.net;

import static io.jasyncio.Asyncio.getRunningLoop;
import static io.jasyncio.Asyncio.run;
import static io.jasyncio.examples.net.EchoStreams.address;
import static io.jasyncio.examples.net.EchoStreams.repr;

import io.jasyncio.Future;
import io.jasyncio.examples.Example;
import io.jasyncio.net.BaseTransport;
import io.jasyncio.net.Connection;
import io.jasyncio.net.Net;
import io.jasyncio.net.Protocol;
import io.jasyncio.net.Server;
import io.jasyncio.net.Transport;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The TCP echo server and client of asyncio's transports-and-protocols documentation ("TCP Echo
 * Server", "TCP Echo Client"): the same echo as {@link EchoStreams}, one level down, with
 * callbacks instead of awaits.
 *
 * <pre>{@code
 * class EchoServerProtocol(asyncio.Protocol):
 *     def connection_made(self, transport):
 *         peername = transport.get_extra_info('peername')
 *         print('Connection from {}'.format(peername))
 *         self.transport = transport
 *
 *     def data_received(self, data):
 *         message = data.decode()
 *         print('Data received: {!r}'.format(message))
 *         print('Send: {!r}'.format(message))
 *         self.transport.write(data)
 *         print('Close the client socket')
 *         self.transport.close()
 *
 * class EchoClientProtocol(asyncio.Protocol):
 *     def __init__(self, message, on_con_lost):
 *         self.message = message
 *         self.on_con_lost = on_con_lost
 *
 *     def connection_made(self, transport):
 *         transport.write(self.message.encode())
 *         print('Data sent: {!r}'.format(self.message))
 *
 *     def data_received(self, data):
 *         print('Data received: {!r}'.format(data.decode()))
 *
 *     def connection_lost(self, exc):
 *         print('The server closed the connection')
 *         self.on_con_lost.set_result(True)
 *
 * async def main():   # the client's
 *     loop = asyncio.get_running_loop()
 *     on_con_lost = loop.create_future()
 *     transport, protocol = await loop.create_connection(
 *         lambda: EchoClientProtocol('Hello World!', on_con_lost), '127.0.0.1', 8888)
 *     try:
 *         await on_con_lost
 *     finally:
 *         transport.close()
 * }</pre>
 *
 * <p>Run it as the two Python programs ({@code server [port]}, then {@code client [port] [message]}),
 * or with no argument as one program: a server on a free port, one client, the server closed.
 */
public final class EchoProtocol extends Example {

    /** The example, printing to {@code out}. */
    public EchoProtocol(PrintStream out) {
        super(out);
    }

    /** {@code EchoServerProtocol}: echoes the first data it receives, then closes. */
    final class EchoServerProtocol implements Protocol {
        private Transport transport;

        @Override
        public void connectionMade(BaseTransport transport) {
            print("Connection from " + address(transport.getExtraInfo("peername")));
            this.transport = (Transport) transport;
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            String message = StandardCharsets.UTF_8.decode(data.duplicate()).toString();
            print("Data received: " + repr(message));
            print("Send: " + repr(message));
            transport.write(data); // write() copies what the socket does not take at once
            print("Close the client socket");
            transport.close();
        }
    }

    /** {@code EchoClientProtocol}: sends its message, prints what comes back, resolves on close. */
    final class EchoClientProtocol implements Protocol {
        private final String message;
        private final Future<Boolean> onConLost;

        EchoClientProtocol(String message, Future<Boolean> onConLost) {
            this.message = message;
            this.onConLost = onConLost;
        }

        @Override
        public void connectionMade(BaseTransport transport) {
            ((Transport) transport).write(message.getBytes(StandardCharsets.UTF_8));
            print("Data sent: " + repr(message));
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            print("Data received: " + repr(StandardCharsets.UTF_8.decode(data).toString()));
        }

        @Override
        public void connectionLost(Throwable exc) {
            print("The server closed the connection");
            onConLost.setResult(true);
        }
    }

    /** The server's {@code loop.create_server(...)}, on {@code port} (0: any free port). */
    Server startEchoServer(int port) throws IOException {
        return Net.createServer(EchoServerProtocol::new, EchoStreams.HOST, port);
    }

    /** The client program's {@code async def main()}, connecting to {@code port}. */
    void clientMain(String message, int port) throws IOException {
        Future<Boolean> onConLost = getRunningLoop().createFuture();
        Connection<EchoClientProtocol> c =
                Net.createConnection(() -> new EchoClientProtocol(message, onConLost), EchoStreams.HOST, port);
        try {
            onConLost.await();
        } finally {
            c.transport().close();
        }
    }

    /** Both programs in one: a server on a free port, the client against it, the server closed. */
    void main() throws IOException {
        Server server = startEchoServer(0);
        try (server) {
            int port = ((InetSocketAddress) server.sockets().get(0).getLocalAddress()).getPort();
            clientMain("Hello World!", port);
        }
        server.waitClosed();
    }

    @Override
    public void program() {
        run(() -> main());
    }

    /**
     * {@code server [port]}, {@code client [port] [message]}, or nothing: both in one program.
     *
     * @throws IllegalArgumentException for other arguments, with the usage
     */
    public static void main(String[] args) {
        EchoProtocol example = new EchoProtocol(System.out);
        if (args.length == 0) {
            example.program();
            return;
        }
        String usage = "usage: EchoProtocol [server [port] | client [port] [message]]";
        int port;
        try {
            port = args.length > 1 ? Integer.parseInt(args[1]) : EchoStreams.PORT;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(usage + ": '" + args[1] + "' is not a port number", e);
        }
        switch (args[0]) {
            case "server" -> run(() -> {
                try (Server server = example.startEchoServer(port)) {
                    server.serveForever();
                }
            });
            case "client" -> run(() -> example.clientMain(args.length > 2 ? args[2] : "Hello World!", port));
            default -> throw new IllegalArgumentException(usage);
        }
    }
}
