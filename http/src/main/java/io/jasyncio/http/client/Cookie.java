package io.jasyncio.http.client;

import java.time.Instant;
import java.util.Objects;

/**
 * One cookie in a {@link CookieJar}: Python's {@code Morsel} with the jar's bookkeeping.
 *
 * @param name the cookie's name
 * @param value its value, unquoted ({@code "a b"} received is {@code a b})
 * @param codedValue its value as received and as sent back ({@code "\"a b\""})
 * @param domain the domain it belongs to, lower case without a leading dot; empty for a shared
 *     cookie (one added without a URL, sent everywhere, as aiohttp's)
 * @param hostOnly whether only {@code domain} itself gets it (no Domain attribute was given), not
 *     its subdomains
 * @param path the path prefix it is sent for
 * @param expires when it expires, or null for a session cookie
 * @param secure whether it is sent over https only
 * @param httpOnly the HttpOnly attribute (kept for the user; an HTTP client sends it anyway)
 * @param sameSite the SameSite attribute, or null
 */
public record Cookie(String name, String value, String codedValue, String domain, boolean hostOnly, String path,
        Instant expires, boolean secure, boolean httpOnly, String sameSite) {

    /** Checks the required parts. */
    public Cookie {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(codedValue, "codedValue");
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(path, "path");
    }

    /** {@code name=codedValue}, as in a Cookie header. */
    @Override
    public String toString() {
        return name + "=" + codedValue;
    }
}
