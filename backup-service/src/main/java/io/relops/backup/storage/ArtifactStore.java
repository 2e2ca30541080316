package io.relops.backup.storage;

import java.io.IOException;
import java.nio.file.Path;

/** Where backup artifacts are kept: a local directory or an S3-compatible bucket. */
public interface ArtifactStore {

    /** Where {@code key} lives, for the catalog and the events ({@code file:…}, {@code s3://bucket/key}). */
    String location(String key);

    /** Stores the file under {@code key}; the file may be moved or deleted afterwards. */
    void put(String key, Path file) throws IOException;

    /**
     * A local file with the content stored under {@code key}: the stored file itself where storage is local, else a
     * download into {@code staging} (which the caller deletes).
     */
    Path fetch(String key, Path staging) throws IOException;

    void delete(String key) throws IOException;
}
