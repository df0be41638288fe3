package io.jasyncio.http.client;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;

/**
 * HTTP Basic credentials: aiohttp's {@code BasicAuth(login, password, encoding)}. Sent as
 * {@code Authorization: Basic ...} ({@link RequestOptions#auth}), or for a proxy as
 * {@code Proxy-Authorization}. Credentials in a URL ({@code http://user:pw@host/}) become one.
 *
 * @param login the user name; may not contain ':'
 * @param password the password (may be empty)
 * @param charset how both are encoded before base64 (aiohttp: latin-1)
 */
public record BasicAuth(String login, String password, Charset charset) {

    /**
     * Checks the credentials.
     *
     * @throws IllegalArgumentException when the login contains ':'
     */
    public BasicAuth {
        Objects.requireNonNull(login, "login");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(charset, "charset");
        if (login.indexOf(':') >= 0) {
            throw new IllegalArgumentException("a Basic auth login may not contain ':'");
        }
    }

    /** Credentials encoded in ISO-8859-1, as aiohttp's default. */
    public BasicAuth(String login, String password) {
        this(login, password, StandardCharsets.ISO_8859_1);
    }

    /** The header value: {@code Basic base64(login:password)}. */
    public String encode() {
        return "Basic " + Base64.getEncoder().encodeToString((login + ":" + password).getBytes(charset));
    }

    /** Hides the password. */
    @Override
    public String toString() {
        return "BasicAuth[login=" + login + ", password=***]";
    }
}
