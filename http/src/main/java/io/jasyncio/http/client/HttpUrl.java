package io.jasyncio.http.client;

import java.net.IDN;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An http or https URL as the client uses it: parsed once, normalized (scheme and host lower case,
 * host in ASCII, illegal characters percent-encoded, an empty path made "/"), with the request
 * target, the Host header and the origin at hand. The public API shows it as a {@link URI}
 * ({@link #toUri()}); this class exists because {@code java.net.URI} loses the host of names with an
 * underscore and resolves some references wrongly.
 *
 * <p>Immutable. Relative references are resolved as RFC 3986 section 5.2 says ({@link #resolve}).
 */
final class HttpUrl {
    /** RFC 3986 appendix B. */
    private static final Pattern URI_PARTS = Pattern.compile("^(([^:/?#]+):)?(//([^/?#]*))?([^?#]*)(\\?([^#]*))?(#(.*))?");
    private static final String HEX = "0123456789ABCDEF";

    final String scheme;
    /** Lower case; an IPv6 literal without brackets. */
    final String host;
    /** The port, the scheme's default when the URL has none. */
    final int port;
    /** Whether the URL spelled the port out (and it is not the default). */
    final boolean explicitPort;
    /** Percent-encoded, starts with "/". */
    final String rawPath;
    /** Percent-encoded query without the "?", or null. */
    final String rawQuery;
    /** Percent-encoded fragment without the "#", or null. */
    final String rawFragment;
    /** Decoded user and password from the authority, or null. */
    final String user;
    final String password;
    /** {@link #toUri()}, made on first use (immutable, so a race only makes it twice). */
    private URI uri;

    private HttpUrl(String scheme, String host, int port, boolean explicitPort, String rawPath, String rawQuery,
            String rawFragment, String user, String password) {
        this.scheme = scheme;
        this.host = host;
        this.port = port;
        this.explicitPort = explicitPort;
        this.rawPath = rawPath;
        this.rawQuery = rawQuery;
        this.rawFragment = rawFragment;
        this.user = user;
        this.password = password;
    }

    /**
     * Parses an absolute http or https URL.
     *
     * @throws InvalidUrl naming what is wrong
     */
    static HttpUrl parse(String url) throws InvalidUrl {
        if (url == null) {
            throw new NullPointerException("url");
        }
        Matcher m = URI_PARTS.matcher(url.strip());
        if (!m.matches()) {
            throw new InvalidUrl(url, "not a URL");
        }
        String scheme = m.group(2);
        if (scheme == null || m.group(3) == null) {
            throw new InvalidUrl(url, "not an absolute URL (a scheme and a host are needed; a relative URL needs the"
                    + " session's baseUrl)");
        }
        scheme = scheme.toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new InvalidUrl(url, "the scheme must be http or https, not '" + scheme + "'");
        }
        return build(url, scheme, m.group(4), m.group(5), m.group(7), m.group(9));
    }

    private static HttpUrl build(String original, String scheme, String authority, String path, String query,
            String fragment) throws InvalidUrl {
        String user = null;
        String password = null;
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            String info = authority.substring(0, at);
            authority = authority.substring(at + 1);
            int colon = info.indexOf(':');
            user = percentDecode(colon < 0 ? info : info.substring(0, colon));
            password = colon < 0 ? null : percentDecode(info.substring(colon + 1));
        }
        String host;
        String portText = null;
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            if (close < 0) {
                throw new InvalidUrl(original, "an IPv6 host without its closing ']'");
            }
            host = authority.substring(1, close);
            String rest = authority.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw new InvalidUrl(original, "unexpected text after the IPv6 host: '" + rest + "'");
                }
                portText = rest.substring(1);
            }
            if (!host.matches("[0-9A-Fa-f:.]+")) {
                throw new InvalidUrl(original, "not an IPv6 address: '" + host + "'");
            }
        } else {
            int colon = authority.lastIndexOf(':');
            if (colon >= 0) {
                portText = authority.substring(colon + 1);
                authority = authority.substring(0, colon);
            }
            host = percentDecode(authority);
        }
        if (host.isEmpty()) {
            throw new InvalidUrl(original, "no host");
        }
        host = asciiHost(original, host);
        int defaultPort = scheme.equals("https") ? 443 : 80;
        int port = defaultPort;
        if (portText != null && !portText.isEmpty()) {
            if (!portText.matches("[0-9]{1,5}") || Integer.parseInt(portText) < 1 || Integer.parseInt(portText) > 65535) {
                throw new InvalidUrl(original, "the port must be a number from 1 to 65535, not '" + portText + "'");
            }
            port = Integer.parseInt(portText);
        }
        String rawPath = encode(path, PATH_SAFE);
        if (rawPath.isEmpty()) {
            rawPath = "/";
        }
        return new HttpUrl(scheme, host, port, port != defaultPort, removeDotSegments(rawPath),
                query == null ? null : encode(query, QUERY_SAFE), fragment == null ? null : encode(fragment, QUERY_SAFE),
                user, password);
    }

    /** The host in lower-case ASCII (IDNA for other names); checks the characters a host may have. */
    private static String asciiHost(String original, String host) throws InvalidUrl {
        if (host.indexOf(':') >= 0) {
            return host.toLowerCase(Locale.ROOT); // IPv6, checked by the caller
        }
        String ascii;
        try {
            ascii = IDN.toASCII(host, IDN.ALLOW_UNASSIGNED);
        } catch (IllegalArgumentException e) {
            throw new InvalidUrl(original, "bad host name '" + host + "': " + e.getMessage());
        }
        ascii = ascii.toLowerCase(Locale.ROOT);
        for (int i = 0; i < ascii.length(); i++) {
            char c = ascii.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_')) {
                throw new InvalidUrl(original, "bad character '" + c + "' in the host name '" + host + "'");
            }
        }
        return ascii;
    }

    /**
     * Resolves {@code reference} against this URL (RFC 3986 section 5.2): an absolute URL stands
     * for itself, "//host/x" keeps the scheme, "/x" replaces the path, "x" replaces the last
     * segment, "?q" the query.
     *
     * @throws InvalidUrl when the result is not a usable http(s) URL
     */
    HttpUrl resolve(String reference) throws InvalidUrl {
        Matcher m = URI_PARTS.matcher(reference.strip());
        if (!m.matches()) {
            throw new InvalidUrl(reference, "not a URL");
        }
        if (m.group(2) != null) {
            return parse(reference);
        }
        String path = m.group(5);
        String query = m.group(7);
        String fragment = m.group(9);
        if (m.group(3) != null) {
            return build(reference, scheme, m.group(4), path, query, fragment);
        }
        String targetPath;
        String targetQuery;
        if (path.isEmpty()) {
            targetPath = rawPath;
            targetQuery = query != null ? encode(query, QUERY_SAFE) : rawQuery;
        } else {
            String encoded = encode(path, PATH_SAFE);
            if (encoded.startsWith("/")) {
                targetPath = removeDotSegments(encoded);
            } else {
                targetPath = removeDotSegments(rawPath.substring(0, rawPath.lastIndexOf('/') + 1) + encoded);
            }
            targetQuery = query == null ? null : encode(query, QUERY_SAFE);
        }
        return new HttpUrl(scheme, host, port, explicitPort, targetPath, targetQuery,
                fragment == null ? null : encode(fragment, QUERY_SAFE), user, password);
    }

    /** RFC 3986 section 5.2.4. */
    static String removeDotSegments(String path) {
        if (!path.contains(".")) {
            return path;
        }
        List<String> out = new ArrayList<>();
        String[] segments = path.split("/", -1);
        for (int i = 1; i < segments.length; i++) {
            String s = segments[i];
            boolean last = i == segments.length - 1;
            if (s.equals(".") || s.equalsIgnoreCase("%2e")) {
                if (last) {
                    out.add("");
                }
            } else if (s.equals("..") || s.equalsIgnoreCase(".%2e") || s.equalsIgnoreCase("%2e.")
                    || s.equalsIgnoreCase("%2e%2e")) {
                if (!out.isEmpty()) {
                    out.removeLast();
                }
                if (last) {
                    out.add("");
                }
            } else {
                out.add(s);
            }
        }
        return "/" + String.join("/", out);
    }

    /** This URL with {@code params} appended to its query (form-encoded, as aiohttp's {@code params=}). */
    HttpUrl withParams(List<Map.Entry<String, String>> params) {
        if (params.isEmpty()) {
            return this;
        }
        StringBuilder q = new StringBuilder(rawQuery == null ? "" : rawQuery);
        for (Map.Entry<String, String> p : params) {
            if (!q.isEmpty()) {
                q.append('&');
            }
            q.append(formEncode(p.getKey())).append('=').append(formEncode(p.getValue()));
        }
        return new HttpUrl(scheme, host, port, explicitPort, rawPath, q.toString(), rawFragment, user, password);
    }

    /** This URL without user information (the fragment kept). */
    HttpUrl withoutCredentials() {
        if (user == null) {
            return this;
        }
        return new HttpUrl(scheme, host, port, explicitPort, rawPath, rawQuery, rawFragment, null, null);
    }

    /** This URL without user information and fragment (what is requested). */
    HttpUrl withoutCredentialsAndFragment() {
        if (user == null && rawFragment == null) {
            return this;
        }
        return new HttpUrl(scheme, host, port, explicitPort, rawPath, rawQuery, null, null, null);
    }

    /** Whether the scheme is https. */
    boolean secure() {
        return scheme.equals("https");
    }

    /** The origin-form request target: path and query. */
    String requestTarget() {
        return rawQuery == null ? rawPath : rawPath + "?" + rawQuery;
    }

    /** The absolute-form request target (for a plain-http proxy): the URL without fragment and credentials. */
    String absoluteTarget() {
        return scheme + "://" + hostAndPort() + requestTarget();
    }

    /** The Host header's value: the host, bracketed if IPv6, and the port unless it is the default. */
    String hostHeader() {
        return explicitPort ? hostAndPort() : bracketedHost();
    }

    /** "host:port" with the port always present (CONNECT's authority-form). */
    String authority() {
        return bracketedHost() + ":" + port;
    }

    private String hostAndPort() {
        return explicitPort ? bracketedHost() + ":" + port : bracketedHost();
    }

    private String bracketedHost() {
        return host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    }

    /** Whether {@code other} has the same scheme, host and port. */
    boolean sameOrigin(HttpUrl other) {
        return scheme.equals(other.scheme) && host.equals(other.host) && port == other.port;
    }

    /** Whether the host is an IP address literal. */
    boolean hostIsIpAddress() {
        return isIpAddress(host);
    }

    static boolean isIpAddress(String host) {
        if (host == null || host.isEmpty()) {
            return false;
        }
        try {
            InetAddress.ofLiteral(host);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The decoded path. */
    String path() {
        return percentDecode(rawPath);
    }

    /** This URL as a {@link URI} (with its fragment, without credentials). */
    URI toUri() {
        URI u = uri;
        if (u == null) {
            uri = u = URI.create(toString());
        }
        return u;
    }

    @Override
    public String toString() {
        return scheme + "://" + hostAndPort() + requestTarget() + (rawFragment == null ? "" : "#" + rawFragment);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HttpUrl u && toString().equals(u.toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }

    // ---- percent-encoding ----

    /** Characters allowed as they are in a path besides unreserved ones: sub-delims, ':', '@', '/'. */
    private static final String PATH_SAFE = "!$&'()*+,;=:@/";
    /** In a query or fragment: the path's and '?'. */
    private static final String QUERY_SAFE = "!$&'()*+,;=:@/?";

    /**
     * Percent-encodes what may not appear as it is (non-ASCII as UTF-8); keeps "%XX" escapes that
     * are already there and encodes a '%' that starts none.
     */
    static String encode(String s, String safe) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean keep = isUnreserved(c) || safe.indexOf(c) >= 0
                    || c == '%' && i + 2 < s.length() && isHex(s.charAt(i + 1)) && isHex(s.charAt(i + 2));
            if (keep) {
                if (b != null) {
                    b.append(c);
                }
                continue;
            }
            if (b == null) {
                b = new StringBuilder(s.length() + 16).append(s, 0, i);
            }
            int end = i + 1;
            if (Character.isHighSurrogate(c) && end < s.length()) {
                end++;
            }
            for (byte x : s.substring(i, end).getBytes(StandardCharsets.UTF_8)) {
                b.append('%').append(HEX.charAt((x >> 4) & 0xF)).append(HEX.charAt(x & 0xF));
            }
            i = end - 1;
        }
        return b == null ? s : b.toString();
    }

    /** application/x-www-form-urlencoded: unreserved characters kept, space as '+', the rest UTF-8 escaped. */
    static String formEncode(String s) {
        StringBuilder b = new StringBuilder(s.length() + 8);
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (x & 0xFF);
            if (c < 0x80 && isUnreserved(c)) {
                b.append(c);
            } else if (c == ' ') {
                b.append('+');
            } else {
                b.append('%').append(HEX.charAt((x >> 4) & 0xF)).append(HEX.charAt(x & 0xF));
            }
        }
        return b.toString();
    }

    /** Decodes %XX escapes (UTF-8); a malformed escape stays as it is. */
    static String percentDecode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length() && isHex(s.charAt(i + 1)) && isHex(s.charAt(i + 2))) {
                out.write(Character.digit(s.charAt(i + 1), 16) * 16 + Character.digit(s.charAt(i + 2), 16));
                i += 2;
            } else {
                int end = Character.isHighSurrogate(c) && i + 1 < s.length() ? i + 2 : i + 1;
                byte[] bytes = s.substring(i, end).getBytes(StandardCharsets.UTF_8);
                out.write(bytes, 0, bytes.length);
                i = end - 1;
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static boolean isUnreserved(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_'
                || c == '~';
    }

    private static boolean isHex(char c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
    }
}
