package io.relops.audit.log;

import io.relops.testkit.Postgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** An audit IT's database as its superuser sees it: direct reads, and tampering with the log as an attacker would. */
record AuditDatabase(String url) {

    Connection superuser() throws SQLException {
        return DriverManager.getConnection(
                url, Postgres.server().username(), Postgres.server().password());
    }

    /** Direct SQL as a superuser, triggers bypassed (session_replication_role = replica). */
    void tamper(String... statements) throws SQLException {
        try (Connection db = superuser();
                Statement sql = db.createStatement()) {
            sql.execute("set session_replication_role = replica");
            for (String statement : statements) {
                sql.execute(statement);
            }
        }
    }

    /** The single number {@code query} answers. */
    long count(String query) throws SQLException {
        try (Connection db = superuser();
                Statement sql = db.createStatement();
                ResultSet rs = sql.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
