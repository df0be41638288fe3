package io.jasyncio;

import java.util.ArrayDeque;
import java.util.List;

/**
 * A FIFO queue for tasks: asyncio's {@code Queue}, with 3.13's {@link #shutdown}.
 *
 * <pre>{@code
 * Queue<Integer> q = new Queue<>(10);
 * createTask(() -> { for (int i = 0; i < 100; i++) q.put(i); q.shutdown(); });
 * try {
 *     while (true) { handle(q.get()); q.taskDone(); }
 * } catch (QueueShutDown done) { }
 * }</pre>
 *
 * <ul>
 *   <li>{@code maxsize > 0} bounds it: {@link #put} suspends while it is full; {@code maxsize <= 0}
 *       is unbounded.</li>
 *   <li>Waiters are served in FIFO order. A getter cancelled after it was woken for an item passes
 *       the wakeup on, so no item is stranded; a cancelled putter inserts nothing.</li>
 *   <li>{@link #taskDone()} and {@link #join()} count unfinished items as asyncio does.</li>
 *   <li>{@link #shutdown(boolean)}: puts raise {@link QueueShutDown} at once (blocked putters too);
 *       gets drain what is left and then raise, or raise at once after an immediate shutdown, which
 *       discards the items and counts them as done.</li>
 * </ul>
 *
 * <p>{@link PriorityQueue} and {@link LifoQueue} change the order by overriding the storage hooks.
 * Bound to one loop at first use; not thread-safe.
 *
 * @param <T> the item type
 */
public class Queue<T> {
    private final int maxsize;
    private final WaitQueue getters = new WaitQueue(this);
    private final WaitQueue putters = new WaitQueue(this);
    private int unfinishedTasks;
    private final Event finished = new Event();
    private boolean isShutdown;
    private final ArrayDeque<T> items = new ArrayDeque<>();

    /** An unbounded queue. */
    public Queue() {
        this(0);
    }

    /** A queue of at most {@code maxsize} items ({@code <= 0}: unbounded). */
    public Queue(int maxsize) {
        this.maxsize = maxsize;
        finished.set();
    }

    // ---- storage hooks (asyncio's _put, _get, and the size of _queue) ----

    /** Stores an item. */
    protected void store(T item) {
        items.addLast(item);
    }

    /** Takes the next item; only called when not empty. */
    protected T take() {
        return items.pollFirst();
    }

    /** The number of stored items. */
    protected int stored() {
        return items.size();
    }

    /** The stored items in storage order, for toString. */
    protected List<T> snapshot() {
        return List.copyOf(items);
    }

    // ---- the queue ----

    /** The number of items in the queue. */
    public int qsize() {
        return stored();
    }

    /** The bound given at creation. */
    public int maxsize() {
        return maxsize;
    }

    /** Whether the queue holds no item. */
    public boolean empty() {
        return stored() == 0;
    }

    /** Whether the queue holds {@code maxsize} items (never, when unbounded). */
    public boolean full() {
        return maxsize > 0 && stored() >= maxsize;
    }

    /**
     * Puts an item, suspending while the queue is full.
     *
     * @throws QueueShutDown when the queue is shut down (also while waiting)
     * @throws CancelledError when cancelled while waiting (nothing was put)
     */
    public void put(T item) {
        getters.checkAccess(this);
        while (full()) {
            if (isShutdown) {
                throw new QueueShutDown();
            }
            putters.park(wasWoken -> {
                if (wasWoken && !full()) {
                    putters.wakeFirst(); // the free slot this putter was woken for goes to the next
                }
            });
        }
        putNowait(item);
    }

    /**
     * Puts an item without suspending.
     *
     * @throws QueueFull when the queue is full
     * @throws QueueShutDown when the queue is shut down
     */
    public void putNowait(T item) {
        getters.checkAccess(this);
        if (isShutdown) {
            throw new QueueShutDown();
        }
        if (full()) {
            throw new QueueFull();
        }
        store(item);
        unfinishedTasks++;
        finished.clear();
        getters.wakeFirst();
    }

    /**
     * Takes the next item, suspending while the queue is empty.
     *
     * @throws QueueShutDown when the queue is shut down and empty, or shut down immediately
     * @throws CancelledError when cancelled while waiting (no item is lost: a wakeup it received
     *     goes to the next getter)
     */
    public T get() {
        getters.checkAccess(this);
        while (empty()) {
            if (isShutdown) {
                throw new QueueShutDown();
            }
            getters.park(wasWoken -> {
                if (wasWoken && !empty()) {
                    getters.wakeFirst(); // the item this getter was woken for goes to the next
                }
            });
        }
        return getNowait();
    }

    /**
     * Takes the next item without suspending.
     *
     * @throws QueueEmpty when the queue is empty
     * @throws QueueShutDown when the queue is shut down and empty
     */
    public T getNowait() {
        getters.checkAccess(this);
        if (empty()) {
            if (isShutdown) {
                throw new QueueShutDown();
            }
            throw new QueueEmpty();
        }
        T item = take();
        putters.wakeFirst();
        return item;
    }

    /**
     * Marks one item taken by a get as processed; {@link #join()} returns when every item put was.
     *
     * @throws IllegalArgumentException when called more often than items were put (asyncio's ValueError)
     */
    public void taskDone() {
        getters.checkAccess(this);
        if (unfinishedTasks <= 0) {
            throw new IllegalArgumentException("taskDone() called too many times");
        }
        unfinishedTasks--;
        if (unfinishedTasks == 0) {
            finished.set();
        }
    }

    /** Suspends until every item put has been taken and marked with {@link #taskDone()}. */
    public void join() {
        getters.checkAccess(this);
        if (unfinishedTasks > 0) {
            finished.await();
        }
    }

    /** {@link #shutdown(boolean)} without discarding the items. */
    public void shutdown() {
        shutdown(false);
    }

    /**
     * Shuts the queue down: puts raise {@link QueueShutDown} from now on and blocked putters are
     * woken to raise it; gets drain the remaining items, then raise. With {@code immediate}, the
     * items are discarded (each counted as done, which may release {@link #join()}) and blocked
     * getters raise at once.
     */
    public void shutdown(boolean immediate) {
        getters.checkAccess(this);
        isShutdown = true;
        if (immediate) {
            while (!empty()) {
                take();
                if (unfinishedTasks > 0) {
                    unfinishedTasks--;
                }
            }
            if (unfinishedTasks == 0) {
                finished.set();
            }
        }
        getters.wakeAll();
        putters.wakeAll();
    }

    /** Whether {@link #shutdown} was called. */
    public boolean isShutdown() {
        return isShutdown;
    }

    /** A snapshot for debugging. */
    public Statistics statistics() {
        return new Statistics(stored(), maxsize, getters.pendingCount(), putters.pendingCount(), unfinishedTasks, isShutdown);
    }

    /**
     * What {@link #statistics()} returns.
     *
     * @param size the items in the queue
     * @param maxsize the bound ({@code <= 0}: none)
     * @param waitingGetters tasks waiting for an item
     * @param waitingPutters tasks waiting for room
     * @param unfinished items put and not yet marked done
     * @param shutdown whether the queue was shut down
     */
    public record Statistics(int size, int maxsize, int waitingGetters, int waitingPutters, int unfinished, boolean shutdown) {}

    /** asyncio's str: {@code <Queue maxsize=10 _queue=[1, 2] _getters[1] tasks=2>}. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("<").append(getClass().getSimpleName()).append(" maxsize=").append(maxsize);
        if (!empty()) {
            b.append(" _queue=").append(snapshot());
        }
        if (getters.pendingCount() > 0) {
            b.append(" _getters[").append(getters.pendingCount()).append(']');
        }
        if (putters.pendingCount() > 0) {
            b.append(" _putters[").append(putters.pendingCount()).append(']');
        }
        if (unfinishedTasks > 0) {
            b.append(" tasks=").append(unfinishedTasks);
        }
        if (isShutdown) {
            b.append(" shutdown");
        }
        return b.append('>').toString();
    }
}
