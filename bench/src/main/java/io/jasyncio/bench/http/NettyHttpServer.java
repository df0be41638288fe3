package io.jasyncio.bench.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.AsciiString;
import io.netty.util.concurrent.FastThreadLocal;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * The http benchmark's Netty server (bench/README.md, "The http workload"): Netty's own
 * {@code HttpHelloWorldServer} example ({@link HttpServerCodec} and a handler that answers every
 * request with a {@link DefaultFullHttpResponse}, writes on each request and flushes at the end of a
 * read burst), on the NIO transport, answering the same bytes as the jasyncio and aiohttp servers:
 * {@code Hello, World!} as {@code text/plain; charset=utf-8} with Content-Length, a Date header
 * (formatted once per second per thread, as the other servers cache theirs) and {@code Server:
 * netty}. Until killed; prints {@code ready} on stdout once serving.
 *
 * <pre>
 * java -cp ... io.jasyncio.bench.http.NettyHttpServer one|default PORT
 * </pre>
 *
 * <ul>
 *   <li>{@code one}: one event-loop thread for accepting and every connection (like-for-like with
 *       a single asyncio loop thread).
 *   <li>{@code default}: the example's shape, a boss group of one thread and a worker group with
 *       Netty's default thread count (twice the CPUs the JVM sees).
 * </ul>
 */
public final class NettyHttpServer {
    private NettyHttpServer() {}

    private static final byte[] CONTENT = JasyncioHttpServer.HELLO.getBytes(StandardCharsets.UTF_8);
    private static final AsciiString TEXT_PLAIN = AsciiString.cached("text/plain; charset=utf-8");
    private static final AsciiString SERVER = AsciiString.cached("netty");

    /** {@code one|default PORT}. */
    public static void main(String[] args) throws InterruptedException {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: NettyHttpServer one|default PORT");
        }
        String threads = args[0];
        int port = Integer.parseInt(args[1]);
        EventLoopGroup boss;
        EventLoopGroup workers;
        switch (threads) {
            case "one" -> {
                boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
                workers = boss;
            }
            case "default" -> {
                boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
                workers = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
            }
            default -> throw new IllegalArgumentException("unknown thread setting '" + threads + "' (one, default)");
        }
        int workerThreads = workers instanceof MultiThreadIoEventLoopGroup m ? m.executorCount() : -1;
        try {
            Channel server = new ServerBootstrap()
                    .group(boss, workers)
                    .channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ChannelPipeline p = ch.pipeline();
                            p.addLast(new HttpServerCodec());
                            p.addLast(new HelloHandler());
                        }
                    })
                    .bind("127.0.0.1", port).sync().channel();
            System.out.println("ready (netty http server, NIO, " + (boss == workers ? "1 event-loop thread"
                    : "1 boss + " + workerThreads + " worker threads (Netty's default for "
                    + Runtime.getRuntime().availableProcessors() + " CPUs)") + ")");
            System.out.flush();
            server.closeFuture().sync();
        } finally {
            boss.shutdownGracefully();
            if (workers != boss) {
                workers.shutdownGracefully();
            }
        }
    }

    /** The Date header's value, formatted once per second per thread. */
    static final class DateCache {
        private static final DateTimeFormatter RFC_1123 = DateTimeFormatter.RFC_1123_DATE_TIME;
        private static final FastThreadLocal<DateCache> CACHE = new FastThreadLocal<>() {
            @Override
            protected DateCache initialValue() {
                return new DateCache();
            }
        };
        private long second = Long.MIN_VALUE;
        private AsciiString value;

        static AsciiString now() {
            return CACHE.get().get();
        }

        private AsciiString get() {
            long s = System.currentTimeMillis() / 1000;
            if (s != second) {
                second = s;
                value = new AsciiString(RFC_1123.format(ZonedDateTime.now(ZoneOffset.UTC)));
            }
            return value;
        }
    }

    /** Netty's HttpHelloWorldServerHandler, with Date and Server headers. */
    static final class HelloHandler extends SimpleChannelInboundHandler<HttpObject> {
        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
            if (msg instanceof HttpRequest req) {
                boolean keepAlive = HttpUtil.isKeepAlive(req);
                ByteBuf content = Unpooled.wrappedBuffer(CONTENT);
                FullHttpResponse response = new DefaultFullHttpResponse(req.protocolVersion(), HttpResponseStatus.OK, content);
                response.headers()
                        .set(HttpHeaderNames.CONTENT_TYPE, TEXT_PLAIN)
                        .setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes())
                        .set(HttpHeaderNames.DATE, DateCache.now())
                        .set(HttpHeaderNames.SERVER, SERVER);
                if (keepAlive) {
                    if (!req.protocolVersion().isKeepAliveDefault()) {
                        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
                    }
                } else {
                    response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                }
                var f = ctx.write(response);
                if (!keepAlive) {
                    f.addListener(ChannelFutureListener.CLOSE);
                }
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
