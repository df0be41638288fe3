package io.jasyncio;

import java.util.Arrays;

/**
 * The loop's timers, earliest first: a 4-ary min-heap ordered by (deadline, sequence).
 *
 * <p>Deadlines and sequence numbers live in primitive arrays beside the handles, so sifting
 * compares contiguous {@code long}s and never touches a handle: with a million timers that is the
 * difference between a cache miss per comparison and a few per operation. Four children per node
 * halve the depth of a binary heap. Equal deadlines pop in scheduling order (the sequence).
 *
 * <p>Entries are {@link TimerHandle}s or the {@link SleepTimer}s of sleeping tasks. Cancelled ones
 * stay in the heap until they reach the top or are purged in bulk by {@link #removeCancelled()}.
 * Not thread-safe: the loop's thread only.
 */
final class TimerQueue {
    private long[] when = new long[16];
    private long[] seq = new long[16];
    private Object[] handles = new Object[16];
    private int size;

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** The earliest entry (a TimerHandle or a SleepTimer), or null. */
    Object peek() {
        return size == 0 ? null : handles[0];
    }

    /** The earliest deadline; only when not empty. */
    long peekWhen() {
        return when[0];
    }

    void add(TimerHandle h) {
        add(h.whenNanos, h.sequence, h);
    }

    void add(long whenNanos, long sequence, Object entry) {
        if (size == handles.length) {
            int n = size * 2;
            when = Arrays.copyOf(when, n);
            seq = Arrays.copyOf(seq, n);
            handles = Arrays.copyOf(handles, n);
        }
        siftUp(size++, whenNanos, sequence, entry);
    }

    /** Removes and returns the earliest entry; only when not empty. */
    Object poll() {
        Object top = handles[0];
        int last = --size;
        Object moved = handles[last];
        handles[last] = null;
        if (last > 0) {
            siftDown(0, when[last], seq[last], moved);
        }
        return top;
    }

    /** Drops every cancelled timer (marking it unscheduled) and rebuilds the heap in O(n). */
    void removeCancelled() {
        int kept = 0;
        for (int i = 0; i < size; i++) {
            Object h = handles[i];
            if (isCancelled(h)) {
                if (h instanceof TimerHandle t) {
                    t.scheduled = false;
                }
            } else {
                when[kept] = when[i];
                seq[kept] = seq[i];
                handles[kept++] = h;
            }
        }
        Arrays.fill(handles, kept, size, null);
        size = kept;
        for (int i = (size - 2) >> 2; i >= 0; i--) {
            siftDown(i, when[i], seq[i], handles[i]);
        }
    }

    void clear() {
        Arrays.fill(handles, 0, size, null);
        size = 0;
    }

    static boolean isCancelled(Object entry) {
        return entry instanceof TimerHandle t ? t.cancelled : ((SleepTimer) entry).cancelled();
    }

    private static boolean before(long w1, long s1, long w2, long s2) {
        return w1 < w2 || (w1 == w2 && s1 < s2);
    }

    private void siftUp(int i, long w, long s, Object h) {
        while (i > 0) {
            int parent = (i - 1) >> 2;
            if (!before(w, s, when[parent], seq[parent])) {
                break;
            }
            when[i] = when[parent];
            seq[i] = seq[parent];
            handles[i] = handles[parent];
            i = parent;
        }
        when[i] = w;
        seq[i] = s;
        handles[i] = h;
    }

    private void siftDown(int i, long w, long s, Object h) {
        int n = size;
        while (true) {
            int first = (i << 2) + 1;
            if (first >= n) {
                break;
            }
            int best = first;
            int end = Math.min(first + 4, n);
            for (int c = first + 1; c < end; c++) {
                if (before(when[c], seq[c], when[best], seq[best])) {
                    best = c;
                }
            }
            if (!before(when[best], seq[best], w, s)) {
                break;
            }
            when[i] = when[best];
            seq[i] = seq[best];
            handles[i] = handles[best];
            i = best;
        }
        when[i] = w;
        seq[i] = s;
        handles[i] = h;
    }
}
