package io.relops.healthcheck.probe;

import java.net.URI;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What a probe runs against: the slot's base URL ({@code endpoint}) as the deployment target
 * reported it, and the names templates may use.
 */
public record ProbeTarget(
        String application,
        @Nullable String version,
        @Nullable String slot,
        String endpoint) {

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
