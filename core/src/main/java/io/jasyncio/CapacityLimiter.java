package io.jasyncio;

import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A semaphore that knows who holds its tokens: trio's {@code CapacityLimiter} (asyncio has none).
 *
 * <pre>{@code
 * CapacityLimiter limiter = new CapacityLimiter(10);
 * try (var _ = limiter.acquire()) {        // the current task borrows one token
 *     fetch(url);
 * }
 * }</pre>
 *
 * <p>Each token is borrowed by someone (the current task, or any object given to
 * {@link #acquireOnBehalfOf}). A borrower may hold one token at a time: acquiring twice is an error,
 * not a deadlock, and releasing a token one does not hold is an error, not a silent leak. Waiters are
 * served in FIFO order; a waiter cancelled after a token was reserved for it passes it on, so no
 * token is lost. {@link #setTotalTokens} may grow or shrink the capacity at any time.
 */
public final class CapacityLimiter implements AutoCloseable {
    private final WaitQueue waiters = new WaitQueue(this);
    private final Set<Object> borrowers = new LinkedHashSet<>();
    /** Borrowers waiting for a token (so that one borrower cannot wait twice). */
    private final Set<Object> waitingBorrowers = new HashSet<>();
    /** Tokens reserved for woken waiters that have not run yet. */
    private int reserved;
    private int totalTokens;

    /**
     * A limiter with {@code totalTokens} tokens.
     *
     * @throws IllegalArgumentException when {@code totalTokens < 1}
     */
    public CapacityLimiter(int totalTokens) {
        setTotalTokensChecked(totalTokens);
    }

    private void setTotalTokensChecked(int total) {
        if (total < 1) {
            throw new IllegalArgumentException("totalTokens must be >= 1, got " + total);
        }
        this.totalTokens = total;
    }

    /** Borrows a token for the current task, suspending until one is its turn. */
    public CapacityLimiter acquire() {
        return acquireOnBehalfOf(Task.current("CapacityLimiter.acquire()"));
    }

    /**
     * Borrows a token for {@code borrower}, suspending until one is its turn.
     *
     * @return this limiter, whose {@link #close()} releases the current task's token
     * @throws IllegalStateException when {@code borrower} already holds or awaits a token
     * @throws CancelledError when cancelled while waiting (nothing borrowed)
     */
    public CapacityLimiter acquireOnBehalfOf(Object borrower) {
        Objects.requireNonNull(borrower, "borrower");
        waiters.checkAccess(this);
        if (borrowers.contains(borrower) || waitingBorrowers.contains(borrower)) {
            throw new IllegalStateException(borrower + " is already holding (or waiting for) one of this"
                    + " CapacityLimiter's tokens");
        }
        if (borrowers.size() + reserved < totalTokens && !waiters.hasLiveWaiter()) {
            borrowers.add(borrower);
            return this;
        }
        waitingBorrowers.add(borrower);
        try {
            waiters.park(wasWoken -> {
                if (wasWoken) {
                    reserved--; // the token reserved for it goes to the next waiter
                    wakeWhileRoom();
                }
            });
        } finally {
            waitingBorrowers.remove(borrower);
        }
        reserved--;
        borrowers.add(borrower);
        return this;
    }

    /** Returns the current task's token. */
    public void release() {
        releaseOnBehalfOf(Task.current("CapacityLimiter.release()"));
    }

    /**
     * Returns {@code borrower}'s token and hands it to the first waiter.
     *
     * @throws IllegalStateException when {@code borrower} holds no token of this limiter
     */
    public void releaseOnBehalfOf(Object borrower) {
        waiters.checkAccess(this);
        if (!borrowers.remove(borrower)) {
            throw new IllegalStateException(borrower + " isn't holding any of this CapacityLimiter's tokens");
        }
        wakeWhileRoom();
    }

    /** Releases the current task's token: the end of a try-with-resources block. */
    @Override
    public void close() {
        release();
    }

    private void wakeWhileRoom() {
        while (borrowers.size() + reserved < totalTokens && waiters.wakeFirst()) {
            reserved++;
        }
    }

    /** The capacity. */
    public int totalTokens() {
        return totalTokens;
    }

    /**
     * Changes the capacity; growing it wakes waiters at once, shrinking it takes effect as tokens
     * come back.
     *
     * @throws IllegalArgumentException when {@code total < 1}
     */
    public void setTotalTokens(int total) {
        waiters.checkAccess(this);
        setTotalTokensChecked(total);
        wakeWhileRoom();
    }

    /** Tokens held (or reserved for a woken waiter). */
    public int borrowedTokens() {
        return borrowers.size() + reserved;
    }

    /** Tokens free now. */
    public int availableTokens() {
        return Math.max(0, totalTokens - borrowedTokens());
    }

    /** A snapshot for debugging: who holds tokens and how many wait. */
    public Statistics statistics() {
        return new Statistics(borrowedTokens(), totalTokens, List.copyOf(borrowers), waiters.size());
    }

    /**
     * What {@link #statistics()} returns.
     *
     * @param borrowedTokens tokens held or reserved
     * @param totalTokens the capacity
     * @param borrowers who holds them, in borrowing order
     * @param waiting tasks waiting for a token
     */
    public record Statistics(int borrowedTokens, int totalTokens, List<Object> borrowers, int waiting) {}

    /** {@code <CapacityLimiter 2/3 borrowed, waiters:1>}. */
    @Override
    public String toString() {
        return "<CapacityLimiter " + borrowedTokens() + "/" + totalTokens + " borrowed"
                + (waiters.isEmpty() ? "" : ", waiters:" + waiters.size()) + ">";
    }
}
