package io.relops.alert.notification;

import java.net.URI;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Where an alert's {@code runbook_url} annotation leads. relops' own rules (ops/prometheus/relops-rules.yml) give it
 * relative to the repository ({@code docs/observability.md#relopsreleaseslow}); with {@code
 * relops.alerting.runbook-base-url} set (where the repository's files are published, e.g. its web view of the main
 * branch), such a path is resolved against it, so that the message links to the runbook. An absolute URL (one with a
 * scheme) is left as it is, and so is everything without a base URL (unset or blank).
 */
public final class RunbookLinks {

    private static final Pattern WITH_SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:.*", Pattern.DOTALL);

    private final @Nullable URI base;

    public RunbookLinks(@Nullable String baseUrl) {
        String trimmed = baseUrl == null ? "" : baseUrl.strip();
        if (trimmed.isEmpty()) {
            this.base = null;
            return;
        }
        URI uri;
        try {
            uri = URI.create(trimmed.endsWith("/") ? trimmed : trimmed + "/");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "relops.alerting.runbook-base-url is not a URL: " + trimmed + " (" + e.getMessage() + ")", e);
        }
        if (!uri.isAbsolute() || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
            throw new IllegalArgumentException(
                    "relops.alerting.runbook-base-url must be an http(s) URL, e.g. https://git.example.org/relops/"
                            + "blob/main/, not " + trimmed);
        }
        this.base = uri;
    }

    /** The runbook as a link: a relative {@code runbookUrl} resolved against the base URL, anything else as is. */
    public @Nullable String resolve(@Nullable String runbookUrl) {
        if (runbookUrl == null || runbookUrl.isBlank()) {
            return runbookUrl;
        }
        String runbook = runbookUrl.strip();
        if (base == null || WITH_SCHEME.matcher(runbook).matches() || runbook.startsWith("//")) {
            return runbook;
        }
        String relative = runbook.replaceFirst("^(\\./|/)+", "");
        try {
            return base.resolve(URI.create(relative)).toString();
        } catch (IllegalArgumentException e) {
            return runbook; // not a URI reference (spaces, ...): shown as the rule wrote it
        }
    }
}
