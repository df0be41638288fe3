package io.jasyncio;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The future returned by gather: asyncio's {@code _GatheringFuture}.
 *
 * <p>Results come in argument order. Without {@code returnExceptions} the first child failure (or
 * a child's own cancellation, as a {@link CancelledError} exception) completes this future at once
 * and the other children keep running. Cancelling this future cancels every child that is not done;
 * it then completes with a CancelledError once all children are done.
 */
final class Gathering extends Future<List<Object>> implements java.util.function.Consumer<Future<?>> {
    private final List<Future<?>> children;
    private final boolean returnExceptions;
    private int finished;
    /** The number of distinct children; set once all arguments were turned into futures. */
    private int distinct;
    /** False until of() returned: a child finishing before then belongs to an abandoned gather. */
    private boolean built;
    private boolean cancelRequested;

    private Gathering(EventLoop loop, int size, boolean returnExceptions) {
        super(loop);
        this.children = new ArrayList<>(size);
        this.returnExceptions = returnExceptions;
    }

    /**
     * Builds the gathering future over futures and coroutines (wrapped in tasks); duplicates are
     * awaited once. Each pending child gets its callback as soon as it is seen, as asyncio does: a
     * later child's eager first step may complete an earlier child.
     *
     * <p>Two ways to find duplicates, with the same outcome. When every argument is a future, no
     * code runs while the gather is built, so a future's state cannot change meanwhile: a pending
     * one is a duplicate if this gather's callback is the last one it got (nothing else can add one
     * meanwhile; scanning all its callbacks would be quadratic for a future shared by many gathers),
     * and only done ones go through a set. With coroutines among the arguments, making their tasks
     * may run eager first steps that complete earlier children: then every argument goes through
     * an identity map, asyncio's {@code arg_to_fut}.
     */
    static Gathering of(EventLoop loop, List<?> awaitables, boolean returnExceptions) {
        Gathering outer = new Gathering(loop, awaitables.size(), returnExceptions);
        boolean futuresOnly = true;
        for (Object aw : awaitables) {
            if (!(aw instanceof Future<?>)) {
                futuresOnly = false;
                break;
            }
        }
        List<Future<?>> alreadyDone = futuresOnly ? outer.collectFutures(loop, awaitables)
                : outer.collectAny(loop, awaitables);
        outer.built = true;
        if (outer.children.isEmpty()) {
            outer.completeResult(new ArrayList<>());
            return outer;
        }
        if (alreadyDone != null) {
            for (Future<?> f : alreadyDone) {
                outer.childDone(f);
            }
        }
        return outer;
    }

    /** {@link #of} when every argument is a future: returns the distinct children already done, or null. */
    private List<Future<?>> collectFutures(EventLoop loop, List<?> futures) {
        List<Future<?>> alreadyDone = null;
        Map<Future<?>, Boolean> doneSeen = null;
        for (Object aw : futures) {
            Future<?> f = (Future<?>) aw;
            if (f.loop != loop) {
                throw new IllegalArgumentException("gather: " + f + " belongs to a different loop");
            }
            if (f.done()) {
                if (doneSeen == null) {
                    doneSeen = new IdentityHashMap<>();
                    alreadyDone = new ArrayList<>();
                }
                if (doneSeen.put(f, Boolean.TRUE) == null) {
                    alreadyDone.add(f);
                    distinct++;
                }
            } else if (!f.lastCallbackIs(this)) {
                addChildCallback(f, this);
                distinct++;
            }
            children.add(f);
        }
        return alreadyDone;
    }

    /** {@link #of} with coroutines among the arguments: returns the distinct children already done, or null. */
    private List<Future<?>> collectAny(EventLoop loop, List<?> awaitables) {
        Map<Object, Future<?>> seen = new IdentityHashMap<>(awaitables.size());
        List<Future<?>> alreadyDone = null;
        for (Object aw : awaitables) {
            Future<?> f = seen.get(aw);
            if (f == null) {
                f = ensureFuture(loop, aw);
                seen.put(aw, f);
                if (f.done()) {
                    if (alreadyDone == null) {
                        alreadyDone = new ArrayList<>();
                    }
                    alreadyDone.add(f);
                } else {
                    addChildCallback(f, this);
                }
            }
            children.add(f);
        }
        distinct = seen.size();
        return alreadyDone;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void addChildCallback(Future<?> child, Gathering outer) {
        child.addInternalCallback((java.util.function.Consumer) outer);
    }

    /** A child is done (its callback, run by the loop): asyncio's {@code _done_callback}. */
    @Override
    public void accept(Future<?> child) {
        childDone(child);
    }

    static Future<?> ensureFuture(EventLoop loop, Object aw) {
        if (aw instanceof Future<?> f) {
            if (f.loop != loop) {
                throw new IllegalArgumentException("gather: " + f + " belongs to a different loop");
            }
            return f;
        }
        if (aw instanceof Coroutine<?> c) {
            return loop.createTask(c);
        }
        if (aw instanceof VoidCoroutine v) {
            return loop.createTask(v);
        }
        throw new IllegalArgumentException("gather: expected a Future, Task or Coroutine, got " + aw);
    }

    private void childDone(Future<?> child) {
        finished++;
        if (!built || done()) {
            if (!child.cancelled()) {
                child.markRetrieved();
            }
            return;
        }
        if (!returnExceptions) {
            if (child.cancelled()) {
                completeException(child.makeCancelledError());
                return;
            }
            if (child.peekException() != null) {
                child.markRetrieved();
                completeException(child.peekException());
                return;
            }
        }
        if (finished == distinct) {
            List<Object> results = new ArrayList<>(children.size());
            for (Future<?> f : children) {
                if (f.cancelled()) {
                    results.add(new CancelledError(f.cancelledMessage()));
                } else if (f.peekException() != null) {
                    f.markRetrieved();
                    results.add(f.peekException());
                } else {
                    results.add(f.peekResult());
                }
            }
            if (cancelRequested) {
                // asyncio takes the error of the last child in argument order (its loop variable).
                completeException(children.get(children.size() - 1).makeCancelledError());
            } else {
                completeResult(results);
            }
        }
    }

    @Override
    public boolean cancel(String msg) {
        if (done()) {
            return false;
        }
        boolean any = false;
        for (Future<?> child : children) {
            if (child.cancel(msg)) {
                any = true;
            }
        }
        if (any) {
            cancelRequested = true;
        }
        return any;
    }

    @Override
    public void setResult(List<Object> value) {
        throw new UnsupportedOperationException("gather's future is completed by its children");
    }

    @Override
    List<? extends Future<?>> awaitedFutures() {
        return List.copyOf(children);
    }

    @Override
    String awaitLabel() {
        return "gather(" + children.size() + " awaitables)";
    }
}
