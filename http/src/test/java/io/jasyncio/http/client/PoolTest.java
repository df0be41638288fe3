package io.jasyncio.http.client;

import static io.jasyncio.Asyncio.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.jasyncio.CancelledError;
import io.jasyncio.Task;
import io.jasyncio.testing.AsyncioExtension;
import io.jasyncio.testing.MemoryNetwork;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The connector's limits, its FIFO queue, the hand-over of slots, eviction and closing. */
@ExtendWith(AsyncioExtension.class)
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PoolTest {
    final MemoryNetwork network = new MemoryNetwork();
    final MemoryOpener opener = new MemoryOpener(network);
    final List<String> log = new ArrayList<>();

    ClientSession session(TcpConnector.Builder b) {
        TraceConfig trace = new TraceConfig()
                .onConnectionQueuedStart((ctx, e) -> log.add(ctx.requestContext() + " queued"))
                .onConnectionQueuedEnd((ctx, e) -> log.add(ctx.requestContext() + " dequeued"));
        return ClientSession.builder().traceConfig(trace).connector(b.opener(opener).build()).build();
    }

    void servers(String... hosts) throws Exception {
        for (String h : hosts) {
            TestServer.serving(network, h, 80, (c, r) -> c.respond(200, "OK", h + r.head().target()));
        }
    }

    ClientResponse get(ClientSession s, String url, String name) throws ClientError {
        return s.get(url, RequestOptions.create().traceRequestCtx(name));
    }

    @Test
    void overTheLimitRequestsWaitAndAreServedInOrder() throws Exception {
        servers("a.test");
        try (ClientSession s = session(TcpConnector.builder().limit(1))) {
            ClientResponse first = get(s, "http://a.test/1", "r1");
            List<Task<String>> waiting = new ArrayList<>();
            for (int i = 2; i <= 4; i++) {
                String name = "r" + i;
                waiting.add(createTask(() -> {
                    try (ClientResponse r = get(s, "http://a.test/" + name, name)) {
                        log.add(name + " got " + r.text());
                        return r.text();
                    }
                }));
            }
            sleep(1);
            assertThat(s.connector().statistics().waiting()).isEqualTo(3);
            assertThat(s.connector().statistics().acquired()).isEqualTo(1);
            log.add("r1 reads");
            first.read();
            for (Task<String> t : waiting) {
                t.await();
            }
            assertThat(log).containsExactly("r2 queued", "r3 queued", "r4 queued", "r1 reads",
                    "r2 dequeued", "r2 got a.test/r2", "r3 dequeued", "r3 got a.test/r3", "r4 dequeued", "r4 got a.test/r4");
            assertThat(s.connector().statistics()).isEqualTo(new TcpConnector.Statistics(0, 1, 0, 1, 3));
        }
    }

    @Test
    void anIdleConnectionOnWhichTheServerSentSomethingUnaskedIsNotReused() throws Exception {
        TestServer server = TestServer.start(network, "a.test", 80, conn -> {
            TestServer.Request r = conn.readRequest();
            if (conn.number == 1) {
                conn.respond(200, "OK", "first");
                // A server timing the idle connection out, once the client is done with it: its
                // 408, then (later) the close. The bytes wait in the idle connection's reader.
                io.jasyncio.Asyncio.sleep(0.5);
                conn.write("HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
                io.jasyncio.Asyncio.sleep(60);
            } else {
                conn.respond(200, "OK", "second " + r.head().target());
            }
        });
        try (ClientSession s = session(TcpConnector.builder())) {
            try (ClientResponse first = s.get("http://a.test/1")) {
                assertThat(first.text()).isEqualTo("first");
            }
            io.jasyncio.Asyncio.sleep(1); // the 408 arrives while the connection is idle
            try (ClientResponse second = s.get("http://a.test/2")) {
                assertThat(second.status()).isEqualTo(200);
                assertThat(second.text()).isEqualTo("second /2");
            }
            assertThat(server.connections).isEqualTo(2);
        }
    }

    @Test
    void thePerHostLimitLetsOtherHostsThrough() throws Exception {
        servers("a.test", "b.test");
        try (ClientSession s = session(TcpConnector.builder().limit(10).limitPerHost(1))) {
            ClientResponse a1 = get(s, "http://a.test/", "a1");
            Task<String> a2 = createTask(() -> get(s, "http://a.test/", "a2").text());
            sleep(0);
            ClientResponse b1 = get(s, "http://b.test/", "b1"); // not behind a2
            assertThat(b1.text()).isEqualTo("b.test/");
            assertThat(a2.done()).isFalse();
            assertThat(log).containsExactly("a2 queued");
            a1.release();
            assertThat(a2.await()).isEqualTo("a.test/");
            assertThat(s.connector().statistics().acquired()).isZero();
        }
    }

    @Test
    void aWaiterCancelledAfterItWasHandedTheSlotPassesItOn() throws Exception {
        servers("a.test");
        try (ClientSession s = session(TcpConnector.builder().limit(1))) {
            ClientResponse first = get(s, "http://a.test/", "r1");
            Task<String> second = createTask(() -> get(s, "http://a.test/", "r2").text());
            Task<String> third = createTask(() -> get(s, "http://a.test/", "r3").text());
            sleep(0);
            assertThat(s.connector().statistics().waiting()).isEqualTo(2);
            first.read(); // releases: the slot is handed to r2, which has not run yet ...
            second.cancel(); // ... and is cancelled before it does
            assertThat(catchThrowable(second::await)).isInstanceOf(CancelledError.class);
            assertThat(third.await()).isEqualTo("a.test/"); // r3 got the slot r2 gave back
            assertThat(s.connector().statistics().acquired()).isZero();
            assertThat(log).containsExactly("r2 queued", "r3 queued", "r3 dequeued");
        }
    }

    @Test
    void idleConnectionsOverTheLimitAreClosedOldestFirst() throws Exception {
        servers("a.test", "b.test", "c.test");
        try (ClientSession s = session(TcpConnector.builder().limit(2))) {
            get(s, "http://a.test/", "a").read();
            sleep(1);
            get(s, "http://b.test/", "b").read();
            assertThat(s.connector().statistics().idle()).isEqualTo(2);
            get(s, "http://c.test/", "c").read(); // a's idle connection makes room
            assertThat(s.connector().statistics().idle()).isEqualTo(2);
            assertThat(network.pipes()).hasSize(2);
            get(s, "http://b.test/", "b").read();
            assertThat(s.connector().statistics().reused()).isEqualTo(1);
        }
    }

    @Test
    void closingTheSessionFailsQueuedRequestsAndClosesEveryConnection() throws Exception {
        servers("a.test");
        TestServer.start(network, "slow.test", 80, c -> {
            c.readRequest();
            c.write("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhalf");
            sleep(100);
        });
        ClientSession s = session(TcpConnector.builder().limit(1));
        ClientResponse first = get(s, "http://slow.test/", "r1");
        Task<String> queued = createTask(() -> get(s, "http://a.test/", "r2").text());
        sleep(0);
        s.aclose();
        assertThat(catchThrowable(queued::await)).isInstanceOf(ClientConnectionError.class)
                .hasMessage("Connector is closed");
        assertThat(first.content().readAny()).isEqualTo("half".getBytes()); // what had arrived
        assertThat(catchThrowable(first::read)).isInstanceOf(ClientPayloadError.class);
        assertThat(s.connector().statistics().acquired()).isZero();
        assertThat(network.pipes()).isEmpty();
        assertThat(s.closed()).isTrue();
    }

    @Test
    void aSharedConnectorOutlivesTheSessionsThatDoNotOwnIt() throws Exception {
        servers("a.test");
        TcpConnector shared = TcpConnector.builder().opener(opener).build();
        for (int i = 0; i < 2; i++) {
            try (ClientSession s = ClientSession.builder().connector(shared).connectorOwner(false).build()) {
                s.get("http://a.test/").read();
            }
        }
        assertThat(shared.statistics()).isEqualTo(new TcpConnector.Statistics(0, 1, 0, 1, 1));
        shared.close();
        assertThat(shared.closed()).isTrue();
    }

    @Test
    void theDnsCacheAnswersRepeatedLookupsAndSharesOneInFlight() throws Exception {
        servers("a.test");
        opener.dns = java.util.Map.of("a.test", List.of("a.test"));
        TraceConfig trace = new TraceConfig()
                .onDnsCacheHit((ctx, e) -> log.add("hit " + e.host()))
                .onDnsCacheMiss((ctx, e) -> log.add("miss " + e.host()))
                .onDnsResolveHostStart((ctx, e) -> log.add("resolve " + e.host()))
                .onDnsResolveHostEnd((ctx, e) -> log.add("resolved " + e.host()));
        try (ClientSession s = ClientSession.builder().traceConfig(trace)
                .connector(TcpConnector.builder().opener(opener).forceClose(true).ttlDnsCache(10.0).build()).build()) {
            List<String> got = gather(() -> s.get("http://a.test/1").text(), () -> s.get("http://a.test/2").text());
            assertThat(got).containsExactly("a.test/1", "a.test/2");
            assertThat(opener.lookups).isEqualTo(1);
            s.get("http://a.test/3").read();
            sleep(10);
            s.get("http://a.test/4").read();
            assertThat(opener.lookups).isEqualTo(2);
            assertThat(catchThrowable(() -> s.get("http://nowhere.test/"))).isInstanceOf(ClientConnectorError.class)
                    .hasMessageContaining("Name or service not known");
        }
        assertThat(log).containsExactly("miss a.test", "resolve a.test", "miss a.test", "resolve a.test",
                "resolved a.test", "resolved a.test", "hit a.test", "miss a.test", "resolve a.test", "resolved a.test",
                "miss nowhere.test", "resolve nowhere.test");
    }

    @Test
    @io.jasyncio.testing.RealTime
    void aResponseDroppedWithoutReleaseGivesItsSlotBackWhenCollected(io.jasyncio.EventLoop loop,
            io.jasyncio.testing.ExceptionRecorder recorder) throws Exception {
        servers("a.test");
        loop.setDebug(true);
        try (ClientSession s = session(TcpConnector.builder().limit(1))) {
            dropUnread(s);
            assertThat(s.connector().statistics().acquired()).isEqualTo(1);
            for (int i = 0; i < 200 && s.connector().statistics().acquired() > 0; i++) {
                System.gc();
                sleep(0.01);
            }
            assertThat(s.connector().statistics().acquired()).isZero();
            assertThat(s.get("http://a.test/again").text()).isEqualTo("a.test/again");
        }
        assertThat(recorder.messages()).filteredOn(m -> m.contains("Unclosed")).containsExactly("Unclosed response");
    }

    /** A response whose body is not read and which is never closed: a user's bug. */
    private static void dropUnread(ClientSession s) throws ClientError {
        s.get("http://a.test/dropped");
    }
}
