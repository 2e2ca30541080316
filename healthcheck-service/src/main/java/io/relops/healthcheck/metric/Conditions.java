package io.relops.healthcheck.metric;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.expression.EvaluationContext;
import org.springframework.expression.EvaluationException;
import org.springframework.expression.Expression;
import org.springframework.expression.ParseException;
import org.springframework.expression.spel.SpelNode;
import org.springframework.expression.spel.ast.Assign;
import org.springframework.expression.spel.ast.BeanReference;
import org.springframework.expression.spel.ast.ConstructorReference;
import org.springframework.expression.spel.ast.FunctionReference;
import org.springframework.expression.spel.ast.MethodReference;
import org.springframework.expression.spel.ast.OpDec;
import org.springframework.expression.spel.ast.OpInc;
import org.springframework.expression.spel.ast.TypeReference;
import org.springframework.expression.spel.ast.VariableReference;
import org.springframework.expression.spel.standard.SpelExpression;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.expression.spel.support.SimpleEvaluationContext;

/**
 * A metric's {@code success-condition} and {@code failure-condition}: Spring Expression Language over {@code result}
 * (the measured value: a number, a boolean, a string, a list), judged exactly as Argo Rollouts' {@code
 * EvaluateResult}. The expressions read data only: they are refused at start when they reference a type ({@code
 * T(...)}), a bean, a constructor, a function or a method, or assign anything, and they are evaluated in a
 * read-only {@link SimpleEvaluationContext} whose root object offers nothing but {@code result}.
 */
public final class Conditions {

    private static final SpelExpressionParser PARSER = new SpelExpressionParser();

    private final @Nullable Expression success;
    private final @Nullable Expression failure;
    private final String summary;

    private Conditions(@Nullable Expression success, @Nullable Expression failure) {
        this.success = success;
        this.failure = failure;
        List<String> parts = new ArrayList<>();
        if (success != null) {
            parts.add((failure == null ? "" : "success: ") + success.getExpressionString());
        }
        if (failure != null) {
            parts.add("failure: " + failure.getExpressionString());
        }
        this.summary = parts.isEmpty() ? "any result" : String.join("; ", parts);
    }

    /**
     * Parses both conditions (either may be absent); {@code setting} names the metric in errors ({@code
     * relops.applications.<app>.health.metrics[<name>]}).
     *
     * @throws IllegalArgumentException naming the setting when a condition does not parse or does more than read
     */
    public static Conditions parse(@Nullable String success, @Nullable String failure, String setting) {
        return new Conditions(
                expression(success, setting + ".success-condition"),
                expression(failure, setting + ".failure-condition"));
    }

    /** The conditions, short, as evidence shows them: {@code result < 0.5} or {@code success: …; failure: …}. */
    public String summary() {
        return summary;
    }

    /**
     * Judges one measured {@code result} as Argo Rollouts does: no condition: successful; only a success condition:
     * failed unless it holds; only a failure condition: successful unless it holds; both: failed when the failure
     * condition holds, successful when the success condition does, else inconclusive.
     *
     * @throws EvaluationException when a condition cannot be evaluated or is not a boolean (the measurement is an
     *     error)
     */
    public Phase evaluate(@Nullable Object result) {
        boolean successHolds = success != null && holds(success, result);
        boolean failureHolds = failure != null && holds(failure, result);
        if (success == null && failure == null) {
            return Phase.SUCCESSFUL;
        }
        if (failure == null) {
            return successHolds ? Phase.SUCCESSFUL : Phase.FAILED;
        }
        if (success == null) {
            return failureHolds ? Phase.FAILED : Phase.SUCCESSFUL;
        }
        if (failureHolds) {
            return Phase.FAILED;
        }
        return successHolds ? Phase.SUCCESSFUL : Phase.INCONCLUSIVE;
    }

    private static boolean holds(Expression expression, @Nullable Object result) {
        EvaluationContext context = SimpleEvaluationContext.forReadOnlyDataBinding()
                .withRootObject(new Root(result))
                .build();
        Object value = expression.getValue(context);
        if (value instanceof Boolean holds) {
            return holds;
        }
        throw new EvaluationException(
                expression.getExpressionString(), "evaluated to " + value + ", not true or false");
    }

    private static @Nullable Expression expression(@Nullable String text, String setting) {
        if (text == null || text.isBlank()) {
            return null;
        }
        Expression expression;
        try {
            expression = PARSER.parseExpression(text);
        } catch (ParseException e) {
            throw new IllegalArgumentException(
                    setting + " '" + text + "' is not a valid expression: " + e.getSimpleMessage(), e);
        }
        if (expression instanceof SpelExpression spel) {
            String refused = refused(spel.getAST());
            if (refused != null) {
                throw new IllegalArgumentException(setting + " '" + text + "' uses " + refused
                        + ", which conditions may not: a condition only reads result (e.g. result < 0.5,"
                        + " result[0] >= 0.95, result == true)");
            }
        }
        return expression;
    }

    /** What in the expression does more than read data, if anything. */
    private static @Nullable String refused(SpelNode node) {
        String refused = null;
        if (node instanceof TypeReference) {
            refused = "a type reference (T(...))";
        } else if (node instanceof MethodReference) {
            refused = "a method call";
        } else if (node instanceof ConstructorReference) {
            refused = "a constructor (new ...)";
        } else if (node instanceof BeanReference) {
            refused = "a bean reference (@...)";
        } else if (node instanceof FunctionReference) {
            refused = "a function call (#name(...))";
        } else if (node instanceof VariableReference variable && !isRootOrThis(variable)) {
            refused = "a variable (#name)";
        } else if (node instanceof Assign) {
            refused = "an assignment";
        } else if (node instanceof OpInc || node instanceof OpDec) {
            refused = "an increment or decrement";
        }
        if (refused != null) {
            return refused;
        }
        for (int i = 0; i < node.getChildCount(); i++) {
            String child = refused(node.getChild(i));
            if (child != null) {
                return child;
            }
        }
        return null;
    }

    private static boolean isRootOrThis(VariableReference variable) {
        String text = variable.toStringAST();
        return "#root".equals(text) || "#this".equals(text);
    }

    /** What a measurement concluded (Argo Rollouts' measurement phases). */
    public enum Phase {
        SUCCESSFUL,
        FAILED,
        INCONCLUSIVE,
        ERROR
    }

    /** The root object of a condition: {@code result} and nothing else. */
    public static final class Root {
        private final @Nullable Object result;

        Root(@Nullable Object result) {
            this.result = result;
        }

        public @Nullable Object getResult() {
            return result;
        }
    }
}
