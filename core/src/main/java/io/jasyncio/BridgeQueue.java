package io.jasyncio;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A queue between tasks of one loop and ordinary threads: tasks {@link #put} and {@link #get}
 * (suspending), threads {@link #putBlocking} and {@link #takeBlocking} (blocking). Either side may
 * produce and either may consume.
 *
 * <pre>{@code
 * BridgeQueue<Line> lines = new BridgeQueue<>(getRunningLoop(), 100);
 * Thread.ofPlatform().start(() -> { for (Line l : readFile()) lines.putBlocking(l); });
 * while (true) handle(lines.get());          // in a task: suspends, never blocks the loop
 * }</pre>
 *
 * <p>Nothing is lost: an item is removed only by the side that returns it, so a task cancelled
 * while waiting, or a thread interrupted while blocked, takes nothing (a wakeup it received passes
 * to the next waiting task). A task waiting here counts as work in flight for a virtual clock, which
 * then does not jump time ahead while a thread may still deliver.
 *
 * <p>Thread-safe: the items are guarded by a lock that is never held across a suspension or a
 * blocking wait of the loop's thread.
 *
 * @param <T> the item type
 */
public final class BridgeQueue<T> {
    private final EventLoop loop;
    private final int maxsize;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Condition notFull = lock.newCondition();
    private final ArrayDeque<T> items = new ArrayDeque<>();
    /** Tasks waiting for an item / for room; completed (from any thread) to wake them. Guarded by lock. */
    private final ArrayDeque<Future<Void>> taskGetters = new ArrayDeque<>();
    private final ArrayDeque<Future<Void>> taskPutters = new ArrayDeque<>();

    /**
     * A queue whose task side runs on {@code loop}, holding at most {@code maxsize} items
     * ({@code <= 0}: unbounded).
     */
    public BridgeQueue(EventLoop loop, int maxsize) {
        this.loop = Objects.requireNonNull(loop, "loop");
        this.maxsize = maxsize;
    }

    private boolean full() {
        return maxsize > 0 && items.size() >= maxsize;
    }

    // ---- the task side ----

    /**
     * Takes an item, suspending the task while the queue is empty.
     *
     * @throws CancelledError when cancelled while waiting (nothing taken)
     */
    public T get() {
        Task<?> task = Task.current("BridgeQueue.get()");
        checkLoop(task);
        while (true) {
            Future<Void> waiter;
            lock.lock();
            try {
                if (!items.isEmpty()) {
                    T item = items.pollFirst();
                    notFull.signal();
                    wakeFirst(taskPutters);
                    return item;
                }
                waiter = loop.createFuture();
                taskGetters.add(waiter);
            } finally {
                lock.unlock();
            }
            awaitWakeup(waiter, taskGetters);
        }
    }

    /**
     * Puts an item, suspending the task while the queue is full.
     *
     * @throws CancelledError when cancelled while waiting (nothing put)
     */
    public void put(T item) {
        Task<?> task = Task.current("BridgeQueue.put()");
        checkLoop(task);
        while (true) {
            Future<Void> waiter;
            lock.lock();
            try {
                if (!full()) {
                    items.addLast(item);
                    notEmpty.signal();
                    wakeFirst(taskGetters);
                    return;
                }
                waiter = loop.createFuture();
                taskPutters.add(waiter);
            } finally {
                lock.unlock();
            }
            awaitWakeup(waiter, taskPutters);
        }
    }

    /** Parks on {@code waiter}, counted as in flight; on cancellation withdraws it and passes a received wakeup on. */
    private void awaitWakeup(Future<Void> waiter, ArrayDeque<Future<Void>> queue) {
        EventLoop.Completer inFlight = loop.beginInFlight();
        waiter.addInternalCallback(f -> inFlight.complete(() -> {}));
        try {
            waiter.await();
        } catch (CancelledError e) {
            lock.lock();
            try {
                queue.remove(waiter);
                if (waiter.done() && !waiter.cancelled()) {
                    wakeFirst(queue); // woken, then cancelled before it ran: the next one goes
                }
            } finally {
                lock.unlock();
            }
            throw e;
        }
    }

    /** Completes the first waiting future of {@code queue}, from any thread. Called with the lock held. */
    private void wakeFirst(ArrayDeque<Future<Void>> queue) {
        for (Iterator<Future<Void>> it = queue.iterator(); it.hasNext(); ) {
            Future<Void> f = it.next();
            it.remove();
            if (EventLoop.runningOnThisThread() == loop) {
                if (!f.done()) {
                    f.setResult(null);
                    return;
                }
            } else {
                loop.callSoonThreadsafe(() -> {
                    if (!f.done()) {
                        f.setResult(null);
                    } else {
                        // It was cancelled before this wakeup arrived: the next one must not miss it.
                        lock.lock();
                        try {
                            wakeFirst(queue);
                        } finally {
                            lock.unlock();
                        }
                    }
                });
                return;
            }
        }
    }

    // ---- the thread side ----

    /**
     * Takes an item, blocking the calling thread while the queue is empty.
     *
     * @throws InterruptedException when interrupted while blocked (nothing taken)
     * @throws IllegalStateException when called on the loop's own thread (it would block the loop)
     */
    public T takeBlocking() throws InterruptedException {
        checkNotOnLoop("takeBlocking");
        lock.lockInterruptibly();
        try {
            while (items.isEmpty()) {
                notEmpty.await();
            }
            T item = items.pollFirst();
            notFull.signal();
            wakeFirst(taskPutters);
            return item;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes an item, blocking at most {@code timeout}; {@code null} when none came.
     *
     * @throws InterruptedException when interrupted while blocked (nothing taken)
     */
    public T pollBlocking(long timeout, TimeUnit unit) throws InterruptedException {
        checkNotOnLoop("pollBlocking");
        long nanos = unit.toNanos(timeout);
        lock.lockInterruptibly();
        try {
            while (items.isEmpty()) {
                if (nanos <= 0) {
                    return null;
                }
                nanos = notEmpty.awaitNanos(nanos);
            }
            T item = items.pollFirst();
            notFull.signal();
            wakeFirst(taskPutters);
            return item;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Puts an item, blocking the calling thread while the queue is full.
     *
     * @throws InterruptedException when interrupted while blocked (nothing put)
     */
    public void putBlocking(T item) throws InterruptedException {
        checkNotOnLoop("putBlocking");
        lock.lockInterruptibly();
        try {
            while (full()) {
                notFull.await();
            }
            items.addLast(item);
            notEmpty.signal();
            wakeFirst(taskGetters);
        } finally {
            lock.unlock();
        }
    }

    /** The number of items; from any thread. */
    public int size() {
        lock.lock();
        try {
            return items.size();
        } finally {
            lock.unlock();
        }
    }

    private void checkLoop(Task<?> task) {
        if (task.loop != loop) {
            throw new IllegalStateException(this + " belongs to a different event loop than the calling task's");
        }
    }

    private void checkNotOnLoop(String method) {
        if (EventLoop.runningOnThisThread() == loop) {
            throw new IllegalStateException(method + "() would block the event loop: from a task use get()/put()");
        }
    }

    @Override
    public String toString() {
        lock.lock();
        try {
            return "<BridgeQueue maxsize=" + maxsize + " size=" + items.size() + " taskGetters=" + taskGetters.size()
                    + " taskPutters=" + taskPutters.size() + ">";
        } finally {
            lock.unlock();
        }
    }
}
