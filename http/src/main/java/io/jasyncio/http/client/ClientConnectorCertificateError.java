package io.jasyncio.http.client;

import io.jasyncio.net.SslCertVerificationError;

/**
 * The server's certificate was not accepted (untrusted, expired, or not valid for the host name):
 * aiohttp's {@code ClientConnectorCertificateError}. {@link #certificateError()} says why.
 */
public class ClientConnectorCertificateError extends ClientSSLError {
    private static final long serialVersionUID = 1L;

    /** The certificate of {@code host:port} failed verification with {@code cause}. */
    public ClientConnectorCertificateError(String host, int port, SslCertVerificationError cause) {
        super(host, port, cause);
    }

    /** The verification error: {@link SslCertVerificationError#reason()} and the JDK's detail. */
    public SslCertVerificationError certificateError() {
        return (SslCertVerificationError) getCause();
    }
}
