package io.jasyncio.http.client;

import java.net.URI;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cookie storage per RFC 6265: aiohttp's {@code CookieJar}. A {@link ClientSession} stores the
 * {@code Set-Cookie} headers of every response here and sends the matching cookies with every
 * request.
 *
 * <ul>
 *   <li>domain: a cookie without a Domain attribute goes back to its host only; with one, to that
 *       domain and its subdomains; a Domain the response's host does not belong to is refused.
 *   <li>path: sent for request paths under the cookie's Path (by default the response path's
 *       directory).
 *   <li>secure: a Secure cookie goes over https only (and to the origins of
 *       {@link #treatAsSecureOrigin}).
 *   <li>expiry: Max-Age, else Expires (parsed with RFC 6265's lenient date algorithm); an expiry in
 *       the past deletes the cookie. Times come from the jar's {@link InstantSource}.
 *   <li>quoted values: {@code a="b c"} is kept as sent ({@link Cookie#codedValue()}) and
 *       unquoted in {@link Cookie#value()}; with quoting on (the default), values set by the user
 *       that need it are quoted when sent.
 *   <li>unsafe: off by default, as aiohttp's: cookies of hosts that are IP addresses are neither
 *       stored nor sent ({@code new CookieJar(true, ...)} allows them).
 * </ul>
 *
 * <p>{@link #dummy()} stores nothing (aiohttp's {@code DummyCookieJar}). Loop-affine like the
 * session that uses it; no locking.
 */
public final class CookieJar implements Iterable<Cookie> {
    private static final Pattern DATE_TOKEN =
            Pattern.compile("[\\x09\\x20-\\x2F\\x3B-\\x40\\x5B-\\x60\\x7B-\\x7E]*([\\x00-\\x08\\x0A-\\x1F\\d:a-zA-Z\\x7F-\\xFF]+)");
    private static final Pattern TIME = Pattern.compile("(\\d{1,2}):(\\d{1,2}):(\\d{1,2})");
    private static final Pattern DAY = Pattern.compile("(\\d{1,2})");
    private static final Pattern MONTH =
            Pattern.compile("(jan)|(feb)|(mar)|(apr)|(may)|(jun)|(jul)|(aug)|(sep)|(oct)|(nov)|(dec)", Pattern.CASE_INSENSITIVE);
    private static final Pattern YEAR = Pattern.compile("(\\d{2,4})");

    private final boolean unsafe;
    private final boolean quoteCookie;
    private final boolean dummy;
    private final InstantSource clock;
    /** Origins ("http://host:port") whose plain-http requests still get Secure cookies. */
    private final List<String> secureOrigins = new ArrayList<>();
    /** The cookies by "domain|path|name", in the order they were first set. */
    private final Map<String, Cookie> cookies = new LinkedHashMap<>();

    /** A jar with aiohttp's defaults: IP hosts refused, quoting on, the system clock. */
    public CookieJar() {
        this(false, true, InstantSource.system());
    }

    /**
     * A jar that accepts cookies from IP-address hosts when {@code unsafe}, quotes values that need
     * it when {@code quoteCookie}, and reads the time from {@code clock} (a fixed or test clock
     * makes expiry repeatable).
     */
    public CookieJar(boolean unsafe, boolean quoteCookie, InstantSource clock) {
        this(unsafe, quoteCookie, clock, false);
    }

    private CookieJar(boolean unsafe, boolean quoteCookie, InstantSource clock, boolean dummy) {
        this.unsafe = unsafe;
        this.quoteCookie = quoteCookie;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.dummy = dummy;
    }

    /** A jar that stores nothing and sends nothing: aiohttp's {@code DummyCookieJar}. */
    public static CookieJar dummy() {
        return new CookieJar(false, true, InstantSource.system(), true);
    }

    /**
     * Sends Secure cookies to {@code origin} over plain http too (aiohttp's
     * {@code treat_as_secure_origin}), e.g. {@code "http://127.0.0.1:8080"} in development.
     *
     * @return this jar
     * @throws IllegalArgumentException when {@code origin} is not an http(s) URL
     */
    public CookieJar treatAsSecureOrigin(String origin) {
        try {
            HttpUrl u = HttpUrl.parse(origin);
            secureOrigins.add(u.scheme + "://" + u.authority());
        } catch (InvalidUrl e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        return this;
    }

    /**
     * Stores the cookies of {@code Set-Cookie} header values received from {@code responseUrl}.
     * Malformed ones, and ones for another domain, are ignored (RFC 6265's "ignore the cookie").
     */
    public void updateCookies(List<String> setCookieHeaders, URI responseUrl) {
        HttpUrl url = parseForCookies(responseUrl);
        for (String header : setCookieHeaders) {
            store(header, url);
        }
    }

    /** {@link #updateCookies(List, URI)} for a URL already parsed. */
    void updateCookies(List<String> setCookieHeaders, HttpUrl url) {
        for (String header : setCookieHeaders) {
            store(header, url);
        }
    }

    /**
     * Stores {@code name=value} cookies: for {@code responseUrl}'s host, or, when it is null, shared
     * cookies sent with every request (aiohttp's {@code update_cookies(dict)} without a URL).
     * Values are stored as given and quoted when sent if they need it.
     */
    public void updateCookies(Map<String, String> nameValues, URI responseUrl) {
        if (dummy) {
            return;
        }
        HttpUrl url = responseUrl == null ? null : parseForCookies(responseUrl);
        if (url != null && !unsafe && url.hostIsIpAddress()) {
            return;
        }
        for (Map.Entry<String, String> e : nameValues.entrySet()) {
            checkName(e.getKey());
            String value = Objects.requireNonNull(e.getValue(), "the value of cookie " + e.getKey());
            String coded = quoteCookie ? quote(value) : value;
            String domain = url == null ? "" : url.host;
            String path = url == null ? "/" : defaultPath(url.path());
            put(new Cookie(e.getKey(), value, coded, domain, url != null, path, null, false, false, null));
        }
    }

    /**
     * The cookies to send to {@code requestUrl}, longest path first (RFC 6265 section 5.4).
     */
    public List<Cookie> filterCookies(URI requestUrl) {
        return filter(parseForCookies(requestUrl));
    }

    List<Cookie> filter(HttpUrl url) {
        if (dummy || cookies.isEmpty()) {
            return List.of();
        }
        expire();
        String host = url.host;
        boolean secureRequest = url.secure() || secureOrigins.contains(url.scheme + "://" + url.authority());
        boolean ipHost = url.hostIsIpAddress();
        String path = url.path();
        List<Cookie> out = new ArrayList<>();
        for (Cookie c : cookies.values()) {
            if (!c.domain().isEmpty()) {
                if (!unsafe && ipHost) {
                    continue;
                }
                if (c.hostOnly() ? !c.domain().equals(host) : !domainMatch(c.domain(), host)) {
                    continue;
                }
                if (!pathMatch(path, c.path())) {
                    continue;
                }
                if (c.secure() && !secureRequest) {
                    continue;
                }
            }
            out.add(c);
        }
        out.sort(Comparator.comparingInt((Cookie c) -> c.path().length()).reversed());
        // One value per name, as aiohttp's SimpleCookie: the most specific path wins.
        Map<String, Cookie> byName = new LinkedHashMap<>();
        for (Cookie c : out) {
            byName.putIfAbsent(c.name(), c);
        }
        return List.copyOf(byName.values());
    }

    /** The Cookie header value for {@code url}, or null when no cookie matches. */
    String cookieHeader(HttpUrl url) {
        List<Cookie> matching = filter(url);
        if (matching.isEmpty()) {
            return null;
        }
        StringBuilder b = new StringBuilder();
        for (Cookie c : matching) {
            if (!b.isEmpty()) {
                b.append("; ");
            }
            b.append(c.name()).append('=').append(c.codedValue());
        }
        return b.toString();
    }

    /** Removes every cookie. */
    public void clear() {
        cookies.clear();
    }

    /** Removes the cookies {@code predicate} accepts, and the expired ones. */
    public void clear(Predicate<Cookie> predicate) {
        cookies.values().removeIf(predicate);
        expire();
    }

    /** Removes the cookies of {@code domain} and its subdomains (aiohttp's {@code clear_domain}). */
    public void clearDomain(String domain) {
        String d = domain.toLowerCase(Locale.ROOT);
        clear(c -> domainMatch(d, c.domain()));
    }

    /** The number of cookies stored, expired ones dropped first. */
    public int size() {
        expire();
        return cookies.size();
    }

    /** The cookies stored (a snapshot), expired ones dropped first. */
    @Override
    public Iterator<Cookie> iterator() {
        expire();
        return List.copyOf(cookies.values()).iterator();
    }

    // ---- storing ----

    private void store(String header, HttpUrl url) {
        if (dummy || (!unsafe && url.hostIsIpAddress())) {
            return;
        }
        String[] parts = header.split(";", -1);
        String pair = parts[0];
        int eq = pair.indexOf('=');
        if (eq < 0) {
            return;
        }
        String name = pair.substring(0, eq).strip();
        String coded = pair.substring(eq + 1).strip();
        if (name.isEmpty() || !isToken(name)) {
            return;
        }
        String domain = null;
        String path = null;
        Instant expires = null;
        Instant maxAgeExpiry = null;
        boolean secure = false;
        boolean httpOnly = false;
        String sameSite = null;
        for (int i = 1; i < parts.length; i++) {
            String attr = parts[i];
            int aeq = attr.indexOf('=');
            String key = (aeq < 0 ? attr : attr.substring(0, aeq)).strip().toLowerCase(Locale.ROOT);
            String val = aeq < 0 ? "" : attr.substring(aeq + 1).strip();
            switch (key) {
                case "domain" -> {
                    if (!val.isEmpty()) {
                        domain = val.toLowerCase(Locale.ROOT);
                    }
                }
                case "path" -> path = val;
                case "expires" -> {
                    Instant when = parseDate(val);
                    if (when != null) {
                        expires = when;
                    }
                }
                case "max-age" -> {
                    if (val.matches("-?[0-9]+")) {
                        Instant now = clock.instant();
                        long seconds;
                        try {
                            seconds = Long.parseLong(val);
                        } catch (NumberFormatException tooBig) {
                            seconds = val.startsWith("-") ? -1 : Long.MAX_VALUE;
                        }
                        maxAgeExpiry = seconds <= 0 ? Instant.MIN
                                : seconds > Instant.MAX.getEpochSecond() - now.getEpochSecond() ? Instant.MAX
                                        : now.plusSeconds(seconds);
                    }
                }
                case "secure" -> secure = true;
                case "httponly" -> httpOnly = true;
                case "samesite" -> sameSite = val;
                default -> { }
            }
        }
        boolean hostOnly;
        if (domain == null || domain.endsWith(".")) {
            domain = url.host;
            hostOnly = true;
        } else {
            if (domain.startsWith(".")) {
                domain = domain.substring(1);
            }
            if (!domainMatch(domain, url.host)) {
                return; // a cookie for another domain
            }
            hostOnly = false;
        }
        if (path == null || !path.startsWith("/")) {
            path = defaultPath(url.path());
        }
        Instant expiry = maxAgeExpiry != null ? maxAgeExpiry : expires;
        put(new Cookie(name, unquote(coded), coded, domain, hostOnly, path, expiry, secure, httpOnly, sameSite));
        expire();
    }

    private void put(Cookie c) {
        cookies.put(c.domain() + "|" + c.path() + "|" + c.name(), c);
    }

    private void expire() {
        if (cookies.isEmpty()) {
            return;
        }
        Instant now = clock.instant();
        cookies.values().removeIf(c -> c.expires() != null && !c.expires().isAfter(now));
    }

    private static HttpUrl parseForCookies(URI url) {
        try {
            return HttpUrl.parse(url.toString());
        } catch (InvalidUrl e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    // ---- RFC 6265 helpers ----

    /** Section 5.1.3. */
    static boolean domainMatch(String domain, String host) {
        if (host.equals(domain)) {
            return true;
        }
        return host.endsWith(domain) && host.length() > domain.length()
                && host.charAt(host.length() - domain.length() - 1) == '.' && !HttpUrl.isIpAddress(host);
    }

    /** Section 5.1.4. */
    static boolean pathMatch(String requestPath, String cookiePath) {
        if (!requestPath.startsWith("/")) {
            requestPath = "/";
        }
        if (requestPath.equals(cookiePath)) {
            return true;
        }
        if (!requestPath.startsWith(cookiePath)) {
            return false;
        }
        return cookiePath.endsWith("/") || requestPath.charAt(cookiePath.length()) == '/';
    }

    /** Section 5.1.4's default-path: the directory of the request path. */
    static String defaultPath(String path) {
        if (!path.startsWith("/")) {
            return "/";
        }
        int last = path.lastIndexOf('/');
        return last == 0 ? "/" : path.substring(0, last);
    }

    /** Section 5.1.1: the lenient cookie date, or null when it is not one. */
    static Instant parseDate(String s) {
        if (s == null || s.isEmpty()) {
            return null;
        }
        boolean foundTime = false;
        boolean foundDay = false;
        boolean foundMonth = false;
        boolean foundYear = false;
        int hour = 0;
        int minute = 0;
        int second = 0;
        int day = 0;
        int month = 0;
        int year = -1;
        Matcher tokens = DATE_TOKEN.matcher(s);
        while (tokens.find()) {
            String token = tokens.group(1);
            Matcher m;
            if (!foundTime && (m = TIME.matcher(token)).lookingAt()) {
                foundTime = true;
                hour = Integer.parseInt(m.group(1));
                minute = Integer.parseInt(m.group(2));
                second = Integer.parseInt(m.group(3));
            } else if (!foundDay && (m = DAY.matcher(token)).lookingAt()) {
                foundDay = true;
                day = Integer.parseInt(m.group(1));
            } else if (!foundMonth && (m = MONTH.matcher(token)).lookingAt()) {
                foundMonth = true;
                for (int g = 1; g <= 12; g++) {
                    if (m.group(g) != null) {
                        month = g;
                    }
                }
            } else if (!foundYear && (m = YEAR.matcher(token)).lookingAt()) {
                foundYear = true;
                year = Integer.parseInt(m.group(1));
            }
        }
        if (year >= 70 && year <= 99) {
            year += 1900;
        } else if (year >= 0 && year <= 69) {
            year += 2000;
        }
        if (!(foundTime && foundDay && foundMonth && foundYear) || day < 1 || day > 31 || year < 1601 || hour > 23
                || minute > 59 || second > 59) {
            return null;
        }
        try {
            return LocalDateTime.of(year, month, day, hour, minute, second).toInstant(ZoneOffset.UTC);
        } catch (java.time.DateTimeException e) {
            return null; // 31 February
        }
    }

    private static boolean isToken(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= 32 || c >= 127 || "()<>@,;:\\\"/[]?={}".indexOf(c) >= 0) {
                return false;
            }
        }
        return true;
    }

    private static void checkName(String name) {
        if (name == null || name.isEmpty() || !isToken(name)) {
            throw new IllegalArgumentException("not a valid cookie name: '" + name + "'");
        }
    }

    /** Python's http.cookies _unquote, for the common escapes: {@code "a\"b"} is {@code a"b}. */
    static String unquote(String coded) {
        if (coded.length() < 2 || coded.charAt(0) != '"' || coded.charAt(coded.length() - 1) != '"') {
            return coded;
        }
        String inner = coded.substring(1, coded.length() - 1);
        StringBuilder b = new StringBuilder(inner.length());
        for (int i = 0; i < inner.length(); i++) {
            char c = inner.charAt(i);
            if (c == '\\' && isOctal(inner, i + 1)) {
                b.append((char) Integer.parseInt(inner.substring(i + 1, i + 4), 8));
                i += 3;
            } else if (c == '\\' && i + 1 < inner.length()) {
                b.append(inner.charAt(++i));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static boolean isOctal(String s, int from) {
        if (from + 3 > s.length()) {
            return false;
        }
        for (int i = from; i < from + 3; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '7') {
                return false;
            }
        }
        return true;
    }

    /** Python's http.cookies _quote: values with characters outside the legal set are double-quoted. */
    static String quote(String value) {
        boolean legal = true;
        for (int i = 0; i < value.length() && legal; i++) {
            char c = value.charAt(i);
            legal = c > 32 && c < 127 && "\",;\\ ".indexOf(c) < 0;
        }
        if (legal) {
            return value;
        }
        StringBuilder b = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 32 || c >= 127 && c < 256) {
                b.append('\\').append(String.format("%03o", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }

    @Override
    public String toString() {
        return dummy ? "<DummyCookieJar>" : "<CookieJar cookies=" + cookies.size() + (unsafe ? " unsafe" : "") + ">";
    }
}
