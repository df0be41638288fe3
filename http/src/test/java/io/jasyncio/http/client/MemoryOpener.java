package io.jasyncio.http.client;

import io.jasyncio.Event;
import io.jasyncio.net.StreamConnection;
import io.jasyncio.net.Streams;
import io.jasyncio.net.TlsClientOptions;
import io.jasyncio.testing.MemoryLink;
import io.jasyncio.testing.MemoryNetwork;
import java.io.IOException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;

/**
 * The connector's seam for tests: connections on a {@link MemoryNetwork} (TLS by
 * {@code startTls} over the memory transport), with gates that stall a connect or a DNS lookup
 * until the test opens them, so a test can cancel or time out a request exactly there.
 */
final class MemoryOpener implements ConnectionOpener {
    final MemoryNetwork network;
    MemoryLink link = MemoryLink.DEFAULT;
    /** Connections opened. */
    int opened;
    /** Names and their addresses; null: no DNS step (addresses are the names themselves). */
    Map<String, List<String>> dns;
    int lookups;
    /** When set and not open, open() stops there after reachedConnect is set (make them in the test's loop). */
    Event connectGate;
    Event reachedConnect;
    /** When set and not open, resolve() stops there after reachedDns is set. */
    Event dnsGate;
    Event reachedDns;

    MemoryOpener(MemoryNetwork network) {
        this.network = network;
    }

    /** Makes open() stop until the returned gate is set; {@link #reachedConnect} tells when it got there. */
    Event stallConnect() {
        connectGate = new Event();
        reachedConnect = new Event();
        return connectGate;
    }

    /** Makes resolve() stop until the returned gate is set. */
    Event stallDns() {
        dnsGate = new Event();
        reachedDns = new Event();
        return dnsGate;
    }

    @Override
    public StreamConnection open(String address, int port, TlsClientOptions tls) throws IOException {
        if (connectGate != null) {
            reachedConnect.set();
            connectGate.await();
        }
        StreamConnection c = network.openConnection(address, port, link, link, Streams.DEFAULT_LIMIT);
        opened++;
        if (tls != null) {
            try {
                c.writer().startTls(tls);
            } catch (Throwable e) {
                c.writer().transport().abort(); // an opener closes what it opened when it fails or is cancelled
                throw e;
            }
        }
        return c;
    }

    @Override
    public List<String> resolve(String host) throws IOException {
        if (dns == null) {
            return List.of(host);
        }
        lookups++;
        if (dnsGate != null) {
            reachedDns.set();
            dnsGate.await();
        }
        List<String> addresses = dns.get(host);
        if (addresses == null) {
            throw new UnknownHostException(host + ": Name or service not known");
        }
        return addresses;
    }

    @Override
    public boolean resolves() {
        return dns != null;
    }
}
