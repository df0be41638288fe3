package io.jasyncio;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * Python's implicit exception context, in Java: when an exit raises while another exception is in
 * flight, the new exception propagates and remembers the old one.
 *
 * <p>Python sets {@code new.__context__ = old}. Java has no such slot; the nearest is the list of
 * suppressed exceptions, which Java itself fills for the opposite case (a failing
 * {@code close()} under a failing try-with-resources block), and which stack traces print. So the
 * old exception is added as suppressed to the new one, unless that would record it twice or make
 * a cycle:
 * <ul>
 *   <li>the new exception is the old one (an exit rethrew what it received);</li>
 *   <li>the old one is already reachable from the new one through causes and suppressed exceptions
 *       ({@code raise New() from old}, or an exit that attached it itself; bpo-20317);</li>
 *   <li>the new one is reachable from the old one (adding would close a cycle).</li>
 * </ul>
 * An exception created with suppression disabled ({@link Throwable#Throwable(String, Throwable,
 * boolean, boolean)}) ignores the addition: Python's explicit {@code __context__ = None}.
 */
final class ExceptionChaining {
    private ExceptionChaining() {}

    /** Records {@code old} (may be null) as the context of {@code raised}; see the class comment. */
    static void setContext(Throwable raised, Throwable old) {
        if (old == null || raised == old || reaches(raised, old) || reaches(old, raised)) {
            return;
        }
        raised.addSuppressed(old);
    }

    /** Whether {@code target} is {@code from} or reachable from it through causes and suppressed exceptions. */
    private static boolean reaches(Throwable from, Throwable target) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        ArrayDeque<Throwable> todo = new ArrayDeque<>();
        todo.push(from);
        while (!todo.isEmpty()) {
            Throwable t = todo.pop();
            if (t == target) {
                return true;
            }
            if (!seen.add(t)) {
                continue;
            }
            if (t.getCause() != null) {
                todo.push(t.getCause());
            }
            for (Throwable s : t.getSuppressed()) {
                todo.push(s);
            }
        }
        return false;
    }
}
