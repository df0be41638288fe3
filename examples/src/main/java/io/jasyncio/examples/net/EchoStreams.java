package io.jasyncio.examples.net;

import static io.jasyncio.Asyncio.run;

import io.jasyncio.examples.Example;
import io.jasyncio.net.Server;
import io.jasyncio.net.StreamConnection;
import io.jasyncio.net.StreamReader;
import io.jasyncio.net.StreamWriter;
import io.jasyncio.net.Streams;
import java.io.IOException;
import java.io.PrintStream;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The TCP echo server and client of asyncio's streams documentation ("TCP echo client using
 * streams", "TCP echo server using streams"), on jasyncio's streams.
 *
 * <pre>{@code
 * async def handle_echo(reader, writer):
 *     data = await reader.read(100)
 *     message = data.decode()
 *     addr = writer.get_extra_info('peername')
 *     print(f"Received {message!r} from {addr!r}")
 *     print(f"Send: {message!r}")
 *     writer.write(data)
 *     await writer.drain()
 *     print("Close the connection")
 *     writer.close()
 *     await writer.wait_closed()
 *
 * async def main():
 *     server = await asyncio.start_server(handle_echo, '127.0.0.1', 8888)
 *     addrs = ', '.join(str(sock.getsockname()) for sock in server.sockets)
 *     print(f'Serving on {addrs}')
 *     async with server:
 *         await server.serve_forever()
 *
 * async def tcp_echo_client(message):
 *     reader, writer = await asyncio.open_connection('127.0.0.1', 8888)
 *     print(f'Send: {message!r}')
 *     writer.write(message.encode())
 *     await writer.drain()
 *     data = await reader.read(100)
 *     print(f'Received: {data.decode()!r}')
 *     print('Close the connection')
 *     writer.close()
 *     await writer.wait_closed()
 * }</pre>
 *
 * <p>Run it as the two Python programs ({@code server [port]}, then {@code client [port] [message]}
 * in another terminal; port 8888 by default), or with no argument as one program: a server on a free
 * port, one client talking to it, then the server closed. Either way it prints the Python programs'
 * lines, addresses as Python shows them ({@code ('127.0.0.1', 8888)}).
 */
public final class EchoStreams extends Example {

    /** The documentation's host: loopback only. */
    static final String HOST = "127.0.0.1";
    /** The documentation's port. */
    static final int PORT = 8888;

    /** The example, printing to {@code out}. */
    public EchoStreams(PrintStream out) {
        super(out);
    }

    /** {@code async def handle_echo(reader, writer)}: one connection of the server. */
    void handleEcho(StreamReader reader, StreamWriter writer) throws IOException {
        byte[] data = reader.read(100);
        String message = new String(data, StandardCharsets.UTF_8);
        Object addr = writer.getExtraInfo("peername");
        print("Received " + repr(message) + " from " + address(addr));
        print("Send: " + repr(message));
        writer.write(data);
        writer.drain();
        print("Close the connection");
        writer.close();
        writer.waitClosed();
    }

    /** The server's first half: listens on {@code port} (0: any free port) and prints where. */
    Server startEchoServer(int port) throws IOException {
        Server server = Streams.startServer(this::handleEcho, HOST, port);
        List<String> addrs = new ArrayList<>();
        for (ServerSocketChannel sock : server.sockets()) {
            addrs.add(address(sock.getLocalAddress()));
        }
        print("Serving on " + String.join(", ", addrs));
        return server;
    }

    /** The server program's {@code async def main()}: serves until cancelled (Ctrl-C). */
    void serverMain(int port) throws IOException {
        try (Server server = startEchoServer(port)) {
            server.serveForever();
        }
    }

    /** {@code async def tcp_echo_client(message)}, connecting to {@code port}. */
    void tcpEchoClient(String message, int port) throws IOException {
        StreamConnection c = Streams.openConnection(HOST, port);
        StreamReader reader = c.reader();
        StreamWriter writer = c.writer();
        print("Send: " + repr(message));
        writer.write(message.getBytes(StandardCharsets.UTF_8));
        writer.drain();
        byte[] data = reader.read(100);
        print("Received: " + repr(new String(data, StandardCharsets.UTF_8)));
        print("Close the connection");
        writer.close();
        writer.waitClosed();
    }

    /**
     * Both programs in one: a server on a free port, {@code tcp_echo_client('Hello World!')} against
     * it, then the server closed and waited for (its last connection included).
     */
    void main() throws IOException {
        Server server = startEchoServer(0);
        try (server) {
            int port = ((InetSocketAddress) server.sockets().get(0).getLocalAddress()).getPort();
            tcpEchoClient("Hello World!", port);
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
        EchoStreams example = new EchoStreams(System.out);
        if (args.length == 0) {
            example.program();
            return;
        }
        String usage = "usage: EchoStreams [server [port] | client [port] [message]]";
        int port;
        try {
            port = args.length > 1 ? Integer.parseInt(args[1]) : PORT;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(usage + ": '" + args[1] + "' is not a port number", e);
        }
        switch (args[0]) {
            case "server" -> run(() -> example.serverMain(port));
            case "client" -> run(() -> example.tcpEchoClient(args.length > 2 ? args[2] : "Hello World!", port));
            default -> throw new IllegalArgumentException(usage);
        }
    }

    /** Python's {@code repr} of a str: single quotes unless it holds one and no double quote. */
    static String repr(String s) {
        char quote = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
        StringBuilder b = new StringBuilder().append(quote);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c == quote) {
                        b.append('\\').append(c);
                    } else if (c < 0x20 || c == 0x7f) {
                        b.append(String.format("\\x%02x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append(quote).toString();
    }

    /**
     * An IPv4 socket address as Python prints it, {@code ('127.0.0.1', 8888)} (the example binds
     * 127.0.0.1 only); anything else as Java prints it.
     */
    static String address(Object address) {
        if (address instanceof InetSocketAddress a && a.getAddress() instanceof Inet4Address v4) {
            return "(" + repr(v4.getHostAddress()) + ", " + a.getPort() + ")";
        }
        return String.valueOf(address);
    }
}
