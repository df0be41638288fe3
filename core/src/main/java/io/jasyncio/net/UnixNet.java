package io.jasyncio.net;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import java.io.IOException;
import java.net.BindException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Unix-domain stream sockets with protocols: asyncio's {@code loop.create_unix_connection} and
 * {@code loop.create_unix_server}, on Java 16's {@link UnixDomainSocketAddress}. The transports are
 * the same as TCP's (without {@code TCP_NODELAY}); the peer's name is a {@code UnixDomainSocketAddress}
 * (an empty path for an unnamed socket, as asyncio's {@code ''}). Call from a task; the running loop
 * is used.
 *
 * <p>Java has no abstract-namespace addresses: every path here is a file.
 */
public final class UnixNet {
    private UnixNet() {}

    private static final System.Logger LOG = System.getLogger("jasyncio");
    /** {@code S_IFMT} and {@code S_IFSOCK} of {@code stat(2)}. */
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;

    /**
     * Connects to the Unix socket at {@code path} and wires a protocol from {@code protocolFactory}
     * to the new transport: asyncio's {@code create_unix_connection}.
     *
     * @throws java.net.ConnectException naming the path when nothing listens there (a stale socket file)
     * @throws java.net.SocketException naming the path when there is no such file
     */
    public static <P extends BaseProtocol> Connection<P> createUnixConnection(Supplier<P> protocolFactory, Path path)
            throws IOException {
        Objects.requireNonNull(protocolFactory, "protocolFactory");
        Objects.requireNonNull(path, "path");
        EventLoop loop = Asyncio.getRunningLoop();
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        boolean ok = false;
        try {
            ch.configureBlocking(false);
            connect(ch, path);
            ok = true;
        } finally {
            if (!ok) {
                loop.unregister(ch);
                ch.close();
            }
        }
        return Net.connected(loop, ch, protocolFactory);
    }

    /** {@link #createUnixConnection(Supplier, Path)} with a path given as a string. */
    public static <P extends BaseProtocol> Connection<P> createUnixConnection(Supplier<P> protocolFactory, String path)
            throws IOException {
        return createUnixConnection(protocolFactory, Path.of(Objects.requireNonNull(path, "path")));
    }

    private static void connect(SocketChannel ch, Path path) throws IOException {
        try {
            Sockets.sockConnect(ch, UnixDomainSocketAddress.of(path));
        } catch (java.net.ConnectException e) {
            throw e; // sockConnect names the address
        } catch (java.net.SocketException e) {
            // "No such file or directory", "Permission denied": say which file.
            java.net.SocketException named = new java.net.SocketException("Connect call failed " + path + ": " + e.getMessage());
            named.initCause(e);
            throw named;
        }
    }

    /**
     * Listens on a new Unix socket at {@code path} and makes a protocol from {@code protocolFactory}
     * for each connection: asyncio's {@code create_unix_server} with its defaults (backlog 100,
     * serving at once, {@code cleanupSocket} true).
     */
    public static Server createUnixServer(Supplier<? extends BaseProtocol> protocolFactory, Path path) throws IOException {
        return createUnixServer(protocolFactory, path, Net.DEFAULT_BACKLOG, true, true);
    }

    /** {@link #createUnixServer(Supplier, Path)} with a path given as a string. */
    public static Server createUnixServer(Supplier<? extends BaseProtocol> protocolFactory, String path) throws IOException {
        return createUnixServer(protocolFactory, Path.of(Objects.requireNonNull(path, "path")));
    }

    /**
     * Listens on a new Unix socket at {@code path}: asyncio's {@code create_unix_server}.
     *
     * <p>A <em>stale</em> socket file left at {@code path} (by a server that did not clean up) is
     * removed first, as asyncio does; any other kind of file there is left alone and the bind fails.
     * The server is serving when this returns, unless {@code startServing} is false.
     *
     * @param cleanupSocket remove the socket file when the server closes, if it is still the one
     *     this server created (asyncio 3.13's {@code cleanup_socket}): same inode as right after
     *     the bind; a file someone else put there since is left alone
     * @throws BindException naming the path when it is in use (by a live server, or a file that is
     *     not a socket)
     * @throws IllegalArgumentException when {@code backlog <= 0}
     */
    public static Server createUnixServer(Supplier<? extends BaseProtocol> protocolFactory, Path path, int backlog,
            boolean startServing, boolean cleanupSocket) throws IOException {
        Objects.requireNonNull(protocolFactory, "protocolFactory");
        Objects.requireNonNull(path, "path");
        if (backlog <= 0) {
            throw new IllegalArgumentException("backlog must be > 0, got " + backlog);
        }
        removeStaleSocket(path);
        ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.bind(UnixDomainSocketAddress.of(path), backlog);
        } catch (IOException e) {
            ch.close();
            if (e instanceof BindException) {
                BindException named = new BindException("Address '" + path + "' is already in use");
                named.initCause(e);
                throw named;
            }
            throw e;
        } catch (RuntimeException e) {
            ch.close();
            throw e;
        }
        return serve(ch, protocolFactory, backlog, startServing, cleanupSocket);
    }

    /**
     * Serves on an already bound Unix-domain server channel (asyncio's {@code create_unix_server(sock=...)}),
     * which is switched to non-blocking mode.
     *
     * @throws IllegalArgumentException when {@code channel} is not a bound Unix-domain channel
     */
    public static Server createUnixServer(Supplier<? extends BaseProtocol> protocolFactory, ServerSocketChannel channel,
            int backlog, boolean startServing, boolean cleanupSocket) throws IOException {
        Objects.requireNonNull(protocolFactory, "protocolFactory");
        Objects.requireNonNull(channel, "channel");
        if (backlog <= 0) {
            throw new IllegalArgumentException("backlog must be > 0, got " + backlog);
        }
        if (!(channel.getLocalAddress() instanceof UnixDomainSocketAddress)) {
            throw new IllegalArgumentException("A bound UNIX Domain Stream Socket was expected, got " + channel);
        }
        return serve(channel, protocolFactory, backlog, startServing, cleanupSocket);
    }

    private static Server serve(ServerSocketChannel ch, Supplier<? extends BaseProtocol> protocolFactory, int backlog,
            boolean startServing, boolean cleanupSocket) throws IOException {
        EventLoop loop = Asyncio.getRunningLoop();
        try {
            ch.configureBlocking(false);
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        Server server = new Server(loop, List.of(ch), protocolFactory, backlog);
        if (cleanupSocket) {
            Path path = ((UnixDomainSocketAddress) ch.getLocalAddress()).getPath();
            try {
                Object inode = Files.getAttribute(path, "unix:ino");
                server.addCloseHook(() -> removeOwnSocket(path, inode));
            } catch (NoSuchFileException e) {
                // already gone: nothing to clean up (asyncio: the same)
            } catch (IOException | UnsupportedOperationException e) {
                LOG.log(System.Logger.Level.ERROR, "Unable to record UNIX socket " + path + " for cleanup: " + e);
            }
        }
        if (startServing) {
            server.startServing();
            Asyncio.sleep(0); // asyncio: "let the server start accepting before returning"
        }
        return server;
    }

    /** asyncio's cleanup: remove {@code path} if it is still the socket file the server created. */
    private static void removeOwnSocket(Path path, Object inode) {
        try {
            if (inode.equals(Files.getAttribute(path, "unix:ino"))) {
                Files.delete(path);
            }
        } catch (NoSuchFileException e) {
            // removed by someone else
        } catch (IOException | UnsupportedOperationException e) {
            LOG.log(System.Logger.Level.ERROR, "Unable to clean up listening UNIX socket " + path + ": " + e);
        }
    }

    /** asyncio: if {@code path} is a socket, remove it; a missing file is fine; other errors are logged. */
    static void removeStaleSocket(Path path) {
        try {
            int mode = (Integer) Files.getAttribute(path, "unix:mode");
            if ((mode & S_IFMT) == S_IFSOCK) {
                Files.delete(path);
            }
        } catch (NoSuchFileException e) {
            // nothing there
        } catch (IOException | UnsupportedOperationException e) {
            // The directory may allow creating a socket but not inspecting it.
            LOG.log(System.Logger.Level.ERROR, "Unable to check or remove stale UNIX socket " + path + ": " + e);
        }
    }
}
