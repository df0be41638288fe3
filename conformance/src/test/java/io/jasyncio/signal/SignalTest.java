package io.jasyncio.signal;

import static io.jasyncio.Asyncio.getRunningLoop;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jasyncio.ContextVar;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.testing.AsyncioExtension;
import io.jasyncio.testing.ExceptionRecorder;
import io.jasyncio.testing.RealTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * {@link Signals}: asyncio's add_signal_handler / remove_signal_handler (test_unix_events.py's
 * SelectorEventLoopSignalTests), with real signals: this JVM raises SIGHUP at itself only while a
 * jasyncio handler is installed for it (otherwise the JVM's own handler would exit), and every test
 * removes its handler. What would end the JVM (kill from outside, a signal after the loop closed)
 * runs in a child JVM: {@link SignalProcessTest}.
 */
@ExtendWith(AsyncioExtension.class)
@RealTime
@Timeout(60)
class SignalTest {

    private static final Signal HUP = new Signal("HUP");
    private final List<EventLoop> loops = new ArrayList<>();

    @AfterEach
    void removeHandlers() {
        for (EventLoop loop : loops) {
            Signals.removeSignalHandler(loop, "HUP");
        }
    }

    /** Raises SIGHUP at this JVM, after checking that it goes to jasyncio and not to the JVM's exit. */
    private static void raiseHup(EventLoop loop) {
        assertThat(Signals.hasSignalHandler(loop, "HUP")).as("a jasyncio handler for SIGHUP").isTrue();
        Signal.raise(HUP);
    }

    private EventLoop handling(EventLoop loop) {
        loops.add(loop);
        return loop;
    }

    @Test
    void aSignalRunsTheCallbackOnTheLoopInTheContextItWasAddedIn() {
        EventLoop loop = handling(getRunningLoop());
        ContextVar<String> who = new ContextVar<>("who");
        who.set("adder");
        Future<String> ran = loop.createFuture();
        Signals.addSignalHandler("SIGHUP", () -> ran.setResult(
                (getRunningLoop() == loop ? "on the loop" : "elsewhere") + " as " + who.get()));
        who.set("changed later");
        raiseHup(loop);
        assertThat(ran.await()).isEqualTo("on the loop as adder");
        assertThat(Signals.removeSignalHandler("SIGHUP")).isTrue();
        assertThat(Signals.removeSignalHandler("HUP")).isFalse();
    }

    @Test
    void eachSignalRunsTheCallbackOnceAndASecondAddReplacesIt() {
        EventLoop loop = handling(getRunningLoop());
        List<String> log = new ArrayList<>();
        Future<?>[] next = {loop.createFuture()};
        Signals.addSignalHandler("HUP", () -> {
            log.add("first");
            next[0].setResult(null);
        });
        raiseHup(loop);
        next[0].await();
        next[0] = loop.createFuture();
        raiseHup(loop);
        next[0].await();
        Signals.addSignalHandler("HUP", () -> {
            log.add("second");
            next[0].setResult(null);
        });
        next[0] = loop.createFuture();
        raiseHup(loop);
        next[0].await();
        assertThat(log).containsExactly("first", "first", "second");
    }

    @Test
    void aCallbackThatThrowsIsReportedAndTheHandlerStays(ExceptionRecorder recorder) {
        EventLoop loop = handling(getRunningLoop());
        Future<Void> second = loop.createFuture();
        int[] calls = {0};
        Signals.addSignalHandler("HUP", () -> {
            if (++calls[0] == 1) {
                throw new IllegalStateException("callback failed");
            }
            second.setResult(null);
        });
        raiseHup(loop);
        raiseHup(loop);
        second.await();
        assertThat(recorder.contexts()).hasSize(1);
        assertThat(recorder.contexts().get(0).message()).startsWith("Exception in callback");
        assertThat(recorder.contexts().get(0).exception()).hasMessage("callback failed");
    }

    @Test
    void removingPutsTheJvmsHandlerBack() {
        EventLoop loop = handling(getRunningLoop());
        Signals.addSignalHandler("HUP", () -> {});
        assertThat(Signals.removeSignalHandler("HUP")).isTrue();
        // Look at what handles SIGHUP now (ignoring it for the instant it takes).
        SignalHandler now = Signal.handle(HUP, SignalHandler.SIG_IGN);
        Signal.handle(HUP, now);
        assertThat(now.toString()).startsWith("java.lang.Terminator"); // the JVM's: shutdown hooks, exit 129
    }

    @Test
    void oneLoopAtATimeHandlesASignal() {
        EventLoop loop = handling(getRunningLoop());
        Signals.addSignalHandler("HUP", () -> {});
        EventLoop other = new EventLoop();
        try {
            assertThatThrownBy(() -> Signals.addSignalHandler(other, "SIGHUP", () -> {}))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("SIGHUP is handled by another event loop")
                    .hasMessageContaining("remove it there first");
            assertThat(Signals.removeSignalHandler(other, "HUP")).isFalse();
            assertThat(Signals.hasSignalHandler(loop, "HUP")).isTrue();
        } finally {
            other.close();
        }
        assertThatThrownBy(() -> Signals.addSignalHandler(other, "HUP", () -> {}))
                .isInstanceOf(IllegalStateException.class).hasMessage("Event loop is closed");
    }

    @Test
    void badSignalsAreRefusedWithTheReason() {
        assertThatThrownBy(() -> Signals.addSignalHandler("SIGNOPE", () -> {}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("invalid signal SIGNOPE");
        assertThatThrownBy(() -> Signals.removeSignalHandler("NOPE"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("invalid signal NOPE");
        assertThatThrownBy(() -> Signals.addSignalHandler("SIGKILL", () -> {}))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("sig SIGKILL cannot be caught");
        assertThatThrownBy(() -> Signals.addSignalHandler("QUIT", () -> {})) // the JVM's thread dump
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("sig SIGQUIT cannot be caught");
        assertThatThrownBy(() -> Signals.addSignalHandler(null, () -> {})).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> Signals.addSignalHandler("HUP", null)).isInstanceOf(NullPointerException.class);
        assertThat(Signals.hasSignalHandler(getRunningLoop(), "KILL")).isFalse();
    }
}
