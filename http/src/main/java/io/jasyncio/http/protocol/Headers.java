package io.jasyncio.http.protocol;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * An HTTP header (or trailer) section: a case-insensitive, multi-valued, insertion-ordered list of
 * fields. Names keep the spelling they were first written with; lookups ignore ASCII case.
 *
 * <p>Names must be tokens (RFC 9110 5.1) and values must not contain control characters other than
 * horizontal tab (so no CR, LF or NUL: a value can never inject a header line). {@link #add} and
 * {@link #set} refuse anything else with an {@link IllegalArgumentException} that names the problem.
 * Values are kept as given; the parser strips leading and trailing whitespace of received values.
 *
 * <p>Not thread-safe; a {@code Headers} normally lives on one loop thread. {@code equals} compares
 * the fields in order, names ignoring case and values exactly.
 *
 * <pre>{@code
 * Headers h = Headers.of("Host", "example.com", "Accept", "text/html");
 * h.add("Accept", "application/json");
 * h.getAll("accept");                          // [text/html, application/json]
 * h.containsToken("Connection", "close");     // false
 * }</pre>
 */
public final class Headers implements Iterable<Map.Entry<String, String>> {

    /*
     * Overview: two parallel arrays, allocated on the first add, grown by doubling. A header
     * section holds a few to a hundred fields, so lookups are linear scans with
     * String.equalsIgnoreCase (ASCII names; no hashing, no lower-cased copies).
     */

    private static final String[] NONE = new String[0];

    /** Field names, in insertion order; {@code names[i]} belongs to {@code values[i]}. */
    private String[] names = NONE;
    /** Field values, parallel to {@code names}. */
    private String[] values = NONE;
    /** Number of fields in use. */
    private int size;

    /** Creates an empty header list. */
    public Headers() {}

    /**
     * Creates a header list from name/value pairs, in order.
     *
     * @param nameValuePairs {@code name1, value1, name2, value2, ...}
     * @return the new list
     * @throws IllegalArgumentException if the number of arguments is odd or a name or value is invalid
     */
    public static Headers of(String... nameValuePairs) {
        if (nameValuePairs.length % 2 != 0) {
            throw new IllegalArgumentException(
                    "Headers.of needs name/value pairs, got an odd number of arguments ("
                            + nameValuePairs.length + ")");
        }
        Headers h = new Headers();
        for (int i = 0; i < nameValuePairs.length; i += 2) {
            h.add(nameValuePairs[i], nameValuePairs[i + 1]);
        }
        return h;
    }

    /**
     * Appends a field, after any existing fields of the same name.
     *
     * @param name a token (letters, digits and {@code !#$%&'*+-.^_`|~})
     * @param value the value; control characters other than HT are refused
     * @return this list
     * @throws IllegalArgumentException naming the bad name or value
     */
    public Headers add(String name, String value) {
        checkName(name);
        checkValue(name, value);
        addUnchecked(name, value);
        return this;
    }

    /**
     * Replaces all fields named {@code name} with one field holding {@code value}. The new field
     * takes the position of the first field it replaces, or goes last if there was none.
     *
     * @param name a token
     * @param value the value
     * @return this list
     * @throws IllegalArgumentException naming the bad name or value
     */
    public Headers set(String name, String value) {
        checkName(name);
        checkValue(name, value);
        int first = indexOf(name, 0);
        if (first < 0) {
            addUnchecked(name, value);
            return this;
        }
        values[first] = value;
        removeFrom(name, first + 1);
        return this;
    }

    /**
     * Removes every field named {@code name}.
     *
     * @param name the name, any case
     * @return whether anything was removed
     */
    public boolean remove(String name) {
        return removeFrom(name, 0);
    }

    /**
     * Returns the first value of {@code name}.
     *
     * @param name the name, any case
     * @return the first value, or {@code null} if there is no such field
     */
    public String get(String name) {
        int i = indexOf(name, 0);
        return i < 0 ? null : values[i];
    }

    /**
     * Returns every value of {@code name}, in order.
     *
     * @param name the name, any case
     * @return a new list, empty if there is no such field
     */
    public List<String> getAll(String name) {
        List<String> all = new ArrayList<>(2);
        for (int i = 0; i < size; i++) {
            if (names[i].equalsIgnoreCase(name)) {
                all.add(values[i]);
            }
        }
        return all;
    }

    /**
     * Whether a field named {@code name} is present.
     *
     * @param name the name, any case
     * @return true if at least one field has that name
     */
    public boolean contains(String name) {
        return indexOf(name, 0) >= 0;
    }

    /**
     * Whether {@code token} is an element of the comma-separated list formed by all fields named
     * {@code name}, ignoring case and whitespace around elements: {@code containsToken("Connection",
     * "upgrade")} is true for {@code Connection: keep-alive, Upgrade}.
     *
     * @param name the field name, any case
     * @param token the element to look for, any case
     * @return true if some field of that name lists the token
     */
    public boolean containsToken(String name, String token) {
        for (int i = 0; i < size; i++) {
            if (names[i].equalsIgnoreCase(name) && listContains(values[i], token)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The number of fields (a name with three values counts three).
     *
     * @return the field count
     */
    public int size() {
        return size;
    }

    /**
     * Whether there are no fields.
     *
     * @return true if empty
     */
    public boolean isEmpty() {
        return size == 0;
    }

    /**
     * The distinct field names, in order of first appearance, each spelled as first written.
     *
     * @return an unmodifiable set (its {@code contains} is case-sensitive: use {@link #contains})
     */
    public Set<String> names() {
        LinkedHashSet<String> set = new LinkedHashSet<>();
        outer:
        for (int i = 0; i < size; i++) {
            for (int j = 0; j < i; j++) {
                if (names[j].equalsIgnoreCase(names[i])) {
                    continue outer;
                }
            }
            set.add(names[i]);
        }
        return Collections.unmodifiableSet(set);
    }

    /**
     * The name of field {@code index} (0-based, in order): with {@link #value(int)}, a way to walk
     * the fields without allocating entries.
     *
     * @param index 0 to {@code size() - 1}
     * @return the name as written
     * @throws IndexOutOfBoundsException if out of range
     */
    public String name(int index) {
        checkIndex(index);
        return names[index];
    }

    /**
     * The value of field {@code index} (0-based, in order).
     *
     * @param index 0 to {@code size() - 1}
     * @return the value
     * @throws IndexOutOfBoundsException if out of range
     */
    public String value(int index) {
        checkIndex(index);
        return values[index];
    }

    /**
     * A copy that shares nothing with this list.
     *
     * @return the copy
     */
    public Headers copy() {
        Headers c = new Headers();
        if (size > 0) {
            c.names = Arrays.copyOf(names, size);
            c.values = Arrays.copyOf(values, size);
            c.size = size;
        }
        return c;
    }

    /**
     * Iterates over the fields in order as {@code name -> value} entries (the iterator does not
     * support {@code remove}).
     */
    @Override
    public Iterator<Map.Entry<String, String>> iterator() {
        return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < size;
            }

            @Override
            public Map.Entry<String, String> next() {
                if (next >= size) {
                    throw new NoSuchElementException();
                }
                Map.Entry<String, String> e = Map.entry(names[next], values[next]);
                next++;
                return e;
            }
        };
    }

    /** Equal if both hold the same fields in the same order (names ignoring case). */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Headers h) || h.size != size) {
            return false;
        }
        for (int i = 0; i < size; i++) {
            if (!names[i].equalsIgnoreCase(h.names[i]) || !values[i].equals(h.values[i])) {
                return false;
            }
        }
        return true;
    }

    /** A hash consistent with {@link #equals}: names hashed ignoring ASCII case. */
    @Override
    public int hashCode() {
        int h = 1;
        for (int i = 0; i < size; i++) {
            int nh = 0;
            String n = names[i];
            for (int k = 0; k < n.length(); k++) {
                nh = 31 * nh + Ascii.lower(n.charAt(k));
            }
            h = 31 * h + nh;
            h = 31 * h + values[i].hashCode();
        }
        return h;
    }

    /** The fields as {@code [Name: value, Name: value]}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < size; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(names[i]).append(": ").append(values[i]);
        }
        return sb.append(']').toString();
    }

    // ----------------------------------------------------------------------------------------
    // package-private: for the parser, which validated the bytes already

    void addUnchecked(String name, String value) {
        if (size == names.length) {
            int n = size == 0 ? 8 : size * 2;
            names = Arrays.copyOf(names, n);
            values = Arrays.copyOf(values, n);
        }
        names[size] = name;
        values[size] = value;
        size++;
    }

    // ----------------------------------------------------------------------------------------

    private void checkIndex(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("header index " + index + " out of range 0.." + (size - 1));
        }
    }

    private int indexOf(String name, int from) {
        for (int i = from; i < size; i++) {
            if (names[i].equalsIgnoreCase(name)) {
                return i;
            }
        }
        return -1;
    }

    private boolean removeFrom(String name, int from) {
        int w = from;
        for (int r = from; r < size; r++) {
            if (!names[r].equalsIgnoreCase(name)) {
                names[w] = names[r];
                values[w] = values[r];
                w++;
            }
        }
        boolean removed = w != size;
        for (int i = w; i < size; i++) {
            names[i] = null;
            values[i] = null;
        }
        size = w;
        return removed;
    }

    /** Whether the comma-separated list {@code list} has an element equal to {@code token}, ignoring case. */
    static boolean listContains(String list, String token) {
        if (token.isEmpty()) {
            return false; // empty list elements do not count (RFC 9110 5.6.1)
        }
        int n = list.length();
        int i = 0;
        while (i < n) {
            int start = i;
            int comma = list.indexOf(',', i);
            int end = comma < 0 ? n : comma;
            i = end + 1;
            while (start < end && Ascii.isWhitespace(list.charAt(start))) {
                start++;
            }
            while (end > start && Ascii.isWhitespace(list.charAt(end - 1))) {
                end--;
            }
            if (end - start == token.length() && list.regionMatches(true, start, token, 0, token.length())) {
                return true;
            }
        }
        return false;
    }

    static void checkName(String name) {
        if (name == null) {
            throw new IllegalArgumentException("header name is null");
        }
        if (name.isEmpty()) {
            throw new IllegalArgumentException("header name is empty");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!Ascii.isToken(c)) {
                throw new IllegalArgumentException("header name " + Ascii.quote(name)
                        + " has an invalid character " + Ascii.describe(c) + " at index " + i
                        + " (names must be tokens)");
            }
        }
    }

    static void checkValue(String name, String value) {
        if (value == null) {
            throw new IllegalArgumentException("value of header " + name + " is null");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                throw new IllegalArgumentException("value of header " + name + " has a control character "
                        + Ascii.describe(c) + " at index " + i
                        + " (CR, LF, NUL and other controls except tab are not allowed)");
            }
        }
    }
}
