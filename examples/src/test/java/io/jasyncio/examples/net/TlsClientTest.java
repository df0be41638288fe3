package io.jasyncio.examples.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class TlsClientTest {

    /* The whole program, as `java TlsClientExample` runs it: keytool, then its own loop on real sockets. */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void talksToItsOwnServerOverVerifiedTlsAndShowsAnUntrustedCertificateRefused() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new TlsClient(new PrintStream(bytes, true, StandardCharsets.UTF_8)).program();

        assertThat(bytes.toString(StandardCharsets.UTF_8).lines()).containsExactly(
                "server: listening on 127.0.0.1 with a self-signed certificate for localhost",
                "client: connected with TLSv1.3, ALPN shout/1, server certificate CN=localhost",
                "client: sent 'hello', got 'HELLO'",
                "client: sent 'over tls', got 'OVER TLS'",
                "client: closed (close_notify sent and answered)",
                "client: with the JDK's trust store: untrusted certificate: its chain does not lead to a trusted"
                        + " certificate (self-signed, or issued by an unknown authority)");
    }
}
