package io.jasyncio;

import java.lang.ref.PhantomReference;
import java.lang.ref.ReferenceQueue;

/**
 * The loop's record of futures and tasks whose exception nobody retrieved.
 *
 * <p>asyncio reports "Task exception was never retrieved" from the future's finalizer, so the report
 * comes whenever the garbage collector gets to it, or never. jasyncio reports at two deterministic
 * points: when the future is collected (polled once per loop iteration) and, for every future still
 * unretrieved, when the loop closes. Retrieving the exception ({@code result()}, {@code exception()},
 * {@code await()}) withdraws the report.
 */
final class Unretrieved {
    private final EventLoop loop;
    private final ReferenceQueue<Future<?>> collected = new ReferenceQueue<>();
    /** Sentinel of a circular list that keeps the reports (not their futures) reachable. */
    private final Report head = new Report();

    Unretrieved(EventLoop loop) {
        this.loop = loop;
    }

    Report track(Future<?> future, Throwable exception) {
        Report r = new Report(future, exception, collected);
        r.linkAfter(head);
        return r;
    }

    /** Reports the futures collected since the last poll. Cheap when there are none. */
    void pollCollected() {
        Report r;
        while ((r = (Report) collected.poll()) != null) {
            if (r.unlink()) {
                loop.callExceptionHandler(r.toContext());
            }
        }
    }

    /** Reports every future still unretrieved; called when the loop closes. */
    void reportAll() {
        pollCollected();
        while (head.next != head) {
            Report r = head.next;
            r.unlink();
            r.clear();
            loop.callExceptionHandler(r.toContext());
        }
    }

    /** One unretrieved exception. Holds a description of the future, never the future itself. */
    static final class Report extends PhantomReference<Future<?>> {
        private final Throwable exception;
        private final String description;
        private final boolean isTask;
        private Report prev = this, next = this;

        private Report() {
            super(null, null);
            this.exception = null;
            this.description = null;
            this.isTask = false;
        }

        Report(Future<?> future, Throwable exception, ReferenceQueue<Future<?>> queue) {
            super(future, queue);
            this.exception = exception;
            this.description = describe(future, exception);
            this.isTask = future instanceof Task;
        }

        /** The future's repr; never fails (the exception's own toString may throw: it must not stop the completion). */
        private static String describe(Future<?> future, Throwable exception) {
            try {
                return future.toString();
            } catch (RuntimeException | LinkageError e) {
                return "<" + future.getClass().getSimpleName() + " finished exception=" + exception.getClass().getName()
                        + " (its toString failed: " + e.getClass().getName() + ")>";
            }
        }

        void linkAfter(Report h) {
            next = h.next;
            prev = h;
            h.next.prev = this;
            h.next = this;
        }

        /** Removes the report from the list; false if it was removed already. */
        boolean unlink() {
            if (next == this) {
                return false;
            }
            prev.next = next;
            next.prev = prev;
            next = prev = this;
            return true;
        }

        Throwable exception() {
            return exception;
        }

        void retrieved() {
            unlink();
            clear();
        }

        ExceptionContext toContext() {
            return ExceptionContext.builder((isTask ? "Task" : "Future") + " exception was never retrieved")
                    .exception(exception)
                    .put("future", description) // asyncio's key for tasks too; the object itself is gone
                    .build();
        }
    }
}
