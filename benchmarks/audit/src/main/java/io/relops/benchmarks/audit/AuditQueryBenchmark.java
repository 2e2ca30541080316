package io.relops.benchmarks.audit;

import io.relops.audit.AuditServiceApplication;
import io.relops.testkit.Kafka;
import io.relops.testkit.Postgres;
import io.relops.testkit.TestCredentials;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Query latency of {@code GET /api/audit/events} with filters over a large log ({@code --records=N},
 * default 10,000,000), beside the same SQL run directly over JDBC in the same run. The records are
 * bulk-generated in SQL (realistic columns and data; their hashes are placeholders: this measures search,
 * not the chain). Args: {@code --records=N --queries=Q}.
 */
public final class AuditQueryBenchmark {

    static final String[] TYPES = {
        "io.relops.release.requested", "io.relops.release.approved", "io.relops.deployment.started",
        "io.relops.deployment.ready", "io.relops.health.verified", "io.relops.traffic.shifted",
        "io.relops.release.completed", "io.relops.alert.notified"
    };

    public static void main(String[] args) throws Exception {
        int records = AuditIngestBenchmark.intArg(args, "--records=", 10_000_000);
        int queries = AuditIngestBenchmark.intArg(args, "--queries=", 2000);
        String run = UUID.randomUUID().toString().substring(0, 8);
        String db = Postgres.freshDatabase("bench_audit_query");
        System.out.printf(
                "audit query benchmark: %,d records, %,d queries, load average %.1f%n",
                records,
                queries,
                java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                        .getSystemLoadAverage());
        List<String> serviceArgs = new ArrayList<>(List.of(TestCredentials.args()));
        serviceArgs.addAll(List.of(
                "--server.port=0",
                "--relops.kafka.bootstrap-servers=" + Kafka.bootstrapServers(),
                "--relops.database.url=" + db,
                "--relops.database.username=" + Postgres.server().username(),
                "--relops.database.password=" + Postgres.server().password(),
                "--relops.topics.release=bq-r-" + run,
                "--relops.topics.health=bq-h-" + run,
                "--relops.topics.backup=bq-b-" + run,
                "--relops.topics.alert=bq-a-" + run,
                "--relops.audit.signing.key-file=" + System.getProperty("java.io.tmpdir") + "/bench-q-" + run + ".pem",
                "--logging.level.root=WARN"));
        ConfigurableApplicationContext app =
                new SpringApplication(AuditServiceApplication.class).run(serviceArgs.toArray(String[]::new));
        int port = ((WebServerApplicationContext) app).getWebServer().getPort();
        Instant start = Instant.now().minusSeconds(records / 100);
        try (Connection c = DriverManager.getConnection(
                        db, Postgres.server().username(), Postgres.server().password());
                Statement s = c.createStatement()) {
            long t0 = System.nanoTime();
            int chunk = 1_000_000;
            for (int from = 1; from <= records; from += chunk) {
                int to = Math.min(records, from + chunk - 1);
                s.execute("insert into audit.audit_record (seq, event_id, event_type, source, subject, release_id,"
                        + " event_time, topic, actor, recorded_at, data, prev_hash, hash)"
                        + " select g, 'evt-' || g, (array['" + String.join("','", TYPES) + "'])[1 + g % 8],"
                        + " '/relops/gateway', 'app-' || (g % 200), 'rel-' || (g / 8), "
                        + " timestamptz '" + start + "' + g * interval '10 milliseconds', 'relops.release',"
                        + " 'user-' || (g % 500), now(),"
                        + " jsonb_build_object('version', '1.' || (g % 100) || '.0', 'comment', 'change ' || g || ' '"
                        + "   || (array['deploy','rollback','hotfix','canary'])[1 + g % 4], 'requestedBy', 'user-' || (g % 500)),"
                        + " repeat('0', 64), repeat('0', 64)"
                        + " from generate_series(" + from + ", " + to + ") g");
                System.out.printf("  loaded %,d records (%.0f s)%n", to, (System.nanoTime() - t0) / 1e9);
            }
            s.execute("vacuum analyze audit.audit_record"); // what autovacuum does after a load
        }
        Random random = new Random(42);
        HttpClient http = HttpClient.newHttpClient();
        long[] api = new long[queries];
        long[] raw = new long[queries];
        try (Connection c = DriverManager.getConnection(db, "relops_audit_writer", "relops-audit-local")) {
            c.setSchema("audit");
            for (int warm = -200; warm < queries; warm++) {
                int app1 = random.nextInt(200);
                String type = TYPES[random.nextInt(TYPES.length)];
                int user = random.nextInt(500);
                long rel = random.nextInt(Math.max(1, records / 8));
                Instant since = start.plusSeconds(random.nextInt(Math.max(1, records / 100)));
                Instant until = since.plusSeconds(3600);
                String[][] shapes = {
                    {"application=app-" + app1, "subject = 'app-" + app1 + "'"},
                    {
                        "application=app-" + app1 + "&type=" + type,
                        "subject = 'app-" + app1 + "' and event_type = '" + type + "'"
                    },
                    {"releaseId=rel-" + rel, "release_id = 'rel-" + rel + "'"},
                    {
                        "actor=user-" + user + "&since=" + since + "&until=" + until,
                        "actor = 'user-" + user + "' and event_time >= '" + since + "' and event_time < '" + until + "'"
                    },
                    {
                        "q=rollback&application=app-" + app1,
                        "search @@ plainto_tsquery('simple', 'rollback') and subject = 'app-" + app1 + "'"
                    },
                    {
                        "type=" + type + "&since=" + since + "&until=" + until,
                        "event_type = '" + type + "' and event_time >= '" + since + "' and event_time < '" + until + "'"
                    },
                };
                String[] shape = shapes[(warm + 200) % shapes.length];
                long t = System.nanoTime();
                HttpResponse<String> response = http.send(
                        HttpRequest.newBuilder(URI.create(
                                        "http://localhost:" + port + "/api/audit/events?limit=100&" + shape[0]))
                                .header("Authorization", TestCredentials.bearer("auditor"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                long apiNanos = System.nanoTime() - t;
                if (response.statusCode() != 200) {
                    throw new IllegalStateException(shape[0] + " -> " + response.statusCode() + " " + response.body());
                }
                t = System.nanoTime();
                try (var rs = c.createStatement()
                        .executeQuery("select seq, event_id, data::text from audit_record where seq > 0 and " + shape[1]
                                + " order by seq limit 100")) {
                    while (rs.next()) {
                        rs.getString(3);
                    }
                }
                long rawNanos = System.nanoTime() - t;
                if (warm >= 0) {
                    api[warm] = apiNanos;
                    raw[warm] = rawNanos;
                }
            }
        }
        app.close();
        Arrays.sort(api);
        Arrays.sort(raw);
        System.out.println();
        System.out.printf("| measure over %,d records | p50 ms | p99 ms | max ms |%n", records);
        System.out.println("|---|---|---|---|");
        System.out.printf(
                "| raw SQL over JDBC (same filters, limit 100) | %.1f | %.1f | %.1f |%n",
                ms(raw, 0.50), ms(raw, 0.99), raw[raw.length - 1] / 1e6);
        System.out.printf(
                "| **GET /api/audit/events** (filters, limit 100) | **%.1f** | **%.1f** | %.1f |%n",
                ms(api, 0.50), ms(api, 0.99), api[api.length - 1] / 1e6);
        System.out.printf("target: p99 <= 50 ms -> %s%n", ms(api, 0.99) <= 50 ? "MET" : "MISSED");
        System.exit(0);
    }

    private static double ms(long[] sorted, double quantile) {
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1)] / 1e6;
    }
}
