package io.relops.alert.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MatcherTest {

    /**
     * java.util.regex needs minutes for these (about n^12 steps for the first; it memoizes the textbook {@code (a+)+$}
     * but not these); RE2 is linear in the label's length.
     */
    @Test
    void catastrophicRegexesMatchInLinearTime() {
        Map<String, String> labels = Map.of("payload", "a".repeat(40) + "b");
        for (String regex : List.of("(.*a){12}$", "((a+)+)+$", "(a+)+$")) {
            Matcher evil = new Matcher("payload", regex, true, true);
            boolean matched = assertTimeoutPreemptively(Duration.ofSeconds(1), () -> evil.matches(labels));
            assertThat(matched).as(regex).isFalse();
            assertThat(evil.matches(Map.of("payload", "a".repeat(10_000))))
                    .as(regex)
                    .isTrue();
        }
    }

    @Test
    void regexesAreAnchoredAtBothEnds() {
        assertThat(Matcher.parse("app=~\"demo\"").matches(Map.of("app", "demo-app")))
                .isFalse();
        assertThat(Matcher.parse("app=~\"demo.*\"").matches(Map.of("app", "demo-app")))
                .isTrue();
        assertThat(Matcher.parse("app=~\"a|b\"").matches(Map.of("app", "ab"))).isFalse();
    }

    @Test
    void refusesWhatRe2CannotMatchNamingTheMatcher() {
        assertThatThrownBy(() -> new Matcher("env", "(a)\\1", true, true))
                .hasMessageContaining("matcher env")
                .hasMessageContaining("invalid regular expression");
        assertThatThrownBy(() -> new Matcher("env", "(?=a)", true, true)).hasMessageContaining("matcher env");
    }

    @Test
    void refusesAValueLongerThanTheLimitNamingTheMatcher() {
        assertThat(new Matcher("env", "x".repeat(Matcher.MAX_VALUE_LENGTH), false, true)
                        .matches(Map.of("env", "x".repeat(Matcher.MAX_VALUE_LENGTH))))
                .isTrue();
        assertThatThrownBy(() -> new Matcher("env", "x".repeat(Matcher.MAX_VALUE_LENGTH + 1), true, true))
                .hasMessageContaining("matcher env")
                .hasMessageContaining("1001 characters")
                .hasMessageContaining("at most 1000");
        assertThatThrownBy(() -> new Matcher("n".repeat(201), "x", false, true)).hasMessageContaining("at most 200");
    }

    @Test
    void parsesAlertmanagersFilterAsOneMatcherOrABraceList() {
        assertThat(Matcher.parseList("alertname=\"x\"")).containsExactly(new Matcher("alertname", "x", false, true));
        assertThat(Matcher.parseList("{a=\"1,2\", b=~\"c|d\",c!=e, d!~\"say \\\"hi\\\", f\"}"))
                .containsExactly(
                        new Matcher("a", "1,2", false, true),
                        new Matcher("b", "c|d", true, true),
                        new Matcher("c", "e", false, false),
                        new Matcher("d", "say \"hi\", f", true, false));
        assertThatThrownBy(() -> Matcher.parseList("{}")).hasMessageContaining("no matcher");
        assertThatThrownBy(() -> Matcher.parseList("{a=\"b\", =c}")).hasMessageContaining("'=c' is not a matcher");
    }

    /** amtool check-config refuses {@code msg="a"b"}: the string form escapes as Alertmanager's does, and reads back. */
    @Test
    void stringFormEscapesQuotesBackslashesAndLineFeedsAndReadsBack() {
        Matcher matcher = new Matcher("msg", "say \"hi\" C:\\dir\nnext", false, true);
        assertThat(matcher.toString()).isEqualTo("msg=\"say \\\"hi\\\" C:\\\\dir\\nnext\"");
        assertThat(Matcher.parse(matcher.toString())).isEqualTo(matcher);
        Matcher regex = new Matcher("path", "a\\.b", true, false);
        assertThat(regex.toString()).isEqualTo("path!~\"a\\\\.b\"");
        assertThat(Matcher.parse(regex.toString())).isEqualTo(regex);
    }

    /** As Alertmanager: a backslash before anything but n, a quote or a backslash is kept. */
    @Test
    void aSpuriousEscapeIsKept() {
        assertThat(Matcher.parse("x=~\"a\\.b\"").value()).isEqualTo("a\\.b");
        assertThat(Matcher.parse("x=\"a\\\\\"").value()).isEqualTo("a\\");
    }
}
