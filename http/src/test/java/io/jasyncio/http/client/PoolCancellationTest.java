package io.jasyncio.http.client;

import static io.jasyncio.Asyncio.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import io.jasyncio.AsyncGenerator;
import io.jasyncio.CancelledError;
import io.jasyncio.Event;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.Task;
import io.jasyncio.testing.AsyncioExtension;
import io.jasyncio.testing.MemoryNetwork;
import io.jasyncio.testing.MemoryPipe;
import io.jasyncio.testing.VirtualClock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The pool survives a request cancelled, or timed out, at every point where a request can wait
 * (httpcore's long-standing bug is a slot leaked there). Each scenario stalls one point on the
 * memory network, waits until the request is there, cancels it (or lets a timeout expire), and then
 * checks: the request ended as it should, no slot is held, no connection is left open except idle
 * ones in the pool, no body writer runs, and with {@code limit=1} a following request succeeds.
 *
 * <p>{@link ClientResponse#release()} is the one exit that never suspends, so it has no point of
 * its own: it is exercised after every scenario.
 */
@ExtendWith(AsyncioExtension.class)
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PoolCancellationTest {

    /** Where the request is stopped. */
    enum Point {
        /** waiting for a pool slot (limit=1 and another response holds it) */
        QUEUED,
        /** resolving the host name */
        DNS,
        /** opening the TCP connection */
        CONNECT,
        /** the TLS handshake (the server never answers the ClientHello) */
        TLS_HANDSHAKE,
        /** waiting for the proxy's answer to CONNECT */
        PROXY_CONNECT,
        /** the body writer waits for the server to read (flow control) */
        WRITING_BODY_DRAIN,
        /** the body writer waits for the body's own source */
        WRITING_BODY_SOURCE,
        /** waiting for the response head */
        READING_HEAD,
        /** half of the response head arrived */
        READING_HEAD_PARTIAL,
        /** the head and part of the body arrived; the user reads the rest */
        READING_BODY,
        /** draining the body of a redirect before following it */
        REDIRECT_BODY
    }

    static TestCertificates certs;

    @org.junit.jupiter.api.BeforeAll
    static void certificates() throws Exception {
        certs = TestCertificates.get();
    }

    /** One stalled request: its network, servers, session and the event saying it reached its point. */
    final class Scenario {
        final Point point;
        final MemoryNetwork network = new MemoryNetwork();
        final MemoryOpener opener = new MemoryOpener(network);
        final Event reached = new Event();
        /** What the stalled server ends wait for: never completed. */
        final Future<Void> never = getRunningLoop().createFuture();
        final ClientSession session;
        final List<Integer> bodyChunks = new ArrayList<>();
        final io.jasyncio.net.TlsClientOptions tls;
        ClientResponse holder;
        Event gate;

        Scenario(Point point, ClientTimeout timeout) throws Exception {
            this.point = point;
            tls = io.jasyncio.net.TlsClientOptions.defaults().withTrustedCertificates(certs.ca);
            TraceConfig trace = new TraceConfig().onConnectionQueuedStart((ctx, e) -> reached.set());
            session = ClientSession.builder().timeout(timeout).traceConfig(trace)
                    .connector(TcpConnector.builder().limit(1).opener(opener).build()).build();
            TestServer.serving(network, "example.com", 80, (c, r) -> c.respond(200, "OK", "ok"));
            TestServer.start(network, "stall.test", 80, c -> {
                if (c.number > 1) { // later connections: a plain server
                    TestServer.Request r;
                    while ((r = c.readRequest()) != null) {
                        c.respond(200, "OK", "final " + r.head().target());
                    }
                    return;
                }
                switch (point) {
                    case READING_HEAD -> {
                        c.readRequest();
                        reached.set();
                    }
                    case READING_HEAD_PARTIAL -> {
                        c.readRequest();
                        c.write("HTTP/1.1 200 OK\r\nContent-");
                        c.writer.drain();
                        reached.set();
                    }
                    case READING_BODY -> {
                        c.readRequest();
                        c.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789");
                    }
                    case WRITING_BODY_DRAIN -> {
                        c.readHead(); // and never the body
                        reached.set();
                    }
                    case WRITING_BODY_SOURCE -> c.readRequest();
                    case REDIRECT_BODY -> {
                        c.readRequest();
                        c.write("HTTP/1.1 302 Found\r\nLocation: /final\r\nContent-Length: 100\r\n\r\n0123456789");
                        c.writer.drain();
                        reached.set();
                    }
                    default -> { }
                }
                never.await();
            });
            TestServer.start(network, "secure.test", 443, c -> {
                c.reader.read(1); // the ClientHello starts arriving; no answer, ever
                reached.set();
                never.await();
            });
            TestServer.start(network, "proxy.test", 3128, c -> {
                c.readHead(); // CONNECT secure.test:443; no answer, ever
                reached.set();
                never.await();
            });
            switch (point) {
                case QUEUED -> holder = session.get("http://example.com/holder"); // its body unread: holds the slot
                case DNS -> {
                    opener.dns = Map.of("example.com", List.of("example.com"));
                    gate = opener.stallDns();
                }
                case CONNECT -> gate = opener.stallConnect();
                default -> { }
            }
        }

        /** The request (with the body read, where the point is in it). */
        String request() throws Exception {
            switch (point) {
                case QUEUED, DNS, CONNECT -> {
                    return session.get("http://example.com/").text();
                }
                case TLS_HANDSHAKE -> {
                    return session.get("https://secure.test/", RequestOptions.create().ssl(tls)).text();
                }
                case PROXY_CONNECT -> {
                    return session.get("https://secure.test/",
                            RequestOptions.create().ssl(tls).proxy("http://proxy.test:3128")).text();
                }
                case WRITING_BODY_DRAIN -> {
                    AsyncGenerator<byte[]> endless = AsyncGenerator.of(y -> {
                        for (int i = 0; ; i++) {
                            bodyChunks.add(i);
                            y.yield(new byte[64 * 1024]);
                        }
                    });
                    return session.post("http://stall.test/", RequestOptions.create().body(endless)).text();
                }
                case WRITING_BODY_SOURCE -> {
                    AsyncGenerator<byte[]> stalls = AsyncGenerator.of(y -> {
                        y.yield("first".getBytes());
                        reached.set();
                        never.await();
                    });
                    return session.post("http://stall.test/", RequestOptions.create().body(stalls)).text();
                }
                case READING_BODY -> {
                    ClientResponse r = session.get("http://stall.test/");
                    assertThat(r.content().read(10)).hasSize(10);
                    reached.set();
                    return r.text();
                }
                default -> {
                    return session.get("http://stall.test/").text();
                }
            }
        }

        /** Where the stalled request waits, once it got there. */
        Event reachedEvent() {
            return switch (point) {
                case DNS -> opener.reachedDns;
                case CONNECT -> opener.reachedConnect;
                default -> reached;
            };
        }

        /** The request is done (cancelled or failed): nothing may be left held. */
        void checkNothingLeaks(String what) throws Exception {
            sleep(0.001); // lets the cancelled body writer, if any, finish
            TcpConnector.Statistics stats = session.connector().statistics();
            int holding = holder != null && !holder.isReleased() ? 1 : 0;
            assertThat(stats.acquired()).as(what + ": slots held").isEqualTo(holding);
            assertThat(stats.waiting()).as(what + ": queued").isZero();
            long openClientEnds = network.pipes().stream().map(MemoryPipe::client).filter(t -> !t.isClosing()).count();
            assertThat(openClientEnds).as(what + ": connections open (idle: %d, holder: %d)", stats.idle(), holding)
                    .isEqualTo(stats.idle() + holding);
            assertThat(allTasks()).as(what + ": body writers still running")
                    .noneMatch(t -> t.getName().startsWith("http request body") && !t.done());
            // release() never suspends: the holder gives its slot back here.
            if (holder != null) {
                holder.release();
                assertThat(session.connector().statistics().acquired()).isZero();
            }
            if (gate != null) {
                gate.set();
            }
            assertThat(session.get("http://example.com/next").text()).as(what + ": the next request").isEqualTo("ok");
            assertThat(session.connector().statistics().acquired()).isZero();
            session.close();
        }
    }

    @Test
    void aRequestCancelledAtEveryPointLeavesThePoolWhole() throws Exception {
        for (Point point : Point.values()) {
            Scenario s = new Scenario(point, ClientTimeout.NONE);
            Task<String> request = createTask(s::request, "request stalled at " + point);
            s.reachedEvent().await();
            if (point == Point.WRITING_BODY_DRAIN) {
                sleep(1); // everything that can flow has flowed: the writer is blocked in drain()
                int produced = s.bodyChunks.size();
                sleep(1);
                assertThat(s.bodyChunks).as("the writer is blocked").hasSize(produced);
            }
            request.cancel();
            Throwable outcome = null;
            try {
                request.await();
            } catch (CancelledError e) {
                outcome = e;
            }
            assertThat(outcome).as(point + ": the request ends cancelled").isInstanceOf(CancelledError.class);
            s.checkNothingLeaks(point + " cancelled");
        }
    }

    /** A timeout kind and the error it must give at a point. */
    record Expiry(ClientTimeout timeout, Class<? extends Throwable> error) {}

    static List<Expiry> expiries(Point point) {
        Expiry total = new Expiry(ClientTimeout.ofTotal(5), ServerTimeoutError.class);
        Expiry connect = new Expiry(ClientTimeout.NONE.withConnect(5.0), ConnectionTimeoutError.class);
        Expiry sockConnect = new Expiry(ClientTimeout.NONE.withSockConnect(5.0), ConnectionTimeoutError.class);
        Expiry sockRead = new Expiry(ClientTimeout.NONE.withSockRead(5.0), SocketTimeoutError.class);
        return switch (point) {
            case QUEUED -> List.of(total, connect);
            case DNS, CONNECT, TLS_HANDSHAKE, PROXY_CONNECT -> List.of(total, connect, sockConnect);
            case WRITING_BODY_DRAIN, WRITING_BODY_SOURCE, READING_HEAD, READING_HEAD_PARTIAL, READING_BODY ->
                    List.of(total, sockRead);
            // A redirect's body is only drained to keep the connection: a silence there is not an error,
            // the connection is dropped and the redirect followed.
            case REDIRECT_BODY -> List.of(total, new Expiry(ClientTimeout.NONE.withSockRead(5.0), null));
        };
    }

    @Test
    void aRequestTimedOutAtEveryPointLeavesThePoolWhole(VirtualClock clock, EventLoop loop) throws Exception {
        for (Point point : Point.values()) {
            for (Expiry expiry : expiries(point)) {
                String what = point + " with " + expiry.timeout();
                Scenario s = new Scenario(point, expiry.timeout());
                double start = loop.time();
                Throwable outcome = null;
                String result = null;
                try {
                    result = s.request();
                } catch (Exception e) {
                    outcome = e;
                }
                if (expiry.error() == null) {
                    assertThat(result).as(what).isEqualTo("final /final");
                } else {
                    assertThat(outcome).as(what).isExactlyInstanceOf(expiry.error());
                    // The deadline, exactly: from the start, or from the last bytes for sockRead.
                    if (expiry.timeout().sockRead() == null) {
                        assertThat(loop.time() - start).as(what + ": when").isEqualTo(5.0, offset(1e-6));
                    }
                }
                s.checkNothingLeaks(what);
            }
        }
    }
}
