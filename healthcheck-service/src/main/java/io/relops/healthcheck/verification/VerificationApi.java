package io.relops.healthcheck.verification;

import io.relops.platform.events.InboundEvents;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.springframework.context.annotation.Bean;
import org.springframework.messaging.Message;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The consumer binding and the query API of healthcheck-service. */
@RestController
@RequestMapping("/api/health")
class VerificationApi {

    private final VerificationRepository verifications;

    VerificationApi(VerificationRepository verifications) {
        this.verifications = verifications;
    }

    @Bean
    static Consumer<Message<byte[]>> onReleaseEvent(InboundEvents inbound, Verifier verifier) {
        return message -> inbound.handle(message, verifier::onReleaseEvent);
    }

    @GetMapping("/verifications")
    List<Verification> verifications(
            @RequestParam(required = false) @Nullable UUID releaseId,
            @RequestParam(required = false) @Nullable String application,
            @RequestParam(defaultValue = "50") int limit) {
        return verifications.list(releaseId, application, Math.min(Math.max(limit, 1), 500));
    }
}
