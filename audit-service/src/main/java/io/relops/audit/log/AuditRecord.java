package io.relops.audit.log;

import java.time.OffsetDateTime;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/** One recorded event. */
public record AuditRecord(
        long seq,
        String id,
        String type,
        String source,
        String subject,
        @Nullable UUID releaseId,
        OffsetDateTime time,
        OffsetDateTime recordedAt,
        String topic,
        JsonNode data) {}
