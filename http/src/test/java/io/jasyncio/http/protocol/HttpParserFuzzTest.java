package io.jasyncio.http.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A seeded random fuzzer for {@link HttpParser}: mutations (bit flips, interesting bytes, inserted
 * framing fragments, deletions, duplications, splices of two messages, truncations) of the valid
 * messages in {@link Corpus}, fed in random pieces under random limits. For every input the parser
 * must
 * <ul>
 * <li>throw nothing but {@link HttpParseException}, with a status the contract allows;
 * <li>terminate: it produces a bounded number of events for the bytes it was given;
 * <li>stay within its limits: whenever it asks for more data, it buffers no more than the longest
 *     line its limits allow; no body exceeds {@code maxBodySize}; no {@code Data} is empty;
 * <li>when it accepts the input, give the same events again after the messages are re-encoded by
 *     {@link HttpWriter} (round trip).
 * </ul>
 * A second property generates random valid messages, encodes them with {@link HttpWriter} and
 * checks that the parser returns exactly them.
 *
 * <p>Bounded for CI (a few thousand inputs, about a second per engine). Longer runs on demand:
 * <pre>
 * mvn -o -pl core,testing,http -am test -Dtest=HttpParserFuzzTest -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Djasyncio.fuzz.iterations=2000000      # or -Djasyncio.fuzz.seconds=600
 *     -Djasyncio.fuzz.seed=12345              # another seed (default: fixed, so CI is repeatable)
 * </pre>
 * A failure names the seed and iteration and prints the input in hex, so it can be replayed.
 */
class HttpParserFuzzTest {

    private static final long ITERATIONS = Long.getLong("jasyncio.fuzz.iterations", 3000);
    private static final long SECONDS = Long.getLong("jasyncio.fuzz.seconds", 0);
    private static final long SEED = Long.getLong("jasyncio.fuzz.seed", 0x5eed_8_2024L);

    private static final Set<Integer> STATUSES = Set.of(400, 413, 414, 431, 501, 505);

    private static final String[] FRAGMENTS = {
        "\r\n", "\n", "\r", " ", "\t", ":", ";", ",", "0", "f", "\r\n\r\n", "0\r\n\r\n", "Transfer-Encoding: chunked\r\n",
        "Content-Length: 5\r\n", "Content-Length: 99999999999999999999\r\n", "Transfer-Encoding: gzip, chunked\r\n",
        "Host: x\r\n", " chunked", "ffffffffffffffff\r\n", "1;a=\"b\\\"c\"\r\n", "HTTP/1.1 ", "GET / HTTP/1.1\r\n",
        "Connection: close\r\n", "Expect: 100-continue\r\n", "\u0000", "\u007f", "\u00ff",
    };
    private static final byte[] INTERESTING = {'\r', '\n', ' ', '\t', ':', ';', ',', '"', '\\', '0', '9', 'a', 'f', 'F', 'g',
        0, 1, 0x7f, (byte) 0x80, (byte) 0xff, '-', '+', '=', 'H', 'T', 'P', '/', '.', '1'};

    /** Whether another iteration should run. */
    private static boolean more(long i, long deadline) {
        return SECONDS > 0 ? System.nanoTime() < deadline : i < ITERATIONS;
    }

    @Test
    void mutatedMessagesFailCleanlyAndAcceptedOnesRoundTrip() {
        List<Corpus.Sample> corpus = Corpus.all();
        Random random = new Random(SEED);
        long deadline = System.nanoTime() + SECONDS * 1_000_000_000L;
        long accepted = 0;
        long i = 0;
        for (; more(i, deadline); i++) {
            Corpus.Sample sample = corpus.get(random.nextInt(corpus.size()));
            byte[] input = mutate(Wire.bytes(sample.raw()), corpus, random);
            HttpLimits limits = random.nextInt(4) == 0 ? smallLimits(random) : HttpLimits.defaults();
            boolean eof = random.nextInt(3) != 0;
            long pieceSeed = random.nextLong();
            try {
                Wire.Outcome out = run(sample, limits, input, new Random(pieceSeed), eof);
                if (out.error() == null) {
                    accepted++;
                    roundTrip(sample, out.events(), eof);
                }
            } catch (Throwable t) {
                throw new AssertionError("fuzz failure at seed " + SEED + ", iteration " + i + " (sample \"" + sample.name()
                        + "\", eof=" + eof + ", limits=" + limits + ", pieces seed " + pieceSeed + "), input:\n"
                        + HexFormat.of().formatHex(input), t);
            }
        }
        System.out.println("HttpParserFuzzTest: " + i + " mutated inputs, " + accepted + " accepted and round-tripped (seed "
                + SEED + ")");
        assertThat(accepted).as("some mutations stay valid").isPositive();
    }

    @Test
    void randomValidMessagesRoundTripExactly() throws HttpParseException {
        Random random = new Random(SEED ^ 0x9e3779b97f4a7c15L);
        long deadline = System.nanoTime() + SECONDS * 1_000_000_000L;
        long n = Math.max(1, ITERATIONS / 8);
        long i = 0;
        for (; SECONDS > 0 ? System.nanoTime() < deadline : i < n; i++) {
            boolean requests = random.nextBoolean();
            ByteArrayOutputStream wire = new ByteArrayOutputStream();
            List<HttpEvent> expected = new ArrayList<>();
            List<String> methods = new ArrayList<>();
            int messages = 1 + random.nextInt(3);
            for (int m = 0; m < messages; m++) {
                writeRandomMessage(requests, random, wire, expected, methods, m == messages - 1);
            }
            HttpParser p = requests ? HttpParser.forRequests(HttpLimits.defaults()) : HttpParser.forResponses(HttpLimits.defaults());
            methods.forEach(p::expectResponseTo);
            Wire.Outcome out = Wire.feedRandom(p, wire.toByteArray(), random, 1 + random.nextInt(200), true);
            if (out.error() != null) {
                throw new AssertionError("valid message refused at iteration " + i + ":\n"
                        + HexFormat.of().formatHex(wire.toByteArray()), out.error());
            }
            assertThat(out.events()).as("iteration %d", i).containsExactlyElementsOf(Wire.merge(expected));
        }
    }

    // ---------------------------------------------------------------------------------------------

    /** Feeds the input in random pieces under the given limits, checking the invariants. */
    private static Wire.Outcome run(Corpus.Sample sample, HttpLimits limits, byte[] input, Random pieces, boolean eof) {
        HttpParser p = sample.requests() ? HttpParser.forRequests(limits) : HttpParser.forResponses(limits);
        sample.methods().forEach(p::expectResponseTo);
        long maxBuffered = Math.max(Math.max(limits.maxLineSize(), limits.maxHeaderSize()), 64L + limits.maxChunkExtSize()) + 2;
        List<HttpEvent> events = new ArrayList<>();
        long body = 0;
        int at = 0;
        boolean eofFed = false;
        try {
            while (true) {
                if (at < input.length) {
                    int n = Math.min(input.length - at, 1 + pieces.nextInt(pieces.nextBoolean() ? 8 : 512));
                    p.feed(java.util.Arrays.copyOfRange(input, at, at + n));
                    at += n;
                } else if (eof && !eofFed) {
                    p.feedEof();
                    eofFed = true;
                } else {
                    break;
                }
                for (int guard = 0; ; guard++) {
                    if (guard > 2 * input.length + 16) {
                        throw new AssertionError("the parser keeps producing events: " + p);
                    }
                    if (p.switchedProtocols()) {
                        return new Wire.Outcome(Wire.merge(events), null, p.buffered());
                    }
                    HttpEvent e = p.next();
                    if (e == HttpEvent.NeedData.INSTANCE) {
                        if (p.buffered() > maxBuffered) {
                            throw new AssertionError(p.buffered() + " bytes buffered while asking for more (limit "
                                    + maxBuffered + "): " + p);
                        }
                        break;
                    }
                    if (e instanceof HttpEvent.Data d) {
                        if (d.length() <= 0) {
                            throw new AssertionError("empty Data event");
                        }
                        body += d.length();
                        if (body > limits.maxBodySize()) {
                            throw new AssertionError("body of " + body + " bytes over maxBodySize " + limits.maxBodySize());
                        }
                    } else if (e instanceof HttpEvent.End) {
                        body = 0;
                    }
                    events.add(e);
                }
            }
            return new Wire.Outcome(Wire.merge(events), null, p.buffered());
        } catch (HttpParseException e) {
            if (!STATUSES.contains(e.status()) || e.getMessage().isBlank()) {
                throw new AssertionError("unexpected status " + e.status() + " or empty message", e);
            }
            return new Wire.Outcome(Wire.merge(events), e, p.buffered());
        }
    }

    /** Re-encodes accepted messages with HttpWriter and checks the parser gives the same events. */
    private static void roundTrip(Corpus.Sample sample, List<HttpEvent> events, boolean eof) {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        List<HttpEvent> complete = new ArrayList<>();
        List<HttpEvent> message = new ArrayList<>();
        List<String> methods = new ArrayList<>(sample.methods());
        boolean chunked = false;
        for (HttpEvent e : events) {
            message.add(e);
            switch (e) {
                case RequestHead h -> {
                    wire.writeBytes(HttpWriter.encodeRequestHead(h));
                    chunked = h.headers().contains("Transfer-Encoding");
                }
                case ResponseHead h -> {
                    wire.writeBytes(HttpWriter.encodeResponseHead(h));
                    String method = h.status() >= 200 && !methods.isEmpty() ? methods.removeFirst() : null;
                    boolean noBody = h.status() < 200 || h.status() == 204 || h.status() == 304 || "HEAD".equals(method);
                    chunked = !noBody && h.headers().contains("Transfer-Encoding") && HttpParser.chunkedIsFinal(h.headers())
                            && h.version() == HttpVersion.HTTP_1_1;
                }
                case HttpEvent.Data d -> wire.writeBytes(chunked ? HttpWriter.encodeChunk(d.bytes(), d.offset(), d.length())
                        : d.toByteArray());
                case HttpEvent.End end -> {
                    if (chunked) {
                        wire.writeBytes(HttpWriter.lastChunk(end.trailers()));
                    }
                    complete.addAll(message);
                    message.clear();
                    chunked = false;
                }
                case HttpEvent.NeedData n -> throw new AssertionError("NeedData in events");
            }
        }
        if (complete.isEmpty()) {
            return;
        }
        HttpParser p = sample.requests() ? HttpParser.forRequests(HttpLimits.defaults()) : HttpParser.forResponses(HttpLimits.defaults());
        sample.methods().forEach(p::expectResponseTo);
        Wire.Outcome again = Wire.feedWhole(p, wire.toByteArray(), eof);
        assertThat(again.error()).as("re-encoded messages are accepted").isNull();
        assertThat(again.events().subList(0, Math.min(again.events().size(), Wire.merge(complete).size())))
                .containsExactlyElementsOf(Wire.merge(complete));
    }

    private static HttpLimits smallLimits(Random r) {
        return new HttpLimits(16 + r.nextInt(200), 16 + r.nextInt(200), 64 + r.nextInt(1000), 1 + r.nextInt(12),
                r.nextInt(300), r.nextInt(64));
    }

    // ---------------------------------------------------------------------------------------------
    // Mutations

    static byte[] mutate(byte[] in, List<Corpus.Sample> corpus, Random r) {
        byte[] b = in;
        int rounds = 1 + r.nextInt(4);
        for (int k = 0; k < rounds; k++) {
            if (b.length == 0) {
                b = Wire.bytes("GET / HTTP/1.1\r\n");
            }
            int at = r.nextInt(b.length);
            switch (r.nextInt(9)) {
                case 0 -> {
                    b = b.clone();
                    b[at] ^= (byte) (1 << r.nextInt(8));
                }
                case 1 -> {
                    b = b.clone();
                    b[at] = INTERESTING[r.nextInt(INTERESTING.length)];
                }
                case 2 -> b = insert(b, at, Wire.bytes(FRAGMENTS[r.nextInt(FRAGMENTS.length)]));
                case 3 -> b = delete(b, at, Math.min(b.length - at, 1 + r.nextInt(8)));
                case 4 -> {
                    int len = Math.min(b.length - at, 1 + r.nextInt(32));
                    b = insert(b, at, java.util.Arrays.copyOfRange(b, at, at + len));
                }
                case 5 -> {
                    byte[] other = Wire.bytes(corpus.get(r.nextInt(corpus.size())).raw());
                    int from = r.nextInt(other.length);
                    b = insert(java.util.Arrays.copyOf(b, at), at, java.util.Arrays.copyOfRange(other, from, other.length));
                }
                case 6 -> b = java.util.Arrays.copyOf(b, at);
                case 7 -> {
                    byte[] digits = Wire.bytes(Long.toString(r.nextLong() >>> r.nextInt(64), r.nextBoolean() ? 10 : 16));
                    b = insert(b, at, digits);
                }
                default -> {
                    // Leave this round alone: some inputs stay valid and exercise the round trip.
                }
            }
        }
        return b;
    }

    private static byte[] insert(byte[] b, int at, byte[] what) {
        byte[] out = new byte[b.length + what.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(what, 0, out, at, what.length);
        System.arraycopy(b, at, out, at + what.length, b.length - at);
        return out;
    }

    private static byte[] delete(byte[] b, int at, int n) {
        byte[] out = new byte[b.length - n];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(b, at + n, out, at, b.length - at - n);
        return out;
    }

    // ---------------------------------------------------------------------------------------------
    // Random valid messages

    private static final String TCHARS = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

    private static String token(Random r, int max) {
        StringBuilder sb = new StringBuilder();
        for (int i = 1 + r.nextInt(max); i > 0; i--) {
            sb.append(TCHARS.charAt(r.nextInt(TCHARS.length())));
        }
        return sb.toString();
    }

    /** A field value: visible ASCII, obs-text, inner spaces and tabs; no leading or trailing whitespace. */
    private static String value(Random r) {
        StringBuilder sb = new StringBuilder();
        for (int i = r.nextInt(30); i > 0; i--) {
            int k = r.nextInt(20);
            char c = k == 0 ? ' ' : k == 1 ? '\t' : k == 2 ? (char) (0x80 + r.nextInt(0x80)) : (char) (0x21 + r.nextInt(0x5e));
            sb.append(c);
        }
        return sb.toString().strip().replaceAll("^[ \t]+|[ \t]+$", "");
    }

    private static Headers fields(Random r, int max) {
        Headers h = new Headers();
        for (int i = r.nextInt(max); i > 0; i--) {
            String name = token(r, 12);
            if (name.equalsIgnoreCase("Content-Length") || name.equalsIgnoreCase("Transfer-Encoding")
                    || name.equalsIgnoreCase("Host")) {
                continue;
            }
            h.add(name, value(r));
        }
        return h;
    }

    private static void writeRandomMessage(boolean requests, Random r, ByteArrayOutputStream wire, List<HttpEvent> expected,
            List<String> methods, boolean last) {
        Headers headers = fields(r, 8);
        byte[] body = new byte[r.nextInt(4) == 0 ? 0 : r.nextInt(2000)];
        r.nextBytes(body);
        int framing = r.nextInt(last && !requests ? 3 : 2); // 0 Content-Length, 1 chunked, 2 until close
        if (framing == 0) {
            headers.add("Content-Length", Integer.toString(body.length));
        } else if (framing == 1) {
            headers.add("Transfer-Encoding", "chunked");
        }
        HttpEvent head;
        if (requests) {
            headers.add("Host", token(r, 10));
            String method = r.nextInt(3) == 0 ? token(r, 8) : "POST";
            if (method.equals("CONNECT") || method.equals("HEAD")) {
                method = "POST";
            }
            head = new RequestHead(method, "/" + token(r, 20), HttpVersion.HTTP_1_1, headers);
            wire.writeBytes(HttpWriter.encodeRequestHead((RequestHead) head));
        } else {
            methods.add("GET");
            int status = 200 + r.nextInt(300);
            if (status == 204 || status == 304) {
                status = 200;
            }
            head = new ResponseHead(HttpVersion.HTTP_1_1, status, value(r), headers);
            wire.writeBytes(HttpWriter.encodeResponseHead((ResponseHead) head));
        }
        expected.add(head);
        Headers trailers = new Headers();
        if (framing == 1) {
            for (int i = 0; i < body.length; ) {
                int n = Math.min(body.length - i, 1 + r.nextInt(700));
                wire.writeBytes(HttpWriter.encodeChunk(body, i, n));
                i += n;
            }
            trailers = fields(r, 3);
            wire.writeBytes(HttpWriter.lastChunk(trailers));
        } else {
            wire.writeBytes(body);
        }
        if (body.length > 0) {
            expected.add(new HttpEvent.Data(body, 0, body.length));
        }
        expected.add(new HttpEvent.End(trailers));
    }
}
