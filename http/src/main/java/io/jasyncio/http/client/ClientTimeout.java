package io.jasyncio.http.client;

/**
 * How long a request may take: aiohttp's {@code ClientTimeout}. Each part is in seconds, null for
 * no limit. The deadlines are the loop's timeouts ({@link io.jasyncio.Asyncio#timeoutAt}), so they
 * run on a {@link io.jasyncio.Clock} like any timer: exact and instant under a virtual clock.
 *
 * <ul>
 *   <li>{@code total}: the whole operation, from the call until the body is read: connecting,
 *       sending, every redirect, reading the response and its body ({@link ServerTimeoutError}).
 *   <li>{@code connect}: getting a connection, waiting for a pool slot included
 *       ({@link ConnectionTimeoutError}).
 *   <li>{@code sockRead}: the longest wait for the server's next bytes, response head and body
 *       ({@link SocketTimeoutError}).
 *   <li>{@code sockConnect}: opening one new connection, TCP connect plus TLS handshake plus a
 *       proxy's CONNECT, without the wait for a pool slot ({@link ConnectionTimeoutError}).
 * </ul>
 *
 * <pre>{@code
 * var session = ClientSession.builder()
 *         .timeout(ClientTimeout.DEFAULT.withSockConnect(5.0).withSockRead(30.0))
 *         .build();
 * }</pre>
 *
 * @param total the whole request, body included; aiohttp's default 300 s
 * @param connect getting a connection, pool wait included
 * @param sockRead the longest silence of the server
 * @param sockConnect opening one connection (TCP, TLS, proxy tunnel)
 */
public record ClientTimeout(Double total, Double connect, Double sockRead, Double sockConnect) {

    /** aiohttp's default: 5 minutes in total, no other limit. */
    public static final ClientTimeout DEFAULT = new ClientTimeout(300.0, null, null, null);

    /** No limit at all. */
    public static final ClientTimeout NONE = new ClientTimeout(null, null, null, null);

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException for a negative or NaN value, naming it
     */
    public ClientTimeout {
        check("total", total);
        check("connect", connect);
        check("sockRead", sockRead);
        check("sockConnect", sockConnect);
    }

    private static void check(String name, Double v) {
        if (v != null && !(v >= 0)) {
            throw new IllegalArgumentException("ClientTimeout." + name + " must be >= 0 seconds or null, got " + v);
        }
    }

    /** Only a total limit of {@code seconds} (aiohttp's {@code timeout=number}). */
    public static ClientTimeout ofTotal(double seconds) {
        return new ClientTimeout(seconds, null, null, null);
    }

    /** This timeout with {@code total} (null: none). */
    public ClientTimeout withTotal(Double total) {
        return new ClientTimeout(total, connect, sockRead, sockConnect);
    }

    /** This timeout with {@code connect} (null: none). */
    public ClientTimeout withConnect(Double connect) {
        return new ClientTimeout(total, connect, sockRead, sockConnect);
    }

    /** This timeout with {@code sockRead} (null: none). */
    public ClientTimeout withSockRead(Double sockRead) {
        return new ClientTimeout(total, connect, sockRead, sockConnect);
    }

    /** This timeout with {@code sockConnect} (null: none). */
    public ClientTimeout withSockConnect(Double sockConnect) {
        return new ClientTimeout(total, connect, sockRead, sockConnect);
    }
}
