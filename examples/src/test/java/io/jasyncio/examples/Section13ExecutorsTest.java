package io.jasyncio.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.jasyncio.testing.AsyncioExtension;
import io.jasyncio.testing.VirtualClock;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

class Section13ExecutorsTest {

    /*
     * cpu_bound runs on a pool thread; while it is in flight the virtual clock keeps still, so the
     * line is printed at virtual time 0 however long the sum really takes.
     */
    @Test
    @ExtendWith(AsyncioExtension.class)
    void printsTheExactSumComputedOnThePool(VirtualClock clock) {
        TimedOutput out = new TimedOutput(clock::time);

        new Section13Executors(out.stream()).main();

        assertThat(out.transcript()).containsExactly("[0.000] 333333283333335000000");
    }

    @Test
    void cpuBoundIsExactPastTheRangeOfALong() {
        assertThat(Section13Executors.cpuBound(10_000_000)).isEqualTo(new BigInteger("333333283333335000000"));
        // 3,100,000 squares already sum past Long.MAX_VALUE, 4,000,000 past 2^64 (a carry into the high word).
        for (long n : new long[] {0, 1, 2, 3, 1_000, 3_000_000, 3_100_000, 4_000_000}) {
            assertThat(Section13Executors.cpuBound(n)).as("n = %d", n).isEqualTo(sumOfSquaresBelow(n));
        }
    }

    /** 0² + 1² + ... + (n-1)² = (n-1) n (2n-1) / 6. */
    private static BigInteger sumOfSquaresBelow(long n) {
        if (n == 0) {
            return BigInteger.ZERO;
        }
        BigInteger big = BigInteger.valueOf(n);
        return big.subtract(BigInteger.ONE).multiply(big).multiply(big.shiftLeft(1).subtract(BigInteger.ONE))
                .divide(BigInteger.valueOf(6));
    }
}
