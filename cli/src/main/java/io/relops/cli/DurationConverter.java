package io.relops.cli;

import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** {@code 90s}, {@code 10m}, {@code 2h}, {@code 1d} or ISO-8601 ({@code PT10M}). */
final class DurationConverter implements ITypeConverter<Duration> {

    @Override
    public Duration convert(String value) {
        String text = value.strip().toLowerCase(Locale.ROOT);
        try {
            if (text.startsWith("p")) {
                return Duration.parse(text.toUpperCase(Locale.ROOT));
            }
            long amount = Long.parseLong(text.substring(0, text.length() - 1));
            switch (text.charAt(text.length() - 1)) {
                case 's':
                    return Duration.ofSeconds(amount);
                case 'm':
                    return Duration.ofMinutes(amount);
                case 'h':
                    return Duration.ofHours(amount);
                case 'd':
                    return Duration.ofDays(amount);
                default:
                    break;
            }
        } catch (RuntimeException e) {
            // falls through to the error below
        }
        throw new TypeConversionException("'" + value + "' is not a duration (e.g. 90s, 10m, 2h, 1d)");
    }
}
