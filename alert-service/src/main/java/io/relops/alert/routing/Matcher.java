package io.relops.alert.routing;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.google.re2j.PatternSyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One label matcher, as in Alertmanager: {@code name="value"}, {@code name!="value"}, {@code
 * name=~"regex"}, {@code name!~"regex"}. A regular expression is anchored at both ends, and a label
 * that is absent matches as the empty string.
 *
 * <p>Regular expressions are RE2 (RE2/J, as Alertmanager's own Go RE2): matching takes time linear in the label's
 * length whatever the expression, so a silence (caller input) can never make matching a producer's labels
 * backtrack for minutes. RE2 has no backreferences or lookaround; such an expression is refused naming the
 * matcher. A value is at most {@value #MAX_VALUE_LENGTH} characters.
 */
public record Matcher(
        @JsonProperty("name") String name,
        @JsonProperty("value") String value,
        @JsonProperty("isRegex") boolean isRegex,
        @JsonProperty("isEqual") boolean isEqual) {

    /** The longest matcher value (a regular expression or a literal) accepted. */
    public static final int MAX_VALUE_LENGTH = 1_000;

    /** The longest label name a matcher may name. */
    public static final int MAX_NAME_LENGTH = 200;

    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Pattern SYNTAX = Pattern.compile(
            "\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*(?:\"((?:[^\"\\\\]|\\\\.)*)\"|(\\S*))\\s*");

    public Matcher {
        if (name == null || !LABEL_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("matcher name '" + name + "' is not a valid label name");
        }
        if (name.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("matcher name '" + name.substring(0, 20) + "...' has " + name.length()
                    + " characters; at most " + MAX_NAME_LENGTH + " are accepted");
        }
        if (value == null) {
            throw new IllegalArgumentException("matcher " + name + " has no value");
        }
        if (value.length() > MAX_VALUE_LENGTH) {
            throw new IllegalArgumentException("matcher " + name + " has a value of " + value.length()
                    + " characters; at most " + MAX_VALUE_LENGTH + " are accepted");
        }
        if (isRegex) {
            try {
                anchored(value);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException(
                        "matcher " + name + " has an invalid regular expression (RE2 syntax): " + e.getDescription());
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
        String value = m.group(3) != null ? unescape(m.group(3)) : m.group(4);
        return new Matcher(m.group(1), value, op.endsWith("~"), !op.startsWith("!"));
    }

    /**
     * Parses one matcher or a brace-enclosed, comma-separated list of them ({@code {a="b", c=~"d"}}), as
     * Alertmanager's API accepts in a {@code filter}; a comma inside quotes belongs to the value.
     */
    public static List<Matcher> parseList(String text) {
        String body = text.strip();
        if (body.startsWith("{") && body.endsWith("}")) {
            body = body.substring(1, body.length() - 1);
        }
        List<Matcher> matchers = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c == ',' && !quoted) {
                add(matchers, current);
                continue;
            }
            current.append(c);
            if (c == '\\' && quoted && i + 1 < body.length()) {
                current.append(body.charAt(++i));
            } else if (c == '"') {
                quoted = !quoted;
            }
        }
        add(matchers, current);
        if (matchers.isEmpty()) {
            throw new IllegalArgumentException("'" + text + "' has no matcher");
        }
        return matchers;
    }

    /** The matchers of Alertmanager's repeatable {@code filter} parameter: {@link #parseList} of each value. */
    public static List<Matcher> parseFilter(List<String> values) {
        return values.stream().flatMap(value -> parseList(value).stream()).toList();
    }

    private static void add(List<Matcher> matchers, StringBuilder text) {
        if (!text.toString().isBlank()) {
            matchers.add(parse(text.toString().strip()));
        }
        text.setLength(0);
    }

    public boolean matches(Map<String, String> labels) {
        String actual = labels.getOrDefault(name, "");
        boolean hit = isRegex ? anchored(value).matches(actual) : value.equals(actual);
        return hit == isEqual;
    }

    private static com.google.re2j.Pattern anchored(String regex) {
        return com.google.re2j.Pattern.compile("^(?:" + regex + ")$");
    }

    public static boolean all(Iterable<Matcher> matchers, Map<String, String> labels) {
        for (Matcher matcher : matchers) {
            if (!matcher.matches(labels)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Alertmanager's string form, which its configuration and {@link #parse} read back: the value in double quotes,
     * with a backslash, a double quote and a line feed written as backslash-backslash, backslash-quote and
     * backslash-n.
     */
    @Override
    public String toString() {
        String escaped = value.replace("\\", "\\\\").replace("\n", "\\n").replace("\"", "\\\"");
        String operator = isRegex ? (isEqual ? "=~" : "!~") : (isEqual ? "=" : "!=");
        return name + operator + '"' + escaped + '"';
    }

    /**
     * Alertmanager's reading of a quoted value: backslash-n is a line feed, backslash-quote a quote, two backslashes
     * one; a backslash before anything else stays.
     */
    private static String unescape(String quoted) {
        StringBuilder value = new StringBuilder(quoted.length());
        for (int i = 0; i < quoted.length(); i++) {
            char c = quoted.charAt(i);
            if (c != '\\' || i + 1 == quoted.length()) {
                value.append(c);
                continue;
            }
            char next = quoted.charAt(++i);
            switch (next) {
                case 'n' -> value.append('\n');
                case '"', '\\' -> value.append(next);
                default -> value.append('\\').append(next);
            }
        }
        return value.toString();
    }
}
