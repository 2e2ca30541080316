package io.relops.audit.log;

import io.relops.common.audit.AuditChain;
import io.relops.common.audit.AuditEntry;
import io.relops.common.audit.Verdict;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;
import org.springframework.web.util.UriComponentsBuilder;
import tools.jackson.databind.JsonNode;

/** The read-only audit API: search, verify, export, public key. Nothing writes through it. */
@RestController
@RequestMapping("/api/audit")
class AuditApi {

    static final int MAX_PAGE = 1000;

    private final AuditStore store;
    private final AuditVerifier verifier;
    private final AuditExporter exporter;
    private final SigningKey key;
    private final ReleaseEvidence evidence;

    AuditApi(
            AuditStore store,
            AuditVerifier verifier,
            AuditExporter exporter,
            SigningKey key,
            ReleaseEvidence evidence) {
        this.evidence = evidence;
        this.store = store;
        this.verifier = verifier;
        this.exporter = exporter;
        this.key = key;
    }

    /** One record as the API shows it. */
    record AuditRecord(
            long seq,
            String id,
            String type,
            String source,
            String subject,
            @Nullable String releaseId,
            String time,
            String recordedAt,
            String topic,
            @Nullable String actor,

            @Schema(implementation = Object.class, description = "the event's data, as recorded")
            JsonNode data,

            String prevHash,
            String hash) {

        static AuditRecord of(AuditEntry e) {
            return new AuditRecord(
                    e.seq(),
                    e.id(),
                    e.type(),
                    e.source(),
                    e.subject(),
                    e.releaseId(),
                    AuditChain.formatTime(e.time()),
                    AuditChain.formatTime(e.recordedAt()),
                    e.topic(),
                    e.actor(),
                    e.data(),
                    e.prevHash(),
                    e.hash());
        }
    }

    /**
     * Records in sequence order, filtered; keyset-paginated: page on with {@code after} = the last
     * {@code seq} seen (also given as the {@code Link: rel="next"} header when the page is full).
     */
    @GetMapping("/events")
    ResponseEntity<List<AuditRecord>> events(
            @RequestParam(required = false) @Nullable String application,
            @RequestParam(required = false) @Nullable String type,
            @RequestParam(required = false) @Nullable String releaseId,
            @RequestParam(required = false) @Nullable String actor,
            @RequestParam(required = false) @Nullable String since,
            @RequestParam(required = false) @Nullable String until,
            @RequestParam(required = false) @Nullable String q,
            @RequestParam(defaultValue = "0") long after,
            @RequestParam(defaultValue = "100") int limit,
            UriComponentsBuilder uri) {
        if (limit < 1 || limit > MAX_PAGE) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_PAGE + ", was " + limit);
        }
        AuditQuery query = query(application, type, releaseId, actor, since, until, q);
        List<AuditRecord> page =
                store.search(query, after, limit).stream().map(AuditRecord::of).toList();
        ResponseEntity.BodyBuilder response = ResponseEntity.ok();
        if (page.size() == limit) {
            String next = UriComponentsBuilder.fromPath("/api/audit/events")
                    .queryParamIfPresent("application", java.util.Optional.ofNullable(application))
                    .queryParamIfPresent("type", java.util.Optional.ofNullable(type))
                    .queryParamIfPresent("releaseId", java.util.Optional.ofNullable(releaseId))
                    .queryParamIfPresent("actor", java.util.Optional.ofNullable(actor))
                    .queryParamIfPresent("since", java.util.Optional.ofNullable(since))
                    .queryParamIfPresent("until", java.util.Optional.ofNullable(until))
                    .queryParamIfPresent("q", java.util.Optional.ofNullable(q))
                    .queryParam("after", page.get(page.size() - 1).seq())
                    .queryParam("limit", limit)
                    .encode()
                    .toUriString();
            response.header(HttpHeaders.LINK, "<" + next + ">; rel=\"next\"");
        }
        return response.body(page);
    }

    /** Verifies {@code from..to} (default: the whole log): valid, or the first bad sequence and why. */
    @GetMapping("/verify")
    Verdict verify(
            @RequestParam(required = false) @Nullable Long from, @RequestParam(required = false) @Nullable Long to) {
        return verifier.verify(from, to);
    }

    /** The Ed25519 public key that verifies checkpoints (X.509 SubjectPublicKeyInfo, PEM). */
    @GetMapping(value = "/public-key", produces = "application/x-pem-file")
    String publicKey() {
        return key.publicPem();
    }

    /** Streams the filtered log with hashes and covering checkpoints, as JSON Lines or CSV. */
    @GetMapping("/export")
    ResponseEntity<StreamingResponseBody> export(
            @RequestParam(defaultValue = "jsonl") String format,
            @RequestParam(required = false) @Nullable String application,
            @RequestParam(required = false) @Nullable String type,
            @RequestParam(required = false) @Nullable String releaseId,
            @RequestParam(required = false) @Nullable String actor,
            @RequestParam(required = false) @Nullable String since,
            @RequestParam(required = false) @Nullable String until,
            @RequestParam(required = false) @Nullable String q) {
        AuditQuery query = query(application, type, releaseId, actor, since, until, q);
        String stamp = Instant.now().toString().replace(":", "");
        switch (format) {
            case "jsonl":
                return ResponseEntity.ok()
                        .contentType(MediaType.parseMediaType("application/jsonl"))
                        .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"audit-" + stamp + ".jsonl\"")
                        .body(out -> exporter.jsonLines(query, out));
            case "csv":
                return ResponseEntity.ok()
                        .contentType(MediaType.parseMediaType("text/csv"))
                        .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"audit-" + stamp + ".csv\"")
                        .body(out -> exporter.csv(query, out));
            default:
                throw new IllegalArgumentException("format must be jsonl or csv, was '" + format + "'");
        }
    }

    /** The evidence of one release as JSON, or as a printable HTML page ({@code Accept: text/html} or {@code format=html}). */
    @GetMapping("/releases/{releaseId}/evidence")
    ResponseEntity<?> evidence(
            @PathVariable String releaseId,
            @RequestParam(defaultValue = "json") String format,
            @RequestHeader(value = HttpHeaders.ACCEPT, defaultValue = "") String accept) {
        if (!format.equals("json") && !format.equals("html")) {
            throw new IllegalArgumentException("format must be json or html, was '" + format + "'");
        }
        return evidence.of(releaseId)
                .<ResponseEntity<?>>map(found -> format.equals("html") || accept.startsWith("text/html")
                        ? ResponseEntity.ok().contentType(MediaType.TEXT_HTML).body(ReleaseEvidence.html(found))
                        : ResponseEntity.ok()
                                .contentType(MediaType.APPLICATION_JSON)
                                .body(found))
                .orElseGet(() -> ResponseEntity.status(HttpStatus.NOT_FOUND)
                        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                        .body(ProblemDetail.forStatusAndDetail(
                                HttpStatus.NOT_FOUND, "the audit log has no record of release " + releaseId)));
    }

    private static AuditQuery query(
            @Nullable String application,
            @Nullable String type,
            @Nullable String releaseId,
            @Nullable String actor,
            @Nullable String since,
            @Nullable String until,
            @Nullable String q) {
        return new AuditQuery(
                blankToNull(application),
                blankToNull(type),
                blankToNull(releaseId),
                blankToNull(actor),
                instant("since", since),
                instant("until", until),
                blankToNull(q));
    }

    private static @Nullable String blankToNull(@Nullable String value) {
        return value == null || value.isBlank() ? null : value;
    }

    private static @Nullable Instant instant(String name, @Nullable String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(
                    name + " must be an ISO-8601 instant such as 2026-01-31T12:00:00Z, was '" + value + "'");
        }
    }

    @ExceptionHandler(IllegalArgumentException.class)
    ProblemDetail badRequest(IllegalArgumentException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, e.getMessage());
        problem.setTitle("Bad request");
        return problem;
    }
}
