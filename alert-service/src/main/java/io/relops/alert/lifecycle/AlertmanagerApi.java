package io.relops.alert.lifecycle;

import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Alertmanager's API v2 ({@code /api/v2}), the part its clients use: Prometheus posts its firing and resolved
 * alerts here ({@code alerting.alertmanagers} with {@code api_version: v2}).
 */
@RestController
@RequestMapping("/api/v2")
class AlertmanagerApi {

    private final AlertController alerts;

    AlertmanagerApi(AlertController alerts) {
        this.alerts = alerts;
    }

    /** Alertmanager answers 200 with an empty body. */
    @PostMapping("/alerts")
    ResponseEntity<Void> postAlerts(@RequestBody @Nullable List<AlertController.PostableAlert> body) {
        alerts.push(body);
        return ResponseEntity.ok().build();
    }
}
