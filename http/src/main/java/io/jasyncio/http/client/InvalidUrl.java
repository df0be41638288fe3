package io.jasyncio.http.client;

/**
 * A URL the client cannot use: not absolute, not http or https, a bad host or port, or a redirect
 * to such a URL. aiohttp's {@code InvalidURL}.
 */
public class InvalidUrl extends ClientError {
    private static final long serialVersionUID = 1L;

    private final String url;

    /** {@code url} is unusable, for the reason {@code why}. */
    public InvalidUrl(String url, String why) {
        super(url + ": " + why);
        this.url = url;
    }

    /** The URL as given. */
    public String url() {
        return url;
    }
}
