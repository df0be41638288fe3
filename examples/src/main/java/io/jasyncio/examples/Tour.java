package io.jasyncio.examples;

import io.jasyncio.examples.Section.Planned;
import io.jasyncio.examples.Section.Ported;
import java.io.PrintStream;
import java.util.List;

/**
 * The launcher's entry point: {@code ./jasyncio tour} runs every ported seed example in section
 * order, each under a heading; {@code ./jasyncio example N} runs section N alone and prints exactly
 * the lines its Python original prints (no heading).
 *
 * <p>Exit codes: 0 when the example(s) ran; 2 for a usage error (an argument that is not a section
 * number 1..15, or more than one); 3 for a section not ported yet (the message on standard error
 * names the issue that brings it). An example that fails throws, and the JVM exits with 1.
 */
public final class Tour {
    private Tour() {}

    /** Exit code: the example(s) ran. */
    static final int OK = 0;
    /** Exit code: the arguments are not one section number in 1..15, or none. */
    static final int USAGE = 2;
    /** Exit code: the section exists in the seed but is not ported yet. */
    static final int NOT_PORTED = 3;

    /**
     * The seed's table of contents: every section, in order. Porting a section turns its {@code
     * Planned} line into a {@code Ported} line; nothing else in the tour changes.
     */
    static final List<Section> SECTIONS = List.of(
            new Ported(1, "The Event Loop: Orchestrating Concurrency", Section01EventLoop::new),
            new Ported(2, "Coroutines: The Building Blocks", Section02Coroutines::new),
            new Ported(3, "Tasks: Running Coroutines Concurrently", Section03Tasks::new),
            new Ported(4, "Futures: The Bridge Between Callbacks and Async/Await", Section04Futures::new),
            new Ported(5, "Running Blocking Code in Asyncio", Section05BlockingCode::new),
            new Ported(6, "Synchronization: Locks, Events, Semaphores", Section06Synchronization::new),
            new Ported(7, "Asyncio Queues: Efficient Work Distribution", Section07Queues::new),
            new Ported(8, "Timeouts and Task Cancellation", Section08Timeouts::new),
            new Ported(9, "Exception Handling in Asyncio", Section09ExceptionHandling::new),
            new Ported(10, "Async Context Managers", Section10AsyncContextManagers::new),
            new Ported(11, "Async Iterators and Generators", Section11AsyncGenerators::new),
            new Ported(12, "Debugging and Profiling", Section12Debugging::new),
            new Ported(13, "Combining Asyncio with Threads/Processes", Section13Executors::new),
            new Ported(14, "Real-World Pattern: Async Web Scraper with Rate Limiting", Section14WebScraper::new),
            new Ported(15, "Performance Do's and Don'ts", Section15Performance::new));

    /** Runs the tour (no argument) or section N (one argument), and exits with the code of {@link #run}. */
    public static void main(String[] args) {
        int code = run(args, SECTIONS, System.out, System.err);
        if (code != OK) {
            System.exit(code);
        }
    }

    /**
     * Does what {@link #main} does, on the given table and streams, and returns the exit code
     * instead of exiting (so that tests can call it).
     */
    static int run(String[] args, List<Section> sections, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            tour(sections, out);
            return OK;
        }
        Section section = args.length == 1 ? find(sections, args[0]) : null;
        if (section == null) {
            if (args.length == 1) {
                err.println("jasyncio: '" + args[0] + "' is not a section of the seed: sections are numbered 1.."
                        + sections.size());
            }
            err.println("usage: ./jasyncio example N   (N = 1.." + sections.size() + "; ./jasyncio tour runs them all)");
            return USAGE;
        }
        return switch (section) {
            case Ported p -> {
                p.example().apply(out).program();
                yield OK;
            }
            case Planned p -> {
                err.println("jasyncio: section " + p.number() + " (" + p.title() + ") is not ported yet:"
                        + " issue " + p.issue() + " brings it. Ported so far: " + ported(sections) + ".");
                yield NOT_PORTED;
            }
        };
    }

    /** Every ported section under its heading, a blank line between two, then what is still to come. */
    private static void tour(List<Section> sections, PrintStream out) {
        boolean first = true;
        for (Section s : sections) {
            if (s instanceof Ported p) {
                if (!first) {
                    out.println();
                }
                first = false;
                out.println(p.heading());
                p.example().apply(out).program();
            }
        }
        List<Section> planned = sections.stream().filter(s -> s instanceof Planned).toList();
        if (!planned.isEmpty()) {
            out.println();
            out.println("Not ported yet: sections " + numbers(planned) + " (./jasyncio example N says which issue brings each).");
        }
    }

    /** The section numbered {@code arg}, or null when {@code arg} is not a number in the table. */
    private static Section find(List<Section> sections, String arg) {
        int n;
        try {
            n = Integer.parseInt(arg.trim());
        } catch (NumberFormatException e) {
            return null;
        }
        return sections.stream().filter(s -> s.number() == n).findFirst().orElse(null);
    }

    private static String ported(List<Section> sections) {
        return numbers(sections.stream().filter(s -> s instanceof Ported).toList());
    }

    private static String numbers(List<Section> sections) {
        return String.join(", ", sections.stream().map(s -> String.valueOf(s.number())).toList());
    }
}
