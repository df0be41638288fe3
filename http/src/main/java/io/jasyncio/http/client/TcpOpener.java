package io.jasyncio.http.client;

import io.jasyncio.Asyncio;
import io.jasyncio.net.StreamConnection;
import io.jasyncio.net.Streams;
import io.jasyncio.net.TlsClientOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/** {@link ConnectionOpener#tcp()}: the JDK's resolver in a worker thread, {@link Streams#openConnection}. */
final class TcpOpener implements ConnectionOpener {
    static final TcpOpener INSTANCE = new TcpOpener();

    private TcpOpener() {}

    @Override
    public StreamConnection open(String address, int port, TlsClientOptions tls) throws IOException {
        return tls == null ? Streams.openConnection(address, port) : Streams.openConnection(address, port, tls);
    }

    @Override
    public List<String> resolve(String host) throws IOException {
        if (HttpUrl.isIpAddress(host)) {
            return List.of(host);
        }
        InetAddress[] all = Asyncio.toThread(() -> InetAddress.getAllByName(host));
        List<String> out = new ArrayList<>(all.length);
        for (InetAddress a : all) {
            out.add(a.getHostAddress());
        }
        return out;
    }

    @Override
    public boolean resolves() {
        return true;
    }

    @Override
    public String toString() {
        return "ConnectionOpener.tcp()";
    }
}
