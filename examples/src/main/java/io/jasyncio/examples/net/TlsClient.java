package io.jasyncio.examples.net;

import io.jasyncio.Asyncio;
import io.jasyncio.Future;
import io.jasyncio.examples.Example;
import io.jasyncio.net.BaseTransport;
import io.jasyncio.net.Connection;
import io.jasyncio.net.Protocol;
import io.jasyncio.net.Server;
import io.jasyncio.net.SslCertVerificationError;
import io.jasyncio.net.Tls;
import io.jasyncio.net.TlsClientOptions;
import io.jasyncio.net.TlsServerOptions;
import io.jasyncio.net.Transport;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;

/**
 * A TLS client talking to a local TLS server that the example starts itself: asyncio's
 * {@code create_server(..., ssl=server_context)} and {@code create_connection(..., ssl=client_context,
 * server_hostname='localhost')}.
 *
 * <p>It makes a throwaway self-signed certificate for {@code localhost} with the JDK's
 * {@code keytool}, serves a protocol that answers each line in capitals, and connects a client that
 * trusts exactly that certificate (verifying it and the name, as every client does by default) and
 * negotiates an ALPN protocol. Then it shows what a client using the JDK's default trust store
 * says about the same server. Prints:
 *
 * <pre>
 * server: listening on 127.0.0.1 with a self-signed certificate for localhost
 * client: connected with TLSv1.3, ALPN shout/1, server certificate CN=localhost
 * client: sent 'hello', got 'HELLO'
 * client: sent 'over tls', got 'OVER TLS'
 * client: closed (close_notify sent and answered)
 * client: with the JDK's trust store: untrusted certificate: its chain does not lead to a trusted certificate (self-signed, or issued by an unknown authority)
 * </pre>
 */
public final class TlsClient extends Example {

    /** The example, printing to {@code out}. */
    public TlsClient(PrintStream out) {
        super(out);
    }

    /** Runs the example on standard output. */
    public static void main(String[] args) {
        new TlsClient(System.out).program();
    }

    /**
     * Makes the certificate (blocking, before the loop starts), then runs
     * {@link #main(KeyStore, char[])} on a new event loop.
     *
     * @throws UncheckedIOException when keytool is missing or fails
     */
    @Override
    public void program() {
        try {
            Path dir = Files.createTempDirectory("jasyncio-tls-example");
            Path store = dir.resolve("server.p12");
            try {
                char[] password = Base64.getEncoder().encodeToString(randomBytes(12)).toCharArray();
                makeSelfSignedCertificate(store, password);
                KeyStore keyStore = KeyStore.getInstance(store.toFile(), password);
                Asyncio.run(() -> main(keyStore, password));
            } finally {
                Files.deleteIfExists(store);
                Files.deleteIfExists(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the key store keytool made", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while keytool ran", e);
        }
    }

    /** The server and the client, in one task. */
    void main(KeyStore keyStore, char[] password) throws Exception {
        X509Certificate certificate = (X509Certificate) keyStore.getCertificate("localhost");
        TlsServerOptions serverOptions = TlsServerOptions.fromKeyStore(keyStore, password).withAlpnProtocols("shout/1");
        try (Server server = Tls.createServer(ShoutServer::new, "127.0.0.1", 0, serverOptions)) {
            int port = ((InetSocketAddress) server.sockets().get(0).getLocalAddress()).getPort();
            print("server: listening on 127.0.0.1 with a self-signed certificate for localhost");

            // Connect by address, verify the name "localhost" (and send it in SNI).
            TlsClientOptions options = TlsClientOptions.defaults()
                    .withTrustedCertificates(List.of(certificate))
                    .withServerHostname("localhost")
                    .withAlpnProtocols("shout/1", "http/1.1");
            Connection<LineClient> c = Tls.createConnection(LineClient::new, "127.0.0.1", port, options);
            SSLEngine engine = (SSLEngine) c.transport().getExtraInfo("ssl_object");
            @SuppressWarnings("unchecked")
            List<X509Certificate> chain = (List<X509Certificate>) c.transport().getExtraInfo("peercert");
            print("client: connected with " + engine.getSession().getProtocol() + ", ALPN "
                    + c.transport().getExtraInfo("selected_alpn_protocol") + ", server certificate "
                    + chain.get(0).getSubjectX500Principal().getName());
            for (String line : List.of("hello", "over tls")) {
                print("client: sent '" + line + "', got '" + c.protocol().ask(line) + "'");
            }
            c.transport().close();
            c.protocol().closed.await();
            print("client: closed (close_notify sent and answered)");

            try {
                Tls.createConnection(LineClient::new, "127.0.0.1", port,
                        TlsClientOptions.defaults().withServerHostname("localhost"));
                print("client: the default trust store accepted a self-signed certificate?");
            } catch (SslCertVerificationError e) {
                print("client: with the JDK's trust store: " + e.verifyMessage());
            }
        }
    }

    /** Answers each line with the line in capitals. */
    static final class ShoutServer implements Protocol {
        private Transport transport;

        @Override
        public void connectionMade(BaseTransport t) {
            transport = (Transport) t;
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            String text = StandardCharsets.UTF_8.decode(data).toString();
            transport.write(text.toUpperCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Sends a line and suspends until the answer's line arrives. */
    static final class LineClient implements Protocol {
        private final StringBuilder received = new StringBuilder();
        private final ArrayDeque<Future<String>> waiting = new ArrayDeque<>();
        final Future<Void> closed = Asyncio.getRunningLoop().createFuture();
        private Transport transport;

        @Override
        public void connectionMade(BaseTransport t) {
            transport = (Transport) t;
        }

        String ask(String line) {
            Future<String> answer = Asyncio.getRunningLoop().createFuture();
            waiting.add(answer);
            transport.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            return answer.await();
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            received.append(StandardCharsets.UTF_8.decode(data));
            int nl;
            while ((nl = received.indexOf("\n")) >= 0 && !waiting.isEmpty()) {
                waiting.poll().setResult(received.substring(0, nl));
                received.delete(0, nl + 1);
            }
        }

        @Override
        public void connectionLost(Throwable exc) {
            closed.setResult(null);
        }
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new SecureRandom().nextBytes(b);
        return b;
    }

    /** {@code keytool -genkeypair}: an EC P-256 key and a self-signed certificate for localhost and 127.0.0.1, valid one day. */
    static void makeSelfSignedCertificate(Path store, char[] password) throws IOException, InterruptedException {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        if (!Files.isExecutable(keytool)) {
            throw new IOException("this example needs a JDK's keytool, not found at " + keytool);
        }
        Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "localhost", "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
                "-validity", "1", "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass",
                new String(password)).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("keytool failed: " + output);
        }
    }
}
