package io.jasyncio.http.client;

import java.util.List;

/**
 * The trace configs of one request with their contexts: aiohttp's list of {@code Trace} objects.
 * {@link #NONE} when the session has no config, so that tracing costs a null check.
 */
final class Traces {
    static final Traces NONE = new Traces(List.of(), List.of());

    private final List<TraceConfig> configs;
    private final List<TraceContext> contexts;

    private Traces(List<TraceConfig> configs, List<TraceContext> contexts) {
        this.configs = configs;
        this.contexts = contexts;
    }

    static Traces start(ClientSession session, List<TraceConfig> configs, Object requestContext) {
        if (configs.isEmpty()) {
            return NONE;
        }
        TraceContext[] contexts = new TraceContext[configs.size()];
        for (int i = 0; i < contexts.length; i++) {
            contexts[i] = new TraceContext(session, requestContext);
        }
        return new Traces(configs, List.of(contexts));
    }

    boolean isEmpty() {
        return configs.isEmpty();
    }

    /** Whether some config listens to {@code kind} (to skip building costly events). */
    boolean wants(Class<? extends TraceEvent> kind) {
        for (TraceConfig c : configs) {
            if (c.wants(kind)) {
                return true;
            }
        }
        return false;
    }

    /** Sends {@code event} to every config; a listener's exception propagates (as aiohttp's). */
    void send(TraceEvent event) {
        for (int i = 0; i < configs.size(); i++) {
            try {
                configs.get(i).dispatch(contexts.get(i), event);
            } catch (Exception e) {
                throw Sneaky.sneaky(e);
            }
        }
    }
}
