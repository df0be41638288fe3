package io.jasyncio.http.protocol;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Test support: feeds bytes to a parser in given pieces, collects its events (adjacent
 * {@link HttpEvent.Data} merged, so that results of different feeding patterns compare equal) and
 * the error that stopped it.
 */
final class Wire {

    private Wire() {}

    /** What a parser made of some input. */
    record Outcome(List<HttpEvent> events, HttpParseException error, int buffered) {
        /** The error's status, or 0 if none. */
        int status() {
            return error == null ? 0 : error.status();
        }

        /** Events and the error's status, for comparing two feeding patterns. */
        List<Object> summary() {
            List<Object> s = new ArrayList<>(events);
            if (error != null) {
                s.add("error " + error.status());
            }
            return s;
        }
    }

    /** ISO-8859-1 bytes of {@code s} (so "\u00ee" is the byte 0xee). */
    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static Outcome requests(String raw) {
        return feedWhole(HttpParser.forRequests(HttpLimits.defaults()), bytes(raw), true);
    }

    static Outcome requests(String raw, HttpLimits limits) {
        return feedWhole(HttpParser.forRequests(limits), bytes(raw), true);
    }

    static Outcome responses(String raw, String... methods) {
        HttpParser p = HttpParser.forResponses(HttpLimits.defaults());
        for (String m : methods) {
            p.expectResponseTo(m);
        }
        return feedWhole(p, bytes(raw), true);
    }

    /** Feeds everything at once, then (if {@code eof}) EOF, and drains. */
    static Outcome feedWhole(HttpParser p, byte[] data, boolean eof) {
        return feedPieces(p, data, new int[] {data.length}, eof);
    }

    /** Feeds one byte at a time, draining after each, then EOF. */
    static Outcome feedBytewise(HttpParser p, byte[] data, boolean eof) {
        int[] sizes = new int[data.length];
        java.util.Arrays.fill(sizes, 1);
        return feedPieces(p, data, sizes, eof);
    }

    /** Feeds in random pieces (1 to maxPiece bytes), draining after each, then EOF. */
    static Outcome feedRandom(HttpParser p, byte[] data, Random random, int maxPiece, boolean eof) {
        List<Integer> sizes = new ArrayList<>();
        for (int left = data.length; left > 0; ) {
            int n = Math.min(left, 1 + random.nextInt(maxPiece));
            sizes.add(n);
            left -= n;
        }
        return feedPieces(p, data, sizes.stream().mapToInt(Integer::intValue).toArray(), eof);
    }

    /**
     * Feeds pieces of the given sizes (each piece a fresh array, as StreamReader.read gives),
     * draining events after each, then EOF if asked, then drains again.
     */
    static Outcome feedPieces(HttpParser p, byte[] data, int[] sizes, boolean eof) {
        List<HttpEvent> events = new ArrayList<>();
        int at = 0;
        try {
            for (int size : sizes) {
                p.feed(java.util.Arrays.copyOfRange(data, at, at + size));
                at += size;
                drain(p, events);
            }
            if (eof) {
                p.feedEof();
                drain(p, events);
            }
            return new Outcome(merge(events), null, p.buffered());
        } catch (HttpParseException e) {
            return new Outcome(merge(events), e, p.buffered());
        }
    }

    static void drain(HttpParser p, List<HttpEvent> events) throws HttpParseException {
        for (int guard = 0; ; guard++) {
            if (guard > 10_000_000) {
                throw new AssertionError("parser does not stop producing events: " + p);
            }
            if (p.switchedProtocols()) {
                return;
            }
            HttpEvent e = p.next();
            if (e == HttpEvent.NeedData.INSTANCE) {
                return;
            }
            events.add(e);
        }
    }

    /** Merges adjacent Data events into one. */
    static List<HttpEvent> merge(List<HttpEvent> events) {
        List<HttpEvent> out = new ArrayList<>();
        ByteArrayOutputStream pending = null;
        for (HttpEvent e : events) {
            if (e instanceof HttpEvent.Data d) {
                if (d.length() == 0) {
                    throw new AssertionError("empty Data event");
                }
                if (pending == null) {
                    pending = new ByteArrayOutputStream();
                }
                pending.write(d.bytes(), d.offset(), d.length());
            } else {
                if (pending != null) {
                    out.add(new HttpEvent.Data(pending.toByteArray(), 0, pending.size()));
                    pending = null;
                }
                out.add(e);
            }
        }
        if (pending != null) {
            out.add(new HttpEvent.Data(pending.toByteArray(), 0, pending.size()));
        }
        return out;
    }

    static HttpEvent.Data data(String s) {
        byte[] b = bytes(s);
        return new HttpEvent.Data(b, 0, b.length);
    }

    static HttpEvent.End end() {
        return new HttpEvent.End(new Headers());
    }

    static HttpEvent.End end(String... trailers) {
        return new HttpEvent.End(Headers.of(trailers));
    }

    static RequestHead request(String method, String target, String... headers) {
        return new RequestHead(method, target, HttpVersion.HTTP_1_1, Headers.of(headers));
    }

    static ResponseHead response(int status, String reason, String... headers) {
        return new ResponseHead(HttpVersion.HTTP_1_1, status, reason, Headers.of(headers));
    }
}
