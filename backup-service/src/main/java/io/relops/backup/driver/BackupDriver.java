package io.relops.backup.driver;

import io.relops.backup.policy.BackupCatalog.BackupSpec;
import io.relops.common.event.BackupVerified.Check;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Takes and restores one kind of backup. A driver reads and writes plain (unencrypted) artifacts; hashing,
 * encryption and storage are the caller's.
 */
public interface BackupDriver {

    /** The catalog's name for this driver ({@code backup.driver}). */
    String name();

    /** The file name extension of the application's new artifacts, e.g. {@code pgdump}, {@code tar.zst}. */
    String extension(BackupSpec spec);

    /**
     * What the application's backup will probably produce, in bytes, for a progress bar before any backup of it
     * exists to compare with (e.g. the database's or the directory's size); empty when the driver cannot tell.
     */
    default OptionalLong estimateSize(String application, BackupSpec spec) {
        return OptionalLong.empty();
    }

    /**
     * Writes a backup of the application's data to {@code out}.
     *
     * @return evidence taken with the backup, e.g. the row count of each table at the dump's snapshot
     * @throws BackupException with a reason an operator can act on
     */
    Map<String, Long> backup(String application, BackupSpec spec, OutputStream out) throws IOException;

    /** Reads the artifact through and lists its contents: the driver's own integrity checks. */
    List<Check> inspect(String application, BackupSpec spec, Path artifact) throws IOException;

    /**
     * Restores the artifact into a scratch place and compares it with the evidence taken at backup time;
     * an empty list when this driver has no such test.
     */
    List<Check> testRestore(String application, BackupSpec spec, Path artifact, Map<String, Long> evidence)
            throws IOException;

    /** Restores the artifact over the application's data. */
    void restore(String application, BackupSpec spec, Path artifact) throws IOException;
}
