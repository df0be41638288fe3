package io.jasyncio.http.client;

import java.io.IOException;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Form fields and files: aiohttp's {@code FormData}. Without files it is sent as
 * {@code application/x-www-form-urlencoded}; with a file (or {@link #multipart()}) as
 * {@code multipart/form-data}, files read from disk as they are sent.
 *
 * <pre>{@code
 * FormData form = new FormData()
 *         .addField("title", "Quarterly report")
 *         .addFile("report", Path.of("q3.pdf"))
 *         .addFile("notes", "notes.txt", "text/plain", "see page 3".getBytes(UTF_8));
 * session.post("/upload", RequestOptions.create().form(form));
 * }</pre>
 */
public final class FormData {
    private static final SecureRandom RANDOM = new SecureRandom();

    private record Part(String name, String value, String filename, String contentType, byte[] bytes, Path file) {}

    private final List<Part> parts = new ArrayList<>();
    private boolean multipart;

    /** An empty form. */
    public FormData() {}

    /** Adds a text field. */
    public FormData addField(String name, String value) {
        parts.add(new Part(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"), null, null,
                null, null));
        return this;
    }

    /** Adds a file part with the given content (makes the form multipart). */
    public FormData addFile(String name, String filename, String contentType, byte[] content) {
        parts.add(new Part(Objects.requireNonNull(name, "name"), null, Objects.requireNonNull(filename, "filename"),
                contentType == null ? "application/octet-stream" : contentType, Objects.requireNonNull(content, "content"),
                null));
        multipart = true;
        return this;
    }

    /**
     * Adds the file at {@code file}, named by its file name, its type guessed from it (makes the form
     * multipart). It is read when the request is sent.
     */
    public FormData addFile(String name, Path file) {
        String filename = file.getFileName().toString();
        String type = URLConnection.guessContentTypeFromName(filename);
        parts.add(new Part(Objects.requireNonNull(name, "name"), null, filename,
                type == null ? "application/octet-stream" : type, null, file));
        multipart = true;
        return this;
    }

    /** Sends the form as {@code multipart/form-data} even without files. */
    public FormData multipart() {
        multipart = true;
        return this;
    }

    /**
     * The body: urlencoded without files, multipart otherwise (a fresh random boundary).
     *
     * @throws IOException when a file's size cannot be read
     */
    public RequestBody toBody() throws IOException {
        if (!multipart) {
            List<Map.Entry<String, String>> fields = new ArrayList<>();
            for (Part p : parts) {
                fields.add(new AbstractMap.SimpleImmutableEntry<>(p.name, p.value));
            }
            return new RequestBody.Bytes(RequestBody.formEncode(fields).getBytes(StandardCharsets.US_ASCII),
                    "application/x-www-form-urlencoded");
        }
        byte[] random = new byte[16];
        RANDOM.nextBytes(random);
        String boundary = HexFormat.of().formatHex(random);
        List<Object> out = new ArrayList<>();
        for (Part p : parts) {
            StringBuilder head = new StringBuilder("--").append(boundary).append("\r\n")
                    .append("Content-Disposition: form-data; name=\"").append(quote(p.name)).append('"');
            if (p.filename != null) {
                head.append("; filename=\"").append(quote(p.filename)).append('"');
            }
            head.append("\r\n");
            if (p.contentType != null) {
                head.append("Content-Type: ").append(p.contentType).append("\r\n");
            }
            head.append("\r\n");
            out.add(head.toString().getBytes(StandardCharsets.UTF_8));
            if (p.value != null) {
                out.add(p.value.getBytes(StandardCharsets.UTF_8));
            } else if (p.bytes != null) {
                out.add(p.bytes);
            } else {
                out.add(p.file);
            }
            out.add("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.add(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return new RequestBody.Parts(out, "multipart/form-data; boundary=" + boundary);
    }

    /** HTML's escaping of names in Content-Disposition: '"', CR and LF percent-encoded. */
    private static String quote(String s) {
        return s.replace("\"", "%22").replace("\r", "%0D").replace("\n", "%0A");
    }

    @Override
    public String toString() {
        return "<FormData parts=" + parts.size() + (multipart ? " multipart" : "") + ">";
    }
}
