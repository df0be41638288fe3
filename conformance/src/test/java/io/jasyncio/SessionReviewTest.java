package io.jasyncio;

import static io.jasyncio.Asyncio.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.jasyncio.net.BaseTransport;
import io.jasyncio.net.Sockets;
import io.jasyncio.net.Protocol;
import io.jasyncio.signal.Signals;
import io.jasyncio.subprocess.Pipes;
import io.jasyncio.testing.AsyncioExtension;
import io.jasyncio.testing.ExceptionRecorder;
import io.jasyncio.testing.VirtualClock;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Findings of a review of the core changes of 2026-11-25, fixed since: each test shows a problem
 * the first version had.
 */
@ExtendWith(AsyncioExtension.class)
class SessionReviewTest {

    /** Records a protocol's callbacks. */
    static final class Recorder implements Protocol {
        final List<String> events = new ArrayList<>();
        final Future<Void> lost = getRunningLoop().createFuture();

        @Override
        public void connectionMade(BaseTransport transport) {
            events.add("made");
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            events.add("data");
        }

        @Override
        public boolean eofReceived() {
            events.add("eof");
            return false;
        }

        @Override
        public void connectionLost(Throwable exc) {
            events.add("lost " + exc);
            lost.setResult(null);
        }
    }

    /** A stream whose reads block until {@link #release} opens (then EOF); counts close(). */
    static final class BlockingInput extends InputStream {
        final CountDownLatch release = new CountDownLatch(1);
        /** Completed when a read is under way. */
        final java.util.concurrent.CompletableFuture<Void> reading = new java.util.concurrent.CompletableFuture<>();
        volatile int closes;

        @Override
        public int read() {
            reading.complete(null);
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return -1;
        }

        @Override
        public void close() {
            closes++;
        }
    }

    @Test
    void cancellingConnectReadPipeWhileItConnectsClosesTheTransportAndReportsNothing(ExceptionRecorder errors) {
        BlockingInput in = new BlockingInput();
        Recorder protocol = new Recorder();
        try {
            Task<?> connecting = createTask(() -> Pipes.connectReadPipe(() -> protocol, in));
            sleep(0); // its first step ran: the transport exists and it waits for the connection
            connecting.cancel();
            while (!connecting.done()) {
                sleep(0);
            }
            assertThat(connecting.cancelled()).isTrue();
            try {
                waitFor(protocol.lost, 10.0); // asyncio closes the transport it gives up on
            } catch (TimeoutError e) {
                throw new AssertionError("the transport of a cancelled connectReadPipe stays open: " + protocol.events
                        + "; reported: " + errors.contexts(), e);
            }
            assertThat(protocol.events).containsExactly("made", "lost null");
            assertThat(errors.messages()).isEmpty();
        } finally {
            in.release.countDown();
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aSignalHandlerDoesNotTurnVirtualTimeIntoRealTime(VirtualClock clock) {
        Signals.addSignalHandler("USR1", () -> {});
        try {
            sleep(3600);
            assertThat(clock.time()).isGreaterThanOrEqualTo(3600.0);
        } finally {
            Signals.removeSignalHandler("USR1");
        }
    }

    /**
     * With a socket registered, virtual time follows the loop's real waits, and only them: a timer
     * started by the callbacks after a wait is not shortened by the real time they (or the wait
     * before them) took. The first version credited, at the next wait, everything since the
     * previous one began, so a timeout started after a slow step fired without any real wait.
     */
    @Test
    void aTimerStartedAfterAWaitIsNotShortenedByTheRealTimeBeforeIt() {
        VirtualClock clock = new VirtualClock();
        long second = 1_000_000_000L;
        clock.idleWait(Long.MAX_VALUE, false, true); // the loop waits for a socket, no timer due
        clock.waitEnded(); // data arrived
        long stepStart = System.nanoTime(); // the callbacks that follow take some real time
        while (System.nanoTime() == stepStart) {
            Thread.onSpinWait();
        }
        long deadline = clock.nanoTime() + 5 * second; // one of them starts a 5 s timeout
        assertThat(clock.idleWait(deadline, false, true)).as("the real wait the loop is told to do").isEqualTo(5 * second);
    }

    @Test
    void aSecondConnectReadPipeOnTheSameStreamDoesNotFreezeTheLoop() throws Exception {
        BlockingInput in = new BlockingInput();
        java.util.concurrent.atomic.AtomicBoolean frozen = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicBoolean over = new java.util.concurrent.atomic.AtomicBoolean();
        try {
            Recorder first = new Recorder();
            var c1 = Pipes.connectReadPipe(() -> first, in);
            wrapFuture(in.reading).await(); // its pump is blocked in read()
            c1.transport().close();
            first.lost.await();
            // Sees a pump thread blocked on the stream's monitor (the old pump, still in read(), holds
            // it; the loop waits in the new transport's constructor until the new pump gets it), then
            // lets the old read return. A pump that does not take the monitor is never BLOCKED: the
            // old one waits inside read(), the new one for the loop's demand.
            Thread watchdog = Thread.ofPlatform().daemon().start(() -> {
                while (!over.get()) {
                    for (Thread t : Thread.getAllStackTraces().keySet()) {
                        if (t.getName().equals("jasyncio-read-pipe") && t.getState() == Thread.State.BLOCKED) {
                            frozen.set(true);
                            in.release.countDown();
                            return;
                        }
                    }
                    Thread.onSpinWait();
                }
            });
            Recorder second = new Recorder();
            Pipes.connectReadPipe(() -> second, in);
            over.set(true);
            watchdog.join();
            assertThat(frozen).as("the new pump waited for the old pump's monitor, and the loop for the new pump").isFalse();
        } finally {
            over.set(true);
            in.release.countDown();
        }
    }
}
