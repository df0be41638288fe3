package io.jasyncio.http.client;

import static io.jasyncio.Asyncio.*;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.jasyncio.net.TlsClientOptions;
import io.jasyncio.testing.AsyncioExtension;
import io.jasyncio.testing.RealTime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The client against a real nginx (started here with its own configuration, on free ports, HTTP and
 * HTTPS with a certificate made by openssl): keep-alive reuse is visible in nginx's
 * {@code $connection} serial, sent back as a header; gzip comes chunked from nginx's filter.
 */
@ExtendWith(AsyncioExtension.class)
@RealTime
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class NginxTest {
    static Path dir;
    static Process nginx;
    static int httpPort;
    static int httpsPort;
    static TestCertificates certs;
    static String bigText;

    @BeforeAll
    static void startNginx() throws Exception {
        RealPeers.require("/usr/sbin/nginx", "nginx");
        certs = TestCertificates.get();
        dir = Files.createTempDirectory("jasyncio-nginx");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x")); // workers may run as nobody
        httpPort = RealPeers.freePort();
        httpsPort = RealPeers.freePort();
        bigText = "nginx compresses this line for the jasyncio client\n".repeat(4000);
        Files.createDirectories(dir.resolve("www"));
        Files.writeString(dir.resolve("www/big.txt"), bigText);
        Files.writeString(dir.resolve("nginx.conf"), """
                worker_processes 1;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log;
                events { worker_connections 128; }
                http {
                    access_log %1$s/access.log;
                    client_body_temp_path %1$s/body; proxy_temp_path %1$s/proxy; fastcgi_temp_path %1$s/fastcgi;
                    uwsgi_temp_path %1$s/uwsgi; scgi_temp_path %1$s/scgi;
                    keepalive_timeout 60;
                    keepalive_requests 1000;
                    gzip on; gzip_types text/plain; gzip_min_length 100;
                    default_type text/plain;
                    server {
                        listen 127.0.0.1:%2$d;
                        listen 127.0.0.1:%3$d ssl;
                        ssl_certificate %4$s;
                        ssl_certificate_key %5$s;
                        root %1$s/www;
                        add_header X-Connection $connection always;
                        add_header X-Connection-Requests $connection_requests always;
                        location = / { return 200 "hello from nginx\\n"; }
                        location = /post { return 200 "$request_method [$http_content_length] [$http_transfer_encoding] $content_type\\n"; }
                        location = /redirect { return 302 /; }
                        location = /cookie { add_header Set-Cookie "nginx=yes; Path=/"; return 200 "cookie $cookie_nginx\\n"; }
                        location = /missing { return 404; }
                    }
                }
                """.formatted(dir, httpPort, httpsPort, certs.chain, certs.key));
        Path log = dir.resolve("nginx.out");
        nginx = RealPeers.start(List.of("/usr/sbin/nginx", "-p", dir.toString(), "-e", dir.resolve("error.log").toString(),
                "-c", dir.resolve("nginx.conf").toString(), "-g", "daemon off;"), dir, log);
        RealPeers.awaitPort(httpPort, nginx, dir.resolve("error.log"));
        RealPeers.awaitPort(httpsPort, nginx, dir.resolve("error.log"));
    }

    @AfterAll
    static void stopNginx() throws Exception {
        RealPeers.stop(nginx);
    }

    static String http(String path) {
        return "http://127.0.0.1:" + httpPort + path;
    }

    @Test
    void keepAliveReusesTheConnectionAsNginxSees() throws Exception {
        try (ClientSession session = new ClientSession()) {
            List<String> connections = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                try (ClientResponse r = session.get(http("/"))) {
                    assertThat(r.status()).isEqualTo(200);
                    assertThat(r.text()).isEqualTo("hello from nginx\n");
                    assertThat(r.headers().get("Server")).startsWith("nginx");
                    assertThat(r.headers().get("X-Connection-Requests")).isEqualTo(Integer.toString(i));
                    connections.add(r.headers().get("X-Connection"));
                }
            }
            assertThat(new HashSet<>(connections)).hasSize(1);
            assertThat(session.connector().statistics().reused()).isEqualTo(2);
        }
    }

    @Test
    void httpsWithTheTestCertificateAuthority() throws Exception {
        TlsClientOptions trusting = TlsClientOptions.defaults().withTrustedCertificates(certs.ca);
        String url = "https://localhost:" + httpsPort + "/";
        try (ClientSession session = ClientSession.builder().connector(TcpConnector.builder().ssl(trusting).build())
                .build()) {
            String first;
            try (ClientResponse r = session.get(url)) {
                assertThat(r.text()).isEqualTo("hello from nginx\n");
                first = r.headers().get("X-Connection");
            }
            try (ClientResponse r = session.get(url)) {
                assertThat(r.headers().get("X-Connection")).isEqualTo(first);
            }
        }
        try (ClientSession strict = new ClientSession()) {
            assertThat(catchThrowable(() -> strict.get(url))).isInstanceOf(ClientConnectorCertificateError.class);
        }
        try (ClientSession lax = new ClientSession()) {
            assertThat(lax.get(url, RequestOptions.create().ssl(false)).text()).isEqualTo("hello from nginx\n");
        }
    }

    @Test
    void gzipFromNginxComesChunkedAndIsDecoded() throws Exception {
        try (ClientSession session = new ClientSession(); ClientResponse r = session.get(http("/big.txt"))) {
            assertThat(r.headers().get("Content-Encoding")).isEqualTo("gzip");
            assertThat(r.headers().get("Transfer-Encoding")).isEqualTo("chunked");
            assertThat(r.text()).isEqualTo(bigText);
        }
        try (ClientSession raw = ClientSession.builder().autoDecompress(false).build();
                ClientResponse r = raw.get(http("/big.txt"))) {
            assertThat(r.headers().get("Content-Encoding")).isNull();
            assertThat(r.contentLength()).isEqualTo((long) bigText.length());
            int total = 0;
            for (byte[] chunk : r.content().iterChunked(8192)) {
                total += chunk.length;
            }
            assertThat(total).isEqualTo(bigText.getBytes(UTF_8).length);
        }
    }

    @Test
    void bodiesRedirectsCookiesAndStatuses() throws Exception {
        try (ClientSession session = new ClientSession()) {
            assertThat(session.post(http("/post"), RequestOptions.create().data("hello")).text())
                    .isEqualTo("POST [5] [] text/plain; charset=utf-8\n");
            assertThat(session.post(http("/post"), RequestOptions.create()
                    .body(io.jasyncio.AsyncIterable.from(List.of("a".getBytes(), "bc".getBytes())))).text())
                    .isEqualTo("POST [] [chunked] application/octet-stream\n");
            ClientResponse redirected = session.get(http("/redirect"));
            assertThat(redirected.text()).isEqualTo("hello from nginx\n");
            assertThat(redirected.history()).extracting(ClientResponse::status).containsExactly(302);
            assertThat(session.get(http("/cookie")).text()).isEqualTo("cookie \n");
            // 127.0.0.1 is an IP host: aiohttp's jar refuses its cookies unless unsafe
            assertThat(session.get(http("/cookie")).text()).isEqualTo("cookie \n");
            Throwable e = catchThrowable(() -> session.get(http("/missing"), RequestOptions.create().raiseForStatus(true)));
            assertThat(((ClientResponseError) e).status()).isEqualTo(404);
        }
        try (ClientSession unsafe = ClientSession.builder().cookieJar(new CookieJar(true, true,
                java.time.InstantSource.system())).build()) {
            unsafe.get(http("/cookie")).read();
            assertThat(unsafe.get(http("/cookie")).text()).isEqualTo("cookie yes\n");
        }
    }

    @Test
    void concurrentRequestsStayWithinTheLimit() throws Exception {
        try (ClientSession session = ClientSession.builder().connector(TcpConnector.builder().limit(4).build()).build()) {
            List<io.jasyncio.Coroutine<String>> requests = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                requests.add(() -> {
                    try (ClientResponse r = session.get(http("/"))) {
                        r.read();
                        return r.headers().get("X-Connection");
                    }
                });
            }
            Set<Object> connections = new HashSet<>(gatherAll(false, requests.stream().map(c -> createTask(c)).toList()));
            assertThat(connections.size()).isBetween(1, 4);
            assertThat(session.connector().statistics().acquired()).isZero();
            assertThat(session.connector().statistics().created()).isLessThanOrEqualTo(4);
        }
    }
}
