package io.relops.local;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * The embedded PostgreSQL (zonky: real PostgreSQL binaries from Maven Central) of the local suite; the testkit's
 * last resort for tests ({@code io.relops.testkit.Postgres}) starts its throw-away one here too.
 */
public final class LocalPostgres {

    private LocalPostgres() {}

    /**
     * Starts an embedded PostgreSQL.
     *
     * @param dataDirectory where its data lives (kept across starts), or null for a throw-away one
     * @param port its port, or 0 for a free one
     */
    public static EmbeddedPostgres start(@Nullable Path dataDirectory, int port) {
        try {
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setRegisterShutdownHook(true)
                    // a few MB of data: PostgreSQL's 128 MB default of shared buffers is for a server
                    .setServerConfig("shared_buffers", "32MB");
            if (dataDirectory != null) {
                builder.setDataDirectory(dataDirectory).setCleanDataDirectory(false);
            }
            if (port > 0) {
                builder.setPort(port);
            }
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded PostgreSQL", e);
        }
    }
}
