package io.jasyncio.http.client;

import io.jasyncio.http.protocol.Headers;
import java.net.URI;
import java.util.Objects;

/**
 * What was sent: aiohttp's {@code RequestInfo}, carried by responses and response errors.
 *
 * @param url the URL requested, without its fragment
 * @param method the method, upper case
 * @param headers the request's headers as sent (a copy)
 * @param realUrl the URL as given, with its fragment if it had one
 */
public record RequestInfo(URI url, String method, Headers headers, URI realUrl) {

    /** Checks that nothing is null. */
    public RequestInfo {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(headers, "headers");
        Objects.requireNonNull(realUrl, "realUrl");
    }

    /** {@code GET http://host/path}. */
    @Override
    public String toString() {
        return method + " " + url;
    }
}
