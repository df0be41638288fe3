package io.jasyncio.http.server;

import com.fasterxml.jackson.databind.ObjectMapper;

/** The shared Jackson {@link ObjectMapper} of {@link Response#json} and {@link Request#json()} (thread-safe once configured). */
final class Json {
    private Json() {}

    static final ObjectMapper MAPPER = new ObjectMapper();
}
