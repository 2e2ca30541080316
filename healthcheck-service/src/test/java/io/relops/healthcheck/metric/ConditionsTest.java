package io.relops.healthcheck.metric;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.relops.healthcheck.metric.Conditions.Phase;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.expression.EvaluationException;

class ConditionsTest {

    private static final String SETTING = "relops.applications.shop.health.metrics[p95]";

    /** Argo Rollouts' EvaluateResult, row by row: success / failure condition (blank: unset), result, phase. */
    @ParameterizedTest
    @CsvSource(
            nullValues = "-",
            value = {
                "-,            -,            0.5, SUCCESSFUL",
                "result < 1,   -,            0.5, SUCCESSFUL",
                "result < 1,   -,            1.5, FAILED",
                "-,            result > 1,   0.5, SUCCESSFUL",
                "-,            result > 1,   1.5, FAILED",
                "result < 1,   result > 2,   0.5, SUCCESSFUL",
                "result < 1,   result > 2,   2.5, FAILED",
                "result < 1,   result > 2,   1.5, INCONCLUSIVE",
                "result < 3,   result > 2,   2.5, FAILED",
            })
    void judgesAsArgoRolloutsDoes(String success, String failure, double result, Phase expected) {
        assertThat(Conditions.parse(success, failure, SETTING).evaluate(result)).isEqualTo(expected);
    }

    @Test
    void readsListsBooleansStringsAndMixedNumbers() {
        assertThat(Conditions.parse("result[0] >= 0.95", null, SETTING).evaluate(List.of(0.97, 0.5)))
                .isEqualTo(Phase.SUCCESSFUL);
        assertThat(Conditions.parse("result[1] >= 0.95", null, SETTING).evaluate(List.of(0.97, 0.5)))
                .isEqualTo(Phase.FAILED);
        assertThat(Conditions.parse("result == true", null, SETTING).evaluate(true))
                .isEqualTo(Phase.SUCCESSFUL);
        assertThat(Conditions.parse("result == true", null, SETTING).evaluate(false))
                .isEqualTo(Phase.FAILED);
        assertThat(Conditions.parse("result == 'UP'", null, SETTING).evaluate("UP"))
                .isEqualTo(Phase.SUCCESSFUL);
        assertThat(Conditions.parse("result < 0.5", null, SETTING).evaluate(0)).isEqualTo(Phase.SUCCESSFUL);
    }

    @Test
    void anExpressionThatDoesNotParseIsAConfigurationErrorNamingTheSetting() {
        assertThatThrownBy(() -> Conditions.parse("result <", null, SETTING))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(SETTING + ".success-condition 'result <' is not a valid expression");
        assertThatThrownBy(() -> Conditions.parse(null, "result >>> 1", SETTING))
                .hasMessageContaining(SETTING + ".failure-condition");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "T(java.lang.Runtime).getRuntime().exec('touch /tmp/x') != null",
                "T(java.lang.System).exit(1) == null",
                "new java.io.File('/tmp').delete()",
                "result.getClass().forName('java.lang.Runtime') != null",
                "@someBean != null",
                "#root.result = 1",
                "#env != null",
            })
    void refusesExpressionsThatDoMoreThanReadTheResult(String expression) {
        assertThatThrownBy(() -> Conditions.parse(expression, null, SETTING))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(SETTING + ".success-condition")
                .hasMessageContaining("a condition only reads result");
    }

    @Test
    void anExpressionThatFailsAtEvaluationOrIsNoBooleanThrows() {
        assertThatThrownBy(
                        () -> Conditions.parse("result[3] > 1", null, SETTING).evaluate(List.of(1.0)))
                .isInstanceOf(EvaluationException.class);
        assertThatThrownBy(() -> Conditions.parse("result", null, SETTING).evaluate(0.5))
                .isInstanceOf(EvaluationException.class)
                .hasMessageContaining("not true or false");
        assertThatThrownBy(() -> Conditions.parse("result.class.name == 'x'", null, SETTING)
                        .evaluate(0.5))
                .isInstanceOf(EvaluationException.class);
    }

    @Test
    void summarisesTheConditionsShort() {
        assertThat(Conditions.parse("result < 1", null, SETTING).summary()).isEqualTo("result < 1");
        assertThat(Conditions.parse("result < 1", "result > 2", SETTING).summary())
                .isEqualTo("success: result < 1; failure: result > 2");
        assertThat(Conditions.parse(null, null, SETTING).summary()).isEqualTo("any result");
    }
}
