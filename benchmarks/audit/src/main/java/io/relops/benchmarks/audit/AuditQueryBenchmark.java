package io.relops.benchmarks.audit;

import io.relops.audit.AuditServiceApplication;
import io.relops.common.codec.CloudEventCodec;
import io.relops.common.codec.EncodedEvent;
import io.relops.common.event.ReleaseApproved;
import io.relops.common.event.RelopsEvent;
import io.relops.testkit.BenchmarkTargets;
import io.relops.testkit.Kafka;
import io.relops.testkit.Postgres;
import io.relops.testkit.TestCredentials;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.awaitility.Awaitility;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.json.JsonMapper;

/**
 * Query latency of {@code GET /api/audit/events} with filters over a large log ({@code --records=N},
 * default 10,000,000), per query shape (p50/p90/p99), beside the same filters as one plain SQL statement run
 * directly over JDBC in the same run. Every page the API returns must be the plain SQL's, record for record,
 * or the benchmark stops naming the query.
 *
 * <p>Two measured passes of {@code --queries=N} rounds (default 200) over every shape, each after 20 unmeasured
 * rounds: first on the idle, warm database; then while events arrive through Kafka at {@code --ingest-rate=N}
 * events/s (default 1,000), recorded in the hash chain and indexed behind the writer as configured. The targets are
 * the idle pass's: each shape's p99 &lt;= 50 ms, one target line per shape (a pooled p99 would hide a slow shape
 * behind thirteen fast ones). The pass with ingest is reported beside it without a target of its own: its figures
 * are those of the chosen ingest rate on the same cores as the broker, the writer and the indexer. The concurrent
 * events (they match no shape) are removed from the reused data set after the pass.
 *
 * <p>The data set is generated once, in SQL (generate_series: no service, no Kafka), into the dedicated
 * database {@code bench_audit_query_<N>} and reused by later runs when it is complete (a {@code
 * public.bench_dataset} row records N and the generator version); {@code --reload} drops and regenerates
 * it. Records follow releases of 20 events each (requested by someone, approved by someone else, backup,
 * deployment, health verifications, traffic steps, completion, a notification), one event per second, over
 * 200 applications of very different activity (the busiest has ~60 times the records of the quietest), with
 * comments drawn from a small vocabulary and a ticket number per release. Hashes are placeholders: this
 * measures search, not the chain. The search index is loaded by the generator (indexes dropped and
 * rebuilt), as the search indexer would have built it, and its window buckets (V8).
 */
public final class AuditQueryBenchmark {

    private static final int DATASET_VERSION = 4;
    private static final int EVENTS_PER_RELEASE = 20;
    private static final String[] WORDS = {
        "deploy", "rollback", "hotfix", "canary", "migration", "schema", "payment", "checkout",
        "login", "search", "cache", "feature", "flag", "security", "patch", "upgrade"
    };
    private static final String[] TYPES = {
        "io.relops.release.requested", "io.relops.release.approved", "io.relops.backup.completed",
        "io.relops.deployment.started", "io.relops.deployment.ready", "io.relops.health.verified",
        "io.relops.traffic.shifted", "io.relops.release.completed", "io.relops.alert.notified"
    };
    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    public static void main(String[] args) throws Exception {
        int records = AuditIngestBenchmark.intArg(args, "--records=", 10_000_000);
        int queries = AuditIngestBenchmark.intArg(args, "--queries=", 200);
        int ingestRate = AuditIngestBenchmark.intArg(args, "--ingest-rate=", 1000);
        boolean reload = Arrays.asList(args).contains("--reload");
        String run = UUID.randomUUID().toString().substring(0, 8);
        Postgres.Server server = Postgres.server();
        String name = "bench_audit_query_" + records;
        boolean reuse = !reload && complete(server, name, records);
        if (!reuse) {
            exec(server, server.jdbcUrl("postgres"), "drop database if exists \"" + name + "\"");
            server.createDatabase(name);
        }
        String db = server.jdbcUrl(name);
        System.out.printf(
                "audit query benchmark: %,d records (%s database %s), %,d queries per shape, load average %.1f%n",
                records,
                reuse ? "reusing" : "generating",
                name,
                queries,
                java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                        .getSystemLoadAverage());
        List<String> serviceArgs = new ArrayList<>(List.of(TestCredentials.args()));
        serviceArgs.addAll(List.of(
                "--server.port=0",
                "--relops.kafka.bootstrap-servers=" + Kafka.bootstrapServers(),
                "--relops.database.url=" + db,
                "--relops.database.username=" + server.username(),
                "--relops.database.password=" + server.password(),
                "--relops.topics.release=bq-r-" + run,
                "--relops.topics.health=bq-h-" + run,
                "--relops.topics.backup=bq-b-" + run,
                "--relops.topics.alert=bq-a-" + run,
                "--relops.audit.signing.key-file=" + System.getProperty("java.io.tmpdir") + "/bench-q-" + run + ".pem",
                // the generator writes the log and its search index itself: nothing to sign; the indexer (as
                // configured) has nothing to do until the pass with concurrent ingest
                "--relops.audit.checkpoint.interval=1d",
                "--spring.cloud.stream.kafka.default.consumer.configuration.auto.offset.reset=earliest",
                "--logging.level.root=WARN"));
        ConfigurableApplicationContext app =
                new SpringApplication(AuditServiceApplication.class).run(serviceArgs.toArray(String[]::new));
        if (!reuse) {
            generate(server, db, records);
        }
        int port = ((WebServerApplicationContext) app).getWebServer().getPort();
        Map<String, Function<Random, Shape>> shapes = shapes(records);
        Pass idle;
        Pass busy;
        Ingest ingest;
        try (Connection c = DriverManager.getConnection(db, "relops_audit_writer", "relops-audit-local")) {
            c.setSchema("audit");
            // 1. idle: the warm database, nothing else running
            idle = measure(port, c, shapes, new Random(42), queries);
            // 2. the same shapes (other draws) while events arrive through Kafka at --ingest-rate, recorded in the
            // chain and indexed behind the writer as configured
            try (ConcurrentIngest running = new ConcurrentIngest(c, "bq-r-" + run, ingestRate)) {
                running.awaitFirstRecorded();
                busy = measure(port, c, shapes, new Random(43), queries);
                ingest = running.stop();
            }
        }
        app.close();
        removeConcurrentEvents(server, db, records);
        System.out.println();
        System.out.printf(
                "| query shape over %,d records (limit 100) | API p50 ms | API p90 ms | **API p99 ms** | raw SQL p50 ms"
                        + " | raw SQL p99 ms | with ingest: API p50 ms | with ingest: API p99 ms"
                        + " | with ingest: raw SQL p99 ms |%n",
                records);
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        BenchmarkTargets targets = new BenchmarkTargets();
        for (String shape : shapes.keySet()) {
            long[] a = idle.api().get(shape);
            long[] r = idle.raw().get(shape);
            long[] b = busy.api().get(shape);
            long[] br = busy.raw().get(shape);
            System.out.printf(
                    "| %s | %.1f | %.1f | **%.1f** | %.1f | %.1f | %.1f | %.1f | %.1f |%n",
                    shape,
                    ms(a, 0.50),
                    ms(a, 0.90),
                    ms(a, 0.99),
                    ms(r, 0.50),
                    ms(r, 0.99),
                    ms(b, 0.50),
                    ms(b, 0.99),
                    ms(br, 0.99));
            targets.atMost("audit search p99 (warm, idle), " + shape, ms(a, 0.99), 50, "ms");
        }
        System.out.printf(
                "with ingest: %,d events recorded during the pass (%,.0f events/s, asked %,d/s), search index %,d records"
                        + " behind the log at its end; reported beside the idle pass, no target of its own%n",
                ingest.recorded(), ingest.rate(), ingestRate, ingest.indexLag());
        targets.exit();
    }

    /** Each shape's API and raw SQL latencies (nanoseconds, sorted) of one measured pass. */
    private record Pass(Map<String, long[]> api, Map<String, long[]> raw) {}

    /**
     * Runs 20 unmeasured rounds, then {@code queries} measured rounds of every shape: the API's page beside the same
     * filter as one plain SQL statement, which must return the same records.
     */
    private static Pass measure(
            int port, Connection c, Map<String, Function<Random, Shape>> shapes, Random random, int queries)
            throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        Map<String, long[]> api = new LinkedHashMap<>();
        Map<String, long[]> raw = new LinkedHashMap<>();
        shapes.keySet().forEach(shape -> {
            api.put(shape, new long[queries]);
            raw.put(shape, new long[queries]);
        });
        for (int round = -20; round < queries; round++) {
            for (Map.Entry<String, Function<Random, Shape>> entry : shapes.entrySet()) {
                Shape shape = entry.getValue().apply(random);
                long t = System.nanoTime();
                HttpResponse<String> response = http.send(
                        HttpRequest.newBuilder(URI.create(
                                        "http://localhost:" + port + "/api/audit/events?limit=100&" + shape.params()))
                                .header("Authorization", TestCredentials.bearer("auditor"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                long apiNanos = System.nanoTime() - t;
                if (response.statusCode() != 200) {
                    throw new IllegalStateException(
                            shape.params() + " -> " + response.statusCode() + " " + response.body());
                }
                List<Long> rawSeqs = new ArrayList<>();
                t = System.nanoTime();
                try (ResultSet rs = c.createStatement()
                        .executeQuery("select r.seq, r.event_id, r.data::text from audit_index i"
                                + " join audit_record r on r.seq = i.seq where i.seq > " + shape.after()
                                + " and " + shape.sql() + " order by i.seq limit 100")) {
                    while (rs.next()) {
                        rawSeqs.add(rs.getLong(1));
                        rs.getString(3);
                    }
                }
                long rawNanos = System.nanoTime() - t;
                // fast is worth nothing if wrong: the API's page must be the plain SQL's, record for record
                List<Long> apiSeqs = new ArrayList<>();
                JSON.readTree(response.body())
                        .forEach(record -> apiSeqs.add(record.path("seq").asLong()));
                if (!apiSeqs.equals(rawSeqs)) {
                    throw new IllegalStateException("the API and the plain SQL disagree for " + shape.params()
                            + ": API " + apiSeqs + ", SQL " + rawSeqs);
                }
                if (round >= 0) {
                    api.get(entry.getKey())[round] = apiNanos;
                    raw.get(entry.getKey())[round] = rawNanos;
                }
            }
        }
        api.values().forEach(Arrays::sort);
        raw.values().forEach(Arrays::sort);
        return new Pass(api, raw);
    }

    /** What the service recorded while a pass ran beside {@link ConcurrentIngest}. */
    private record Ingest(long recorded, double rate, long indexLag) {}

    /**
     * Publishes {@code release.approved} events to the service's release topic at a constant rate, from a scheduled
     * executor, until stopped. The events match no query shape (their application, approver and comment are none of
     * the data set's), so every page stays the data set's and the plain SQL stays the API's check; what the queries
     * meet is the load: the consumer, the hash chain and its checkpoints, the indexer behind them and the records
     * not yet indexed, which the API filters directly.
     */
    private static final class ConcurrentIngest implements AutoCloseable {

        private final Connection c;
        private final KafkaProducer<byte[], byte[]> producer;
        private final ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor();
        private final long headBefore;
        private final AtomicLong sent = new AtomicLong();
        private long measureFrom;
        private long headAtMeasure;

        ConcurrentIngest(Connection c, String topic, int perSecond) throws SQLException {
            this.c = c;
            this.headBefore = head(c, "audit_record");
            this.producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, Kafka.bootstrapServers(),
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
            int perTick = Math.max(1, perSecond / 100);
            sender.scheduleAtFixedRate(
                    () -> {
                        for (int i = 0; i < perTick; i++) {
                            long n = sent.getAndIncrement();
                            EncodedEvent encoded = CloudEventCodec.encode(RelopsEvent.of(
                                    URI.create("/relops/bench-ingest"),
                                    new ReleaseApproved(
                                            UUID.randomUUID(),
                                            "ingest-" + (n % 50),
                                            "ingest-approver-" + (n % 20),
                                            "concurrent ingest")));
                            ProducerRecord<byte[], byte[]> record =
                                    new ProducerRecord<>(topic, encoded.key(), encoded.value());
                            encoded.headers()
                                    .forEach((name, value) -> record.headers().add(name, value));
                            producer.send(record);
                        }
                    },
                    0,
                    10,
                    TimeUnit.MILLISECONDS);
        }

        /** Waits until the service records the published events, so that the pass measures a running ingest. */
        void awaitFirstRecorded() {
            Awaitility.await("audit-service records the concurrent events")
                    .atMost(Duration.ofMinutes(2))
                    .until(() -> head(c, "audit_record") > headBefore);
            measureFrom = System.nanoTime();
            headAtMeasure = headOf("audit_record");
        }

        /** Stops publishing; what was recorded during the pass, and how far the index was behind at its end. */
        Ingest stop() throws Exception {
            long head = headOf("audit_record");
            double seconds = (System.nanoTime() - measureFrom) / 1e9;
            long lag = head - headOf("audit_index");
            close();
            return new Ingest(head - headAtMeasure, (head - headAtMeasure) / seconds, lag);
        }

        @Override
        public void close() throws InterruptedException {
            if (!sender.isShutdown()) {
                sender.shutdown();
                sender.awaitTermination(10, TimeUnit.SECONDS);
                producer.close();
            }
        }

        private long headOf(String table) {
            try {
                return head(c, table);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }

        private static long head(Connection c, String table) throws SQLException {
            try (ResultSet rs = c.createStatement().executeQuery("select coalesce(max(seq), 0) from " + table)) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** One query: the API parameters, the same filter over {@code audit_index i}, and the keyset position. */
    record Shape(String params, String sql, long after) {}

    private static Map<String, Function<Random, Shape>> shapes(int records) {
        int releases = records / EVENTS_PER_RELEASE;
        long seconds = records;
        Map<String, Function<Random, Shape>> shapes = new LinkedHashMap<>();
        shapes.put("application", r -> {
            String app = app(r);
            return new Shape("application=" + app, "i.subject = '" + app + "'", 0);
        });
        shapes.put("application, page deep in the log (after = random seq)", r -> {
            String app = app(r);
            long after = 1 + r.nextInt(records);
            return new Shape("application=" + app + "&after=" + after, "i.subject = '" + app + "'", after);
        });
        shapes.put("type", r -> {
            String type = TYPES[r.nextInt(TYPES.length)];
            return new Shape("type=" + type, "i.event_type = '" + type + "'", 0);
        });
        shapes.put("application + type", r -> {
            String app = app(r);
            String type = TYPES[r.nextInt(TYPES.length)];
            return new Shape(
                    "application=" + app + "&type=" + type,
                    "i.subject = '" + app + "' and i.event_type = '" + type + "'",
                    0);
        });
        shapes.put("release id", r -> {
            String release = releaseId(r.nextInt(releases));
            return new Shape("releaseId=" + release, "i.release_id = '" + release + "'", 0);
        });
        shapes.put("actor", r -> {
            String actor = "user-" + r.nextInt(500);
            return new Shape("actor=" + actor, "i.actor = '" + actor + "'", 0);
        });
        shapes.put("actor + 1 day", r -> {
            String actor = "user-" + r.nextInt(500);
            Instant since = START.plusSeconds(r.nextLong(Math.max(1, seconds - 86_400)));
            return new Shape(
                    "actor=" + actor + window(since, 86_400),
                    "i.actor = '" + actor + "'" + windowSql(since, 86_400),
                    0);
        });
        shapes.put("type + 1 hour", r -> {
            String type = TYPES[r.nextInt(TYPES.length)];
            Instant since = START.plusSeconds(r.nextLong(Math.max(1, seconds - 3600)));
            return new Shape(
                    "type=" + type + window(since, 3600), "i.event_type = '" + type + "'" + windowSql(since, 3600), 0);
        });
        shapes.put("1 hour", r -> {
            Instant since = START.plusSeconds(r.nextLong(Math.max(1, seconds - 3600)));
            return new Shape(
                    window(since, 3600).substring(1), windowSql(since, 3600).substring(5), 0);
        });
        shapes.put("application + type + 1 week", r -> {
            String app = app(r);
            String type = TYPES[r.nextInt(TYPES.length)];
            Instant since = START.plusSeconds(r.nextLong(Math.max(1, seconds - 7 * 86_400)));
            return new Shape(
                    "application=" + app + "&type=" + type + window(since, 7 * 86_400),
                    "i.subject = '" + app + "' and i.event_type = '" + type + "'" + windowSql(since, 7 * 86_400),
                    0);
        });
        shapes.put("free text, common word", r -> {
            String word = WORDS[r.nextInt(WORDS.length)];
            return new Shape("q=" + word, text(word), 0);
        });
        shapes.put("free text, one ticket", r -> {
            String ticket = "JIRA-" + r.nextInt(releases);
            return new Shape("q=" + ticket, text(ticket), 0);
        });
        shapes.put("free text + application", r -> {
            String word = WORDS[r.nextInt(WORDS.length)];
            String app = app(r);
            return new Shape(
                    "q=" + word + "&application=" + app,
                    text(word) + " and i.subject = '" + app + "' and " + lexemes("'@a:" + app + "'"),
                    0);
        });
        shapes.put("free text + type + 1 week", r -> {
            String word = WORDS[r.nextInt(WORDS.length)];
            Instant since = START.plusSeconds(r.nextLong(Math.max(1, seconds - 7 * 86_400)));
            return new Shape(
                    "q=" + word + "&type=io.relops.release.requested" + window(since, 7 * 86_400),
                    text(word) + " and i.event_type = 'io.relops.release.requested'" + windowSql(since, 7 * 86_400)
                            + " and " + lexemes("'@t:io.relops.release.requested' & " + days(since, 7 * 86_400)),
                    0);
        });
        return shapes;
    }

    /** Applications as often as they occur: app-0 is the busiest, app-199 the quietest. */
    private static String app(Random random) {
        double u = random.nextDouble();
        return "app-" + (int) (200 * u * u);
    }

    private static String window(Instant since, long seconds) {
        return "&since=" + since + "&until=" + since.plusSeconds(seconds);
    }

    private static String windowSql(Instant since, long seconds) {
        return " and i.event_time >= '" + since + "' and i.event_time < '" + since.plusSeconds(seconds) + "'";
    }

    /** The service's condition over the document's exact lexemes (audit-service AuditQuery#lexemeQuery). */
    private static String lexemes(String tsquery) {
        return "i.search @@ cast('" + tsquery.replace("'", "''") + "' as tsquery)";
    }

    /** The day lexemes of a window, OR'd. */
    private static String days(Instant since, long seconds) {
        List<String> days = new ArrayList<>();
        long last = Math.floorDiv(since.plusSeconds(seconds).minusNanos(1).getEpochSecond(), 86_400L);
        for (long day = Math.floorDiv(since.getEpochSecond(), 86_400L); day <= last; day++) {
            days.add("'@d:" + day + "'");
        }
        return "(" + String.join(" | ", days) + ")";
    }

    private static String text(String words) {
        return "i.search @@ plainto_tsquery('simple', '" + words + "')";
    }

    /** The generator's release id: {@code md5('release-' || n)} as a UUID. */
    private static String releaseId(long release) {
        try {
            String hex = java.util.HexFormat.of()
                    .formatHex(java.security.MessageDigest.getInstance("MD5")
                            .digest(("release-" + release).getBytes(StandardCharsets.UTF_8)));
            return hex.substring(0, 8) + "-" + hex.substring(8, 12) + "-" + hex.substring(12, 16) + "-"
                    + hex.substring(16, 20) + "-" + hex.substring(20);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether {@code name} exists and holds the complete data set of this generator version. */
    private static boolean complete(Postgres.Server server, String name, int records) {
        try (Connection c = DriverManager.getConnection(server.jdbcUrl(name), server.username(), server.password());
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select records, version from public.bench_dataset")) {
            return rs.next() && rs.getLong(1) == records && rs.getInt(2) == DATASET_VERSION;
        } catch (SQLException e) {
            return false; // no such database, or not completely generated
        }
    }

    private static void generate(Postgres.Server server, String db, int records) throws SQLException {
        long t0 = System.nanoTime();
        try (Connection c = DriverManager.getConnection(db, server.username(), server.password());
                Statement s = c.createStatement()) {
            s.execute("set maintenance_work_mem = '256MB'");
            // the search index's indexes are rebuilt after the load: much faster than maintaining them per row
            List<String> indexes = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("select indexname, indexdef from pg_indexes where schemaname = 'audit'"
                    + " and tablename = 'audit_index' and indexname <> 'audit_index_pkey'")) {
                while (rs.next()) {
                    indexes.add(rs.getString(2));
                }
            }
            for (String index : indexes) {
                s.execute("drop index audit." + index.replaceFirst("(?s)^CREATE (UNIQUE )?INDEX (\\S+) .*$", "$2"));
            }
            String types = "array['" + String.join("','", TYPES) + "']";
            String words = "array['" + String.join("','", WORDS) + "']";
            int chunk = 1_000_000;
            // each chunk's records, index entries and buckets in one transaction: the service's search indexer
            // (running, for the pass with concurrent ingest) never sees records without their index entries
            c.setAutoCommit(false);
            for (int from = 1; from <= records; from += chunk) {
                int to = Math.min(records, from + chunk - 1);
                // k: the event's place in its release (20 events), rn: the release, u: the release's random draw
                s.execute("insert into audit.audit_record (seq, event_id, event_type, source, subject, release_id,"
                        + " event_time, topic, actor, recorded_at, data, prev_hash, hash)"
                        + " select g, md5('event-' || g)::uuid::text, t.type, '/relops/' || split_part(t.type, '.', 3),"
                        + "   a.app, a.release_id, a.at, 'relops.' || split_part(t.type, '.', 3), a.actor,"
                        + "   a.at + interval '40 milliseconds',"
                        + "   jsonb_strip_nulls(jsonb_build_object('application', a.app, 'releaseId', a.release_id,"
                        + "     'version', '2.' || (a.rn % 40) || '.' || (a.rn % 13),"
                        + "     'requestedBy', case when a.k = 0 then a.actor end,"
                        + "     'approvedBy', case when a.k = 1 then a.actor end,"
                        + "     'comment', case when a.k = 0 then a.word || ' for ' || a.app || ', ticket JIRA-' || a.rn"
                        + "                     else 'step ' || a.k || ' of release ' || a.rn end)),"
                        + "   repeat('0', 64), repeat('0', 64)"
                        + " from generate_series(" + from + ", " + to + ") g"
                        + " cross join lateral (select g % 20 as k, (g - 1) / 20 as rn,"
                        + "   (abs(hashint8((g - 1) / 20)) % 100000) / 100000.0 as u) d"
                        + " cross join lateral (select d.k, d.rn,"
                        + "   'app-' || floor(200 * d.u * d.u)::int as app,"
                        + "   (" + words + ")[1 + abs(hashint8(d.rn + 7)) % 16] as word,"
                        + "   uuid_in(md5('release-' || d.rn)::cstring)::text as release_id,"
                        + "   timestamptz '" + START + "' + g * interval '1 second' as at,"
                        + "   case when d.k = 0 then 'user-' || abs(hashint8(d.rn)) % 500"
                        + "        when d.k = 1 then 'user-' || (abs(hashint8(d.rn)) + 1 + abs(hashint8(d.rn + 1)) % 499) % 500"
                        + "   end as actor) a"
                        + " cross join lateral (select (" + types + ")[case when a.k = 0 then 1 when a.k = 1 then 2"
                        + "   when a.k = 2 then 3 when a.k = 3 then 4 when a.k = 4 then 5 when a.k between 5 and 13 then 6"
                        + "   when a.k between 14 and 17 then 7 when a.k = 18 then 8 else 9 end] as type) t");
                s.execute(
                        "insert into audit.audit_index (seq, event_type, subject, release_id, actor, event_time, search)"
                                + " select r.seq, r.event_type, r.subject, r.release_id, r.actor, r.event_time,"
                                + " audit.audit_document(r.seq, r.event_type, r.subject, r.actor, r.event_time, r.data)"
                                + " from audit.audit_record r"
                                + " where r.seq between " + from + " and " + to);
                s.execute("insert into audit.audit_window_bucket (day, bucket)"
                        + " select distinct floor(extract(epoch from event_time) / 86400)::bigint, seq >> 16"
                        + " from audit.audit_index where seq between " + from + " and " + to
                        + " on conflict do nothing");
                c.commit();
                System.out.printf("  generated %,d records (%.0f s)%n", to, (System.nanoTime() - t0) / 1e9);
            }
            c.setAutoCommit(true);
            for (String index : indexes) {
                s.execute(index);
            }
            System.out.printf("  search indexes rebuilt (%.0f s)%n", (System.nanoTime() - t0) / 1e9);
            s.execute("vacuum analyze audit.audit_record");
            s.execute("vacuum analyze audit.audit_index");
            s.execute("create table public.bench_dataset (records bigint not null, version int not null)");
            s.execute("insert into public.bench_dataset values (" + records + ", " + DATASET_VERSION + ")");
            System.out.printf("  data set complete (%.0f s)%n", (System.nanoTime() - t0) / 1e9);
        }
    }

    /**
     * Removes what the pass with concurrent ingest added (records, index entries, checkpoints and their anchors,
     * window buckets of later days), as the database owner with the append-only triggers off, so that every run
     * measures the same data set.
     */
    private static void removeConcurrentEvents(Postgres.Server server, String db, int records) throws SQLException {
        try (Connection c = DriverManager.getConnection(db, server.username(), server.password());
                Statement s = c.createStatement()) {
            s.execute("set session_replication_role = replica");
            s.execute("delete from audit.audit_window_bucket where day > (select floor(extract(epoch from"
                    + " event_time) / 86400)::bigint from audit.audit_record where seq = " + records + ")");
            for (String table : List.of("audit_index", "audit_anchored", "audit_checkpoint", "audit_record")) {
                s.execute("delete from audit." + table + " where seq > " + records);
            }
            s.execute("delete from audit.audit_verification");
            s.execute("vacuum analyze audit.audit_record, audit.audit_index");
        }
    }

    private static void exec(Postgres.Server server, String url, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, server.username(), server.password());
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static double ms(long[] sorted, double quantile) {
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1)] / 1e6;
    }
}
