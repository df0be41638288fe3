package io.jasyncio.http.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.jasyncio.ContextVar;
import io.jasyncio.testing.AsyncioExtension;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Middlewares: order, seeing 404/405, short-circuits, exception translation, per-request context. */
@ExtendWith(AsyncioExtension.class)
class MiddlewareTest {

    @Test
    void middlewaresWrapFromTheOutsideIn() throws Exception {
        List<String> log = new ArrayList<>();
        Application app = new Application();
        app.middlewares().add((r, h) -> {
            log.add("outer in");
            StreamResponse resp = h.handle(r);
            log.add("outer out");
            resp.headers().add("X-Order", "outer");
            return resp;
        });
        app.middlewares().add((r, h) -> {
            log.add("inner in " + r.route().path());
            StreamResponse resp = h.handle(r);
            log.add("inner out");
            resp.headers().add("X-Order", "inner");
            return resp;
        });
        app.router().get("/x/{id}", r -> {
            log.add("handler " + r.matchInfo("id"));
            return Response.text("ok");
        });
        try (TestServer s = TestServer.start(app)) {
            RawClient.Reply r = s.get("/x/1");
            assertThat(r.headers().getAll("X-Order")).containsExactly("inner", "outer");
            assertThat(log).containsExactly("outer in", "inner in /x/{id}", "handler 1", "inner out", "outer out");
        }
    }

    @Test
    void middlewaresSeeNotFoundAndCanTranslateExceptions() throws Exception {
        Application app = new Application();
        app.middlewares().add((r, h) -> {
            try {
                return h.handle(r);
            } catch (HttpException e) {
                if (e.status() == 404) {
                    return Response.text(404, "custom not found for " + r.path());
                }
                throw e;
            } catch (IllegalArgumentException e) {
                return Response.text(422, "invalid: " + e.getMessage());
            }
        });
        app.router().get("/bad", r -> {
            throw new IllegalArgumentException("age must be positive");
        });
        try (TestServer s = TestServer.start(app)) {
            assertThat(s.get("/missing").text()).isEqualTo("custom not found for /missing");
            RawClient.Reply bad = s.get("/bad");
            assertThat(bad.status()).isEqualTo(422);
            assertThat(bad.text()).isEqualTo("invalid: age must be positive");
        }
    }

    @Test
    void middlewareCanAnswerWithoutTheHandler() throws Exception {
        Application app = new Application();
        app.middlewares().add((r, h) -> r.header("Authorization") == null ? Response.text(401, "login first") : h.handle(r));
        app.router().get("/", r -> Response.text("secret"));
        try (TestServer s = TestServer.start(app)) {
            assertThat(s.get("/").status()).isEqualTo(401);
            RawClient c = s.connect();
            c.send("GET / HTTP/1.1\r\nHost: x\r\nAuthorization: yes\r\n\r\n");
            assertThat(c.read().text()).isEqualTo("secret");
        }
    }

    @Test
    void contextVariablesSetByOneRequestDoNotLeakIntoTheNext() throws Exception {
        ContextVar<String> user = new ContextVar<>("user", "nobody");
        Application app = new Application();
        app.router().get("/{who}", r -> {
            String before = user.get();
            user.set(r.matchInfo("who"));
            return Response.text(before);
        });
        try (TestServer s = TestServer.start(app)) {
            RawClient c = s.connect();
            c.send("GET /ann HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(c.read().text()).isEqualTo("nobody");
            c.send("GET /bob HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(c.read().text()).isEqualTo("nobody"); // each request runs in its own task and context
        }
    }

    @Test
    void lifecycleCallbacksRunInOrder() throws Exception {
        List<String> log = new ArrayList<>();
        Application app = new Application();
        app.onStartup().add(a -> log.add("startup"));
        app.onShutdown().add(a -> log.add("shutdown"));
        app.onCleanup().add(a -> log.add("cleanup 1"));
        app.onCleanup().add(a -> {
            log.add("cleanup 2");
            throw new IllegalStateException("cleanup failed");
        });
        app.onCleanup().add(a -> log.add("cleanup 3"));
        TestServer s = TestServer.start(app);
        assertThat(log).containsExactly("startup");
        try {
            s.close();
        } catch (IllegalStateException e) {
            log.add("thrown: " + e.getMessage());
        }
        assertThat(log).containsExactly("startup", "shutdown", "cleanup 1", "cleanup 2", "cleanup 3",
                "thrown: cleanup failed");
    }
}
