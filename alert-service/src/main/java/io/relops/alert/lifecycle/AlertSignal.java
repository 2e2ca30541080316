package io.relops.alert.lifecycle;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.OffsetDateTime;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * What an input says about one alert: it fires (with its annotations), or it is resolved. The
 * alert's identity is the fingerprint of its labels; {@code alertname}, {@code application} and
 * {@code severity} are always among them.
 *
 * @param endsAt when a firing alert resolves by itself unless refreshed (null: until resolved)
 * @param cause what produced it (a CloudEvents id, or the API it came through)
 */
public record AlertSignal(
        Map<String, String> labels,
        Map<String, String> annotations,
        boolean firing,
        OffsetDateTime at,
        @Nullable OffsetDateTime endsAt,
        @Nullable UUID releaseId,
        @Nullable String generatorUrl,
        String cause) {

    public AlertSignal {
        labels = new TreeMap<>(labels);
        annotations = new TreeMap<>(annotations);
    }

    public String alertname() {
        return labels.get("alertname");
    }

    /** The {@code application} label (else {@code app}, {@code service} or {@code job}; else {@code external}). */
    public String application() {
        for (String name : new String[] {"application", "app", "service", "job"}) {
            String value = labels.get(name);
            if (value != null && !value.isBlank()) {
                return value;
            }
        }
        return "external";
    }

    public String severity() {
        return labels.getOrDefault("severity", "warning");
    }

    public String fingerprint() {
        return fingerprint(labels);
    }

    /** The first 16 hex digits of SHA-256 over the sorted {@code name=value} lines: stable and order-free. */
    public static String fingerprint(Map<String, String> labels) {
        StringBuilder text = new StringBuilder();
        new TreeMap<>(labels)
                .forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        try {
            byte[] hash =
                    MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
