package io.relops.audit.log;

import io.relops.common.audit.AuditChain;
import io.relops.common.audit.AuditEntry;
import io.relops.common.audit.Checkpoint;
import io.relops.common.audit.Verdict;
import io.relops.common.event.EventType;
import io.relops.common.release.ReleaseStatus;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Service;
import org.springframework.web.util.HtmlUtils;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The evidence of one release, assembled from its audit records: who requested and approved it, the
 * pre-deploy backup and its SHA-256, the version deployed, the health evidence, the traffic steps, the
 * outcome and the notifications sent — with every record's sequence number and hash, the verdict of
 * the chain over the range those records span, and the signed checkpoint that covers it. A release promoted from
 * another environment ({@code deployment.started} carries {@code promotedFrom}) shows that release too: its
 * environment, version, requester, approvals, outcome and records with their hashes ({@code promotedFrom}).
 */
@Service
public class ReleaseEvidence {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** The outcome of a release whose records show no end yet: the evidence's own word, not a {@link ReleaseStatus}. */
    private static final String IN_PROGRESS = "IN_PROGRESS";

    private final AuditStore store;
    private final AuditVerifier verifier;

    ReleaseEvidence(AuditStore store, AuditVerifier verifier) {
        this.store = store;
        this.verifier = verifier;
    }

    /** The evidence as JSON, or empty when the log has no record of {@code releaseId}. */
    public Optional<ObjectNode> of(String releaseId) {
        Optional<ObjectNode> evidence = assemble(releaseId);
        evidence.ifPresent(found -> {
            String source = found.path("promotedFrom").asString("");
            if (!source.isBlank()) {
                found.set("promotedFrom", source(source));
            }
        });
        return evidence;
    }

    /**
     * The release a promoted one came from, as its own evidence says it (without the verdict and checkpoint, which
     * the promoted release's evidence gives for its own range), or only its id when the log has no record of it.
     */
    private ObjectNode source(String releaseId) {
        ObjectNode source = assemble(releaseId).orElse(null);
        if (source == null) {
            return JSON.createObjectNode()
                    .put("releaseId", releaseId)
                    .put("missing", "the audit log has no record of this release");
        }
        ObjectNode summary = JSON.createObjectNode();
        for (String field : List.of(
                "releaseId",
                "environment",
                "version",
                "requestedBy",
                "requestedAt",
                "approvals",
                "deployed",
                "outcome",
                "records")) {
            if (source.has(field)) {
                summary.set(field, source.get(field));
            }
        }
        return summary;
    }

    private Optional<ObjectNode> assemble(String releaseId) {
        AuditQuery query = new AuditQuery(null, null, releaseId, null, null, null, null);
        List<AuditEntry> records = store.search(query, 0, 10_000);
        if (records.isEmpty()) {
            return Optional.empty();
        }
        ObjectNode evidence = JSON.createObjectNode();
        evidence.put("releaseId", releaseId);
        evidence.put("application", records.get(0).subject());
        ArrayNode approvals = JSON.createArrayNode();
        ArrayNode health = JSON.createArrayNode();
        ArrayNode traffic = JSON.createArrayNode();
        ArrayNode notifications = JSON.createArrayNode();
        ArrayNode chain = JSON.createArrayNode();
        ObjectNode outcome = JSON.createObjectNode().put("status", IN_PROGRESS);
        for (AuditEntry record : records) {
            JsonNode data = record.data();
            String at = AuditChain.formatTime(record.time());
            chain.addObject()
                    .put("seq", record.seq())
                    .put("type", record.type())
                    .put("time", at)
                    .put("hash", record.hash());
            EventType type = EventType.fromTypeName(record.type()).orElse(null);
            if (type == null) {
                continue; // a type this build does not know: in the chain list above
            }
            switch (type) {
                case RELEASE_REQUESTED -> {
                    evidence.put("environment", data.path("environment").asString(""));
                    evidence.put("version", data.path("version").asString(""));
                    evidence.put("requestedBy", data.path("requestedBy").asString(""));
                    evidence.put("requestedAt", at);
                    evidence.set("commit", data.path("commit"));
                }
                case RELEASE_APPROVED ->
                    approvals
                            .addObject()
                            .put("approvedBy", data.path("approvedBy").asString(""))
                            .put("at", at)
                            .set("comment", data.path("comment"));
                case RELEASE_REJECTED ->
                    outcome(
                            outcome,
                            ReleaseStatus.REJECTED,
                            at,
                            "rejected by " + data.path("rejectedBy").asString("") + ": "
                                    + data.path("reason").asString(""));
                case BACKUP_COMPLETED ->
                    evidence.set(
                            "backup",
                            JSON.createObjectNode()
                                    .put("backupId", data.path("backupId").asString(""))
                                    .put("sha256", data.path("sha256").asString(""))
                                    .put("artifactUri", data.path("artifactUri").asString(""))
                                    .put("at", at));
                case BACKUP_FAILED ->
                    evidence.set(
                            "backup",
                            JSON.createObjectNode()
                                    .put("failed", data.path("reason").asString(""))
                                    .put("at", at));
                case DEPLOYMENT_STARTED -> {
                    String promotedFrom = data.path("promotedFrom").asString("");
                    if (!promotedFrom.isBlank()) {
                        evidence.put("promotedFrom", promotedFrom);
                    }
                }
                case DEPLOYMENT_READY ->
                    evidence.set(
                            "deployed",
                            JSON.createObjectNode()
                                    .put("version", data.path("version").asString(""))
                                    .put("slot", data.path("slot").asString(""))
                                    .put("at", at));
                case HEALTH_VERIFIED, HEALTH_FAILED, HEALTH_INCONCLUSIVE ->
                    health.addObject()
                            .put("passed", type == EventType.HEALTH_VERIFIED)
                            .put("inconclusive", type == EventType.HEALTH_INCONCLUSIVE)
                            .put("at", at)
                            .set("results", data.path("results"));
                case TRAFFIC_SHIFTED ->
                    traffic.addObject()
                            .put("step", data.path("step").asInt())
                            .put("weight", data.path("weight").asInt())
                            .put("at", at);
                case RELEASE_COMPLETED ->
                    outcome(
                            outcome,
                            ReleaseStatus.COMPLETED,
                            at,
                            "version " + data.path("version").asString("") + " serves "
                                    + data.path("environment").asString(""));
                case ROLLBACK_COMPLETED ->
                    outcome(
                            outcome,
                            ReleaseStatus.ROLLED_BACK,
                            at,
                            "back to " + data.path("restoredVersion").asString("") + ": "
                                    + data.path("reason").asString(""));
                case DEPLOYMENT_FAILED, ROLLBACK_FAILED ->
                    outcome(
                            outcome,
                            ReleaseStatus.FAILED,
                            at,
                            data.path("reason").asString(""));
                case RELEASE_ABORT_REQUESTED ->
                    outcome(
                            outcome,
                            ReleaseStatus.ABORTED,
                            at,
                            "aborted by " + data.path("requestedBy").asString(""));
                case ALERT_NOTIFIED ->
                    notifications
                            .addObject()
                            .put("receiver", data.path("receiver").asString(""))
                            .put("severity", data.path("severity").asString(""))
                            .put("summary", data.path("summary").asString(""))
                            .put("at", at);
                default -> {
                    // recorded in the chain list above
                }
            }
        }
        evidence.set("approvals", approvals);
        evidence.set("health", health);
        evidence.set("traffic", traffic);
        evidence.set("outcome", outcome);
        evidence.set("notifications", notifications);
        evidence.set("records", chain);
        long first = records.get(0).seq();
        long last = records.get(records.size() - 1).seq();
        Verdict verdict = verifier.verify(first, last);
        evidence.set("verification", JSON.valueToTree(verdict));
        Optional<Checkpoint> covering = store.coveringCheckpoint(last);
        evidence.set(
                "coveringCheckpoint", covering.<JsonNode>map(JSON::valueToTree).orElse(JSON.nullNode()));
        return Optional.of(evidence);
    }

    private static void outcome(ObjectNode outcome, ReleaseStatus status, String at, String detail) {
        outcome.put("status", status.name()).put("at", at).put("detail", detail);
    }

    /** A printable HTML page of the evidence. */
    public static String html(ObjectNode evidence) {
        StringBuilder page = new StringBuilder(4096);
        page.append("<!doctype html><html><head><meta charset=\"utf-8\"><title>Release evidence ")
                .append(esc(evidence.path("releaseId")))
                .append("</title><style>body{font:14px sans-serif;margin:2em}table{border-collapse:collapse;"
                        + "margin:.5em 0 1.5em}td,th{border:1px solid #999;padding:3px 8px;text-align:left;"
                        + "vertical-align:top}code{font-size:12px}</style></head><body>");
        page.append("<h1>Release ")
                .append(esc(evidence.path("application")))
                .append(' ')
                .append(esc(evidence.path("version")))
                .append("</h1><table>");
        row(page, "release id", evidence.path("releaseId"));
        row(page, "environment", evidence.path("environment"));
        row(page, "requested by", evidence.path("requestedBy"));
        row(page, "requested at", evidence.path("requestedAt"));
        for (JsonNode approval : evidence.path("approvals")) {
            row(page, "approved by", approval.path("approvedBy"));
        }
        row(page, "backup id", evidence.path("backup").path("backupId"));
        row(page, "backup SHA-256", evidence.path("backup").path("sha256"));
        row(page, "version deployed", evidence.path("deployed").path("version"));
        row(page, "promoted from release", evidence.path("promotedFrom").path("releaseId"));
        row(page, "outcome", evidence.path("outcome").path("status"));
        row(page, "outcome detail", evidence.path("outcome").path("detail"));
        JsonNode source = evidence.path("promotedFrom");
        if (source.isObject()) {
            page.append("</table><h2>Promoted from</h2><table>");
            row(page, "release id", source.path("releaseId"));
            row(page, "environment", source.path("environment"));
            row(page, "version", source.path("version"));
            row(page, "requested by", source.path("requestedBy"));
            for (JsonNode approval : source.path("approvals")) {
                row(page, "approved by", approval.path("approvedBy"));
            }
            row(page, "outcome", source.path("outcome").path("status"));
            row(page, "outcome at", source.path("outcome").path("at"));
            row(page, "missing", source.path("missing"));
            for (JsonNode r : source.path("records")) {
                page.append("<tr><th>record ")
                        .append(esc(r.path("seq")))
                        .append("</th><td>")
                        .append(esc(r.path("type")))
                        .append(' ')
                        .append(esc(r.path("time")))
                        .append(" <code>")
                        .append(esc(r.path("hash")))
                        .append("</code></td></tr>");
            }
        }
        page.append("</table><h2>Health evidence</h2><table><tr><th>at</th><th>passed</th><th>probes</th></tr>");
        for (JsonNode check : evidence.path("health")) {
            page.append("<tr><td>")
                    .append(esc(check.path("at")))
                    .append("</td><td>")
                    .append(esc(check.path("passed")))
                    .append("</td><td><code>")
                    .append(esc(check.path("results")))
                    .append("</code></td></tr>");
        }
        page.append("</table><h2>Traffic steps</h2><table><tr><th>step</th><th>weight</th><th>at</th></tr>");
        for (JsonNode step : evidence.path("traffic")) {
            page.append("<tr><td>")
                    .append(esc(step.path("step")))
                    .append("</td><td>")
                    .append(esc(step.path("weight")))
                    .append("%</td><td>")
                    .append(esc(step.path("at")))
                    .append("</td></tr>");
        }
        page.append("</table><h2>Notifications</h2><table><tr><th>receiver</th><th>severity</th><th>summary</th></tr>");
        for (JsonNode n : evidence.path("notifications")) {
            page.append("<tr><td>")
                    .append(esc(n.path("receiver")))
                    .append("</td><td>")
                    .append(esc(n.path("severity")))
                    .append("</td><td>")
                    .append(esc(n.path("summary")))
                    .append("</td></tr>");
        }
        page.append(
                "</table><h2>Audit records</h2><table><tr><th>seq</th><th>type</th><th>time</th><th>hash</th></tr>");
        for (JsonNode r : evidence.path("records")) {
            page.append("<tr><td>")
                    .append(esc(r.path("seq")))
                    .append("</td><td>")
                    .append(esc(r.path("type")))
                    .append("</td><td>")
                    .append(esc(r.path("time")))
                    .append("</td><td><code>")
                    .append(esc(r.path("hash")))
                    .append("</code></td></tr>");
        }
        JsonNode verdict = evidence.path("verification");
        page.append("</table><h2>Verification</h2><p>")
                .append(verdict.path("valid").asBoolean() ? "The chain verifies: " : "THE CHAIN DOES NOT VERIFY: ")
                .append(esc(verdict.path("detail")))
                .append("</p><p>Covering signed checkpoint: <code>")
                .append(esc(evidence.path("coveringCheckpoint")))
                .append("</code></p></body></html>");
        return page.toString();
    }

    private static void row(StringBuilder page, String label, JsonNode value) {
        page.append("<tr><th>")
                .append(label)
                .append("</th><td>")
                .append(esc(value))
                .append("</td></tr>");
    }

    private static String esc(JsonNode value) {
        return HtmlUtils.htmlEscape(
                value.isMissingNode() || value.isNull() ? "" : value.isString() ? value.asString() : value.toString());
    }
}
