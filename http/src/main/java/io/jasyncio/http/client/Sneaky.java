package io.jasyncio.http.client;

/** docs/adr/0003-checked-exceptions.md: rethrow a checked exception unchanged. */
final class Sneaky {
    private Sneaky() {}

    @SuppressWarnings("unchecked")
    static <E extends Throwable> RuntimeException sneaky(Throwable e) throws E {
        throw (E) e;
    }
}
