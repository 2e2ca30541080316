package io.relops.gateway.release;

import io.relops.common.release.Strategy;
import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The wire name of a {@link Strategy} ({@code blue-green}, {@code canary}); {@code null} is valid. The
 * violation names the allowed values, read from the enum.
 */
@Target({ElementType.FIELD, ElementType.RECORD_COMPONENT, ElementType.PARAMETER})
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = StrategyName.Validator.class)
public @interface StrategyName {

    String message() default "must be a strategy";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    final class Validator implements ConstraintValidator<StrategyName, String> {

        /** "must be blue-green or canary". */
        static final String RULE =
                rule(Arrays.stream(Strategy.values()).map(Strategy::wireName).toList());

        static String rule(List<String> names) {
            return "must be "
                    + (names.size() == 1
                            ? names.get(0)
                            : String.join(", ", names.subList(0, names.size() - 1)) + " or "
                                    + names.get(names.size() - 1));
        }

        @Override
        public boolean isValid(@Nullable String value, ConstraintValidatorContext context) {
            if (value == null || Strategy.of(value).isPresent()) {
                return true;
            }
            context.disableDefaultConstraintViolation();
            context.buildConstraintViolationWithTemplate(RULE).addConstraintViolation();
            return false;
        }
    }
}
