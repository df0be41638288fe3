package io.jasyncio.testing;

/**
 * A numbered script for asserting interleavings, after kotlinx.coroutines' {@code expect(n)} /
 * {@code finish(n)}: each point of the test declares which step it is, and a wrong order fails at
 * the exact step.
 *
 * <pre>{@code
 * Steps steps = new Steps();
 * steps.expect(1);
 * Task<?> t = createTask(() -> steps.expect(3));
 * steps.expect(2);
 * sleep(0);
 * steps.finish(4);
 * }</pre>
 */
public final class Steps {
    private int last;
    private boolean finished;

    /** Declares that step {@code n} runs now: it must come right after step {@code n - 1}. */
    public void expect(int n) {
        if (finished) {
            throw new AssertionError("step " + n + " ran after finish(" + last + ")");
        }
        if (n != last + 1) {
            throw new AssertionError("expected step " + (last + 1) + " but step " + n + " ran");
        }
        last = n;
    }

    /** Declares the last step; any later {@link #expect} fails. */
    public void finish(int n) {
        expect(n);
        finished = true;
    }

    /** Fails if {@link #finish} was not reached. */
    public void assertFinished() {
        if (!finished) {
            throw new AssertionError("the script stopped at step " + last + " without finish()");
        }
    }

    /** The last step reached. */
    public int last() {
        return last;
    }
}
