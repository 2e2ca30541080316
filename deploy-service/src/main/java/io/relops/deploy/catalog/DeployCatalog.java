package io.relops.deploy.catalog;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** The part of the application catalog ({@code relops.applications.<name>}) deploy-service needs. */
@ConfigurationProperties("relops")
public record DeployCatalog(@Nullable Map<String, ApplicationSpec> applications) {

    public Optional<ApplicationSpec> application(String name) {
        return Optional.ofNullable(applications == null ? null : applications.get(name));
    }

    public Map<String, ApplicationSpec> all() {
        return applications == null ? Map.of() : applications;
    }

    public record ApplicationSpec(
            @Nullable Map<String, EnvironmentSpec> environments,
            @DefaultValue("blue-green") String strategy,
            @Nullable TargetSpec target) {

        public boolean hasEnvironment(String environment) {
            return environments != null && environments.containsKey(environment);
        }
    }

    public record EnvironmentSpec(@Nullable ApprovalSpec approval) {}

    public record ApprovalSpec(
            boolean required, @DefaultValue("approver") String role) {}

    public record TargetSpec(
            @DefaultValue("process") String type, @Nullable ProcessSpec process) {}

    /**
     * The {@code process} target: one OS process per slot, started from a command template.
     * Placeholders: {@code {java}} (this JVM's java), {@code {version}}, {@code {port}}, {@code
     * {slot}}, {@code {application}}. The command runs without a shell.
     */
    public record ProcessSpec(
            List<String> command,
            @DefaultValue(".") String workingDirectory,
            @Nullable Map<String, String> environment,
            Map<String, Integer> slots,
            int stablePort,
            @DefaultValue("60s") Duration readyTimeout,
            @DefaultValue("10s") Duration stopTimeout) {}
}
