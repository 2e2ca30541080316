package io.relops.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.relops.audit.log.AuditWriter;
import io.relops.common.event.ReleaseRequested;
import io.relops.common.event.RelopsEvent;
import io.relops.testkit.Kafka;
import io.relops.testkit.Postgres;
import io.relops.testkit.TestCredentials;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The database roles of ops/postgres/initdb/10-relops-roles.sql on a real PostgreSQL: the script runs as a superuser,
 * every other service's migrations run as that service's role, audit-service starts as its own three roles (owner,
 * writer, maintainer); then no role but audit's maintainer (and the audit schema's owner) may execute any function
 * named {@code audit_prune}, and no role may read or write a schema that is not its service's.
 */
@SpringBootTest(classes = AuditServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class DatabaseRolesIT {

    /** Each service's role and the schema it owns (audit-service's flyway and hikari schema, and the others'). */
    static final Map<String, String> SERVICE_ROLES = Map.of(
            "relops_gateway", "gateway",
            "relops_deploy", "deploy",
            "relops_healthcheck", "healthcheck",
            "relops_backup", "backup",
            "relops_alert", "alert",
            "relops_audit_owner", "audit");

    static final String WRITER = "relops_audit_writer";
    static final String MAINTAINER = "relops_audit_maintainer";
    /**
     * Set on roles that have no password yet (a role is cluster-wide: another run may have set it before). The
     * writer's and the maintainer's are audit-service's local defaults, which the other ITs of this JVM log in with.
     */
    static final Map<String, String> PASSWORDS = passwords();

    static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    static final Path ROOT = repositoryRoot();
    static final String DB_URL = bootstrapped(Postgres.freshDatabase("audit_roles_it"));

    @TempDir
    static Path keyDirectory;

    @Autowired
    AuditWriter writer;

    @Autowired
    DataSource dataSource;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("relops.kafka.bootstrap-servers", Kafka::bootstrapServers);
        TestCredentials.properties().forEach((key, value) -> registry.add(key, () -> value));
        registry.add("relops.database.url", () -> DB_URL);
        registry.add("relops.database.username", () -> "relops_audit_owner");
        registry.add("relops.database.password", () -> PASSWORDS.get("relops_audit_owner"));
        registry.add("relops.audit.database.writer-user", () -> WRITER);
        registry.add("relops.audit.database.writer-password", () -> PASSWORDS.get(WRITER));
        registry.add("relops.audit.database.maintainer-user", () -> MAINTAINER);
        registry.add("relops.audit.database.maintainer-password", () -> PASSWORDS.get(MAINTAINER));
        registry.add("relops.topics.release", () -> "it-roles-release-" + RUN);
        registry.add("relops.topics.health", () -> "it-roles-health-" + RUN);
        registry.add("relops.topics.backup", () -> "it-roles-backup-" + RUN);
        registry.add("relops.topics.alert", () -> "it-roles-alert-" + RUN);
        registry.add(
                "relops.audit.signing.key-file",
                () -> keyDirectory.resolve("signing.pem").toString());
        registry.add("relops.audit.signing.generate-if-missing", () -> "true");
    }

    @Test
    void auditServiceMigratesAsTheAuditOwnerAndWritesAsItsWriter() throws SQLException {
        assertThat(new JdbcTemplate(dataSource).queryForObject("select current_user", String.class))
                .isEqualTo(WRITER);
        RelopsEvent<?> event = RelopsEvent.of(
                URI.create("/relops/it"),
                new ReleaseRequested(UUID.randomUUID(), "shop", "1.0.0", "prod", null, "alice", "c0ffee", null));
        writer.append(List.of(AuditWriter.Incoming.of(event, "it-roles")));
        assertThat(strings("select event_id from audit.audit_record")).containsExactly(event.id());
    }

    @Test
    void everyServiceMigratesAsItsOwnRoleIntoTheSchemaItOwns() throws SQLException {
        for (Map.Entry<String, String> service : SERVICE_ROLES.entrySet()) {
            String role = service.getKey();
            String schema = service.getValue();
            assertThat(strings("select nspowner::regrole::text from pg_namespace where nspname = ?", schema))
                    .as("owner of schema %s", schema)
                    .containsExactly(role);
            assertThat(strings("select distinct installed_by from " + schema + ".flyway_schema_history where success"))
                    .as("who migrated schema %s", schema)
                    .containsExactly(role);
            assertThat(strings(
                            "select distinct relowner::regrole::text from pg_class where relnamespace = ?::regnamespace",
                            schema))
                    .as("owners of the tables, indexes and sequences of %s", schema)
                    .containsExactly(role);
            assertThat(strings(
                            "select distinct proowner::regrole::text from pg_proc where pronamespace = ?::regnamespace",
                            schema))
                    .as("owners of the functions of %s", schema)
                    .allMatch(role::equals);
        }
        assertThat(strings(
                        "select rolname from pg_roles where rolname like 'relops\\_%' and rolname = any(?)"
                                + " and (rolsuper or rolcreaterole or rolcreatedb or rolbypassrls or rolreplication)",
                        (Object) allRoles().toArray(String[]::new)))
                .as("roles with more than a login")
                .isEmpty();
    }

    @Test
    void noRoleButAuditsMaintainerMayExecuteAnyAuditPrune() throws SQLException {
        List<String> prunes = strings("select oid::regprocedure::text from pg_proc where proname = 'audit_prune'");
        assertThat(prunes).as("functions named audit_prune").isNotEmpty();
        for (String role : allRoles()) {
            if (role.equals(MAINTAINER) || role.equals("relops_audit_owner")) {
                continue;
            }
            assertThat(strings(
                            "select oid::regprocedure::text from pg_proc"
                                    + " where proname = 'audit_prune' and has_function_privilege(?, oid, 'EXECUTE')",
                            role))
                    .as("audit_prune functions %s may execute", role)
                    .isEmpty();
        }
        assertThat(strings(
                        "select oid::regprocedure::text from pg_proc"
                                + " where proname = 'audit_prune' and has_function_privilege(?, oid, 'EXECUTE')",
                        MAINTAINER))
                .as("the maintainer prunes")
                .isNotEmpty();
        // and the call itself: another service's role does not get as far as the function
        for (String role : SERVICE_ROLES.keySet()) {
            if (role.equals("relops_audit_owner")) {
                continue;
            }
            try (Connection connection = connect(role);
                    Statement sql = connection.createStatement()) {
                assertThatThrownBy(() -> sql.execute("select audit.audit_prune(1, 'x', now(), 'k', 's')"))
                        .as(role)
                        .isInstanceOfSatisfying(
                                SQLException.class,
                                e -> assertThat(e.getSQLState()).isEqualTo("42501"));
            }
        }
    }

    @Test
    void noRoleCanReadOrWriteASchemaOfAnotherService() throws SQLException {
        Map<String, String> ownSchema = new LinkedHashMap<>(SERVICE_ROLES);
        ownSchema.put(WRITER, "audit");
        ownSchema.put(MAINTAINER, "audit");
        for (Map.Entry<String, String> role : ownSchema.entrySet()) {
            for (String schema : SERVICE_ROLES.values()) {
                if (schema.equals(role.getValue())) {
                    continue;
                }
                String what = role.getKey() + " on schema " + schema;
                assertThat(strings(
                                "select privilege from unnest(array['USAGE', 'CREATE']) privilege"
                                        + " where has_schema_privilege(?, ?, privilege)",
                                role.getKey(),
                                schema))
                        .as(what)
                        .isEmpty();
                assertThat(strings(
                                "select relname from pg_class where relnamespace = ?::regnamespace and relkind in ('r', 'p')"
                                        + " and has_table_privilege(?, oid,"
                                        + " 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER')",
                                schema,
                                role.getKey()))
                        .as("tables %s has any privilege on", what)
                        .isEmpty();
                try (Connection connection = connect(role.getKey());
                        Statement sql = connection.createStatement()) {
                    for (String statement : List.of(
                            "select count(*) from " + schema + ".flyway_schema_history",
                            "delete from " + schema + ".processed_event",
                            "insert into " + schema + ".processed_event (event_id, event_type) values ('x', 'y')")) {
                        assertThatThrownBy(() -> sql.execute(statement))
                                .as("%s: %s", role.getKey(), statement)
                                .isInstanceOfSatisfying(
                                        SQLException.class,
                                        e -> assertThat(e.getSQLState()).isEqualTo("42501"));
                    }
                }
            }
            assertThat(strings("select 1 where has_schema_privilege(?, 'public', 'CREATE')", role.getKey()))
                    .as("%s creates in schema public", role.getKey())
                    .isEmpty();
        }
    }

    private static List<String> allRoles() {
        List<String> roles = new ArrayList<>(SERVICE_ROLES.keySet());
        roles.add(WRITER);
        roles.add(MAINTAINER);
        return roles;
    }

    private static Map<String, String> passwords() {
        Map<String, String> passwords = new LinkedHashMap<>();
        SERVICE_ROLES.keySet().forEach(role -> passwords.put(role, "relops-test-only"));
        passwords.put(WRITER, "relops-audit-local");
        passwords.put(MAINTAINER, "relops-audit-maintainer-local");
        return passwords;
    }

    /**
     * The roles script as the superuser, passwords for the roles that have none, then every other service's
     * migrations (the platform's and its own, from its module) as that service's role.
     */
    private static String bootstrapped(String url) {
        try (Connection superuser = superuser(url);
                Statement sql = superuser.createStatement()) {
            sql.execute(Files.readString(ROOT.resolve("ops/postgres/initdb/10-relops-roles.sql")));
            for (Map.Entry<String, String> role : PASSWORDS.entrySet()) {
                sql.execute("do $$ begin if exists (select 1 from pg_authid where rolname = '" + role.getKey()
                        + "' and rolpassword is null) then alter role " + role.getKey() + " password '"
                        + role.getValue() + "'; end if; end $$");
            }
        } catch (IOException | SQLException e) {
            throw new IllegalStateException("cannot create the database roles in " + url, e);
        }
        SERVICE_ROLES.forEach((role, schema) -> {
            if (schema.equals("audit")) {
                return; // audit-service migrates itself when it starts, as its owner
            }
            Flyway.configure()
                    .dataSource(url, role, PASSWORDS.get(role))
                    .schemas(schema)
                    .locations(
                            "classpath:db/platform",
                            "filesystem:" + ROOT.resolve(schema + "-service/src/main/resources/db/migration"))
                    .outOfOrder(true)
                    .load()
                    .migrate();
        });
        return url;
    }

    private static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("ops/postgres/initdb/10-relops-roles.sql"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("no ops/postgres/initdb/10-relops-roles.sql above "
                    + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    private static Connection connect(String role) throws SQLException {
        return DriverManager.getConnection(DB_URL, role, PASSWORDS.get(role));
    }

    private static Connection superuser(String url) throws SQLException {
        return DriverManager.getConnection(
                url, Postgres.server().username(), Postgres.server().password());
    }

    private static List<String> strings(String query, Object... parameters) throws SQLException {
        try (Connection db = superuser(DB_URL);
                PreparedStatement sql = db.prepareStatement(query)) {
            for (int i = 0; i < parameters.length; i++) {
                if (parameters[i] instanceof String[] array) {
                    sql.setArray(i + 1, db.createArrayOf("text", array));
                } else {
                    sql.setObject(i + 1, parameters[i]);
                }
            }
            List<String> values = new ArrayList<>();
            try (ResultSet rows = sql.executeQuery()) {
                while (rows.next()) {
                    values.add(rows.getString(1));
                }
            }
            return values;
        }
    }
}
