package io.jasyncio;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** A loop dropped without close() is reported (asyncio's "unclosed event loop") and its selector released. */
class UnclosedLoopTest {

    @Test
    void anUnclosedLoopIsReportedWithWhereItWasCreated() throws InterruptedException {
        List<String> warnings = new CopyOnWriteArrayList<>();
        CountDownLatch seen = new CountDownLatch(1);
        String[] name = new String[1];
        Handler h = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (name[0] != null && r.getMessage().startsWith("unclosed event loop " + name[0])) {
                    warnings.add(r.getMessage());
                    seen.countDown();
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        Logger jul = Logger.getLogger("jasyncio");
        jul.addHandler(h);
        try {
            name[0] = createAndDrop();
            for (int i = 0; i < 200 && seen.getCount() > 0; i++) {
                System.gc();
                seen.await(50, TimeUnit.MILLISECONDS);
            }
        } finally {
            jul.removeHandler(h);
        }
        assertThat(warnings).singleElement().asString()
                .contains("close it, or run it with Asyncio.run", "EventLoop created at:",
                        "UnclosedLoopTest.createAndDrop");
    }

    private static String createAndDrop() {
        EventLoop debugLoop;
        System.setProperty("jasyncio.debug", "true"); // debug mode from creation: the site is recorded
        try {
            debugLoop = new EventLoop();
        } finally {
            System.clearProperty("jasyncio.debug");
        }
        return "<EventLoop@" + Integer.toHexString(System.identityHashCode(debugLoop)) + ">";
    }
}
