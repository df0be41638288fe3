package io.jasyncio.examples;

import static io.jasyncio.Asyncio.*;

import io.jasyncio.EventLoop;
import java.io.PrintStream;
import java.math.BigInteger;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Section 13, threads and processes: CPU-bound work handed to a pool through {@code
 * runInExecutor}; prints {@code 333333283333335000000}.
 *
 * <pre>{@code
 * import concurrent.futures
 *
 * def cpu_bound(n):
 *     return sum(i * i for i in range(n))
 *
 * async def main():
 *     loop = asyncio.get_running_loop()
 *     with concurrent.futures.ProcessPoolExecutor() as pool:
 *         result = await loop.run_in_executor(pool, cpu_bound, 10_000_000)
 *         print(result)
 *
 * asyncio.run(main())
 * }</pre>
 *
 * <h2>The Java counterpart of ProcessPoolExecutor</h2>
 *
 * <p>CPython needs other processes for CPU-bound work because its global interpreter lock lets one
 * thread run Python code at a time: a thread pool would not compute in parallel. A JVM has no such
 * lock, so a plain fixed thread pool with one thread per processor ({@code
 * Executors.newFixedThreadPool(availableProcessors())}, also {@code ProcessPoolExecutor}'s default
 * size) computes on every core, without pickling arguments and results across processes. A separate
 * process is still the tool for isolation: code that may crash the VM, leak, or must be killed from
 * outside runs under {@link ProcessBuilder}, awaited with {@code toThread(process::waitFor)} or
 * {@code wrapFuture(process.onExit())}.
 */
public final class Section13Executors extends Example {

    /** The example, printing to {@code out}. */
    public Section13Executors(PrintStream out) {
        super(out);
    }

    /**
     * {@code def cpu_bound(n)}: the sum of {@code i * i} for {@code i} in {@code [0, n)}, exactly.
     *
     * <p>Python's integers do not overflow; a {@code long} sum does from n of about 3 million on
     * (10,000,000 gives 3.3e20, above 9.2e18). So the loop keeps the sum in 128 bits, two longs, and
     * stays the plain CPU-bound loop of the original (a BigInteger per step would mostly measure the
     * allocator). Exact for every {@code n} whose sum fits in 127 bits.
     */
    static BigInteger cpuBound(long n) {
        long high = 0;
        long low = 0;  // unsigned
        for (long i = 0; i < n; i++) {
            long squareLow = i * i;  // the low 64 bits of the square, read as unsigned
            long squareHigh = Math.multiplyHigh(i, i);
            long sum = low + squareLow;
            boolean carry = Long.compareUnsigned(sum, low) < 0;
            high += squareHigh + (carry ? 1 : 0);
            low = sum;
        }
        return BigInteger.valueOf(high).shiftLeft(64).add(new BigInteger(Long.toUnsignedString(low)));
    }

    /** {@code async def main()}. */
    void main() {
        EventLoop loop = getRunningLoop();
        // ProcessPoolExecutor() -> a thread per processor (see the class comment). Leaving the block
        // shuts the pool down and waits for it, as the Python's with-statement does; the job is
        // already done by then, so the loop is not held up.
        try (ExecutorService pool = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors())) {
            BigInteger result = await(loop.runInExecutor(pool, () -> cpuBound(10_000_000)));
            print(result);
        }
    }

    @Override
    public void program() {
        run(() -> main());
    }

    /** Runs the example on standard output. */
    public static void main(String[] args) {
        new Section13Executors(System.out).program();
    }
}
