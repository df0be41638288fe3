package io.jasyncio.http.client;

import io.jasyncio.AsyncIterable;
import io.jasyncio.AsyncIterator;
import io.jasyncio.StopAsyncIteration;
import java.io.ByteArrayOutputStream;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * A response body read as it arrives: aiohttp's {@code resp.content} ({@code StreamReader}). The
 * bytes are decoded (gzip, deflate) unless the session turned that off.
 *
 * <pre>{@code
 * try (ClientResponse r = session.get(url)) {
 *     for (byte[] chunk : r.content().iterChunked(64 * 1024)) {   // suspends between chunks
 *         out.write(chunk);
 *     }
 * }
 * }</pre>
 *
 * <p>Reads suspend until data arrives, within the request's {@link ClientTimeout} ({@code sockRead}
 * for each wait, {@code total} for all). A read that fails, times out or is cancelled closes the
 * connection (it is in an unknown state) and the body cannot be read further: later reads throw
 * {@link ClientPayloadError}. One task reads at a time. Iterating the content itself gives lines,
 * as aiohttp's {@code async for line in resp.content}.
 */
public final class ResponseContent implements AsyncIterable<byte[]> {
    private static final byte[] EMPTY = new byte[0];

    private final ClientResponse response;
    /** Decoded bytes received and not yet read; the first array from {@code headOffset}. */
    private final ArrayDeque<byte[]> chunks = new ArrayDeque<>(4); // a small body is one or two chunks
    private int headOffset;
    private long buffered;
    /** Whether the source said the body ended. */
    private boolean ended;

    ResponseContent(ClientResponse response) {
        this.response = response;
    }

    /** Pulls the next chunk from the connection into the buffer; false at the end of the body. */
    private boolean fill() throws ClientError {
        if (ended) {
            return false;
        }
        byte[] next = response.nextChunk();
        if (next == null) {
            ended = true;
            return false;
        }
        chunks.add(next);
        buffered += next.length;
        return true;
    }

    /** Whether the whole body was read (nothing buffered, nothing more to come). */
    public boolean atEof() {
        return ended && chunks.isEmpty();
    }

    /**
     * The next bytes as they arrived, whatever their number: aiohttp's {@code readany()}. An empty
     * array at the end of the body.
     */
    public byte[] readAny() throws ClientError {
        if (chunks.isEmpty() && !fill()) {
            return EMPTY;
        }
        return take(Integer.MAX_VALUE);
    }

    /**
     * Up to {@code n} bytes, suspending until at least one arrived; an empty array at the end. A
     * negative {@code n} reads to the end of the body.
     */
    public byte[] read(int n) throws ClientError {
        if (n < 0) {
            return readAll();
        }
        if (n == 0) {
            return EMPTY;
        }
        if (chunks.isEmpty() && !fill()) {
            return EMPTY;
        }
        return take(n);
    }

    /** The rest of the body. */
    public byte[] readAll() throws ClientError {
        while (fill()) {
            // buffer everything
        }
        return take(Integer.MAX_VALUE);
    }

    /**
     * Exactly {@code n} bytes.
     *
     * @throws ClientPayloadError when the body ends before (aiohttp: {@code IncompleteReadError})
     */
    public byte[] readExactly(int n) throws ClientError {
        if (n < 0) {
            throw new IllegalArgumentException("readExactly(n) needs n >= 0, got " + n);
        }
        while (buffered < n) {
            if (!fill()) {
                throw new ClientPayloadError("the body ended after " + buffered + " bytes, " + n + " were expected");
            }
        }
        return take(n);
    }

    /** The next line, with its {@code \n}; the rest at the end of the body; empty after it. */
    public byte[] readline() throws ClientError {
        long scanned = 0;
        while (true) {
            long at = indexOfNewline(scanned);
            if (at >= 0) {
                return take((int) (at + 1));
            }
            scanned = buffered;
            if (!fill()) {
                return take(Integer.MAX_VALUE);
            }
        }
    }

    /** The body in pieces of {@code size} bytes (the last may be shorter): aiohttp's {@code iter_chunked(n)}. */
    public AsyncIterable<byte[]> iterChunked(int size) {
        if (size <= 0) {
            throw new IllegalArgumentException("iterChunked(size) needs size > 0, got " + size);
        }
        return () -> () -> {
            try {
                while (buffered < size && fill()) {
                    // collect a full piece
                }
                if (buffered == 0) {
                    throw new StopAsyncIteration();
                }
                return take(size);
            } catch (ClientError e) {
                throw Sneaky.sneaky(e);
            }
        };
    }

    /** The body as it arrives, one array per network read: aiohttp's {@code iter_any()}. */
    public AsyncIterable<byte[]> iterAny() {
        return () -> () -> {
            byte[] b;
            try {
                b = readAny();
            } catch (ClientError e) {
                throw Sneaky.sneaky(e);
            }
            if (b.length == 0) {
                throw new StopAsyncIteration();
            }
            return b;
        };
    }

    /** The lines of the body ({@link #readline()}), as aiohttp's {@code async for line in resp.content}. */
    @Override
    public AsyncIterator<byte[]> aiter() {
        return () -> {
            byte[] line;
            try {
                line = readline();
            } catch (ClientError e) {
                throw Sneaky.sneaky(e);
            }
            if (line.length == 0) {
                throw new StopAsyncIteration();
            }
            return line;
        };
    }

    private long indexOfNewline(long from) {
        long pos = 0;
        boolean first = true;
        for (byte[] c : chunks) {
            int start = first ? headOffset : 0;
            first = false;
            int len = c.length - start;
            if (pos + len > from) {
                for (int i = (int) Math.max(0, from - pos); i < len; i++) {
                    if (c[start + i] == '\n') {
                        return pos + i;
                    }
                }
            }
            pos += len;
        }
        return -1;
    }

    /** Takes up to {@code n} buffered bytes (all of the first chunk without a copy when it fits). */
    private byte[] take(int n) {
        if (chunks.isEmpty()) {
            return EMPTY;
        }
        byte[] first = chunks.peekFirst();
        int firstLen = first.length - headOffset;
        if (n == firstLen || n > firstLen && chunks.size() == 1) {
            chunks.pollFirst();
            byte[] out = headOffset == 0 ? first : Arrays.copyOfRange(first, headOffset, first.length);
            headOffset = 0;
            buffered -= out.length;
            return out;
        }
        if (n < firstLen) {
            byte[] out = Arrays.copyOfRange(first, headOffset, headOffset + n);
            headOffset += n;
            buffered -= n;
            return out;
        }
        long want = Math.min(n, buffered);
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(want, Integer.MAX_VALUE - 8));
        while (out.size() < want) {
            byte[] c = chunks.peekFirst();
            int avail = c.length - headOffset;
            int part = (int) Math.min(avail, want - out.size());
            out.write(c, headOffset, part);
            if (part == avail) {
                chunks.pollFirst();
                headOffset = 0;
            } else {
                headOffset += part;
            }
        }
        buffered -= want;
        return out.toByteArray();
    }

    @Override
    public String toString() {
        return "<ResponseContent buffered=" + buffered + (ended ? " eof" : "") + ">";
    }
}
