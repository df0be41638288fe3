package io.jasyncio;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Several exceptions raised together: Python's {@code ExceptionGroup}, raised by {@link TaskGroup}
 * with every failure of its children (and of its body).
 *
 * <p>Java has no {@code except*}. The helpers stand in for it:
 * <pre>{@code
 * try {
 *     taskGroup(tg -> { ... });
 * } catch (ExceptionGroup group) {
 *     ExceptionGroup.Split split = group.split(IOException.class);
 *     split.matchPart().ifPresent(io -> retryLater(io.leaves()));  // the IOExceptions, nesting kept
 *     split.restPart().ifPresent(rest -> { throw rest; });          // everything else goes on
 * }
 * }</pre>
 *
 * <p>Groups nest (a child that ran its own TaskGroup contributes a group); {@link #split} and
 * {@link #subgroup} keep the nesting, {@link #leaves()} flattens it.
 */
public class ExceptionGroup extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String groupMessage;
    private final List<Throwable> exceptions;

    /**
     * A group of at least one exception.
     *
     * @throws IllegalArgumentException when {@code exceptions} is empty (as Python's ValueError)
     */
    public ExceptionGroup(String message, List<? extends Throwable> exceptions) {
        super(describe(message, exceptions), exceptions.isEmpty() ? null : exceptions.get(0));
        if (exceptions.isEmpty()) {
            throw new IllegalArgumentException("an ExceptionGroup needs at least one exception");
        }
        for (Throwable t : exceptions) {
            Objects.requireNonNull(t, "a member of an ExceptionGroup is null");
        }
        this.groupMessage = message;
        this.exceptions = List.copyOf(exceptions);
        for (Throwable t : this.exceptions) {
            if (t != getCause()) {
                addSuppressed(t); // so that printStackTrace shows every member
            }
        }
    }

    private static String describe(String message, List<? extends Throwable> exceptions) {
        int n = exceptions.size();
        return message + " (" + n + " sub-exception" + (n == 1 ? "" : "s") + ")";
    }

    /** The group's own message, without the count. */
    public String message() {
        return groupMessage;
    }

    /** The members, in order (some may be groups themselves). */
    public List<Throwable> exceptions() {
        return exceptions;
    }

    /** Every non-group exception in the group and its nested groups, depth first. */
    public List<Throwable> leaves() {
        List<Throwable> out = new ArrayList<>();
        collectLeaves(this, out);
        return out;
    }

    private static void collectLeaves(ExceptionGroup g, List<Throwable> out) {
        for (Throwable t : g.exceptions) {
            if (t instanceof ExceptionGroup nested) {
                collectLeaves(nested, out);
            } else {
                out.add(t);
            }
        }
    }

    /** Whether some leaf is an instance of {@code type}. */
    public boolean contains(Class<? extends Throwable> type) {
        return leaves().stream().anyMatch(type::isInstance);
    }

    /**
     * The part of the group whose leaves match, with the nesting kept, or {@code null} when none
     * match: Python's {@code subgroup}. A group matched as a whole by the predicate is kept whole.
     */
    public ExceptionGroup subgroup(Predicate<? super Throwable> condition) {
        return split(condition).match;
    }

    /** {@link #subgroup(Predicate)} by type. */
    public ExceptionGroup subgroup(Class<? extends Throwable> type) {
        return subgroup(type::isInstance);
    }

    /** Splits into the part that matches and the rest, each with the nesting kept: Python's {@code split}. */
    public Split split(Predicate<? super Throwable> condition) {
        if (condition.test(this)) {
            return new Split(this, null);
        }
        List<Throwable> match = new ArrayList<>();
        List<Throwable> rest = new ArrayList<>();
        for (Throwable t : exceptions) {
            if (t instanceof ExceptionGroup nested) {
                Split s = nested.split(condition);
                if (s.match != null) {
                    match.add(s.match);
                }
                if (s.rest != null) {
                    rest.add(s.rest);
                }
            } else if (condition.test(t)) {
                match.add(t);
            } else {
                rest.add(t);
            }
        }
        return new Split(match.isEmpty() ? null : derive(match), rest.isEmpty() ? null : derive(rest));
    }

    /** {@link #split(Predicate)} by type. */
    public Split split(Class<? extends Throwable> type) {
        return split(type::isInstance);
    }

    /** A group with this group's message and other members (what split and subgroup build). */
    public ExceptionGroup derive(List<? extends Throwable> members) {
        return new ExceptionGroup(groupMessage, members);
    }

    /**
     * The two parts of a {@link ExceptionGroup#split}; either may be {@code null}.
     *
     * @param match the members that matched, as a group, or null
     * @param rest the others, as a group, or null
     */
    public record Split(ExceptionGroup match, ExceptionGroup rest) {
        /** The matching part, if any. */
        public java.util.Optional<ExceptionGroup> matchPart() {
            return java.util.Optional.ofNullable(match);
        }

        /** The rest, if any. */
        public java.util.Optional<ExceptionGroup> restPart() {
            return java.util.Optional.ofNullable(rest);
        }
    }
}
