package io.jasyncio.http.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jasyncio.testing.AsyncioExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.ResourceBundle;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The access log: aiohttp's format atoms, off by default, one line per request. */
@ExtendWith(AsyncioExtension.class)
class AccessLogTest {

    /** A System.Logger that keeps the lines. */
    static final class Lines implements System.Logger {
        final List<String> lines = new ArrayList<>();

        @Override
        public String getName() {
            return "test";
        }

        @Override
        public boolean isLoggable(Level level) {
            return true;
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
            lines.add(level + " " + msg);
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            lines.add(level + " " + format);
        }

        @Override
        public void log(Level level, Supplier<String> msgSupplier) {
            lines.add(level + " " + msgSupplier.get());
        }
    }

    @Test
    void defaultFormatAndTheExtraAtoms() throws Exception {
        Lines logger = new Lines();
        Application app = new Application();
        app.router().get("/hello", r -> Response.text("hi").setHeader("X-Out", "o"));
        ServerOptions o = ServerOptions.defaults().withAccessLog(new AccessLogger(logger,
                AccessLogger.DEFAULT_FORMAT + " %Tf %D %{X-Out}o %{Content-Type}o %% %P"));
        try (TestServer s = TestServer.start(app, o)) {
            RawClient c = s.connect();
            c.send("GET /hello?x=1 HTTP/1.1\r\nHost: x\r\nUser-Agent: curl/8\r\nReferer: http://r/\r\n\r\n");
            RawClient.Reply r = c.read();
            long size = ("HTTP/1.1 200 OK\r\nServer: jasyncio\r\nDate: Mon, 01 Jan 2024 00:00:00 GMT\r\n"
                    + "Content-Type: text/plain; charset=utf-8\r\nContent-Length: 2\r\nX-Out: o\r\n\r\nhi").length();
            assertThat(r.status()).isEqualTo(200);
            assertThat(logger.lines).hasSize(1);
            assertThat(logger.lines.get(0)).matches("INFO 127\\.0\\.0\\.1 \\[\\d{2}/[A-Z][a-z]{2}/\\d{4}:\\d{2}:\\d{2}:\\d{2} "
                    + "[+-]\\d{4}\\] \"GET /hello\\?x=1 HTTP/1\\.1\" 200 " + size + " \"http://r/\" \"curl/8\" "
                    + "0\\.000000 0 o text/plain; charset=utf-8 % <\\d+>");
        }
    }

    @Test
    void errorsAndMissingHeadersAreLoggedToo() throws Exception {
        Lines logger = new Lines();
        Application app = new Application();
        try (TestServer s = TestServer.start(app,
                ServerOptions.defaults().withAccessLog(new AccessLogger(logger, "\"%r\" %s \"%{Referer}i\"")))) {
            s.get("/missing");
            assertThat(logger.lines).containsExactly("INFO \"GET /missing HTTP/1.1\" 404 \"-\"");
        }
    }

    @Test
    void badFormatsAreRefused() {
        assertThatThrownBy(() -> new AccessLogger(new Lines(), "%q")).hasMessageContaining("unknown atom %q");
        assertThatThrownBy(() -> new AccessLogger(new Lines(), "%{X}z")).hasMessageContaining("followed by i or o");
        assertThatThrownBy(() -> new AccessLogger(new Lines(), "abc %")).hasMessageContaining("lone '%'");
        assertThat(ServerOptions.defaults().accessLog()).isNull();
    }
}
