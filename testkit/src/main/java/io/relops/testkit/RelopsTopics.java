package io.relops.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The four relops topics of one test (or benchmark), named apart from every other's. */
public record RelopsTopics(String release, String health, String backup, String alert) {

    /** {@code <prefix>.release.<random>}, … */
    public static RelopsTopics unique(String prefix) {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        return new RelopsTopics(
                prefix + ".release." + suffix,
                prefix + ".health." + suffix,
                prefix + ".backup." + suffix,
                prefix + ".alert." + suffix);
    }

    public String[] all() {
        return new String[] {release, health, backup, alert};
    }

    /**
     * The arguments that start a relops service on the JVM's broker, on {@code databaseUrl} of the
     * JVM's PostgreSQL, with these topics, the {@link TestCredentials} and a random HTTP port; {@code
     * extra} are appended.
     */
    public String[] serviceArgs(String databaseUrl, String... extra) {
        Postgres.Server db = Postgres.server();
        List<String> args = new ArrayList<>(List.of(
                "--server.port=0",
                "--RELOPS_KAFKA_BOOTSTRAP=" + Kafka.bootstrapServers(),
                "--RELOPS_DB_URL=" + databaseUrl,
                "--RELOPS_DB_USER=" + db.username(),
                "--RELOPS_DB_PASSWORD=" + db.password(),
                "--relops.topics.release=" + release,
                "--relops.topics.health=" + health,
                "--relops.topics.backup=" + backup,
                "--relops.topics.alert=" + alert,
                // audit-service's anchor topic: one per log, as in production
                "--relops.audit.anchor.topic=" + release + ".audit-checkpoints"));
        args.addAll(List.of(TestCredentials.args()));
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }
}
