package io.jasyncio.http.server;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * An {@link AccessLog} writing one line per request in an Apache-style format: aiohttp's
 * {@code AccessLogger}, through a {@link System.Logger} (by default {@code "io.jasyncio.http.access"},
 * aiohttp's {@code aiohttp.access}) at level INFO.
 *
 * <pre>{@code
 * ServerOptions.defaults().withAccessLog(new AccessLogger());   // DEFAULT_FORMAT
 * new AccessLogger(System.getLogger("web"), "%a \"%r\" %s %Tf");
 * }</pre>
 *
 * <p>The format's atoms (aiohttp's subset):
 * <table>
 * <caption>atoms</caption>
 * <tr><td>{@code %a}</td><td>the client's IP address</td></tr>
 * <tr><td>{@code %t}</td><td>when the request started, {@code [10/Oct/2000:13:55:36 +0000]} (local zone)</td></tr>
 * <tr><td>{@code %P}</td><td>the process id</td></tr>
 * <tr><td>{@code %r}</td><td>the request line, {@code GET /path?q=1 HTTP/1.1}</td></tr>
 * <tr><td>{@code %s}</td><td>the response status</td></tr>
 * <tr><td>{@code %b}</td><td>bytes sent for the response, head included</td></tr>
 * <tr><td>{@code %T}, {@code %Tf}, {@code %D}</td><td>time taken: whole seconds, seconds with six decimals, microseconds</td></tr>
 * <tr><td>{@code %{Name}i}, {@code %{Name}o}</td><td>a request or response header ({@code -} when absent)</td></tr>
 * <tr><td>{@code %%}</td><td>a percent sign</td></tr>
 * </table>
 *
 * <p>Off by default ({@link ServerOptions#accessLog()} is null), unlike aiohttp, whose access logger
 * is always on but silent until the application configures Python's logging: Java's default
 * logging prints INFO records to stderr, which a server under load must not do unasked.
 */
public final class AccessLogger implements AccessLog {

    /** aiohttp's {@code LOG_FORMAT}: {@code %a %t "%r" %s %b "%{Referer}i" "%{User-Agent}i"}. */
    public static final String DEFAULT_FORMAT = "%a %t \"%r\" %s %b \"%{Referer}i\" \"%{User-Agent}i\"";

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("'['dd/MMM/yyyy:HH:mm:ss Z']'", Locale.US);

    /** One piece of the format: a literal, or an atom with its argument. */
    private record Atom(char kind, String arg) {}

    private final System.Logger logger;
    private final String format;
    private final List<Atom> atoms;

    /** {@link #DEFAULT_FORMAT} to the logger {@code "io.jasyncio.http.access"}. */
    public AccessLogger() {
        this(System.getLogger("io.jasyncio.http.access"), DEFAULT_FORMAT);
    }

    /**
     * {@code format} to {@code logger}.
     *
     * @throws IllegalArgumentException for an unknown atom ({@code %x}), naming it
     */
    public AccessLogger(System.Logger logger, String format) {
        this.logger = Objects.requireNonNull(logger, "logger");
        this.format = Objects.requireNonNull(format, "format");
        this.atoms = compile(format);
    }

    /** The format. */
    public String format() {
        return format;
    }

    private static List<Atom> compile(String format) {
        List<Atom> atoms = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < format.length()) {
            char c = format.charAt(i);
            if (c != '%') {
                literal.append(c);
                i++;
                continue;
            }
            if (i + 1 >= format.length()) {
                throw new IllegalArgumentException("access log format ends with a lone '%': \"" + format + "\"");
            }
            char k = format.charAt(i + 1);
            Atom atom;
            if (k == '%') {
                literal.append('%');
                i += 2;
                continue;
            } else if (k == '{') {
                int close = format.indexOf('}', i + 2);
                if (close < 0 || close + 1 >= format.length() || "io".indexOf(format.charAt(close + 1)) < 0) {
                    throw new IllegalArgumentException("access log format: %{Name} must be followed by i or o, at index "
                            + i + " of \"" + format + "\"");
                }
                atom = new Atom(format.charAt(close + 1), format.substring(i + 2, close));
                i = close + 2;
            } else if (k == 'T' && i + 2 < format.length() && format.charAt(i + 2) == 'f') {
                atom = new Atom('f', null);
                i += 3;
            } else if ("atPrsbTD".indexOf(k) >= 0) {
                atom = new Atom(k, null);
                i += 2;
            } else {
                throw new IllegalArgumentException("access log format: unknown atom %" + k + " at index " + i + " of \""
                        + format + "\"");
            }
            if (!literal.isEmpty()) {
                atoms.add(new Atom('L', literal.toString()));
                literal.setLength(0);
            }
            atoms.add(atom);
        }
        if (!literal.isEmpty()) {
            atoms.add(new Atom('L', literal.toString()));
        }
        return List.copyOf(atoms);
    }

    /** Writes the line at INFO (nothing is formatted when the logger does not log INFO). */
    @Override
    public void log(Request request, StreamResponse response, double seconds) {
        if (!logger.isLoggable(System.Logger.Level.INFO)) {
            return;
        }
        logger.log(System.Logger.Level.INFO, line(request, response, seconds));
    }

    /** The line for a request, as {@link #log} writes it. */
    public String line(Request request, StreamResponse response, double seconds) {
        StringBuilder sb = new StringBuilder(128);
        for (Atom a : atoms) {
            switch (a.kind) {
                case 'L' -> sb.append(a.arg);
                case 'a' -> sb.append(orDash(request.remote()));
                case 't' -> sb.append(TIME.format(Instant.now().minusNanos((long) (seconds * 1e9))
                        .atZone(ZoneId.systemDefault())));
                case 'P' -> sb.append("<").append(ProcessHandle.current().pid()).append(">");
                case 'r' -> sb.append(request.method()).append(' ').append(request.target()).append(' ')
                        .append(request.version().text());
                case 's' -> sb.append(response.status());
                case 'b' -> sb.append(response.bytesSent());
                case 'T' -> sb.append(Math.round(seconds));
                case 'f' -> sb.append(String.format(Locale.ROOT, "%.6f", seconds));
                case 'D' -> sb.append(Math.round(seconds * 1e6));
                case 'i' -> sb.append(orDash(request.headers().get(a.arg)));
                case 'o' -> sb.append(orDash(response.sentHeader(a.arg)));
                default -> throw new AssertionError(a);
            }
        }
        return sb.toString();
    }

    private static String orDash(String s) {
        return s == null ? "-" : s;
    }

    @Override
    public String toString() {
        return "<AccessLogger format=\"" + format + "\">";
    }
}
