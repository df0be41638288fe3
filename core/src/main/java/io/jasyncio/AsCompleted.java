package io.jasyncio;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Futures in the order they complete: asyncio's {@code as_completed} (3.13).
 *
 * <pre>{@code
 * for (Future<String> done : asCompleted(tasks, 5.0)) {   // next() suspends until one completes
 *     System.out.println(done.result());
 * }
 * }</pre>
 *
 * <p>Iterating yields the original futures as they complete (asyncio 3.13's {@code async for});
 * {@link #awaitables()} is the older plain form, whose k-th item, when awaited, returns the result of
 * the k-th completion. Duplicates count once. When the timeout passes, the remaining steps raise
 * {@link TimeoutError}; nothing is cancelled. Several tasks may await the plain form's items at
 * once; each completion goes to the one that waits longest.
 *
 * @param <T> the result type
 */
public final class AsCompleted<T> implements Iterable<Future<T>> {
    /** Done futures not yet handed out; a TIMED_OUT marker per future left when the timeout fired. */
    private final ArrayDeque<Object> done = new ArrayDeque<>();
    private static final Object TIMED_OUT = new Object();
    private final Set<Future<T>> todo;
    private int todoLeft;
    private Handle timeoutHandle;
    /** Steps waiting for the next item, first come first served (the plain form may be awaited from several tasks). */
    private final ArrayDeque<Future<Void>> waiters = new ArrayDeque<>();
    private final EventLoop loop;
    private final Consumer<Future<T>> onCompletion = this::handleCompletion;

    AsCompleted(EventLoop loop, Collection<? extends Future<T>> futures, Double timeout) {
        this.loop = loop;
        this.todo = new LinkedHashSet<>(futures);
        for (Future<T> f : todo) {
            if (f.loop != loop) {
                throw new IllegalArgumentException("asCompleted: " + f + " belongs to a different loop");
            }
            f.addDoneCallback(onCompletion);
        }
        if (!todo.isEmpty() && timeout != null) {
            timeoutHandle = loop.callLater(timeout, this::handleTimeout);
        }
        todoLeft = todo.size();
    }

    private void handleTimeout() {
        for (Future<T> f : todo) {
            f.removeDoneCallback(onCompletion);
            offer(TIMED_OUT);
        }
        todo.clear();
    }

    private void handleCompletion(Future<T> f) {
        if (todo.isEmpty()) {
            return; // the timeout came first
        }
        todo.remove(f);
        offer(f);
        if (todo.isEmpty() && timeoutHandle != null) {
            timeoutHandle.cancel();
        }
    }

    private void offer(Object item) {
        done.add(item);
        wakeNext();
    }

    /** Wakes the longest-waiting step that is still waiting (cancelled ones are skipped). */
    private void wakeNext() {
        Future<Void> w;
        while ((w = waiters.poll()) != null) {
            if (!w.done()) {
                w.setResult(null);
                return;
            }
        }
    }

    @SuppressWarnings("unchecked")
    private Future<T> waitForOne() {
        while (done.isEmpty()) {
            Future<Void> w = loop.createFuture();
            waiters.add(w);
            try {
                w.await();
            } catch (CancelledError e) {
                waiters.remove(w);
                if (!done.isEmpty() && !w.cancelled()) {
                    wakeNext(); // woken, then cancelled before it ran: the item goes to the next waiter
                }
                throw e;
            }
        }
        Object item = done.poll();
        if (item == TIMED_OUT) {
            throw new TimeoutError("asCompleted: the timeout passed");
        }
        return (Future<T>) item;
    }

    /** Iterates the original futures in completion order; {@code next()} suspends until one completes. */
    @Override
    public Iterator<Future<T>> iterator() {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return todoLeft > 0;
            }

            @Override
            public Future<T> next() {
                if (todoLeft == 0) {
                    throw new NoSuchElementException();
                }
                todoLeft--;
                return waitForOne();
            }
        };
    }

    /**
     * asyncio's plain iterator: one awaitable per future, the k-th returning the result (or raising
     * the exception) of the k-th future to complete. Iterating does not suspend; awaiting does.
     */
    public List<Awaitable<T>> awaitables() {
        List<Awaitable<T>> out = new ArrayList<>(todoLeft);
        while (todoLeft > 0) {
            todoLeft--;
            out.add(() -> waitForOne().result());
        }
        return out;
    }
}
