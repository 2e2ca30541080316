package io.relops.healthcheck.verification;

import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Verification runs with their evidence. */
@RestController
@RequestMapping("/api/health/verifications")
class VerificationApi {

    private final VerificationRepository verifications;

    VerificationApi(VerificationRepository verifications) {
        this.verifications = verifications;
    }

    @GetMapping
    List<Verification> verifications(
            @RequestParam(required = false) @Nullable UUID releaseId,
            @RequestParam(required = false) @Nullable String application,
            @RequestParam(defaultValue = "50") int limit) {
        return verifications.list(releaseId, application, Math.min(Math.max(limit, 1), 500));
    }

    @GetMapping("/{id}")
    ResponseEntity<?> verification(@PathVariable UUID id) {
        return verifications
                .find(id)
                .<ResponseEntity<?>>map(ResponseEntity::ok)
                .orElseGet(() -> ResponseEntity.status(HttpStatus.NOT_FOUND)
                        .body(ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, "no verification " + id)));
    }
}
