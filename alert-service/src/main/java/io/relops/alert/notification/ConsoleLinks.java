package io.relops.alert.notification;

import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Links into the gateway's web console ({@code /console}, docs/console.md) under {@code relops.alerting.console-url},
 * the gateway's base URL as people reach it: a release's page (its state and audit timeline) and the applications
 * page. Without a base URL (unset or blank) there are no links, and messages leave them out.
 */
public final class ConsoleLinks {

    private final @Nullable String base;

    public ConsoleLinks(@Nullable String baseUrl) {
        String trimmed = baseUrl == null ? "" : baseUrl.strip();
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        this.base = trimmed.isEmpty() ? null : trimmed;
    }

    /** The release's console page, with its timeline: {@code <base>/console/releases/<id>}. */
    public @Nullable String release(@Nullable UUID releaseId) {
        return base == null || releaseId == null ? null : base + "/console/releases/" + releaseId;
    }

    /** The console's applications page (each environment's live version and last release). */
    public @Nullable String applications() {
        return base == null ? null : base + "/console/applications";
    }
}
