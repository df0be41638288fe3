package io.jasyncio.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs an {@link AsyncioExtension} test (or every test of a class) on the system clock instead of a
 * {@link VirtualClock}: for the few tests that must cross real time, such as real threads that
 * sleep.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface RealTime {}
