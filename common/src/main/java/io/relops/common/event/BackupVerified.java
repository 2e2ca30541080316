package io.relops.common.event;

import java.util.List;
import java.util.UUID;

/** A stored backup was re-read and checked; {@code checks} is the evidence. */
public record BackupVerified(UUID backupId, String application, String sha256, List<Check> checks)
        implements EventData {

    /** One verification check with its outcome. */
    public record Check(String name, boolean passed, String detail) {}
}
