package io.jasyncio.http.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jasyncio.AsyncCloseable;
import io.jasyncio.AsyncIterable;
import io.jasyncio.AsyncIterator;
import io.jasyncio.Asyncio;
import io.jasyncio.FlowAdapters;
import io.jasyncio.StopAsyncIteration;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLConnection;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Flow;

/**
 * A request body: aiohttp's payloads ({@code data=}, {@code json=}). Bodies held in memory are sent
 * with a {@code Content-Length} and can be sent again (after a 307/308 redirect, or a retry on a
 * connection the server had closed); streams are sent chunked, once.
 *
 * <pre>{@code
 * RequestBody.of(bytes)                                   // application/octet-stream
 * RequestBody.of("text")                                  // text/plain; charset=utf-8
 * RequestBody.form(Map.of("q", "jasyncio"))               // application/x-www-form-urlencoded
 * RequestBody.json(Map.of("id", 1))                       // application/json (Jackson)
 * RequestBody.file(Path.of("report.pdf"))                 // Content-Length, read off the loop
 * RequestBody.stream(generator)                           // an AsyncIterable<byte[]>, chunked
 * RequestBody.publisher(flowPublisher)                    // a Flow.Publisher<byte[]>, chunked
 * new FormData().addField("a", "1").addFile("f", path).toBody()   // multipart/form-data
 * }</pre>
 *
 * <p>{@link RequestOptions} has shortcuts for each ({@code data}, {@code form}, {@code json},
 * {@code body}).
 */
public abstract sealed class RequestBody
        permits RequestBody.Bytes, RequestBody.Json, RequestBody.Stream, RequestBody.Parts {

    /** The default content type, or null for none. */
    final String contentType;

    RequestBody(String contentType) {
        this.contentType = contentType;
    }

    /** The Content-Type sent unless the request sets its own; null for none. */
    public String contentType() {
        return contentType;
    }

    /** The length in bytes, or -1 when unknown (sent chunked). */
    abstract long length();

    /** Whether the body can be sent more than once. */
    abstract boolean replayable();

    /** The whole body when it is in memory (sent with the head, in one write), else null. */
    byte[] inMemory(ObjectMapper mapper) throws ClientError {
        return null;
    }

    /** Writes the body, suspending for flow control; for bodies not in memory. */
    void writeTo(BodySink sink) throws Exception {
        throw new IllegalStateException("in-memory bodies are written with the head");
    }

    /** Where a streamed body goes: the connection, framed (chunked or not), with flow control. */
    interface BodySink {
        /** Writes {@code len} bytes of {@code b} and waits while the connection's buffer is full. */
        void write(byte[] b, int off, int len) throws IOException;
    }

    // ---- factories ----

    /** {@code data} as {@code application/octet-stream}. The array is not copied: do not change it. */
    public static RequestBody of(byte[] data) {
        return new Bytes(Objects.requireNonNull(data, "data"), "application/octet-stream");
    }

    /** {@code data} with the given Content-Type (null: none). The array is not copied. */
    public static RequestBody of(byte[] data, String contentType) {
        return new Bytes(Objects.requireNonNull(data, "data"), contentType);
    }

    /** {@code text} as {@code text/plain; charset=utf-8}. */
    public static RequestBody of(String text) {
        return new Bytes(text.getBytes(StandardCharsets.UTF_8), "text/plain; charset=utf-8");
    }

    /**
     * {@code text} with the given Content-Type, encoded in the charset it names (UTF-8 when it
     * names none).
     */
    public static RequestBody of(String text, String contentType) {
        Charset cs = ClientResponse.charsetOf(contentType);
        return new Bytes(text.getBytes(cs == null ? StandardCharsets.UTF_8 : cs), contentType);
    }

    /**
     * The fields as {@code application/x-www-form-urlencoded} (UTF-8, space as '+'), in the map's
     * order. A value may be a String, a number or a boolean, or an {@link Iterable} of them for a
     * repeated field.
     */
    public static RequestBody form(Map<String, ?> fields) {
        return new Bytes(formEncode(RequestOptions.flatten(fields)).getBytes(StandardCharsets.US_ASCII),
                "application/x-www-form-urlencoded");
    }

    /** {@code value} serialized as JSON by the session's {@link ObjectMapper} at send time. */
    public static RequestBody json(Object value) {
        return new Json(value);
    }

    /**
     * The file's bytes, with its Content-Length; the type guessed from its name
     * ({@code application/octet-stream} when unknown). Read in pieces in a worker thread as it is
     * sent, so a large file does not sit in memory.
     *
     * @throws IOException when the file cannot be read (its size is taken now)
     */
    public static RequestBody file(Path file) throws IOException {
        String type = URLConnection.guessContentTypeFromName(file.getFileName().toString());
        return new Parts(List.of(file), type == null ? "application/octet-stream" : type);
    }

    /**
     * The arrays {@code source} produces, sent chunked as they come ({@code Transfer-Encoding:
     * chunked}), once. Iterated in a task of its own while the response is awaited; closed (if it
     * is an {@link AsyncCloseable}) when the request ends, whatever happened.
     */
    public static RequestBody stream(AsyncIterable<byte[]> source) {
        return new Stream(Objects.requireNonNull(source, "source"), "application/octet-stream");
    }

    /** Like {@link #stream(AsyncIterable)} for a {@link Flow.Publisher} (through {@link FlowAdapters#fromPublisher}). */
    public static RequestBody publisher(Flow.Publisher<byte[]> publisher) {
        Objects.requireNonNull(publisher, "publisher");
        return new Stream(FlowAdapters.fromPublisher(publisher), "application/octet-stream");
    }

    static String formEncode(List<Map.Entry<String, String>> fields) {
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, String> f : fields) {
            if (!b.isEmpty()) {
                b.append('&');
            }
            b.append(HttpUrl.formEncode(f.getKey())).append('=').append(HttpUrl.formEncode(f.getValue()));
        }
        return b.toString();
    }

    // ---- kinds ----

    /** Bytes in memory. */
    static final class Bytes extends RequestBody {
        private final byte[] data;

        Bytes(byte[] data, String contentType) {
            super(contentType);
            this.data = data;
        }

        @Override
        long length() {
            return data.length;
        }

        @Override
        boolean replayable() {
            return true;
        }

        @Override
        byte[] inMemory(ObjectMapper mapper) {
            return data;
        }

        @Override
        public String toString() {
            return "<RequestBody " + data.length + " bytes " + contentType + ">";
        }
    }

    /** A value serialized with the session's mapper when sent. */
    static final class Json extends RequestBody {
        private final Object value;
        private byte[] serialized;
        private ObjectMapper serializedWith;

        Json(Object value) {
            super("application/json");
            this.value = value;
        }

        @Override
        long length() {
            return serialized == null ? -1 : serialized.length;
        }

        @Override
        boolean replayable() {
            return true;
        }

        @Override
        byte[] inMemory(ObjectMapper mapper) throws ClientError {
            if (serialized == null || serializedWith != mapper) {
                try {
                    serialized = mapper.writeValueAsBytes(value);
                    serializedWith = mapper;
                } catch (JsonProcessingException e) {
                    throw new IllegalArgumentException("cannot serialize the JSON body ("
                            + (value == null ? "null" : value.getClass().getName()) + "): " + e.getOriginalMessage(), e);
                }
            }
            return serialized;
        }

        @Override
        public String toString() {
            return "<RequestBody json " + (value == null ? "null" : value.getClass().getSimpleName()) + ">";
        }
    }

    /** An async iterable of arrays, chunked, once. */
    static final class Stream extends RequestBody {
        private final AsyncIterable<byte[]> source;
        private boolean used;

        Stream(AsyncIterable<byte[]> source, String contentType) {
            super(contentType);
            this.source = source;
        }

        @Override
        long length() {
            return -1;
        }

        @Override
        boolean replayable() {
            return false;
        }

        /** Marks the stream as taken; a second request with it is refused. */
        void claim() {
            if (used) {
                throw new IllegalStateException("a stream body is sent once: this one was already used by a request");
            }
            used = true;
        }

        @Override
        void writeTo(BodySink sink) throws Exception {
            AsyncIterator<byte[]> it = source.aiter();
            Throwable failure = null;
            try {
                while (true) {
                    byte[] chunk;
                    try {
                        chunk = it.anext();
                    } catch (StopAsyncIteration end) {
                        break;
                    }
                    if (chunk == null) {
                        throw new NullPointerException("the request body's stream produced null");
                    }
                    if (chunk.length > 0) {
                        sink.write(chunk, 0, chunk.length);
                    }
                }
            } catch (Throwable e) {
                failure = e;
                throw e;
            } finally {
                AsyncCloseable toClose = it instanceof AsyncCloseable c ? c
                        : source instanceof AsyncCloseable c ? c : null;
                if (toClose != null) {
                    try {
                        toClose.aclose();
                    } catch (Exception e) {
                        if (failure != null) {
                            failure.addSuppressed(e);
                        } else {
                            throw e;
                        }
                    }
                }
            }
        }

        @Override
        public String toString() {
            return "<RequestBody stream " + source + ">";
        }
    }

    /** Byte arrays and files, one after the other, of a known total length (a file, multipart). */
    static final class Parts extends RequestBody {
        /** byte[] or Path. */
        private final List<Object> parts;
        private final long length;

        Parts(List<Object> parts, String contentType) throws IOException {
            super(contentType);
            this.parts = List.copyOf(parts);
            long n = 0;
            for (Object p : parts) {
                n += p instanceof byte[] b ? b.length : Files.size((Path) p);
            }
            this.length = n;
        }

        @Override
        long length() {
            return length;
        }

        @Override
        boolean replayable() {
            return true;
        }

        @Override
        void writeTo(BodySink sink) throws Exception {
            for (Object p : parts) {
                if (p instanceof byte[] b) {
                    sink.write(b, 0, b.length);
                } else {
                    Path path = (Path) p;
                    InputStream in = Asyncio.toThread(() -> Files.newInputStream(path));
                    try {
                        while (true) {
                            byte[] piece = Asyncio.toThread(() -> in.readNBytes(64 * 1024));
                            if (piece.length == 0) {
                                break;
                            }
                            sink.write(piece, 0, piece.length);
                        }
                    } finally {
                        in.close();
                    }
                }
            }
        }

        @Override
        public String toString() {
            return "<RequestBody " + length + " bytes " + contentType + ">";
        }
    }
}
