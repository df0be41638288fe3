package io.jasyncio.http.client;

import io.jasyncio.net.TlsClientOptions;

/**
 * What makes two requests able to share a connection: aiohttp's {@code ConnectionKey}. The pool
 * keeps idle connections and counts {@code limitPerHost} per key.
 *
 * @param host the URL's host (lower case, IPv6 without brackets)
 * @param port the URL's port
 * @param tls the TLS options for https, null for http (compared by identity: requests with their own
 *     options do not share connections with others)
 * @param proxy the proxy's URL, or null for a direct connection
 * @param proxyAuthorization the Proxy-Authorization value sent to the proxy, or null
 */
record ConnectionKey(String host, int port, TlsClientOptions tls, HttpUrl proxy, String proxyAuthorization) {

    boolean isTls() {
        return tls != null;
    }

    /** Whether the connection goes through a CONNECT tunnel (https through a proxy). */
    boolean tunnel() {
        return proxy != null && tls != null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConnectionKey k && host.equals(k.host) && port == k.port && tls == k.tls
                && java.util.Objects.equals(proxy, k.proxy)
                && java.util.Objects.equals(proxyAuthorization, k.proxyAuthorization);
    }

    @Override
    public int hashCode() {
        return (host.hashCode() * 31 + port) * 31 + System.identityHashCode(tls);
    }

    @Override
    public String toString() {
        return (tls != null ? "https://" : "http://") + host + ":" + port + (proxy != null ? " via " + proxy : "");
    }
}
