package io.jasyncio.http.client;

import static io.jasyncio.Asyncio.*;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.jasyncio.testing.AsyncioExtension;
import io.jasyncio.testing.MemoryLink;
import io.jasyncio.testing.MemoryNetwork;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** aiohttp's tracing signals, in order, with a context per request for measurements. */
@ExtendWith(AsyncioExtension.class)
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TracingTest {

    @Test
    void eventsComeInOrderWithTheirDetails() throws Exception {
        MemoryNetwork network = new MemoryNetwork(MemoryLink.DEFAULT.withLatency(0.01));
        MemoryOpener opener = new MemoryOpener(network);
        opener.link = network.link();
        opener.dns = Map.of("t.test", List.of("t.test"));
        TestServer.serving(network, "t.test", 80, (c, r) -> {
            if (r.head().target().equals("/redirect")) {
                c.respond(302, "Found", "", "Location: /final");
            } else {
                c.respond(200, "OK", "body");
            }
        });
        List<String> log = new ArrayList<>();
        TraceConfig trace = new TraceConfig()
                .onRequestStart((ctx, e) -> {
                    ctx.put("start", getRunningLoop().time());
                    log.add("request start " + e.method() + " " + e.url() + " ctx=" + ctx.requestContext());
                })
                .onDnsCacheMiss((ctx, e) -> log.add("dns cache miss " + e.host()))
                .onDnsResolveHostStart((ctx, e) -> log.add("dns start " + e.host()))
                .onDnsResolveHostEnd((ctx, e) -> log.add("dns end " + e.host()))
                .onDnsCacheHit((ctx, e) -> log.add("dns cache hit " + e.host()))
                .onConnectionCreateStart((ctx, e) -> log.add("connection create start"))
                .onConnectionCreateEnd((ctx, e) -> log.add("connection create end"))
                .onConnectionReuseconn((ctx, e) -> log.add("connection reuse"))
                .onRequestHeadersSent((ctx, e) -> log.add("headers sent " + e.headers().get("Host")))
                .onRequestChunkSent((ctx, e) -> log.add("chunk sent " + new String(e.chunk(), UTF_8)))
                .onRequestRedirect((ctx, e) -> log.add("redirect " + e.response().status()))
                .onResponseChunkReceived((ctx, e) -> log.add("chunk received " + new String(e.chunk(), UTF_8)))
                .onRequestEnd((ctx, e) -> log.add("request end " + e.response().status() + " after "
                        + Math.round((getRunningLoop().time() - (double) ctx.get("start")) * 1000) + " ms"))
                .onRequestException((ctx, e) -> log.add("request exception " + e.exception().getClass().getSimpleName()));
        List<TraceEvent> all = new ArrayList<>();
        TraceConfig every = new TraceConfig().onAny((ctx, e) -> all.add(e));
        try (ClientSession session = ClientSession.builder().traceConfig(trace).traceConfig(every)
                .connector(TcpConnector.builder().opener(opener).build()).build()) {
            session.post("http://t.test/redirect", RequestOptions.create().data("data").traceRequestCtx("mine")).read();
            session.get("http://nowhere.test/").close();
        } catch (ClientConnectorError expected) {
            log.add("raised " + expected.getClass().getSimpleName());
        }
        assertThat(log).containsExactly(
                "request start POST http://t.test/redirect ctx=mine",
                "connection create start", "dns cache miss t.test", "dns start t.test", "dns end t.test",
                "connection create end",
                "headers sent t.test", "chunk sent data",
                "redirect 302",
                "connection reuse", "headers sent t.test",
                "chunk received body", // arrived with the head
                "request end 200 after 40 ms",
                "request start GET http://nowhere.test/ ctx=null",
                "connection create start", "dns cache miss nowhere.test", "dns start nowhere.test",
                "request exception ClientConnectorError",
                "raised ClientConnectorError");
        assertThat(all).hasSize(log.size() - 1);
        assertThat(all.getFirst()).isInstanceOf(TraceEvent.RequestStart.class);
    }

    @Test
    void aListenerThatThrowsFailsTheRequestAndLeaksNothing() throws Exception {
        MemoryNetwork network = new MemoryNetwork();
        MemoryOpener opener = new MemoryOpener(network);
        TestServer.serving(network, "t.test", 80, (c, r) -> c.respond(200, "OK", "x"));
        TraceConfig failing = new TraceConfig().onConnectionCreateEnd((ctx, e) -> {
            throw new IllegalStateException("listener bug");
        });
        try (ClientSession session = ClientSession.builder().traceConfig(failing)
                .connector(TcpConnector.builder().opener(opener).build()).build()) {
            assertThat(catchThrowable(() -> session.get("http://t.test/"))).hasMessage("listener bug");
            assertThat(session.connector().statistics().acquired()).isZero();
            assertThat(network.pipes()).allMatch(p -> p.client().isClosing());
        }
    }
}
