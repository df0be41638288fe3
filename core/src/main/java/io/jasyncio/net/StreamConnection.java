package io.jasyncio.net;

/**
 * What {@link Streams#openConnection} returns: asyncio's {@code (reader, writer)} pair.
 *
 * <pre>{@code
 * try (StreamConnection c = Streams.openConnection("127.0.0.1", 8888)) {
 *     c.writer().write("ping\n".getBytes(UTF_8));
 *     byte[] reply = c.reader().readline();
 * }
 * }</pre>
 *
 * @param reader what the peer sends
 * @param writer the way to send to the peer and to close the connection
 */
public record StreamConnection(StreamReader reader, StreamWriter writer) implements AutoCloseable {

    /**
     * Closes the connection ({@link StreamWriter#close()}): buffered data is still written. Does not
     * wait; {@code writer().waitClosed()} does.
     */
    @Override
    public void close() {
        writer.close();
    }
}
