package io.relops.alert.silence;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code relops.alert.silence.*}.
 *
 * @param maxDuration how far ahead of now a silence may end (default 30 days): a silence is a pause, not a
 *     permanent mute; a longer one is refused with 400 naming this bound
 */
@ConfigurationProperties("relops.alert.silence")
public record SilenceProperties(@DefaultValue("30d") Duration maxDuration) {

    public SilenceProperties {
        if (maxDuration.isNegative() || maxDuration.isZero()) {
            throw new IllegalArgumentException(
                    "relops.alert.silence.max-duration must be positive, not " + maxDuration);
        }
    }

    /** The bound in words: {@code 30 days}, {@code 12 hours}, else ISO-8601. */
    String maxDurationText() {
        if (maxDuration.toSeconds() % 86_400 == 0) {
            long days = maxDuration.toDays();
            return days + (days == 1 ? " day" : " days");
        }
        if (maxDuration.toSeconds() % 3_600 == 0) {
            long hours = maxDuration.toHours();
            return hours + (hours == 1 ? " hour" : " hours");
        }
        return maxDuration.toString();
    }
}
