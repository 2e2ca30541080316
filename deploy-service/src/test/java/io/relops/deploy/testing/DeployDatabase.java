package io.relops.deploy.testing;

import io.relops.testkit.Postgres;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/** A fresh database with deploy-service's schema (its Flyway migrations), for tests of one repository or target. */
public final class DeployDatabase {

    private DeployDatabase() {}

    /** A new database ({@code <prefix>_<random>}) migrated to deploy-service's schema, as deploy-service uses it. */
    public static JdbcClient fresh(String prefix) {
        return JdbcClient.create(freshDataSource(prefix));
    }

    /** The same, as a {@link DataSource} (for a component that takes one, e.g. a ShedLock provider). */
    public static DataSource freshDataSource(String prefix) {
        String url = Postgres.freshDatabase(prefix);
        Postgres.Server server = Postgres.server();
        Flyway.configure()
                .dataSource(url, server.username(), server.password())
                .schemas("deploy")
                .load()
                .migrate();
        return new DriverManagerDataSource(url + "?currentSchema=deploy", server.username(), server.password());
    }
}
