package io.jasyncio.http.protocol;

import static io.jasyncio.http.protocol.Wire.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class ContentDecoderTest {

    private static final byte[] TEXT = bytes("The quick brown fox jumps over the lazy dog. ".repeat(200));

    static byte[] gzip(byte[] data) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
                gz.write(data);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static byte[] deflate(byte[] data, boolean raw) {
        Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION, raw);
        d.setInput(data);
        d.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        while (!d.finished()) {
            out.write(buf, 0, d.deflate(buf));
        }
        d.end();
        return out.toByteArray();
    }

    /** Decodes in pieces of {@code piece} bytes, then finishes. */
    static byte[] decode(ContentDecoder d, byte[] encoded, int piece) throws HttpParseException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < encoded.length; i += piece) {
            out.writeBytes(d.decode(encoded, i, Math.min(piece, encoded.length - i)));
        }
        out.writeBytes(d.finish());
        return out.toByteArray();
    }

    @Test
    void gzipAndDeflateInAnyPieces() throws HttpParseException {
        byte[][] encodings = {gzip(TEXT), gzip(TEXT), deflate(TEXT, false), deflate(TEXT, true)};
        String[] names = {"gzip", "X-GZIP", "deflate", "deflate"};
        for (int i = 0; i < encodings.length; i++) {
            for (int piece : new int[] {1, 2, 7, 100, 1 << 20}) {
                assertThat(decode(ContentDecoder.forEncoding(names[i]), encodings[i], piece))
                        .as("%s (%s) in pieces of %d", names[i], i == 3 ? "raw" : "wrapped", piece).isEqualTo(TEXT);
            }
        }
    }

    @Test
    void identityPassesThrough() throws HttpParseException {
        for (String enc : new String[] {null, "", "identity", " Identity , "}) {
            ContentDecoder d = ContentDecoder.forEncoding(enc);
            assertThat(d.isIdentity()).isTrue();
            byte[] b = bytes("abc");
            assertThat(d.decode(b, 0, 3)).isSameAs(b);
            assertThat(d.decode(b, 1, 2)).isEqualTo(bytes("bc"));
            assertThat(d.finish()).isEmpty();
        }
        assertThat(ContentDecoder.forEncoding("gzip").isIdentity()).isFalse();
    }

    @Test
    void severalCodingsAreUndoneInReverseOrder() throws HttpParseException {
        byte[] encoded = deflate(gzip(TEXT), false); // "Content-Encoding: gzip, deflate": gzip first, then deflate
        assertThat(decode(ContentDecoder.forEncoding("gzip, deflate"), encoded, 13)).isEqualTo(TEXT);
        assertThat(decode(ContentDecoder.forEncoding("gzip, identity, deflate"), encoded, 1 << 20)).isEqualTo(TEXT);
        assertThatThrownBy(() -> decode(ContentDecoder.forEncoding("deflate, gzip"), encoded, 100))
                .isInstanceOf(HttpParseException.class).hasMessageContaining("not gzip data");
        assertThatThrownBy(() -> ContentDecoder.forEncoding("gzip, gzip, gzip, gzip, gzip"))
                .hasMessageContaining("more than 4 content codings");
    }

    @Test
    void concatenatedGzipMembers() throws HttpParseException {
        byte[] a = gzip(bytes("hello "));
        byte[] b = gzip(bytes("world"));
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        for (int piece : new int[] {1, 3, 1000}) {
            assertThat(decode(ContentDecoder.forEncoding("gzip"), both, piece)).isEqualTo(bytes("hello world"));
        }
    }

    @Test
    void gzipHeaderWithOptionalFields() throws HttpParseException {
        byte[] plain = gzip(bytes("payload"));
        // FEXTRA (4 bytes), FNAME "name", FCOMMENT "c", FHCRC (not checked, as GZIPInputStream)
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x1f);
        out.write(0x8b);
        out.write(8);
        out.write(4 | 8 | 16 | 2);
        out.write(plain, 4, 6); // mtime, xfl, os
        out.writeBytes(new byte[] {4, 0, 'a', 'b', 'c', 'd'});
        out.writeBytes(bytes("name\u0000c\u0000"));
        out.writeBytes(new byte[] {0x12, 0x34});
        out.write(plain, 10, plain.length - 10);
        byte[] full = out.toByteArray();
        for (int piece : new int[] {1, 5, 1000}) {
            assertThat(decode(ContentDecoder.forEncoding("gzip"), full, piece)).isEqualTo(bytes("payload"));
        }
    }

    @Test
    void truncatedStreamsFailInFinishSayingWhere() throws HttpParseException {
        byte[] gz = gzip(TEXT);
        String[][] cases = {
            {"5", "in the header of member 1"},
            {String.valueOf(gz.length / 2), "in the compressed data of member 1"},
            {String.valueOf(gz.length - 3), "in the trailer of member 1"},
        };
        for (String[] c : cases) {
            ContentDecoder d = ContentDecoder.forEncoding("gzip");
            d.decode(gz, 0, Integer.parseInt(c[0]));
            assertThatThrownBy(d::finish).isInstanceOf(HttpParseException.class)
                    .hasMessageContaining("truncated gzip stream: it ended " + c[1])
                    .extracting(e -> ((HttpParseException) e).status()).isEqualTo(400);
        }
        for (boolean raw : new boolean[] {false, true}) {
            byte[] df = deflate(TEXT, raw);
            ContentDecoder d = ContentDecoder.forEncoding("deflate");
            d.decode(df, 0, df.length - 4);
            assertThatThrownBy(d::finish).hasMessageContaining("truncated deflate stream");
        }
        ContentDecoder one = ContentDecoder.forEncoding("deflate");
        one.decode(new byte[] {0x78}, 0, 1);
        assertThatThrownBy(one::finish).hasMessageContaining("truncated deflate stream (1 byte)");
        assertThat(ContentDecoder.forEncoding("gzip").finish()).as("an empty body").isEmpty();
        assertThat(ContentDecoder.forEncoding("deflate").finish()).as("an empty body").isEmpty();
    }

    @Test
    void corruptStreams() throws HttpParseException {
        byte[] gz = gzip(TEXT);
        byte[] badCrc = gz.clone();
        badCrc[gz.length - 8] ^= 1;
        assertThatThrownBy(() -> decode(ContentDecoder.forEncoding("gzip"), badCrc, 1000))
                .hasMessageContaining("gzip CRC mismatch in member 1");
        byte[] badSize = gz.clone();
        badSize[gz.length - 4] ^= 1;
        assertThatThrownBy(() -> decode(ContentDecoder.forEncoding("gzip"), badSize, 1000))
                .hasMessageContaining("gzip length mismatch in member 1");
        byte[] trailing = Arrays.copyOf(gz, gz.length + 3);
        assertThatThrownBy(() -> decode(ContentDecoder.forEncoding("gzip"), trailing, 1000))
                .hasMessageContaining("unexpected bytes after gzip member 1");
        assertThatThrownBy(() -> decode(ContentDecoder.forEncoding("gzip"), bytes("plain text, not gzip"), 1000))
                .hasMessageContaining("not gzip data (no 1f 8b magic");
        byte[] df = deflate(TEXT, false);
        byte[] dfTrailing = Arrays.copyOf(df, df.length + 2);
        assertThatThrownBy(() -> decode(ContentDecoder.forEncoding("deflate"), dfTrailing, 1000))
                .hasMessageContaining("2 unexpected bytes after the end of the deflate stream");
        byte[] garbage = new byte[64];
        new Random(1).nextBytes(garbage);
        garbage[0] = 0x78;
        garbage[1] = (byte) 0x9c;
        assertThatThrownBy(() -> decode(ContentDecoder.forEncoding("deflate"), garbage, 1000))
                .isInstanceOf(HttpParseException.class).hasMessageContaining("corrupt deflate data");
    }

    @Test
    void decodedSizeCapStopsBombsEarly() throws HttpParseException {
        byte[] zeros = new byte[16 << 20];
        byte[] bomb = gzip(zeros); // ~16 KiB expanding to 16 MiB
        assertThat(bomb.length).isLessThan(40_000);
        ContentDecoder d = ContentDecoder.forEncoding("gzip", 1 << 20);
        assertThatThrownBy(() -> d.decode(bomb, 0, bomb.length)).isInstanceOf(HttpParseException.class)
                .hasMessage("decoded body larger than 1048576 bytes (Content-Encoding \"gzip\")")
                .extracting(e -> ((HttpParseException) e).status()).isEqualTo(413);
        assertThatThrownBy(() -> d.decode(bomb, 0, 1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already finished or failed");

        byte[] nested = gzip(gzip(new byte[20 << 20]));
        assertThatThrownBy(() -> decode(ContentDecoder.forEncoding("gzip, gzip", 1 << 20), nested, 4096))
                .hasMessageContaining("decoded body larger than 1048576 bytes");
        assertThatThrownBy(() -> decode(ContentDecoder.forEncoding(null, 2), bytes("abc"), 1))
                .hasMessageContaining("decoded body larger than 2 bytes (Content-Encoding identity)");
        assertThat(decode(ContentDecoder.forEncoding("gzip", TEXT.length), gzip(TEXT), 100)).isEqualTo(TEXT);
    }

    @Test
    void unsupportedCodingsAre415() {
        assertThatThrownBy(() -> ContentDecoder.forEncoding("br")).isInstanceOf(HttpParseException.class)
                .hasMessage("unsupported Content-Encoding \"br\" in \"br\" (supported: gzip, x-gzip, deflate, identity)")
                .extracting(e -> ((HttpParseException) e).status()).isEqualTo(415);
        assertThatThrownBy(() -> ContentDecoder.forEncoding("gzip, zstd")).hasMessageContaining("\"zstd\"");
        assertThatThrownBy(() -> ContentDecoder.forEncoding("gzip", -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void closeReleasesAndFinishOnlyOnce() throws HttpParseException {
        ContentDecoder d = ContentDecoder.forEncoding("deflate");
        d.close();
        d.close();
        assertThatThrownBy(d::finish).isInstanceOf(IllegalStateException.class);
        ContentDecoder e = ContentDecoder.forEncoding("gzip");
        e.finish();
        assertThatThrownBy(e::finish).isInstanceOf(IllegalStateException.class);
        assertThat(e).hasToString("ContentDecoder[gzip]");
    }
}
