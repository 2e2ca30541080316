package io.relops.gateway.release;

import io.relops.common.release.ReleaseStatus;
import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The name of a {@link ReleaseStatus} ({@code COMPLETED}, …); {@code null} is valid. The violation
 * lists the statuses, read from the enum.
 */
@Target({ElementType.FIELD, ElementType.RECORD_COMPONENT, ElementType.PARAMETER})
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = StatusName.Validator.class)
public @interface StatusName {

    String message() default "must be a release state";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    final class Validator implements ConstraintValidator<StatusName, String> {

        private static final String RULE = "must be a release state ("
                + Arrays.stream(ReleaseStatus.values()).map(ReleaseStatus::name).collect(Collectors.joining(", "))
                + ")";

        @Override
        public boolean isValid(@Nullable String value, ConstraintValidatorContext context) {
            if (value == null || ReleaseStatus.of(value).isPresent()) {
                return true;
            }
            context.disableDefaultConstraintViolation();
            context.buildConstraintViolationWithTemplate(RULE).addConstraintViolation();
            return false;
        }
    }
}
