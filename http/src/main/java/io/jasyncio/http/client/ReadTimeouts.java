package io.jasyncio.http.client;

import io.jasyncio.net.StreamReader;
import java.io.IOException;

/**
 * The deadlines of every read of one request: the total deadline (loop time, null: none) and the
 * longest silence allowed ({@link ClientTimeout#sockRead()}). {@code method} and {@code target}
 * name the request in the errors; the text is only made when an error is.
 */
record ReadTimeouts(Double totalWhen, Double total, Double sockRead, String method, Object target) {
    static final ReadTimeouts NONE = new ReadTimeouts(null, null, null, "", "");

    /** {@code "GET http://host/path"}, for the errors. */
    String what() {
        return method + " " + target;
    }

    /** Reads up to {@code n} bytes (empty at the end of the stream) within the deadlines. */
    byte[] read(StreamReader reader, int n) throws IOException {
        if (totalWhen == null && sockRead == null) {
            return reader.read(n);
        }
        Double readWhen = Deadlines.after(sockRead);
        boolean totalFirst = readWhen == null || totalWhen != null && totalWhen <= readWhen;
        Double when = totalFirst ? totalWhen : readWhen;
        return Deadlines.within(when, e -> totalFirst ? totalError(e)
                : new SocketTimeoutError("Timeout on reading data from socket: nothing for " + sockRead + " s ("
                        + what() + ")", e), () -> reader.read(n));
    }

    /** The error of the total deadline. */
    ServerTimeoutError totalError(Throwable cause) {
        return new ServerTimeoutError("Total timeout of " + total + " s expired (" + what() + ")", cause);
    }
}
