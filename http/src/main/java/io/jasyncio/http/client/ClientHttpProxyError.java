package io.jasyncio.http.client;

import io.jasyncio.http.protocol.Headers;
import java.util.List;

/**
 * The proxy refused to open a tunnel ({@code CONNECT} answered with a status other than 2xx):
 * aiohttp's {@code ClientHttpProxyError}. {@link #status()} is the proxy's answer (407: the proxy
 * wants credentials).
 */
public class ClientHttpProxyError extends ClientResponseError {
    private static final long serialVersionUID = 1L;

    /** As {@link ClientResponseError#ClientResponseError(RequestInfo, List, int, String, Headers)}. */
    public ClientHttpProxyError(RequestInfo requestInfo, List<ClientResponse> history, int status, String message,
            Headers headers) {
        super(requestInfo, history, status, message, headers);
    }
}
