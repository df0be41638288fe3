package io.jasyncio.examples;

import java.math.BigDecimal;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Python's {@code str()} and {@code repr()} for the Java values the examples print, so that a port
 * prints exactly the line its Python original prints: Java's {@code List.toString()} gives {@code
 * [Result from A, Result from B]} where Python prints {@code ['Result from A', 'Result from B']}.
 *
 * <p>Covers what the seed's examples print: {@code None}, booleans, strings, integers, floats,
 * lists, sets, dicts and exceptions. Anything else is shown by its {@code toString()}, which for
 * jasyncio's tasks and futures is already asyncio's repr.
 */
final class PythonFormat {
    private PythonFormat() {}

    /** Python's {@code str(value)}: strings as they are, an exception as its message, anything else as {@link #repr}. */
    static String str(Object value) {
        if (value instanceof String s) {
            return s;
        }
        if (value instanceof Throwable e) {
            // str(ValueError("Bad number 2")) is the message alone.
            return e.getMessage() == null ? "" : e.getMessage();
        }
        return repr(value);
    }

    /** Python's {@code repr(value)}. */
    static String repr(Object value) {
        return switch (value) {
            case null -> "None";
            case Boolean b -> b ? "True" : "False";
            case String s -> quote(s);
            case Double d -> floatRepr(d);
            case Float f -> floatRepr(f.doubleValue());
            case List<?> list -> join("[", list, "]");
            case Set<?> set -> set.isEmpty() ? "set()" : join("{", set, "}");
            case Map<?, ?> map -> dict(map);
            case Throwable e -> e.getClass().getSimpleName() + "(" + (e.getMessage() == null ? "" : quote(e.getMessage())) + ")";
            default -> String.valueOf(value);
        };
    }

    private static String join(String open, Collection<?> items, String close) {
        StringBuilder b = new StringBuilder(open);
        for (Iterator<?> it = items.iterator(); it.hasNext(); ) {
            b.append(repr(it.next()));
            if (it.hasNext()) {
                b.append(", ");
            }
        }
        return b.append(close).toString();
    }

    private static String dict(Map<?, ?> map) {
        StringBuilder b = new StringBuilder("{");
        for (Iterator<? extends Map.Entry<?, ?>> it = map.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<?, ?> e = it.next();
            b.append(repr(e.getKey())).append(": ").append(repr(e.getValue()));
            if (it.hasNext()) {
                b.append(", ");
            }
        }
        return b.append('}').toString();
    }

    /** A string literal as Python writes it: single quotes unless the text has one and no double quote. */
    private static String quote(String s) {
        char q = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
        StringBuilder b = new StringBuilder(s.length() + 2).append(q);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c == q) {
                        b.append('\\').append(c);
                    } else if (c < 0x20 || c == 0x7f) {
                        b.append(String.format("\\x%02x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append(q).toString();
    }

    /**
     * A float as Python's repr writes it. Both languages pick the shortest digits that read back as
     * the same double (Java since JDK 19); they differ in layout: Python writes {@code 2.0} and
     * {@code 1e-05} where Java writes {@code 2.0} and {@code 1.0E-5}, and switches to an exponent
     * below 1e-4 and from 1e16 on.
     */
    private static String floatRepr(double d) {
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        if (d == 0) {
            return 1 / d < 0 ? "-0.0" : "0.0";
        }
        String sign = d < 0 ? "-" : "";
        BigDecimal exact = new BigDecimal(Double.toString(Math.abs(d))).stripTrailingZeros();
        String digits = exact.unscaledValue().toString();
        int exponent = digits.length() - 1 - exact.scale();
        if (exponent >= -4 && exponent < 16) {
            String plain = exact.toPlainString();
            return sign + (plain.contains(".") ? plain : plain + ".0");
        }
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + String.format("%02d", Math.abs(exponent));
    }
}
