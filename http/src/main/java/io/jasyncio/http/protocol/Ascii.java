package io.jasyncio.http.protocol;

/** Character classes of RFC 9110 as lookup tables, shared by the parser, writer and headers. */
final class Ascii {

    private Ascii() {}

    /** {@code TOKEN[b]}: byte/char b is a tchar ({@code !#$%&'*+-.^_`|~}, DIGIT, ALPHA). */
    private static final boolean[] TOKEN = new boolean[256];
    /** {@code HEX[b]}: value of hex digit b, or -1. */
    private static final byte[] HEX = new byte[256];

    static {
        for (int c = '0'; c <= '9'; c++) {
            TOKEN[c] = true;
        }
        for (int c = 'a'; c <= 'z'; c++) {
            TOKEN[c] = true;
            TOKEN[c - 32] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TOKEN[c] = true;
        }
        java.util.Arrays.fill(HEX, (byte) -1);
        for (int c = '0'; c <= '9'; c++) {
            HEX[c] = (byte) (c - '0');
        }
        for (int c = 'a'; c <= 'f'; c++) {
            HEX[c] = (byte) (c - 'a' + 10);
            HEX[c - 32] = (byte) (c - 'a' + 10);
        }
    }

    static boolean isToken(int c) {
        return c >= 0 && c < 256 && TOKEN[c];
    }

    static boolean isTokenByte(byte b) {
        return TOKEN[b & 0xff];
    }

    /** The value of a hex digit, or -1. */
    static int hex(byte b) {
        return HEX[b & 0xff];
    }

    static boolean isWhitespace(char c) {
        return c == ' ' || c == '\t';
    }

    static char lower(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
    }

    /** A character for an error message: {@code 'x'} if printable ASCII, else {@code 0x0d}. */
    static String describe(int c) {
        if (c > 0x20 && c < 0x7f) {
            return "'" + (char) c + "'";
        }
        if (c == ' ') {
            return "space";
        }
        return String.format("0x%02x", c);
    }

    /** A string for an error message: quoted, control characters escaped, cut at 60 characters. */
    static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        int n = Math.min(s.length(), 60);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                sb.append(String.format("\\x%02x", (int) c));
            } else if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else {
                sb.append(c);
            }
        }
        if (s.length() > n) {
            sb.append("...");
        }
        return sb.append('"').toString();
    }

    /** Bytes for an error message, as {@link #quote} of their ISO-8859-1 reading. */
    static String quote(byte[] b, int from, int to) {
        int n = Math.min(to - from, 61);
        String s = new String(b, from, n, java.nio.charset.StandardCharsets.ISO_8859_1);
        return quote(n < to - from ? s + "...." : s);
    }
}
