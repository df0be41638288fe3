package io.jasyncio.testing;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.net.StreamConnection;
import io.jasyncio.net.StreamReader;
import io.jasyncio.net.StreamReaderProtocol;
import io.jasyncio.net.StreamWriter;
import io.jasyncio.net.Streams;
import java.util.Objects;

/**
 * Both ends of a {@link MemoryPipe} as streams: a {@link StreamConnection} (reader and writer) each.
 * {@link MemoryNetwork#openConnection} and {@link MemoryNetwork#startServer} are
 * {@code Streams.openConnection} and {@code Streams.startServer} on a memory network.
 *
 * <pre>{@code
 * MemoryStreams s = MemoryStreams.open(MemoryLink.DEFAULT.withMaxChunk(1));
 * s.client().writer().write("GET / HTTP/1.1\r\n".getBytes(US_ASCII));
 * byte[] line = s.server().reader().readline();     // arrives one byte at a time
 * s.pipe().reset();                                 // and now the peer goes away
 * }</pre>
 *
 * @param client the client's reader and writer
 * @param server the server's reader and writer
 * @param pipe the pipe between them: its links, {@link MemoryPipe#reset()}
 */
public record MemoryStreams(StreamConnection client, StreamConnection server, MemoryPipe pipe) {

    /** Checks the parts. */
    public MemoryStreams {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(pipe, "pipe");
    }

    /**
     * A new pipe with {@link MemoryLink#DEFAULT} both ways, each end as a reader and writer with
     * the default limit (64 KiB). Suspends one loop turn: call from a task.
     */
    public static MemoryStreams open() {
        return open(MemoryLink.DEFAULT, MemoryLink.DEFAULT, Streams.DEFAULT_LIMIT);
    }

    /** Like {@link #open()} with {@code link} both ways. */
    public static MemoryStreams open(MemoryLink link) {
        return open(link, link, Streams.DEFAULT_LIMIT);
    }

    /**
     * Like {@link #open()} with a link for each direction and the readers' {@code limit}.
     *
     * @throws IllegalArgumentException when {@code limit <= 0}
     */
    public static MemoryStreams open(MemoryLink toServer, MemoryLink toClient, int limit) {
        EventLoop loop = Asyncio.getRunningLoop();
        StreamReader clientReader = new StreamReader(limit, loop);
        StreamReader serverReader = new StreamReader(limit, loop);
        StreamReaderProtocol clientProtocol = new StreamReaderProtocol(clientReader, null, loop);
        StreamReaderProtocol serverProtocol = new StreamReaderProtocol(serverReader, null, loop);
        MemoryPipe pipe = MemoryPipe.open(clientProtocol, serverProtocol, toServer, toClient);
        return new MemoryStreams(
                new StreamConnection(clientReader, new StreamWriter(pipe.client(), clientProtocol, clientReader, loop)),
                new StreamConnection(serverReader, new StreamWriter(pipe.server(), serverProtocol, serverReader, loop)),
                pipe);
    }
}
