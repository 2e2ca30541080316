package io.relops.backup.lifecycle;

import java.net.URI;
import java.security.Principal;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Backups and restores over HTTP. The gateway fronts this API and forwards the caller's token; this service
 * checks the roles again (restore is for {@code admin}). Who asked is the authenticated principal, always: an
 * {@code X-Relops-Actor} header (the gateway sets it, and any direct caller could) is ignored, so that nobody
 * can request a backup or a restore in someone else's name.
 */
@RestController
@RequestMapping("/api/backups")
class BackupController {

    private final Backups backups;
    private final BackupRepository repository;

    BackupController(Backups backups, BackupRepository repository) {
        this.backups = backups;
        this.repository = repository;
    }

    /** {@code {"application": "..."}}: take a backup now. */
    record BackupRequest(
            @Nullable String application, @Nullable String environment) {}

    @GetMapping
    List<BackupRecord> list(
            @RequestParam(required = false) @Nullable String application,
            @RequestParam(defaultValue = "50") int limit) {
        return repository.list(application, Math.min(Math.max(limit, 1), 500));
    }

    @GetMapping("/{id}")
    BackupRecord get(@PathVariable UUID id) {
        return repository.find(id).orElseThrow(() -> new Backups.BackupNotFound(id));
    }

    @GetMapping("/{id}/restores")
    List<RestoreRecord> restores(@PathVariable UUID id) {
        return repository.restoresOf(id);
    }

    @PostMapping
    ResponseEntity<BackupRecord> request(
            @RequestBody(required = false) @Nullable BackupRequest request, Principal caller) {
        if (request == null
                || request.application() == null
                || request.application().isBlank()) {
            throw new Backups.InvalidRequest("application", "application is required");
        }
        BackupRecord backup = backups.request(request.application(), request.environment(), caller.getName());
        return ResponseEntity.accepted()
                .location(URI.create("/api/backups/" + backup.id()))
                .body(backup);
    }

    @PostMapping("/{id}/restore")
    ResponseEntity<RestoreRecord> restore(@PathVariable UUID id, Principal caller) {
        RestoreRecord restore = backups.requestRestore(id, caller.getName());
        return ResponseEntity.accepted()
                .location(URI.create("/api/backups/" + id + "/restores"))
                .body(restore);
    }

    @PostMapping("/{id}/verify")
    ResponseEntity<BackupRecord> verify(@PathVariable UUID id) {
        return ResponseEntity.accepted().body(backups.requestVerification(id));
    }

    @ExceptionHandler(Backups.InvalidRequest.class)
    ProblemDetail invalid(Backups.InvalidRequest e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, e.getMessage());
        problem.setTitle("Invalid backup request");
        problem.setProperty("fields", List.of(e.field()));
        return problem;
    }

    @ExceptionHandler(Backups.BackupNotFound.class)
    ProblemDetail notFound(Backups.BackupNotFound e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, e.getMessage());
    }
}
