package io.jasyncio.examples;

import static io.jasyncio.examples.PythonFormat.repr;
import static io.jasyncio.examples.PythonFormat.str;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Expected strings are what CPython 3.13 prints for the same values. */
class PythonFormatTest {

    @Test
    void strLeavesStringsAloneAndShowsAnExceptionAsItsMessage() {
        assertThat(str("Done!")).isEqualTo("Done!");
        assertThat(str(new IllegalArgumentException("Bad number 2"))).isEqualTo("Bad number 2");
        assertThat(str(3)).isEqualTo("3");
        assertThat(str(null)).isEqualTo("None");
    }

    @Test
    void collectionsShowTheirElementsRepr() {
        assertThat(str(List.of("Result from A", "Result from B"))).isEqualTo("['Result from A', 'Result from B']");
        Map<String, Object> dict = new LinkedHashMap<>();
        dict.put("data", "sample");
        dict.put("n", Arrays.asList(1, null, true, false));
        assertThat(str(dict)).isEqualTo("{'data': 'sample', 'n': [1, None, True, False]}");
        assertThat(repr(Set.of())).isEqualTo("set()");
        assertThat(repr(Set.of(1))).isEqualTo("{1}");
    }

    @Test
    void stringsAreQuotedAndEscapedAsPythonDoes() {
        assertThat(repr(List.of("it's", "say \"hi\"", "both ' \"", "tab\there\n", "back\\slash", "\u0001")))
                .isEqualTo("[\"it's\", 'say \"hi\"', 'both \\' \"', 'tab\\there\\n', 'back\\\\slash', '\\x01']");
    }

    @Test
    void floatsUsePythonsLayout() {
        assertThat(Arrays.stream(new double[] {2.0, 0.5, 1e16, 1e-5, 0.0001, 123456789012345678.0, 1.5e300, -0.0,
                0.1 + 0.2, 1e15, 12345.678, -2.5e-7, Double.POSITIVE_INFINITY, Double.NaN}).mapToObj(PythonFormat::repr))
                .containsExactly("2.0", "0.5", "1e+16", "1e-05", "0.0001", "1.2345678901234568e+17", "1.5e+300", "-0.0",
                        "0.30000000000000004", "1000000000000000.0", "12345.678", "-2.5e-07", "inf", "nan");
    }

    @Test
    void exceptionsReprAsTheirConstructorCall() {
        assertThat(repr(new IllegalArgumentException("Bad number 2"))).isEqualTo("IllegalArgumentException('Bad number 2')");
        assertThat(repr(new IllegalStateException())).isEqualTo("IllegalStateException()");
    }
}
