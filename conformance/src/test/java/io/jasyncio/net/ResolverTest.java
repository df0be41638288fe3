package io.jasyncio.net;

import static io.jasyncio.Asyncio.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jasyncio.testing.AsyncioExtension;
import io.jasyncio.testing.RealTime;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** asyncio's loop.getaddrinfo / getnameinfo: off the loop thread, with the IP-literal shortcut. */
@ExtendWith(AsyncioExtension.class)
@RealTime
class ResolverTest {

    /** A task that records whether it got a step: proof that the caller suspended meanwhile. */
    private static AtomicBoolean bystander() {
        AtomicBoolean ran = new AtomicBoolean();
        createTask(() -> ran.set(true));
        return ran;
    }

    @Test
    void anIpLiteralIsParsedWithoutALookupAndWithoutSuspending() throws Exception {
        AtomicBoolean ran = bystander();
        List<InetSocketAddress> v4 = Net.getaddrinfo("127.0.0.1", 8080);
        List<InetSocketAddress> v6 = Net.getaddrinfo("::1", 8080);
        assertThat(ran).isFalse();
        assertThat(v4).containsExactly(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 8080));
        assertThat(v6).containsExactly(new InetSocketAddress(InetAddress.getByName("::1"), 8080));
    }

    @Test
    void aNameIsResolvedOffTheLoopThreadWhileOtherTasksRun() throws Exception {
        AtomicBoolean ran = bystander();
        List<InetSocketAddress> all = Net.getaddrinfo("localhost", 443);
        assertThat(ran).isTrue();
        assertThat(all).isNotEmpty().allSatisfy(a -> {
            assertThat(a.getAddress().isLoopbackAddress()).isTrue();
            assertThat(a.getPort()).isEqualTo(443);
        });
    }

    @Test
    void aFamilyKeepsOnlyItsAddresses() throws Exception {
        assertThat(Net.getaddrinfo("localhost", 1, StandardProtocolFamily.INET))
                .isNotEmpty().allSatisfy(a -> assertThat(a.getAddress()).isInstanceOf(Inet4Address.class));
        assertThatThrownBy(() -> Net.getaddrinfo("127.0.0.1", 1, StandardProtocolFamily.INET6))
                .isInstanceOf(UnknownHostException.class).hasMessageContaining("no INET6 address");
    }

    @Test
    void badArgumentsAreNamed() {
        assertThatThrownBy(() -> Net.getaddrinfo("localhost", 65536)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("port out of range: 65536");
        assertThatThrownBy(() -> Net.getaddrinfo("localhost", 1, StandardProtocolFamily.UNIX))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("UNIX");
        assertThatThrownBy(() -> Net.getnameinfo(InetSocketAddress.createUnresolved("example.org", 80)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unresolved");
    }

    @Test
    void anUnknownNameRaisesUnknownHostException() {
        assertThatThrownBy(() -> Net.getaddrinfo("no-such-host.invalid", 80)).isInstanceOf(UnknownHostException.class);
    }

    @Test
    void getnameinfoGivesTheHostAndTheNumericPort() throws Exception {
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 8080);
        AtomicBoolean ran = bystander();
        Net.NameInfo info = Net.getnameinfo(loopback);
        assertThat(ran).isTrue();
        assertThat(info.service()).isEqualTo("8080");
        assertThat(info.host()).isNotBlank();
        assertThat(Net.getaddrinfo(info.host(), 1)).anySatisfy(a -> assertThat(a.getAddress().isLoopbackAddress()).isTrue());
    }

    @Test
    void namesThatLookLikeNumbersAreNotTakenForLiterals() {
        assertThat(Net.isIpLiteral("1.2.3.4")).isTrue();
        assertThat(Net.isIpLiteral("::1")).isTrue();
        assertThat(Net.isIpLiteral("fe80::1%lo")).isTrue();
        assertThat(Net.isIpLiteral("cafe")).isFalse(); // all hex digits, yet a host name
        assertThat(Net.isIpLiteral("1.2.3")).isFalse();
        assertThat(Net.isIpLiteral("1.2.3.400")).isFalse();
        assertThat(Net.isIpLiteral("1.2.3.4.example")).isFalse();
        assertThat(Net.isIpLiteral("1..2.3")).isFalse();
    }
}
