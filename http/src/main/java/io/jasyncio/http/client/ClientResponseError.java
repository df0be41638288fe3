package io.jasyncio.http.client;

import io.jasyncio.http.protocol.Headers;
import java.util.List;

/**
 * A response that is an error: {@link ClientResponse#raiseForStatus()} for a status of 400 or more,
 * or a response head the client could not parse (status 400, the parser's message). aiohttp's
 * {@code ClientResponseError}: "404, message='Not Found', url='http://...'".
 */
public class ClientResponseError extends ClientError {
    private static final long serialVersionUID = 1L;

    private final transient RequestInfo requestInfo;
    private final transient List<ClientResponse> history;
    private final int status;
    private final String statusMessage;
    private final transient Headers headers;

    /**
     * An error for the request {@code requestInfo}, after the redirects in {@code history}, with the
     * response's {@code status}, {@code message} (its reason, or what is wrong) and {@code headers}
     * (may be null).
     */
    public ClientResponseError(RequestInfo requestInfo, List<ClientResponse> history, int status, String message,
            Headers headers) {
        this(requestInfo, history, status, message, headers, null);
    }

    /** As {@link #ClientResponseError(RequestInfo, List, int, String, Headers)} with a {@code cause}. */
    public ClientResponseError(RequestInfo requestInfo, List<ClientResponse> history, int status, String message,
            Headers headers, Throwable cause) {
        super(status + ", message='" + message + "', url='" + (requestInfo == null ? "?" : requestInfo.realUrl()) + "'",
                cause);
        this.requestInfo = requestInfo;
        this.history = history == null ? List.of() : List.copyOf(history);
        this.status = status;
        this.statusMessage = message;
        this.headers = headers;
    }

    /** The request the response answered. */
    public RequestInfo requestInfo() {
        return requestInfo;
    }

    /** The redirect responses that came before, oldest first. */
    public List<ClientResponse> history() {
        return history;
    }

    /** The response's status (400 for a response that could not be parsed). */
    public int status() {
        return status;
    }

    /** The response's reason phrase, or what is wrong with the response (aiohttp's {@code message}). */
    public String statusMessage() {
        return statusMessage;
    }

    /** The response's headers, or null. */
    public Headers headers() {
        return headers;
    }
}
