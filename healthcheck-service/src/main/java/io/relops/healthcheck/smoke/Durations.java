package io.relops.healthcheck.smoke;

import java.time.Duration;
import java.util.Locale;

/** How smoke tests' reasons show a duration: {@code 60 s}, {@code 1.4 s}. */
final class Durations {

    private Durations() {}

    static String show(Duration duration) {
        return duration.toMillis() % 1000 == 0
                ? duration.toSeconds() + " s"
                : String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
    }

    static String showMillis(long millis) {
        return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }
}
