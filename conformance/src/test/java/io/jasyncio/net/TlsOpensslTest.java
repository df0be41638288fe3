package io.jasyncio.net;

import static io.jasyncio.Asyncio.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.jasyncio.Future;
import io.jasyncio.Task;
import io.jasyncio.testing.AsyncioExtension;
import io.jasyncio.testing.RealTime;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * TLS against a real peer that is not Java: OpenSSL's {@code s_server} and {@code s_client}
 * (Debian's openssl). Each process is bounded in time and killed at the end; a missing openssl
 * fails the test.
 */
@ExtendWith(AsyncioExtension.class)
@RealTime
class TlsOpensslTest {
    static TlsTestCertificates certs;

    @BeforeAll
    static void makeCertificates() throws Exception {
        certs = TlsTestCertificates.get();
    }

    /** An openssl process whose output is collected by a thread until it exits. */
    static final class OpenSsl implements AutoCloseable {
        final Process process;
        final BufferedReader out;
        final StringBuilder seen = new StringBuilder();

        OpenSsl(String... args) throws IOException {
            List<String> cmd = new ArrayList<>(List.of("openssl"));
            cmd.addAll(List.of(args));
            process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        }

        /** Reads output lines (off the loop) until one starts with {@code prefix}; returns it. */
        String awaitLine(String prefix) {
            return toThread(() -> {
                String line;
                while ((line = out.readLine()) != null) {
                    seen.append(line).append('\n');
                    if (line.startsWith(prefix)) {
                        return line;
                    }
                }
                throw new AssertionError("openssl ended without printing '" + prefix + "':\n" + seen);
            });
        }

        /** The rest of the output once the process exits (at most 20 s, then it is killed). */
        String awaitExit() {
            return toThread(() -> {
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new AssertionError("openssl did not exit in 20 s:\n" + seen);
                }
                String line;
                while ((line = out.readLine()) != null) {
                    seen.append(line).append('\n');
                }
                return seen.toString();
            });
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }

    static int acceptPort(OpenSsl server) {
        String line = server.awaitLine("ACCEPT ");
        return Integer.parseInt(line.substring(line.lastIndexOf(':') + 1).trim());
    }

    /** Collects until the connection is lost. */
    static final class Collect implements Protocol {
        final StringBuilder got = new StringBuilder();
        final Future<Throwable> lost = getRunningLoop().createFuture();
        Future<Void> line;

        @Override
        public void dataReceived(ByteBuffer data) {
            got.append(StandardCharsets.UTF_8.decode(data));
            if (line != null && got.indexOf("\n") >= 0 && !line.done()) {
                line.setResult(null);
            }
        }

        @Override
        public void connectionLost(Throwable exc) {
            lost.setResult(exc);
        }

        String awaitLine() {
            if (got.indexOf("\n") < 0) {
                line = getRunningLoop().createFuture();
                line.await();
            }
            return got.toString();
        }
    }

    static String[] sServer(String... extra) {
        List<String> a = new ArrayList<>(List.of("s_server", "-accept", "127.0.0.1:0", "-cert", certs.leaf.toString(),
                "-cert_chain", certs.ca.toString(), "-key", certs.key.toString(), "-naccept", "1", "-rev"));
        a.addAll(List.of(extra));
        return a.toArray(String[]::new);
    }

    @Test
    void aJasyncioClientVerifiesAndTalksToOpensslServerWithSni() throws Exception {
        // -servername_fatal: s_server refuses a ClientHello whose SNI is not "localhost".
        try (OpenSsl server = new OpenSsl(sServer("-servername", "localhost", "-servername_fatal",
                "-cert2", certs.leaf.toString(), "-key2", certs.key.toString()))) {
            int port = acceptPort(server);
            Connection<Collect> c = Tls.createConnection(Collect::new, "127.0.0.1", port,
                    TlsClientOptions.defaults().withTrustedCertificates(certs.ca).withServerHostname("localhost")
                            .withShutdownTimeout(10));
            c.transport().write("hello\n".getBytes(StandardCharsets.UTF_8));
            assertThat(c.protocol().awaitLine()).isEqualTo("olleh\n"); // -rev answers each line reversed
            c.transport().close();
            assertThat(c.protocol().lost.await()).isNull();
            assertThat(server.awaitExit()).contains("CONNECTION ESTABLISHED", "Protocol version: TLSv1.3");
        }
    }

    @Test
    void openSslServerRefusesTheSniNameTheClientWasGiven() throws Exception {
        try (OpenSsl server = new OpenSsl(sServer("-servername", "localhost", "-servername_fatal",
                "-cert2", certs.leaf.toString(), "-key2", certs.key.toString()))) {
            int port = acceptPort(server);
            Throwable e = catchThrowable(() -> Tls.createConnection(Collect::new, "127.0.0.1", port,
                    TlsClientOptions.defaults().withTrustedCertificates(certs.ca).withServerHostname("other.example")));
            assertThat(e).isInstanceOf(SSLException.class).hasMessageContaining("unrecognized_name");
            assertThat(server.awaitExit()).contains("Hostname in TLS extension: \"other.example\"");
        }
    }

    @Test
    void alpnAgainstOpensslServer() throws Exception {
        try (OpenSsl server = new OpenSsl(sServer("-alpn", "http/1.1"))) {
            int port = acceptPort(server);
            Connection<Collect> c = Tls.createConnection(Collect::new, "127.0.0.1", port,
                    TlsClientOptions.defaults().withTrustedCertificates(certs.ca).withAlpnProtocols("h2", "http/1.1"));
            assertThat(c.transport().getExtraInfo("selected_alpn_protocol")).isEqualTo("http/1.1");
            c.transport().write("abc\n".getBytes(StandardCharsets.UTF_8));
            assertThat(c.protocol().awaitLine()).isEqualTo("cba\n");
            c.transport().abort();
            c.protocol().lost.await();
            server.awaitExit();
        }
    }

    @Test
    void openSslClientVerifiesAndTalksToAJasyncioServer() throws Exception {
        List<String> serverSaw = new ArrayList<>();
        Future<Void> done = getRunningLoop().createFuture();
        try (Server server = Tls.createServer(() -> new Protocol() {
            Transport transport;

            @Override
            public void connectionMade(BaseTransport t) {
                transport = (Transport) t;
                serverSaw.add("sni " + t.getExtraInfo("server_hostname"));
                serverSaw.add("alpn " + t.getExtraInfo("selected_alpn_protocol"));
            }

            @Override
            public void dataReceived(ByteBuffer data) {
                String s = StandardCharsets.UTF_8.decode(data).toString();
                serverSaw.add("got " + s.strip());
                transport.write(("echo: " + s).getBytes(StandardCharsets.UTF_8));
                transport.close(); // close_notify: s_client ends
            }

            @Override
            public void connectionLost(Throwable exc) {
                serverSaw.add("lost " + exc);
                done.setResult(null);
            }
        }, "127.0.0.1", 0, TlsServerOptions.fromPem(certs.chain, certs.key).withAlpnProtocols("http/1.1"))) {
            int port = ((InetSocketAddress) server.sockets().get(0).getLocalAddress()).getPort();
            try (OpenSsl client = new OpenSsl("s_client", "-connect", "127.0.0.1:" + port, "-servername", "localhost",
                    "-CAfile", certs.ca.toString(), "-verify_return_error", "-alpn", "h2,http/1.1", "-ign_eof")) {
                Task<Void> feeding = createTask(() -> toThread(() -> {
                    client.process.getOutputStream().write("ping\n".getBytes(StandardCharsets.UTF_8));
                    client.process.getOutputStream().close();
                }));
                String out = client.awaitExit();
                feeding.await();
                assertThat(out).contains("Verify return code: 0 (ok)", "ALPN protocol: http/1.1", "echo: ping");
                assertThat(client.process.exitValue()).isZero();
            }
            done.await();
        }
        assertThat(serverSaw).containsExactly("sni localhost", "alpn http/1.1", "got ping", "lost null");
    }
}
