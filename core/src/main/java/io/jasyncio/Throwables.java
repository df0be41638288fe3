package io.jasyncio;

/** Rethrowing the very exception object a coroutine raised, checked or not. */
final class Throwables {
    private Throwables() {}

    /**
     * Throws {@code e} without wrapping it, whatever its type; declared to return so callers can
     * write {@code throw sneaky(e)}. See docs/adr/0003-checked-exceptions.md.
     */
    @SuppressWarnings("unchecked")
    static <E extends Throwable> RuntimeException sneaky(Throwable e) throws E {
        throw (E) e;
    }
}
