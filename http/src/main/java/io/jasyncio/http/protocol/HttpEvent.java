package io.jasyncio.http.protocol;

import java.util.Arrays;
import java.util.Objects;

/**
 * What {@link HttpParser#next()} hands out, one at a time. A message is a head ({@link RequestHead}
 * or {@link ResponseHead}), zero or more {@link Data} events and one {@link End}; {@link NeedData}
 * means the parser needs more bytes (or {@link HttpParser#feedEof()}) before it can say more.
 *
 * <pre>{@code
 * switch (parser.next()) {
 *     case RequestHead head -> ...;
 *     case ResponseHead head -> ...;
 *     case HttpEvent.Data data -> out.write(data.bytes(), data.offset(), data.length());
 *     case HttpEvent.End end -> ...;            // end.trailers(): empty unless chunked trailers came
 *     case HttpEvent.NeedData needData -> ...;  // read from the socket, feed, try again
 * }
 * }</pre>
 */
public sealed interface HttpEvent permits RequestHead, ResponseHead, HttpEvent.Data, HttpEvent.End, HttpEvent.NeedData {

    /**
     * A piece of the message body: de-chunked, but not content-decoded (see {@link ContentDecoder}).
     * Never empty. The parser never writes into {@code bytes} after handing it out, so the event may
     * be kept; its bytes must not be modified by the receiver if they came from the caller's array
     * (a body received in one {@code feed} is handed out as slices of the fed array, without a
     * copy). {@code equals} compares the content of the slice.
     *
     * @param bytes the array holding the data
     * @param offset where the data starts in {@code bytes}
     * @param length how many bytes, at least 1
     */
    record Data(byte[] bytes, int offset, int length) implements HttpEvent {

        /**
         * Checks the slice lies within the array.
         *
         * @throws IndexOutOfBoundsException if it does not
         */
        public Data {
            Objects.checkFromIndexSize(offset, length, bytes.length);
        }

        /**
         * A copy of the data as an array of its own.
         *
         * @return a new array of {@code length} bytes
         */
        public byte[] toByteArray() {
            return Arrays.copyOfRange(bytes, offset, offset + length);
        }

        /** Equal if the other slice has the same bytes. */
        @Override
        public boolean equals(Object o) {
            return o instanceof Data d
                    && Arrays.equals(bytes, offset, offset + length, d.bytes, d.offset, d.offset + d.length);
        }

        /** A hash of the slice's content, consistent with {@link #equals}. */
        @Override
        public int hashCode() {
            int h = 1;
            for (int i = offset; i < offset + length; i++) {
                h = 31 * h + bytes[i];
            }
            return h;
        }

        /** {@code Data[length=5, "hello"]}, the content cut at 60 characters. */
        @Override
        public String toString() {
            return "Data[length=" + length + ", " + Ascii.quote(bytes, offset, offset + length) + "]";
        }
    }

    /**
     * The message is complete. After it, {@link HttpParser#next()} goes on with the next message
     * on the connection (keep-alive, pipelining).
     *
     * @param trailers trailer fields of a chunked message; empty otherwise (never null)
     */
    record End(Headers trailers) implements HttpEvent {
        /**
         * Checks the trailers are present.
         *
         * @throws NullPointerException if {@code trailers} is null
         */
        public End {
            Objects.requireNonNull(trailers, "trailers");
        }
    }

    /**
     * The parser needs more bytes, or end of input, to produce the next event. After
     * {@link HttpParser#feedEof()}, a {@code NeedData} means the input ended cleanly between
     * messages: no more events will come.
     */
    enum NeedData implements HttpEvent {
        /** The only instance. */
        INSTANCE
    }
}
