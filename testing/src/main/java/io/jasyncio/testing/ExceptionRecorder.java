package io.jasyncio.testing;

import io.jasyncio.EventLoop;
import io.jasyncio.ExceptionContext;
import io.jasyncio.ExceptionHandler;
import java.util.ArrayList;
import java.util.List;

/**
 * An exception handler that records what the loop reports, for tests that assert on it.
 * {@link AsyncioExtension} installs one on every test loop and fails a test whose loop reported an
 * error unless the test asked for the recorder (as a parameter) and so took charge of checking.
 */
public final class ExceptionRecorder implements ExceptionHandler {
    private final List<ExceptionContext> contexts = new ArrayList<>();

    @Override
    public synchronized void handle(EventLoop loop, ExceptionContext context) {
        contexts.add(context);
    }

    /** Every report so far, in order. */
    public synchronized List<ExceptionContext> contexts() {
        return List.copyOf(contexts);
    }

    /** The messages of every report so far, in order. */
    public synchronized List<String> messages() {
        return contexts.stream().map(ExceptionContext::message).toList();
    }

    /** Forgets the reports so far. */
    public synchronized void clear() {
        contexts.clear();
    }
}
