package io.jasyncio.subprocess;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.net.BaseProtocol;
import io.jasyncio.net.BaseTransport;
import io.jasyncio.net.Connection;
import io.jasyncio.net.Protocol;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * asyncio's {@code loop.connect_read_pipe} and {@code loop.connect_write_pipe}: any blocking
 * {@link InputStream} or {@link OutputStream} (this process's {@code System.in} and {@code
 * System.out}, a named pipe opened with {@code Files.newInputStream}, a child's streams) as a
 * transport on the running loop, with a thread that does the blocking I/O, as a child's pipes have
 * (see {@link Subprocess}: backpressure on reads, write buffering with water marks, in-flight
 * counting for a virtual clock).
 *
 * <pre>{@code
 * // Python: reader = asyncio.StreamReader(); await loop.connect_read_pipe(lambda: StreamReaderProtocol(reader), sys.stdin)
 * StreamReader reader = new StreamReader();
 * Pipes.connectReadPipe(() -> new StreamReaderProtocol(reader), System.in);
 * for (byte[] line : reader) { ... }   // lines of standard input, without blocking the loop
 * }</pre>
 *
 * <p>The transport owns the stream: it is closed at EOF, by {@code close()} or {@code abort()},
 * and when the transport's connection is lost. A thread blocked in a read cannot be woken: after
 * {@code close()} it ends at the next chunk or EOF (for {@code System.in}: the next line typed).
 */
public final class Pipes {
    private Pipes() {}

    /**
     * Reads {@code pipe} into a protocol: {@code connectionMade}, {@code dataReceived} per chunk
     * read, {@code eofReceived} at EOF, then {@code connectionLost}. The transport's write methods
     * throw {@link UnsupportedOperationException} (asyncio: a {@code ReadTransport}). Suspends until
     * the protocol is connected and reading has started, as asyncio's does.
     */
    public static <P extends Protocol> Connection<P> connectReadPipe(Supplier<P> protocolFactory, InputStream pipe) {
        Objects.requireNonNull(protocolFactory, "protocolFactory");
        Objects.requireNonNull(pipe, "pipe");
        EventLoop loop = Asyncio.getRunningLoop();
        P protocol = Objects.requireNonNull(protocolFactory.get(), "protocolFactory returned null");
        ReadPipeTransport transport = new ReadPipeTransport(loop, pipe, protocol, "read", "jasyncio-read-pipe", false);
        awaitConnected(loop, transport);
        return new Connection<>(transport, protocol);
    }

    /**
     * Writes to {@code pipe} from a transport: {@code write} never blocks (a thread writes what was
     * buffered, the protocol is paused above the high-water mark), {@code close()} writes what is
     * buffered and then closes the stream, {@code abort()} drops it. {@code isReading()} is false and
     * the other read methods throw {@link UnsupportedOperationException} (asyncio: a {@code
     * WriteTransport}). Suspends until the protocol is connected.
     */
    public static <P extends BaseProtocol> Connection<P> connectWritePipe(Supplier<P> protocolFactory, OutputStream pipe) {
        Objects.requireNonNull(protocolFactory, "protocolFactory");
        Objects.requireNonNull(pipe, "pipe");
        EventLoop loop = Asyncio.getRunningLoop();
        P protocol = Objects.requireNonNull(protocolFactory.get(), "protocolFactory returned null");
        WritePipeTransport transport = new WritePipeTransport(loop, pipe, protocol, "jasyncio-write-pipe");
        awaitConnected(loop, transport);
        return new Connection<>(transport, protocol);
    }

    /**
     * Waits for the callbacks the transport scheduled (connectionMade, reading started): asyncio's
     * waiter, set unless cancelled; a caller that stops waiting (cancelled) closes the transport.
     */
    private static void awaitConnected(EventLoop loop, BaseTransport transport) {
        Future<Void> connected = loop.createFuture();
        loop.callSoon(() -> {
            if (!connected.done()) {
                connected.setResult(null);
            }
        });
        try {
            connected.await();
        } catch (Throwable e) {
            transport.close();
            throw e;
        }
    }
}
