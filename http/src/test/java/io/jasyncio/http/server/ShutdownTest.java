package io.jasyncio.http.server;

import static io.jasyncio.Asyncio.createTask;
import static io.jasyncio.Asyncio.sleep;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jasyncio.CancelledError;
import io.jasyncio.Event;
import io.jasyncio.Task;
import io.jasyncio.testing.AsyncioExtension;
import io.jasyncio.testing.VirtualClock;
import java.net.ConnectException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Graceful shutdown: stop accepting, close idle connections at once, let in-flight requests finish, cancel at the deadline. */
@ExtendWith(AsyncioExtension.class)
class ShutdownTest {

    @Test
    void inFlightFinishesIdleClosesAtOnceNewConnectionsAreRefused(VirtualClock clock) throws Exception {
        List<String> log = new ArrayList<>();
        Event inHandler = new Event();
        Application app = new Application();
        app.router().get("/slow", r -> {
            inHandler.set();
            sleep(3);
            log.add("handler done at " + clock.time());
            return Response.text("slow done");
        });
        app.router().get("/fast", r -> Response.text("fast"));
        app.onShutdown().add(a -> log.add("onShutdown at " + clock.time()));
        app.onCleanup().add(a -> log.add("onCleanup at " + clock.time()));
        TestServer s = TestServer.start(app, ServerOptions.defaults().withShutdownTimeout(10));
        RawClient idle = s.connect();
        idle.send("GET /fast HTTP/1.1\r\nHost: x\r\n\r\n");
        idle.read();
        RawClient busy = s.connect();
        busy.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
        inHandler.await();
        double t0 = clock.time();
        log.add("cleanup starts at " + t0);

        Task<Void> cleanup = createTask(() -> s.close());
        sleep(0.5);
        assertThat(idle.closedByServer()).as("idle keep-alive connection closed at once").isTrue();
        assertThat(clock.time()).isEqualTo(t0 + 0.5);
        assertThatThrownBy(s::connect).isInstanceOf(ConnectException.class);

        RawClient.Reply r = busy.read();
        assertThat(r.text()).isEqualTo("slow done");
        assertThat(r.header("Connection")).isEqualTo("close");
        assertThat(busy.closedByServer()).isTrue();
        cleanup.await();
        assertThat(log).containsExactly("cleanup starts at " + t0, "onShutdown at " + t0,
                "handler done at " + (t0 + 3), "onCleanup at " + (t0 + 3));
    }

    @Test
    void deadlineCancelsWhatIsStillRunning(VirtualClock clock) throws Exception {
        List<String> log = new ArrayList<>();
        Event inHandler = new Event();
        Application app = new Application();
        app.router().get("/forever", r -> {
            inHandler.set();
            try {
                sleep(1000);
            } catch (CancelledError e) {
                log.add("handler cancelled at " + clock.time());
                throw e;
            }
            return Response.text("never");
        });
        TestServer s = TestServer.start(app, ServerOptions.defaults().withShutdownTimeout(5));
        RawClient c = s.connect();
        c.send("GET /forever HTTP/1.1\r\nHost: x\r\n\r\n");
        inHandler.await();
        double t0 = clock.time();
        s.close();
        assertThat(clock.time()).isEqualTo(t0 + 5);
        assertThat(log).containsExactly("handler cancelled at " + (t0 + 5));
        assertThat(c.closedByServer()).isTrue();
        assertThat(s.runner.server()).isNull();
    }

    @Test
    void deadlineAlsoCancelsAHandlerWhoseClientIsGone(VirtualClock clock) throws Exception {
        List<String> log = new ArrayList<>();
        Event inHandler = new Event();
        Application app = new Application();
        app.router().get("/stuck", r -> {
            inHandler.set();
            try {
                sleep(1000);
            } catch (CancelledError e) {
                log.add("cancelled at " + clock.time());
                throw e;
            }
            return Response.text("never");
        });
        TestServer s = TestServer.start(app, ServerOptions.defaults().withShutdownTimeout(5));
        RawClient c = s.connect();
        c.send("GET /stuck HTTP/1.1\r\nHost: x\r\n\r\n");
        inHandler.await();
        c.c.writer().transport().abort(); // the client leaves; the handler goes on (no handler cancellation)
        sleep(1);
        assertThat(s.runner.server().connectionCount()).isEqualTo(1);
        double t0 = clock.time();
        s.close();
        assertThat(log).containsExactly("cancelled at " + (t0 + 5));
    }

    @Test
    void siteStopShutsDownOnlyItsOwnConnections(VirtualClock clock) throws Exception {
        Application app = new Application();
        app.router().get("/", r -> Response.text("hi"));
        TestServer s = TestServer.start(app);
        MemorySite other = new MemorySite(s.runner, s.network, "127.0.0.1", 9090);
        other.start();
        RawClient a = s.connect();
        a.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        a.read();
        RawClient b = new RawClient(s.network.openConnection("127.0.0.1", 9090));
        b.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        b.read();
        other.stop();
        assertThat(b.closedByServer()).isTrue();
        a.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(a.read().text()).isEqualTo("hi");
        assertThat(s.runner.sites()).containsExactly(s.site);
        s.close();
        assertThat(a.closedByServer()).isTrue();
    }

    @Test
    void serveShutsDownGracefullyWhenItsTaskIsCancelled() throws Exception {
        // Application.serve on a real socket, cancelled like Ctrl-C cancels runApp's main task
        Application app = new Application();
        List<String> log = new ArrayList<>();
        app.onCleanup().add(a -> log.add("cleaned up"));
        Task<Void> serving = createTask(() -> app.serve("127.0.0.1", 0));
        sleep(0.1);
        serving.cancel();
        assertThatThrownBy(serving::await).isInstanceOf(CancelledError.class);
        assertThat(log).containsExactly("cleaned up");
    }
}
