package io.jasyncio.http.client;

import java.io.IOException;

/**
 * The base of every error the HTTP client raises: aiohttp's {@code ClientError}. An
 * {@link IOException}, so that an HTTP failure is caught where other I/O failures are; its
 * subclasses say what went wrong:
 *
 * <pre>
 * ClientError
 * ├── ClientConnectionError            the connection failed or broke
 * │   ├── ClientOSError                an I/O error on an established connection
 * │   │   └── ClientConnectorError     could not connect (host, port and the cause)
 * │   │       ├── ClientProxyConnectionError
 * │   │       └── ClientSSLError
 * │   │           ├── ClientConnectorSSLError
 * │   │           └── ClientConnectorCertificateError
 * │   └── ServerConnectionError
 * │       ├── ServerDisconnectedError  the server closed before its response
 * │       └── ServerTimeoutError       a timeout (total, or one of the next two)
 * │           ├── ConnectionTimeoutError   connect / sockConnect
 * │           └── SocketTimeoutError       sockRead
 * ├── ClientResponseError              a response that is an error (status)
 * │   ├── ContentTypeError
 * │   ├── ClientHttpProxyError
 * │   └── TooManyRedirects
 * ├── ClientPayloadError               the body could not be read completely
 * └── InvalidUrl
 * </pre>
 *
 * <p>Unlike aiohttp, a timeout is not also an {@code asyncio.TimeoutError}: Java has one superclass.
 * Catch {@link ServerTimeoutError} for every client timeout.
 */
public class ClientError extends IOException {
    private static final long serialVersionUID = 1L;

    /** An error with {@code message}. */
    public ClientError(String message) {
        super(message);
    }

    /** An error with {@code message} and the {@code cause} that led to it. */
    public ClientError(String message, Throwable cause) {
        super(message, cause);
    }
}
