package io.relops.alert.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MatcherTest {

    /** java.util.regex needs about 2^40 steps here (hours); RE2 is linear in the label's length. */
    @Test
    void aCatastrophicRegexMatchesInLinearTime() {
        Matcher evil = new Matcher("payload", "(a+)+$", true, true);
        Map<String, String> labels = Map.of("payload", "a".repeat(40) + "b");
        boolean matched = assertTimeoutPreemptively(Duration.ofSeconds(1), () -> evil.matches(labels));
        assertThat(matched).isFalse();
        assertThat(evil.matches(Map.of("payload", "a".repeat(10_000)))).isTrue();
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
}
