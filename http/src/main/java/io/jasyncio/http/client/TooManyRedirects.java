package io.jasyncio.http.client;

import java.util.List;

/**
 * More redirects than {@link RequestOptions#maxRedirects(int)} allows: aiohttp's
 * {@code TooManyRedirects}. {@link #history()} holds the redirect responses (released), the last
 * one being the redirect that was not followed.
 */
public class TooManyRedirects extends ClientResponseError {
    private static final long serialVersionUID = 1L;

    /** The request {@code requestInfo} was redirected too often; {@code history}: every redirect response. */
    public TooManyRedirects(RequestInfo requestInfo, List<ClientResponse> history) {
        super(requestInfo, history, history.isEmpty() ? 0 : history.getLast().status(),
                "Too many redirects (" + history.size() + ")", history.isEmpty() ? null : history.getLast().headers());
    }
}
