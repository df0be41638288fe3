package io.jasyncio.net;

import static io.jasyncio.Asyncio.*;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.jasyncio.Future;
import io.jasyncio.net.TlsTest.Peer;
import io.jasyncio.testing.AsyncioExtension;
import io.jasyncio.testing.RealTime;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * TLS against CPython (Debian's {@code /usr/bin/python3}, OpenSSL underneath): its blocking
 * {@code ssl} module, which (strict about EOF: {@code suppress_ragged_eofs=False}, no
 * {@code OP_IGNORE_UNEXPECTED_EOF}) tells a close_notify ({@code recv} returns {@code b''}) from a TCP
 * EOF without one (an {@code SSLError}: unexpected EOF), and its asyncio streams over TLS (asyncio's own
 * {@code SSLProtocol} facing ours). A missing interpreter fails the test; each process is bounded
 * in time.
 */
@ExtendWith(AsyncioExtension.class)
@RealTime
class TlsCPythonTest {
    static final String PYTHON = "/usr/bin/python3";
    static TlsTestCertificates certs;

    @BeforeAll
    static void makeCertificates() throws Exception {
        certs = TlsTestCertificates.get();
    }

    /**
     * A one-connection TLS server (argv: cert chain, key, mode). {@code read}: reads to the end and
     * says how the stream ended, answering a close_notify with its own. {@code send-and-unwrap}:
     * sends "last words", then close_notify, and waits for ours.
     */
    static final String SERVER = """
            import socket, ssl, sys
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(sys.argv[1], sys.argv[2])
            ctx.options &= ~getattr(ssl, 'OP_IGNORE_UNEXPECTED_EOF', 0)  # Debian sets it: EOF would pass for close_notify
            mode = sys.argv[3]
            with socket.create_server(('127.0.0.1', 0)) as listener:
                print(listener.getsockname()[1], flush=True)
                raw, _ = listener.accept()
                raw.settimeout(20)
                tls = ctx.wrap_socket(raw, server_side=True, suppress_ragged_eofs=False)
                if mode == 'read':
                    got = b''
                    try:
                        while chunk := tls.recv(65536):
                            got += chunk
                        print('got', got.decode(), 'then close_notify', flush=True)
                        tls.unwrap()
                    except ssl.SSLError as e:  # SSLEOFError, or UNEXPECTED_EOF_WHILE_READING (3.11)
                        print('got', got.decode(), 'then EOF without close_notify' if 'EOF' in str(e) else e, flush=True)
                else:
                    tls.sendall(b'last words')
                    tls.unwrap()
                    print('unwrapped: our close_notify answered', flush=True)
                raw.close()
            """;

    /** asyncio streams over TLS (argv: port, CA file): three lines echoed, then close. */
    static final String ASYNCIO_CLIENT = """
            import asyncio, ssl, sys

            async def main(port, cafile):
                ctx = ssl.create_default_context(cafile=cafile)
                reader, writer = await asyncio.open_connection('127.0.0.1', port, ssl=ctx,
                                                               server_hostname='localhost')
                print('alpn', writer.get_extra_info('ssl_object').selected_alpn_protocol(), flush=True)
                for i in range(3):
                    writer.write(f'line {i}\\n'.encode())
                    await writer.drain()
                    print((await reader.readline()).decode().rstrip('\\n'), flush=True)
                writer.close()
                await writer.wait_closed()
                print('closed', flush=True)

            asyncio.run(main(int(sys.argv[1]), sys.argv[2]))
            """;

    /** A Python process; {@link #close()} kills it. */
    record Python(Process process, BufferedReader out) implements AutoCloseable {
        static Python start(String program, String... args) throws IOException {
            List<String> command = new ArrayList<>(List.of(PYTHON, "-c", program));
            command.addAll(List.of(args));
            Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            return new Python(p, new BufferedReader(new InputStreamReader(p.getInputStream(), UTF_8)));
        }

        /** The next line it prints (read off the loop thread). */
        String readLine() {
            String line = toThread(() -> out.readLine());
            if (line == null) {
                throw new AssertionError("the Python peer ended without printing; exit code " + exitCode());
            }
            return line;
        }

        /** Its exit code, waiting at most 20 s (off the loop thread). */
        int exitCode() {
            Callable<Integer> waitFor = () -> {
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new AssertionError("the Python peer did not exit in 20 s");
                }
                return process.exitValue();
            };
            return toThread(waitFor);
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }

    static Python server(String mode) throws IOException {
        return Python.start(SERVER, certs.chain.toString(), certs.key.toString(), mode);
    }

    static TlsClientOptions clientOptions() throws IOException {
        return TlsClientOptions.defaults().withTrustedCertificates(certs.ca).withServerHostname("localhost");
    }

    @Test
    void closeSendsCloseNotify() throws Exception {
        try (Python python = server("read")) {
            int port = Integer.parseInt(python.readLine());
            Connection<Peer> c = Tls.createConnection(() -> new Peer("client", new ArrayList<>(), false), "127.0.0.1",
                    port, clientOptions());
            c.transport().write("bye".getBytes(UTF_8));
            c.transport().close();
            assertThat(python.readLine()).isEqualTo("got bye then close_notify");
            assertThat(c.protocol().lost.await()).isNull();
            assertThat(python.exitCode()).isZero();
        }
    }

    @Test
    void abortSendsNoCloseNotify() throws Exception {
        try (Python python = server("read")) {
            int port = Integer.parseInt(python.readLine());
            Connection<Peer> c = Tls.createConnection(() -> new Peer("client", new ArrayList<>(), false), "127.0.0.1",
                    port, clientOptions());
            c.transport().write("x".getBytes(UTF_8));
            c.transport().abort();
            assertThat(python.readLine()).isEqualTo("got x then EOF without close_notify");
            assertThat(c.protocol().lost.await()).isNull();
            assertThat(python.exitCode()).isZero();
        }
    }

    @Test
    void thePeersCloseNotifyIsOurEndOfStreamAndWeAnswerIt() throws Exception {
        List<String> log = new ArrayList<>();
        try (Python python = server("send-and-unwrap")) {
            int port = Integer.parseInt(python.readLine());
            Connection<Peer> c = Tls.createConnection(() -> new Peer("client", log, false), "127.0.0.1", port,
                    clientOptions());
            assertThat(c.protocol().lost.await()).isNull();
            assertThat(python.readLine()).isEqualTo("unwrapped: our close_notify answered");
            assertThat(python.exitCode()).isZero();
        }
        assertThat(log).containsExactly("client made", "client got last words", "client eof", "client lost null");
    }

    @Test
    void cpythonAsyncioStreamsTalkToAJasyncioTlsServer() throws Exception {
        List<String> serverSaw = new ArrayList<>();
        Future<Void> lost = getRunningLoop().createFuture();
        try (Server server = Tls.createServer(() -> new Protocol() {
            Transport transport;

            @Override
            public void connectionMade(BaseTransport t) {
                transport = (Transport) t;
                serverSaw.add("made, SNI " + t.getExtraInfo("server_hostname"));
            }

            @Override
            public void dataReceived(ByteBuffer data) {
                transport.write(data);
            }

            @Override
            public boolean eofReceived() {
                serverSaw.add("eof");
                return false;
            }

            @Override
            public void connectionLost(Throwable exc) {
                serverSaw.add("lost " + exc);
                lost.setResult(null);
            }
        }, "127.0.0.1", 0, TlsServerOptions.fromPem(certs.chain, certs.key))) {
            int port = ((InetSocketAddress) server.sockets().get(0).getLocalAddress()).getPort();
            try (Python python = Python.start(ASYNCIO_CLIENT, Integer.toString(port), certs.ca.toString())) {
                List<String> printed = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    printed.add(python.readLine());
                }
                assertThat(printed).containsExactly("alpn None", "line 0", "line 1", "line 2", "closed");
                assertThat(python.exitCode()).isZero();
            }
            lost.await();
        }
        // asyncio's close() sent close_notify: our eof, our answer, then the socket closed.
        assertThat(serverSaw).containsExactly("made, SNI localhost", "eof", "lost null");
    }
}
