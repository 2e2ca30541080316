package io.relops.audit.log;

import io.relops.common.audit.RetentionPolicy;
import java.util.HashMap;
import java.util.Map;
import org.springframework.boot.flyway.autoconfigure.FlywayConfigurationCustomizer;
import org.springframework.stereotype.Component;

/**
 * Hands {@code relops.audit.retention} to the migrations as the placeholder {@code retentionPolicy} (the policy's
 * canonical text), so that the schema owner writes it into {@code audit_retention_policy} after every migration
 * ({@code afterMigrate__audit_retention_policy.sql}); {@code audit_prune()} enforces that table.
 */
@Component
class RetentionPolicyPlaceholder implements FlywayConfigurationCustomizer {

    private final RetentionPolicy policy;

    RetentionPolicyPlaceholder(AuditProperties properties) {
        this.policy = properties.retention().policy();
        policy.types().keySet().stream()
                .filter(type -> type.contains("'") || type.contains("\\"))
                .findFirst()
                .ifPresent(type -> {
                    throw new IllegalStateException(
                            "relops.audit.retention.types: '" + type + "' is not an event type name");
                });
    }

    @Override
    public void customize(org.flywaydb.core.api.configuration.FluentConfiguration configuration) {
        Map<String, String> placeholders = new HashMap<>(configuration.getPlaceholders());
        placeholders.put("retentionPolicy", policy.canonical());
        configuration.placeholders(placeholders);
    }
}
