package io.relops.gateway.console;

import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/** Times as the pages show them ({@code ${@consoleTime.of(x)}} in templates): UTC, to the second. */
@Component("consoleTime")
public class ConsoleTime {

    public String of(@Nullable Object time) {
        return ReleaseView.time(time);
    }
}
