package io.jasyncio.http.server;

import io.jasyncio.http.protocol.Headers;
import java.util.Objects;

/**
 * A file uploaded in a {@code multipart/form-data} body: aiohttp's {@code FileField}. The content
 * is in memory (bounded by {@link Application#clientMaxSize}); stream large uploads with
 * {@link Request#content()} instead.
 *
 * @param name the form field's name
 * @param filename the file name the client gave (may be empty)
 * @param contentType the part's media type ({@code application/octet-stream} when absent)
 * @param headers the part's headers
 * @param content the file's bytes
 */
public record FileField(String name, String filename, String contentType, Headers headers, byte[] content) {

    /** Checks that no component is null. */
    public FileField {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(filename, "filename");
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(headers, "headers");
        Objects.requireNonNull(content, "content");
    }

    /** {@code FileField[name=upload, filename=a.txt, contentType=text/plain, 12 bytes]}. */
    @Override
    public String toString() {
        return "FileField[name=" + name + ", filename=" + filename + ", contentType=" + contentType + ", "
                + content.length + " bytes]";
    }
}
