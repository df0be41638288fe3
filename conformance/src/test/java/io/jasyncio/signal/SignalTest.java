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
 * SelectorEventLoopSignalTests), with real signals: this JVM raises SIGUSR1 at itself, only while a
 * jasyncio handler is installed for it, and every test removes its handler. SIGUSR1 rather than
 * SIGHUP: a JVM started under nohup never gets SIGHUP, and without a handler SIGHUP would end it
 * (SIGUSR1 then cannot even be raised). What would end the JVM (SIGTERM from outside, a signal after
 * the loop closed) runs in a child JVM: {@link SignalProcessTest}.
 *
 * <p>A probe of the current handler installs a Java handler for an instant, never {@code SIG_IGN}:
 * HotSpot will not catch INT, TERM or HUP again once they were ignored.
 */
@ExtendWith(AsyncioExtension.class)
@RealTime
@Timeout(60)
class SignalTest {

    private static final Signal USR1 = new Signal("USR1");
    private final List<EventLoop> loops = new ArrayList<>();

    @AfterEach
    void removeHandlers() {
        for (EventLoop loop : loops) {
            Signals.removeSignalHandler(loop, "USR1");
        }
    }

    /** Raises SIGUSR1 at this JVM, after checking that jasyncio handles it. */
    private static void raiseUsr1(EventLoop loop) {
        assertThat(Signals.hasSignalHandler(loop, "USR1")).as("a jasyncio handler for SIGUSR1").isTrue();
        Signal.raise(USR1);
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
        Signals.addSignalHandler("SIGUSR1", () -> ran.setResult(
                (getRunningLoop() == loop ? "on the loop" : "elsewhere") + " as " + who.get()));
        who.set("changed later");
        raiseUsr1(loop);
        assertThat(ran.await()).isEqualTo("on the loop as adder");
        assertThat(Signals.removeSignalHandler("SIGUSR1")).isTrue();
        assertThat(Signals.removeSignalHandler("USR1")).isFalse();
    }

    @Test
    void eachSignalRunsTheCallbackOnceAndASecondAddReplacesIt() {
        EventLoop loop = handling(getRunningLoop());
        List<String> log = new ArrayList<>();
        Future<?>[] next = {loop.createFuture()};
        Signals.addSignalHandler("USR1", () -> {
            log.add("first");
            next[0].setResult(null);
        });
        raiseUsr1(loop);
        next[0].await();
        next[0] = loop.createFuture();
        raiseUsr1(loop);
        next[0].await();
        Signals.addSignalHandler("USR1", () -> {
            log.add("second");
            next[0].setResult(null);
        });
        next[0] = loop.createFuture();
        raiseUsr1(loop);
        next[0].await();
        assertThat(log).containsExactly("first", "first", "second");
    }

    @Test
    void aCallbackThatThrowsIsReportedAndTheHandlerStays(ExceptionRecorder recorder) {
        EventLoop loop = handling(getRunningLoop());
        Future<Void> second = loop.createFuture();
        int[] calls = {0};
        Signals.addSignalHandler("USR1", () -> {
            if (++calls[0] == 1) {
                throw new IllegalStateException("callback failed");
            }
            second.setResult(null);
        });
        raiseUsr1(loop);
        raiseUsr1(loop);
        second.await();
        assertThat(recorder.contexts()).hasSize(1);
        assertThat(recorder.contexts().get(0).message()).startsWith("Exception in callback");
        assertThat(recorder.contexts().get(0).exception()).hasMessage("callback failed");
    }

    @Test
    void removingPutsBackTheHandlerThatWasThere() {
        EventLoop loop = handling(getRunningLoop());
        String before = String.valueOf(currentUsr1Handler()); // SIG_DFL: the JVM leaves SIGUSR1 alone
        Signals.addSignalHandler("USR1", () -> {});
        assertThat(String.valueOf(currentUsr1Handler())).startsWith("<jasyncio handler of SIGUSR1");
        assertThat(Signals.removeSignalHandler("USR1")).isTrue();
        assertThat(String.valueOf(currentUsr1Handler())).isEqualTo(before);
    }

    @Test
    void closingTheLoopRemovesItsHandlersAsAsyncioDoes() {
        String before = String.valueOf(currentUsr1Handler());
        EventLoop other = new EventLoop();
        Signals.addSignalHandler(other, "USR1", () -> {});
        assertThat(Signals.hasSignalHandler(other, "USR1")).isTrue();
        other.close();
        assertThat(Signals.hasSignalHandler(other, "USR1")).isFalse();
        assertThat(String.valueOf(currentUsr1Handler())).isEqualTo(before);
        assertThat(other.trackedResources()).isEmpty();
    }

    /** What handles SIGUSR1 now (a no-op Java handler takes it for the instant it takes to look). */
    private static SignalHandler currentUsr1Handler() {
        SignalHandler now = Signal.handle(USR1, sig -> {});
        Signal.handle(USR1, now);
        return now;
    }

    @Test
    void oneLoopAtATimeHandlesASignal() {
        EventLoop loop = handling(getRunningLoop());
        Signals.addSignalHandler("USR1", () -> {});
        EventLoop other = new EventLoop();
        try {
            assertThatThrownBy(() -> Signals.addSignalHandler(other, "SIGUSR1", () -> {}))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("SIGUSR1 is handled by another event loop")
                    .hasMessageContaining("remove it there first");
            assertThat(Signals.removeSignalHandler(other, "USR1")).isFalse();
            assertThat(Signals.hasSignalHandler(loop, "USR1")).isTrue();
        } finally {
            other.close();
        }
        assertThatThrownBy(() -> Signals.addSignalHandler(other, "USR1", () -> {}))
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
        assertThatThrownBy(() -> Signals.addSignalHandler("USR1", null)).isInstanceOf(NullPointerException.class);
        assertThat(Signals.hasSignalHandler(getRunningLoop(), "KILL")).isFalse();
    }
}
