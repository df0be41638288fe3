package io.jasyncio.http.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HeadersTest {

    @Test
    void caseInsensitiveMultiValuedInOrder() {
        Headers h = Headers.of("Host", "a", "Accept", "text/html");
        h.add("ACCEPT", "application/json").add("X-Y", "1");
        assertThat(h.size()).isEqualTo(4);
        assertThat(h.get("accept")).isEqualTo("text/html");
        assertThat(h.getAll("Accept")).containsExactly("text/html", "application/json");
        assertThat(h.getAll("missing")).isEmpty();
        assertThat(h.get("missing")).isNull();
        assertThat(h.contains("x-y")).isTrue();
        assertThat(h.names()).containsExactly("Host", "Accept", "X-Y");
        List<String> seen = new ArrayList<>();
        for (Map.Entry<String, String> e : h) {
            seen.add(e.getKey() + "=" + e.getValue());
        }
        assertThat(seen).containsExactly("Host=a", "Accept=text/html", "ACCEPT=application/json", "X-Y=1");
        assertThat(h.name(2)).isEqualTo("ACCEPT");
        assertThat(h.value(2)).isEqualTo("application/json");
        assertThatThrownBy(() -> h.name(4)).isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessage("header index 4 out of range 0..3");
        assertThat(h).hasToString("[Host: a, Accept: text/html, ACCEPT: application/json, X-Y: 1]");
    }

    @Test
    void setReplacesAllInPlaceOfTheFirst() {
        Headers h = Headers.of("A", "1", "B", "2", "a", "3", "C", "4");
        h.set("a", "new");
        assertThat(h).isEqualTo(Headers.of("A", "new", "B", "2", "C", "4"));
        h.set("D", "5");
        assertThat(h.name(3)).isEqualTo("D");
        assertThat(h.remove("b")).isTrue();
        assertThat(h.remove("b")).isFalse();
        assertThat(h).isEqualTo(Headers.of("A", "new", "C", "4", "D", "5"));
    }

    @Test
    void containsTokenReadsCommaSeparatedLists() {
        Headers h = Headers.of("Connection", "keep-alive, Upgrade", "Connection", " close ,");
        assertThat(h.containsToken("connection", "upgrade")).isTrue();
        assertThat(h.containsToken("Connection", "close")).isTrue();
        assertThat(h.containsToken("Connection", "keep")).isFalse();
        assertThat(h.containsToken("Connection", "")).as("empty elements do not count").isFalse();
        assertThat(h.containsToken("Other", "close")).isFalse();
    }

    @Test
    void copyAndEquality() {
        Headers h = Headers.of("A", "1");
        Headers c = h.copy();
        c.add("B", "2");
        assertThat(h.size()).isEqualTo(1);
        assertThat(Headers.of("a", "1")).isEqualTo(h).hasSameHashCodeAs(h);
        assertThat(Headers.of("A", "1 ")).isNotEqualTo(h);
        assertThat(new Headers().copy()).isEqualTo(new Headers());
        assertThat(new Headers().isEmpty()).isTrue();
    }

    @Test
    void invalidNamesAndValuesAreRefusedByName() {
        Headers h = new Headers();
        assertThatThrownBy(() -> h.add("Bad Name", "x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("header name \"Bad Name\" has an invalid character space at index 3 (names must be tokens)");
        assertThatThrownBy(() -> h.add("X:", "x")).hasMessageContaining("invalid character ':'");
        assertThatThrownBy(() -> h.add("", "x")).hasMessage("header name is empty");
        assertThatThrownBy(() -> h.add(null, "x")).hasMessage("header name is null");
        assertThatThrownBy(() -> h.add("Caf\u00e9", "x")).hasMessageContaining("invalid character 0xe9");
        assertThatThrownBy(() -> h.add("X", "a\r\nInjected: yes")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("value of header X has a control character 0x0d at index 1"
                        + " (CR, LF, NUL and other controls except tab are not allowed)");
        assertThatThrownBy(() -> h.set("X", "a\nb")).hasMessageContaining("0x0a at index 1");
        assertThatThrownBy(() -> h.add("X", "\u0000")).hasMessageContaining("0x00");
        assertThatThrownBy(() -> h.add("X", null)).hasMessage("value of header X is null");
        assertThatThrownBy(() -> Headers.of("A")).hasMessageContaining("odd number of arguments (1)");
        h.add("X", "tab\tand caf\u00e9 \u20ac");
        assertThat(h.get("x")).isEqualTo("tab\tand caf\u00e9 \u20ac");
        assertThat(h.size()).isEqualTo(1);
    }
}
