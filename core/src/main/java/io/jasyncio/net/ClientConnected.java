package io.jasyncio.net;

/**
 * What a stream server does with each connection: asyncio's {@code client_connected_cb} of
 * {@link Streams#startServer}. It runs as a task of its own, one per connection, and may suspend
 * (read, write, drain). When it throws, the exception is reported to the loop's exception handler
 * ("Unhandled exception in client_connected_cb") and the connection is closed; when its task is
 * cancelled, the connection is closed; when it returns, the connection stays as it left it.
 */
@FunctionalInterface
public interface ClientConnected {

    /** Serves one connection: {@code reader} reads what the client sends, {@code writer} answers. */
    void run(StreamReader reader, StreamWriter writer) throws Exception;
}
