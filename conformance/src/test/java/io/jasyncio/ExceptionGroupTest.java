package io.jasyncio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * ExceptionGroup, the stand-in for Python's except*: construction, split and subgroup by type and
 * by predicate with the nesting kept, leaves, contains. Semantics checked against CPython 3.13's
 * BaseExceptionGroup (split/subgroup/derive).
 */
class ExceptionGroupTest {

    private static final IllegalArgumentException V1 = new IllegalArgumentException("v1");
    private static final IllegalStateException T2 = new IllegalStateException("t2");
    private static final IllegalArgumentException V3 = new IllegalArgumentException("v3");

    /** ExceptionGroup('outer', [V1, ExceptionGroup('inner', [T2, V3])]) */
    private static ExceptionGroup nested() {
        return new ExceptionGroup("outer", List.of(V1, new ExceptionGroup("inner", List.of(T2, V3))));
    }

    /** Python's repr, to compare whole structures. */
    private static String shape(Throwable t) {
        if (t == null) {
            return "null";
        }
        if (t instanceof ExceptionGroup g) {
            List<String> parts = new ArrayList<>();
            for (Throwable m : g.exceptions()) {
                parts.add(shape(m));
            }
            return g.message() + parts;
        }
        return t.getMessage();
    }

    // ---- construction ----

    @Test
    void anEmptyListIsRejected() {
        assertThatThrownBy(() -> new ExceptionGroup("none", List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aNullMemberIsRejected() {
        assertThatThrownBy(() -> new ExceptionGroup("null", Arrays.asList(V1, null)))
                .isInstanceOf(NullPointerException.class);
    }

    @Test
    void theMessageCountsTheMembersAsPythonsStrDoes() {
        assertThat(new ExceptionGroup("one", List.of(V1)).getMessage()).isEqualTo("one (1 sub-exception)");
        ExceptionGroup g = nested();
        assertThat(g.getMessage()).isEqualTo("outer (2 sub-exceptions)");
        assertThat(g.message()).isEqualTo("outer");
    }

    @Test
    void theMembersAreACopyInOrderAndCannotBeModified() {
        List<Throwable> members = new ArrayList<>(List.of(V1, T2));
        ExceptionGroup g = new ExceptionGroup("g", members);
        members.add(V3);
        assertThat(g.exceptions()).containsExactly(V1, T2);
        assertThatThrownBy(() -> g.exceptions().add(V3)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void everyMemberShowsUpInTheStackTraceAsCauseOrSuppressed() {
        ExceptionGroup g = new ExceptionGroup("g", List.of(V1, T2, V3));
        List<Throwable> shown = new ArrayList<>();
        shown.add(g.getCause());
        shown.addAll(List.of(g.getSuppressed()));
        assertThat(shown).containsExactly(V1, T2, V3);
    }

    @Test
    void anExceptionGroupIsUncheckedSoItCrossesCoroutineLambdas() {
        assertThat(RuntimeException.class).isAssignableFrom(ExceptionGroup.class);
    }

    // ---- leaves and contains ----

    @Test
    void leavesFlattensNestedGroupsDepthFirst() {
        ExceptionGroup deep = new ExceptionGroup("a", List.of(
                new ExceptionGroup("b", List.of(new ExceptionGroup("c", List.of(T2)), V1)), V3));
        assertThat(deep.leaves()).containsExactly(T2, V1, V3);
        assertThat(nested().leaves()).containsExactly(V1, T2, V3);
    }

    @Test
    void containsLooksAtTheLeavesOfNestedGroupsBySubtype() {
        ExceptionGroup g = new ExceptionGroup("outer", List.of(new ExceptionGroup("inner", List.of(T2))));
        assertThat(g.contains(IllegalStateException.class)).isTrue();
        assertThat(g.contains(RuntimeException.class)).isTrue();
        assertThat(g.contains(IllegalArgumentException.class)).isFalse();
        assertThat(g.contains(IOException.class)).isFalse();
    }

    // ---- split by type ----

    @Test
    void splitByTypeKeepsTheNestingOnBothSides() {
        ExceptionGroup.Split s = nested().split(IllegalArgumentException.class);
        assertThat(shape(s.match())).isEqualTo("outer[v1, inner[v3]]");
        assertThat(shape(s.rest())).isEqualTo("outer[inner[t2]]");
        assertThat(s.match().leaves()).containsExactly(V1, V3);
        assertThat(s.rest().leaves()).containsExactly(T2);
    }

    @Test
    void splitWithNoMatchHasANullMatchAndEverythingInTheRest() {
        ExceptionGroup.Split s = nested().split(IOException.class);
        assertThat(s.match()).isNull();
        assertThat(s.matchPart()).isEmpty();
        assertThat(shape(s.rest())).isEqualTo("outer[v1, inner[t2, v3]]");
    }

    @Test
    void splitWhereEveryLeafMatchesHasANullRest() {
        ExceptionGroup.Split s = nested().split(RuntimeException.class);
        assertThat(shape(s.match())).isEqualTo("outer[v1, inner[t2, v3]]");
        assertThat(s.rest()).isNull();
        assertThat(s.restPart()).isEmpty();
    }

    @Test
    void splitByTheGroupTypeMatchesTheWholeGroup() {
        ExceptionGroup g = nested();
        ExceptionGroup.Split s = g.split(ExceptionGroup.class);
        assertThat(s.match()).isSameAs(g);
        assertThat(s.rest()).isNull();
    }

    @Test
    void splitPartsKeepTheGroupMessagesOfEveryLevel() {
        ExceptionGroup.Split s = nested().split(IllegalStateException.class);
        ExceptionGroup match = s.match();
        assertThat(match.message()).isEqualTo("outer");
        assertThat(((ExceptionGroup) match.exceptions().get(0)).message()).isEqualTo("inner");
        assertThat(match.getMessage()).isEqualTo("outer (1 sub-exception)");
    }

    // ---- split and subgroup by predicate ----

    @Test
    void splitByPredicateSeesGroupsAndLeavesInPythonsOrder() {
        List<String> seen = new ArrayList<>();
        nested().split(t -> {
            seen.add(t instanceof ExceptionGroup g ? "group " + g.message() : t.getMessage());
            return false;
        });
        assertThat(seen).containsExactly("group outer", "v1", "group inner", "t2", "v3");
    }

    @Test
    void aPredicateMatchingANestedGroupKeepsThatGroupWhole() {
        ExceptionGroup g = nested();
        ExceptionGroup inner = (ExceptionGroup) g.exceptions().get(1);
        ExceptionGroup.Split s = g.split(t -> t instanceof ExceptionGroup e && e.message().equals("inner"));
        assertThat(shape(s.match())).isEqualTo("outer[inner[t2, v3]]");
        assertThat(s.match().exceptions().get(0)).isSameAs(inner);
        assertThat(shape(s.rest())).isEqualTo("outer[v1]");
    }

    @Test
    void splitByPredicateOnLeavesKeepsTheNesting() {
        ExceptionGroup.Split s = nested().split(t -> "v3".equals(t.getMessage()) || "v1".equals(t.getMessage()));
        assertThat(shape(s.match())).isEqualTo("outer[v1, inner[v3]]");
        assertThat(shape(s.rest())).isEqualTo("outer[inner[t2]]");
    }

    @Test
    void subgroupIsTheMatchingPartOfSplit() {
        ExceptionGroup g = nested();
        assertThat(shape(g.subgroup(IllegalArgumentException.class))).isEqualTo("outer[v1, inner[v3]]");
        assertThat(shape(g.subgroup(t -> "t2".equals(t.getMessage())))).isEqualTo("outer[inner[t2]]");
        assertThat(g.subgroup(IOException.class)).isNull();
        assertThat(g.subgroup(ExceptionGroup.class)).isSameAs(g);
    }

    @Test
    void splitLeavesTheOriginalGroupUnchanged() {
        ExceptionGroup g = nested();
        g.split(IllegalArgumentException.class);
        g.subgroup(IllegalStateException.class);
        assertThat(shape(g)).isEqualTo("outer[v1, inner[t2, v3]]");
    }

    @Test
    void deriveBuildsAGroupWithTheSameMessageAndOtherMembers() {
        ExceptionGroup d = nested().derive(List.of(T2));
        assertThat(shape(d)).isEqualTo("outer[t2]");
        assertThatThrownBy(() -> nested().derive(List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
