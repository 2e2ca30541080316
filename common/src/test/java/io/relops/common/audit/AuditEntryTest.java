package io.relops.common.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** The streamed canonical content is exactly the documented form: every member, sorted by name. */
class AuditEntryTest {

    private static final String DATA = "{\"zeta\":[1.50,2E2,{\"b\":null,\"a\":\"\\u00e9\\t\\\"q\\\"\"}],"
            + "\"application\":\"shop\",\"count\":12345678901234567890,\"ok\":true}";

    @Test
    void streamedContentEqualsTheSortedTreeOfEveryMember() {
        for (AuditEntry entry : new AuditEntry[] {
            entry("actor-1", "5b7a-release", DATA), entry(null, null, "{}"), entry("ünïcødé \u2028 ☃", null, DATA)
        }) {
            ObjectNode content = CanonicalJson.mapper().createObjectNode();
            content.put("type", entry.type());
            content.put("topic", entry.topic());
            content.put("time", AuditChain.formatTime(entry.time()));
            content.put("subject", entry.subject());
            content.put("source", entry.source());
            content.put("seq", entry.seq());
            content.put("releaseId", entry.releaseId());
            content.put("recordedAt", AuditChain.formatTime(entry.recordedAt()));
            content.put("id", entry.id());
            content.set("data", entry.data());
            content.put("actor", entry.actor());
            String expected = new String(CanonicalJson.bytes(content), StandardCharsets.UTF_8);

            assertThat(new String(entry.canonicalContent(), StandardCharsets.UTF_8))
                    .isEqualTo(expected);
            assertThat(new String(entry.canonicalContent(CanonicalJson.string(entry.data())), StandardCharsets.UTF_8))
                    .isEqualTo(expected)
                    .startsWith("{\"actor\":")
                    .contains("\"seq\":42,");
        }
    }

    @Test
    void chainingWithPrecomputedCanonicalDataGivesTheVerifiedHash() {
        AuditEntry entry = entry("actor-1", "r-1", DATA);
        AuditEntry chained = entry.chainedAfter(AuditChain.GENESIS, CanonicalJson.string(entry.data()));
        assertThat(chained.hash()).isEqualTo(AuditChain.link(AuditChain.GENESIS, entry.digest()));
        assertThat(chained).isEqualTo(entry.chainedAfter(AuditChain.GENESIS));
        assertThat(chained.prevHash()).isEqualTo(AuditChain.GENESIS);
    }

    private static AuditEntry entry(String actor, String releaseId, String data) {
        JsonNode tree = CanonicalJson.read(data);
        return new AuditEntry(
                42,
                "id-\"1\"",
                "io.relops.release.approved",
                "/relops/gateway",
                "shop",
                releaseId,
                Instant.parse("2026-11-22T10:00:00.123456Z"),
                "relops.release",
                actor,
                Instant.parse("2026-11-22T10:00:01Z"),
                tree,
                "",
                "");
    }
}
