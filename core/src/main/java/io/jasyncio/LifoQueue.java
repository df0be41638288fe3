package io.jasyncio;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@link Queue} that hands out the most recently put item first: asyncio's {@code LifoQueue}.
 *
 * @param <T> the item type
 */
public class LifoQueue<T> extends Queue<T> {
    private final ArrayList<T> stack = new ArrayList<>();

    /** An unbounded LIFO queue. */
    public LifoQueue() {
        this(0);
    }

    /** A LIFO queue of at most {@code maxsize} items. */
    public LifoQueue(int maxsize) {
        super(maxsize);
    }

    @Override
    protected void store(T item) {
        stack.add(item);
    }

    @Override
    protected T take() {
        return stack.remove(stack.size() - 1);
    }

    @Override
    protected int stored() {
        return stack.size();
    }

    @Override
    protected List<T> snapshot() {
        return List.copyOf(stack);
    }
}
