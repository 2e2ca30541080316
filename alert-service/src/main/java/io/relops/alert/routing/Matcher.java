package io.relops.alert.routing;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One label matcher, as in Alertmanager: {@code name="value"}, {@code name!="value"}, {@code
 * name=~"regex"}, {@code name!~"regex"}. A regular expression is anchored at both ends, and a label
 * that is absent matches as the empty string.
 */
public record Matcher(
        @JsonProperty("name") String name,
        @JsonProperty("value") String value,
        @JsonProperty("isRegex") boolean isRegex,
        @JsonProperty("isEqual") boolean isEqual) {

    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Pattern SYNTAX = Pattern.compile(
            "\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*(?:\"((?:[^\"\\\\]|\\\\.)*)\"|(\\S*))\\s*");

    public Matcher {
        if (name == null || !LABEL_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("matcher name '" + name + "' is not a valid label name");
        }
        if (value == null) {
            throw new IllegalArgumentException("matcher " + name + " has no value");
        }
        if (isRegex) {
            try {
                Pattern.compile(value);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException(
                        "matcher " + name + " has an invalid regular expression: " + e.getDescription());
            }
        }
    }

    /** Parses {@code name="value"}, {@code name!~"regex"} and friends (quotes optional). */
    public static Matcher parse(String text) {
        java.util.regex.Matcher m = SYNTAX.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    "'" + text + "' is not a matcher (expected name=\"value\", !=, =~ or !~)");
        }
        String op = m.group(2);
        String value = m.group(3) != null ? m.group(3).replace("\\\"", "\"").replace("\\\\", "\\") : m.group(4);
        return new Matcher(m.group(1), value, op.endsWith("~"), !op.startsWith("!"));
    }

    public boolean matches(Map<String, String> labels) {
        String actual = labels.getOrDefault(name, "");
        boolean hit =
                isRegex ? Pattern.compile("^(?:" + value + ")$").matcher(actual).matches() : value.equals(actual);
        return hit == isEqual;
    }

    public static boolean all(Iterable<Matcher> matchers, Map<String, String> labels) {
        for (Matcher matcher : matchers) {
            if (!matcher.matches(labels)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return name + (isEqual ? "" : "!") + (isRegex ? "=~" : "=") + '"' + value + '"';
    }
}
