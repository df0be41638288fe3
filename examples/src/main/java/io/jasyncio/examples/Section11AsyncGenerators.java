package io.jasyncio.examples;

import static io.jasyncio.Asyncio.*;

import io.jasyncio.AsyncGenerator;
import io.jasyncio.AsyncIterable;
import io.jasyncio.AsyncIterator;
import io.jasyncio.StopAsyncIteration;
import io.jasyncio.Yielder;
import java.io.PrintStream;
import java.util.List;

/**
 * Section 11, async iterators and generators: values that arrive asynchronously, consumed with
 * {@code async for}.
 *
 * <pre>{@code
 * async def counter(start, stop):
 *     for i in range(start, stop):
 *         await asyncio.sleep(0.1)
 *         yield i
 *
 * async def main():
 *     async for value in counter(0, 5):
 *         print(value)
 *
 * asyncio.run(main())
 * }</pre>
 *
 * <p>An async generator is {@link AsyncGenerator#of} with a body that calls {@code out.yield(i)};
 * {@code async for} is an enhanced {@code for} inside a task, whose {@code hasNext()} runs the body
 * to its next yield, suspending the task while the body sleeps. The class form with
 * {@code __aiter__}/{@code __anext__} is {@link AsyncIterable}/{@link AsyncIterator}
 * ({@link Ticker}).
 *
 * <p>What Python cannot do: {@code yield} from any depth of the body's call stack.
 * {@link #walk} yields every file of a directory tree from a recursive helper; in Python each level
 * would be its own async generator re-yielding its child's values ({@code async for ... yield}).
 */
public final class Section11AsyncGenerators extends Example {

    /** The example, printing to {@code out}. */
    public Section11AsyncGenerators(PrintStream out) {
        super(out);
    }

    /** {@code async def counter(start, stop)}. */
    static AsyncGenerator<Integer> counter(int start, int stop) {
        return AsyncGenerator.of(out -> {
            for (int i = start; i < stop; i++) {
                sleep(0.1);
                out.yield(i);
            }
        });
    }

    /** {@code async def main()}. */
    void main() {
        for (int value : counter(0, 5)) {
            print(value);
        }
    }

    /** The class form: {@code __aiter__} returns the iterator, {@code __anext__} may suspend. */
    static final class Ticker implements AsyncIterable<Integer>, AsyncIterator<Integer> {
        private final int stop;
        private int i;

        Ticker(int stop) {
            this.stop = stop;
        }

        @Override
        public AsyncIterator<Integer> aiter() {
            return this;
        }

        @Override
        public Integer anext() {
            if (i >= stop) {
                throw new StopAsyncIteration();
            }
            sleep(0.1);
            return i++;
        }
    }

    /** A directory tree whose listing takes time (a remote store, say). */
    record Dir(String name, List<String> files, List<Dir> dirs) {}

    /** Every file under {@code root}: one generator, however deep the tree. */
    static AsyncGenerator<String> walk(Dir root) {
        return AsyncGenerator.of(out -> visit(root, root.name(), out));
    }

    private static void visit(Dir dir, String path, Yielder<String> out) {
        sleep(0.1); // listing the directory suspends
        for (String f : dir.files()) {
            out.yield(path + "/" + f); // yields to walk()'s consumer from any depth
        }
        for (Dir d : dir.dirs()) {
            visit(d, path + "/" + d.name(), out);
        }
    }

    /** The recursive walk, consumed like any async generator. */
    void mainWithWalk() {
        Dir tree = new Dir("data", List.of("a.csv"),
                List.of(new Dir("2025", List.of("jan.csv", "feb.csv"), List.of(new Dir("raw", List.of("x.bin"), List.of())))));
        try (var files = walk(tree)) {
            for (String f : files) {
                print(f);
            }
        }
    }

    @Override
    public void program() {
        run(() -> main());
    }

    /** Runs the example on standard output. */
    public static void main(String[] args) {
        new Section11AsyncGenerators(System.out).program();
    }
}
