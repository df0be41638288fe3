package io.jasyncio.http.server;

import static io.jasyncio.Asyncio.sleep;
import static org.assertj.core.api.Assertions.assertThat;

import io.jasyncio.Event;
import io.jasyncio.testing.AsyncioExtension;
import io.jasyncio.testing.MemoryLink;
import io.jasyncio.testing.VirtualClock;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Slow clients time out (slowloris), at exact virtual times. */
@ExtendWith(AsyncioExtension.class)
class TimeoutTest {

    private static final ServerOptions OPTIONS = ServerOptions.defaults().withHeaderReadTimeout(10)
            .withBodyReadTimeout(5).withKeepaliveTimeout(30).withWriteTimeout(7).withLingeringTime(1);

    private static Application app() {
        Application app = new Application();
        app.router().get("/", r -> Response.text("hi"));
        app.router().post("/echo", r -> Response.body(r.read()));
        return app;
    }

    @Test
    void silentConnectionIsClosedAtTheHeaderTimeoutWithoutAnAnswer(VirtualClock clock) throws Exception {
        try (TestServer s = TestServer.start(app(), OPTIONS)) {
            RawClient c = s.connect();
            double t0 = clock.time();
            assertThat(c.readAllText()).isEmpty();
            assertThat(clock.time() - t0).isEqualTo(10.0);
        }
    }

    @Test
    void slowlorisHeadGets408AtTheHeaderTimeout(VirtualClock clock) throws Exception {
        try (TestServer s = TestServer.start(app(), OPTIONS)) {
            RawClient c = s.connect();
            double t0 = clock.time();
            c.send("GET / HTTP/1.1\r\n");
            for (int i = 0; i < 8; i++) { // a header line a second: never completes in time
                sleep(1);
                c.send("X-" + i + ": v\r\n");
            }
            RawClient.Reply r = c.read();
            assertThat(r.status()).isEqualTo(408);
            assertThat(r.header("Connection")).isEqualTo("close");
            assertThat(clock.time() - t0).isEqualTo(10.0);
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void headTimeoutRunsFromTheFirstByteOfALaterRequest(VirtualClock clock) throws Exception {
        try (TestServer s = TestServer.start(app(), OPTIONS)) {
            RawClient c = s.connect();
            c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            c.read();
            sleep(20); // idle, within the keep-alive timeout
            double t0 = clock.time();
            c.send("GET / HTTP/1.1\r\n");
            RawClient.Reply r = c.read();
            assertThat(r.status()).isEqualTo(408);
            assertThat(clock.time() - t0).isEqualTo(10.0);
        }
    }

    @Test
    void stalledBodyGets408AtTheBodyTimeout(VirtualClock clock) throws Exception {
        try (TestServer s = TestServer.start(app(), OPTIONS)) {
            RawClient c = s.connect();
            c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n0123");
            double t0 = clock.time();
            sleep(4);
            c.send("45"); // progress restarts the idle timer
            RawClient.Reply r = c.read("POST");
            assertThat(r.status()).isEqualTo(408);
            assertThat(r.header("Connection")).isEqualTo("close");
            assertThat(clock.time() - t0).isEqualTo(9.0);
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void clientThatDoesNotReadIsAbortedAtTheWriteTimeout(VirtualClock clock) throws Exception {
        Event aborted = new Event();
        String[] error = new String[1];
        Application app = new Application();
        app.router().get("/flood", r -> {
            StreamResponse resp = new StreamResponse();
            resp.prepare(r);
            try {
                while (true) {
                    resp.write(new byte[64 * 1024]);
                }
            } catch (IOException e) {
                error[0] = e.getMessage();
                aborted.set();
                throw e;
            }
        });
        try (TestServer s = TestServer.start(app, OPTIONS)) {
            RawClient c = s.connect(MemoryLink.DEFAULT, MemoryLink.DEFAULT.withSocketBuffer(256 * 1024));
            c.c.reader(); // never read
            c.send("GET /flood HTTP/1.1\r\nHost: x\r\n\r\n");
            c.c.writer().transport().pauseReading();
            double t0 = clock.time();
            aborted.await();
            assertThat(clock.time() - t0).isEqualTo(7.0);
            assertThat(error[0]).contains("write timed out");
        }
    }
}
