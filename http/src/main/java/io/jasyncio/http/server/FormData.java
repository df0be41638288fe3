package io.jasyncio.http.server;

import io.jasyncio.http.protocol.Headers;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The fields of a submitted form ({@link Request#post()}): aiohttp's {@code post()} MultiDict.
 * Text fields by name, each with every value in order, and uploaded files ({@link FileField})
 * separately.
 *
 * <pre>{@code
 * FormData form = request.post();
 * String user = form.get("user");
 * FileField avatar = form.file("avatar");
 * }</pre>
 */
public final class FormData {

    private final Map<String, List<String>> fields;
    private final Map<String, List<FileField>> files;

    private FormData(Map<String, List<String>> fields, Map<String, List<FileField>> files) {
        this.fields = fields;
        this.files = files;
    }

    static FormData ofFields(Map<String, List<String>> fields) {
        return new FormData(fields, Map.of());
    }

    /** The first value of text field {@code name}, or null. */
    public String get(String name) {
        List<String> v = fields.get(name);
        return v == null ? null : v.get(0);
    }

    /** Every value of text field {@code name} (empty if none). */
    public List<String> getAll(String name) {
        return fields.getOrDefault(name, List.of());
    }

    /** The first file uploaded as {@code name}, or null. */
    public FileField file(String name) {
        List<FileField> v = files.get(name);
        return v == null ? null : v.get(0);
    }

    /** Every file uploaded as {@code name} (empty if none). */
    public List<FileField> files(String name) {
        return files.getOrDefault(name, List.of());
    }

    /** The names of the text fields, in order. */
    public Set<String> names() {
        return fields.keySet();
    }

    /** The text fields, unmodifiable. */
    public Map<String, List<String>> fields() {
        return fields;
    }

    /** The files by field name, unmodifiable. */
    public Map<String, List<FileField>> files() {
        return files;
    }

    /** Whether there are no fields and no files. */
    public boolean isEmpty() {
        return fields.isEmpty() && files.isEmpty();
    }

    @Override
    public String toString() {
        return "FormData" + fields + (files.isEmpty() ? "" : " files=" + files);
    }

    // ---- multipart/form-data (RFC 7578) ----

    /** Parses a whole multipart/form-data body. */
    static FormData parseMultipart(byte[] body, String boundary, String charset) {
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        Map<String, List<String>> fields = new LinkedHashMap<>();
        Map<String, List<FileField>> files = new LinkedHashMap<>();
        int p = indexOf(body, delimiter, 0);
        if (p < 0) {
            throw new HttpException(400, "multipart body without its boundary");
        }
        Charset textCharset = charset != null && Charset.isSupported(charset) ? Charset.forName(charset)
                : StandardCharsets.UTF_8;
        while (true) {
            p += delimiter.length;
            if (p + 1 < body.length && body[p] == '-' && body[p + 1] == '-') {
                break; // the close delimiter
            }
            p = skipLineEnd(body, p);
            Headers partHeaders = new Headers();
            while (true) {
                int eol = indexOf(body, new byte[] {'\n'}, p);
                if (eol < 0) {
                    throw new HttpException(400, "multipart part headers are not terminated");
                }
                int end = eol > p && body[eol - 1] == '\r' ? eol - 1 : eol;
                if (end == p) {
                    p = eol + 1;
                    break;
                }
                String line = new String(body, p, end - p, StandardCharsets.UTF_8);
                int colon = line.indexOf(':');
                if (colon <= 0) {
                    throw new HttpException(400, "malformed multipart part header \"" + line + "\"");
                }
                try {
                    partHeaders.add(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
                } catch (IllegalArgumentException e) {
                    throw new HttpException(400, "malformed multipart part header: " + e.getMessage());
                }
                p = eol + 1;
            }
            byte[] next = new byte[delimiter.length + 2];
            next[0] = '\r';
            next[1] = '\n';
            System.arraycopy(delimiter, 0, next, 2, delimiter.length);
            int q = indexOf(body, next, p);
            int contentEnd;
            if (q >= 0) {
                contentEnd = q;
                q += 2;
            } else {
                q = indexOf(body, withLf(delimiter), p);
                if (q < 0) {
                    throw new HttpException(400, "multipart body without its close delimiter");
                }
                contentEnd = q;
                q += 1;
            }
            String disposition = partHeaders.get("Content-Disposition");
            if (disposition == null || !disposition.trim().toLowerCase(Locale.ROOT).startsWith("form-data")) {
                throw new HttpException(400, "multipart part without Content-Disposition: form-data");
            }
            String name = headerParam(disposition, "name");
            if (name == null) {
                throw new HttpException(400, "multipart part without a name");
            }
            String filename = headerParam(disposition, "filename");
            byte[] content = java.util.Arrays.copyOfRange(body, p, contentEnd);
            String partType = partHeaders.get("Content-Type");
            if (filename != null) {
                String ct = partType == null ? "application/octet-stream" : partType;
                files.computeIfAbsent(name, k -> new ArrayList<>(1))
                        .add(new FileField(name, filename, ct, partHeaders, content));
            } else {
                String cs = partType == null ? null : headerParam(partType, "charset");
                Charset c = cs != null && Charset.isSupported(cs) ? Charset.forName(cs) : textCharset;
                fields.computeIfAbsent(name, k -> new ArrayList<>(1)).add(new String(content, c));
            }
            p = q;
        }
        fields.replaceAll((k, v) -> Collections.unmodifiableList(v));
        files.replaceAll((k, v) -> Collections.unmodifiableList(v));
        return new FormData(Collections.unmodifiableMap(fields), Collections.unmodifiableMap(files));
    }

    private static byte[] withLf(byte[] delimiter) {
        byte[] b = new byte[delimiter.length + 1];
        b[0] = '\n';
        System.arraycopy(delimiter, 0, b, 1, delimiter.length);
        return b;
    }

    private static int skipLineEnd(byte[] b, int p) {
        while (p < b.length && (b[p] == ' ' || b[p] == '\t')) {
            p++;
        }
        if (p < b.length && b[p] == '\r') {
            p++;
        }
        if (p < b.length && b[p] == '\n') {
            p++;
        }
        return p;
    }

    private static int indexOf(byte[] hay, byte[] needle, int from) {
        outer:
        for (int i = Math.max(0, from); i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /**
     * A parameter of a header value such as {@code form-data; name="a"; filename="b.txt"} or
     * {@code text/plain; charset=utf-8}: unquoted (backslash escapes removed), or null.
     */
    static String headerParam(String value, String param) {
        int i = value.indexOf(';');
        while (i >= 0 && i < value.length()) {
            int j = i + 1;
            while (j < value.length() && (value.charAt(j) == ' ' || value.charAt(j) == '\t')) {
                j++;
            }
            int eq = value.indexOf('=', j);
            if (eq < 0) {
                return null;
            }
            String name = value.substring(j, eq).trim();
            int k = eq + 1;
            String v;
            if (k < value.length() && value.charAt(k) == '"') {
                StringBuilder sb = new StringBuilder();
                k++;
                while (k < value.length() && value.charAt(k) != '"') {
                    char c = value.charAt(k);
                    if (c == '\\' && k + 1 < value.length()) {
                        k++;
                        c = value.charAt(k);
                    }
                    sb.append(c);
                    k++;
                }
                v = sb.toString();
                k = value.indexOf(';', k);
            } else {
                int semi = value.indexOf(';', k);
                v = (semi < 0 ? value.substring(k) : value.substring(k, semi)).trim();
                k = semi;
            }
            if (name.equalsIgnoreCase(param)) {
                return v;
            }
            i = k;
        }
        return null;
    }
}
