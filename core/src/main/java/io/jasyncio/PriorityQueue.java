package io.jasyncio;

import java.util.Comparator;
import java.util.List;

/**
 * A {@link Queue} that hands out the smallest item first: asyncio's {@code PriorityQueue}. Items
 * are ordered by their natural order or by the comparator given.
 *
 * @param <T> the item type
 */
public class PriorityQueue<T> extends Queue<T> {
    private final java.util.PriorityQueue<T> heap;

    /** An unbounded priority queue of {@link Comparable} items. */
    public PriorityQueue() {
        this(0, null);
    }

    /** A priority queue of at most {@code maxsize} {@link Comparable} items. */
    public PriorityQueue(int maxsize) {
        this(maxsize, null);
    }

    /** A priority queue of at most {@code maxsize} items ordered by {@code order} ({@code null}: natural order). */
    public PriorityQueue(int maxsize, Comparator<? super T> order) {
        super(maxsize);
        this.heap = new java.util.PriorityQueue<>(order);
    }

    @Override
    protected void store(T item) {
        heap.add(item);
    }

    @Override
    protected T take() {
        return heap.poll();
    }

    @Override
    protected int stored() {
        return heap.size();
    }

    @Override
    protected List<T> snapshot() {
        return List.copyOf(heap);
    }
}
