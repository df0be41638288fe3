package io.jasyncio;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The default executor of {@code toThread} and {@code runInExecutor(null, ...)}: asyncio's
 * {@code ThreadPoolExecutor(max_workers=min(32, cpus + 4))}, with daemon platform threads that exit
 * after 60 idle seconds. See docs/adr/0004-default-executor.md for why not virtual threads.
 */
final class DefaultExecutor {
    private DefaultExecutor() {}

    private static final AtomicInteger POOL = new AtomicInteger();

    static ExecutorService create() {
        int workers = Math.min(32, Runtime.getRuntime().availableProcessors() + 4);
        int pool = POOL.incrementAndGet();
        AtomicInteger thread = new AtomicInteger();
        ThreadPoolExecutor ex = new ThreadPoolExecutor(workers, workers, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(),
                r -> Thread.ofPlatform().daemon().name("jasyncio-" + pool + "-worker-" + thread.incrementAndGet()).unstarted(r));
        ex.allowCoreThreadTimeOut(true);
        return ex;
    }
}
