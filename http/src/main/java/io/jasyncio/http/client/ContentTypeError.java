package io.jasyncio.http.client;

import io.jasyncio.http.protocol.Headers;
import java.util.List;

/**
 * {@link ClientResponse#json()} on a response that is not JSON by its Content-Type: aiohttp's
 * {@code ContentTypeError}.
 */
public class ContentTypeError extends ClientResponseError {
    private static final long serialVersionUID = 1L;

    /** As {@link ClientResponseError#ClientResponseError(RequestInfo, List, int, String, Headers)}. */
    public ContentTypeError(RequestInfo requestInfo, List<ClientResponse> history, int status, String message,
            Headers headers) {
        super(requestInfo, history, status, message, headers);
    }
}
