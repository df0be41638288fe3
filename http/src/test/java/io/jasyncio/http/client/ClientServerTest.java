package io.jasyncio.http.client;

import static io.jasyncio.Asyncio.*;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.jasyncio.AsyncGenerator;
import io.jasyncio.CancelledError;
import io.jasyncio.Task;
import io.jasyncio.http.server.Application;
import io.jasyncio.http.server.HttpServer;
import io.jasyncio.http.server.Response;
import io.jasyncio.http.server.ServerOptions;
import io.jasyncio.http.server.StreamResponse;
import io.jasyncio.testing.AsyncioExtension;
import io.jasyncio.testing.MemoryNetwork;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The client against the jasyncio server ({@code io.jasyncio.http.server}) on the memory network,
 * virtual time: keep-alive, many requests at once under the pool's limit, a large upload echoed
 * while it is still being sent, and a cancelled download.
 */
@ExtendWith(AsyncioExtension.class)
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ClientServerTest {
    final MemoryNetwork network = new MemoryNetwork();
    HttpServer server;

    void serve(Application app) throws Exception {
        app.startup();
        server = new HttpServer(app, ServerOptions.defaults());
        network.createServer(server, "app.test", 80);
    }

    ClientSession session(int limit) {
        return ClientSession.builder().baseUrl("http://app.test/")
                .connector(TcpConnector.builder().limit(limit).opener(new MemoryOpener(network)).build()).build();
    }

    @Test
    void jsonAndKeepAlive() throws Exception {
        Application app = new Application();
        app.router().get("/items/{id}", r -> Response.json(Map.of("id", r.matchInfo("id"), "q", r.query("q"))));
        app.router().post("/items", r -> Response.json(201, r.json()));
        serve(app);
        try (ClientSession s = session(10)) {
            for (int i = 0; i < 5; i++) {
                var item = s.get("items/" + i, RequestOptions.create().param("q", "x y")).json();
                assertThat(item.get("id").asText()).isEqualTo(Integer.toString(i));
                assertThat(item.get("q").asText()).isEqualTo("x y");
            }
            try (ClientResponse created = s.post("items", RequestOptions.create().json(Map.of("name", "w")))) {
                assertThat(created.status()).isEqualTo(201);
                assertThat(created.json().get("name").asText()).isEqualTo("w");
            }
            assertThat(s.connector().statistics().created()).isEqualTo(1);
        }
        assertThat(server.requestsCount()).isEqualTo(6);
    }

    @Test
    void manyRequestsAtOnceShareTheLimitedPool() throws Exception {
        Application app = new Application();
        app.router().get("/slow/{n}", r -> {
            sleep(0.1);
            return Response.text("done " + r.matchInfo("n"));
        });
        serve(app);
        try (ClientSession s = session(10)) {
            List<Task<String>> tasks = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                int n = i;
                tasks.add(createTask(() -> s.get("slow/" + n).text()));
            }
            List<String> results = gatherAll(false, tasks).stream().map(String::valueOf).toList();
            assertThat(results).hasSize(100).allMatch(t -> t.startsWith("done "));
            assertThat(s.connector().statistics().created()).isEqualTo(10);
            assertThat(s.connector().statistics().acquired()).isZero();
        }
    }

    @Test
    void aLargeUploadIsEchoedWhileItIsStillBeingSent() throws Exception {
        Application app = new Application();
        app.router().post("/echo", r -> {
            StreamResponse out = new StreamResponse();
            out.enableChunkedEncoding();
            out.prepare(r);
            for (byte[] chunk : r.content()) {
                out.write(chunk);
                out.drain();
            }
            out.writeEof();
            return out;
        });
        serve(app);
        int pieces = 64;
        AsyncGenerator<byte[]> upload = AsyncGenerator.of(y -> {
            for (int i = 0; i < pieces; i++) {
                byte[] b = new byte[64 * 1024];
                java.util.Arrays.fill(b, (byte) i);
                y.yield(b);
            }
        });
        try (ClientSession s = session(10);
                ClientResponse r = s.post("echo", RequestOptions.create().body(upload))) {
            // 4 MiB: far more than the transports buffer, so the upload must go on while the echo is read
            long total = 0;
            for (byte[] chunk : r.content().iterAny()) {
                total += chunk.length;
            }
            assertThat(total).isEqualTo(pieces * 64L * 1024);
        }
    }

    @Test
    void aCancelledDownloadFreesItsSlotAndTheServerSeesTheClientGo() throws Exception {
        Application app = new Application();
        app.router().get("/forever", r -> {
            StreamResponse out = new StreamResponse();
            out.enableChunkedEncoding();
            out.prepare(r);
            while (true) {
                out.write("tick\n".getBytes(UTF_8));
                out.drain();
                sleep(1);
            }
        });
        app.router().get("/ok", r -> Response.text("ok"));
        serve(app);
        try (ClientSession s = session(1)) {
            ClientResponse r = s.get("forever");
            Task<Void> reader = createTask(() -> {
                for (byte[] line : r.content()) {
                    assertThat(new String(line, UTF_8)).isEqualTo("tick\n");
                }
            });
            sleep(5.5);
            reader.cancel();
            assertThat(catchThrowable(reader::await)).isInstanceOf(CancelledError.class);
            assertThat(s.connector().statistics().acquired()).isZero();
            assertThat(catchThrowable(r::read)).isInstanceOf(ClientPayloadError.class);
            assertThat(s.get("ok").text()).isEqualTo("ok");
            sleep(2);
            assertThat(server.connectionCount()).isEqualTo(1); // the cancelled one is gone
        }
    }

    @Test
    void expect100ContinueSendsTheBodyAfterTheServersGoAhead() throws Exception {
        Application app = new Application();
        app.router().post("/upload", r -> Response.text("got " + r.read().length));
        serve(app);
        try (ClientSession s = session(1)) {
            ClientResponse r = s.post("upload", RequestOptions.create().data("x".repeat(1000)).expect100(true));
            assertThat(r.text()).isEqualTo("got 1000");
            assertThat(r.requestInfo().headers().get("Expect")).isEqualTo("100-continue");
            assertThat(s.post("upload", RequestOptions.create().data("again").expect100(true)).text()).isEqualTo("got 5");
            assertThat(s.connector().statistics().created()).isEqualTo(1);
        }
    }
}
