package io.relops.gateway.console;

import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * Times as the pages show them ({@code ${@consoleTime.of(x)}} in templates): UTC, to the second; and durations given
 * in seconds ({@code ${@consoleTime.duration(s)}}) in the unit that reads best.
 */
@Component("consoleTime")
public class ConsoleTime {

    public String of(@Nullable Object time) {
        return ReleaseView.time(time);
    }

    /** {@code 0.8 s}, {@code 42 s}, {@code 12.5 min}, {@code 3.2 h}, {@code 2.1 d}; a dash for none. */
    public String duration(@Nullable Object seconds) {
        if (!(seconds instanceof Number number)) {
            return "–";
        }
        double s = number.doubleValue();
        if (s < 10) {
            return String.format(Locale.ROOT, "%.1f s", s);
        }
        if (s < 120) {
            return String.format(Locale.ROOT, "%.0f s", s);
        }
        if (s < 7200) {
            return String.format(Locale.ROOT, "%.1f min", s / 60);
        }
        if (s < 172_800) {
            return String.format(Locale.ROOT, "%.1f h", s / 3600);
        }
        return String.format(Locale.ROOT, "%.1f d", s / 86_400);
    }

    /** A ratio as a percentage, {@code 25 %}; a dash for none. */
    public String percent(@Nullable Object ratio) {
        return ratio instanceof Number number ? String.format(Locale.ROOT, "%.0f %%", number.doubleValue() * 100) : "–";
    }
}
