package io.relops.healthcheck.probe;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.util.PatternMatchUtils;

/**
 * What a probe runs against: the slot's base URL ({@code endpoint}) as the deployment target
 * reported it, and the names templates may use; and what the application's catalog allows there: the hosts a
 * probe may contact ({@code health.allowed-hosts}, patterns with {@code *}) and whether a body excerpt may be kept
 * as evidence ({@code health.evidence: body}).
 */
public record ProbeTarget(
        String application,
        @Nullable String version,
        @Nullable String slot,
        String endpoint,
        List<String> allowedHosts,
        boolean bodyEvidence) {

    /** A target no probe may contact (no allowed hosts), keeping no body: for expanding templates. */
    public ProbeTarget(String application, @Nullable String version, @Nullable String slot, String endpoint) {
        this(application, version, slot, endpoint, List.of(), false);
    }

    /** The target of {@code endpoint}, with what {@code health} (the application's catalog) allows. */
    public static ProbeTarget of(
            String application,
            @Nullable String version,
            @Nullable String slot,
            String endpoint,
            HealthCatalog.HealthSpec health) {
        return new ProbeTarget(application, version, slot, endpoint, health.allowedHosts(), health.bodyEvidence());
    }

    /** Whether the catalog allows probing {@code host} (case-insensitive; {@code *} matches any characters). */
    public boolean allows(@Nullable String host) {
        if (host == null || host.isBlank()) {
            return false;
        }
        String lower = host.toLowerCase(Locale.ROOT);
        return allowedHosts.stream()
                .anyMatch(pattern -> PatternMatchUtils.simpleMatch(pattern.toLowerCase(Locale.ROOT), lower));
    }

    /** Why {@code host} is not probed: names the host and the setting. */
    public String refusal(@Nullable String host) {
        return "host '" + host + "' is not in relops.applications." + application + ".health.allowed-hosts "
                + allowedHosts + ": not probed";
    }

    /** The host of the slot's endpoint, as the event named it. */
    public @Nullable String endpointHost() {
        URI uri = endpointUri();
        return uri == null ? null : uri.getHost();
    }

    /**
     * Fills in {@code {endpoint}}, {@code {host}}, {@code {port}}, {@code {slot}}, {@code
     * {application}} and {@code {version}}.
     */
    public String expand(String template) {
        URI uri = endpointUri();
        String host = uri == null || uri.getHost() == null ? "" : uri.getHost();
        int port = uri == null ? -1 : uri.getPort();
        if (uri != null && port < 0) {
            port = "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        }
        String expanded = template;
        for (Map.Entry<String, String> variable : Map.of(
                        "{endpoint}",
                        trimSlash(endpoint),
                        "{host}",
                        host,
                        "{port}",
                        port < 0 ? "" : Integer.toString(port),
                        "{slot}",
                        slot == null ? "" : slot,
                        "{application}",
                        application,
                        "{version}",
                        version == null ? "" : version)
                .entrySet()) {
            expanded = expanded.replace(variable.getKey(), variable.getValue());
        }
        return expanded;
    }

    private @Nullable URI endpointUri() {
        try {
            return URI.create(endpoint);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String trimSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
