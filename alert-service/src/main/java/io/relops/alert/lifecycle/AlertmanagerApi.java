package io.relops.alert.lifecycle;

import io.relops.alert.routing.AlertmanagerConfig;
import io.relops.alert.routing.Matcher;
import io.relops.alert.routing.Route;
import io.relops.alert.routing.RoutingTree;
import io.relops.alert.silence.Silence;
import io.relops.alert.silence.SilenceStore;
import io.relops.platform.web.InvalidRequest;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.context.ApplicationContext;
import org.springframework.http.ResponseEntity;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Alertmanager's API v2 ({@code /api/v2}), the alert part its clients use: Prometheus posts its firing and resolved
 * alerts here ({@code alerting.alertmanagers} with {@code api_version: v2}); {@code amtool alert query} lists them,
 * each with the receivers its routes reach and whether a silence or an inhibiting alert suppresses it now.
 */
@RestController
@RequestMapping("/api/v2")
class AlertmanagerApi {

    /** How Alertmanager (Go) writes "no time": an alert that ends when an event resolves it has no endsAt. */
    static final OffsetDateTime NO_TIME = OffsetDateTime.parse("0001-01-01T00:00:00Z");

    /**
     * The Alertmanager version whose API v2 this is, given as {@code versionInfo.version} so that amtool (which
     * compares it with its own) does not warn; relops' own version is the {@code revision}.
     */
    static final String COMPATIBLE_VERSION = "0.25.0";

    private final AlertController alerts;
    private final AlertStore store;
    private final SilenceStore silences;
    private final Suppressions suppressions;
    private final RoutingTree routing;
    private final AlertmanagerConfig config;
    private final VersionInfo version;
    private final OffsetDateTime startedAt;

    AlertmanagerApi(
            AlertController alerts,
            AlertStore store,
            SilenceStore silences,
            Suppressions suppressions,
            RoutingTree routing,
            AlertmanagerConfig config,
            ObjectProvider<BuildProperties> build,
            ApplicationContext context) {
        this.alerts = alerts;
        this.store = store;
        this.silences = silences;
        this.suppressions = suppressions;
        this.routing = routing;
        this.config = config;
        BuildProperties info = build.getIfAvailable();
        this.version = new VersionInfo(
                COMPATIBLE_VERSION,
                "relops " + (info == null || info.getVersion() == null ? "unknown" : info.getVersion()),
                "relops",
                "relops",
                info == null || info.getTime() == null ? "" : info.getTime().toString(),
                "java " + Runtime.version());
        this.startedAt = OffsetDateTime.ofInstant(Instant.ofEpochMilli(context.getStartupDate()), ZoneOffset.UTC);
    }

    record ClusterStatus(String status, List<Object> peers) {}

    record VersionInfo(
            String version, String revision, String branch, String buildUser, String buildDate, String goVersion) {}

    record Config(String original) {}

    record Status(ClusterStatus cluster, VersionInfo versionInfo, Config config, OffsetDateTime uptime) {}

    /**
     * No cluster (replicas share the database instead of gossiping); the configuration is the routing tree as
     * Alertmanager's YAML, without the receivers' integrations (their URLs and keys are secrets).
     */
    @GetMapping("/status")
    Status getStatus() {
        return new Status(new ClusterStatus("disabled", List.of()), version, new Config(config.yaml()), startedAt);
    }

    @GetMapping("/receivers")
    List<Receiver> getReceivers() {
        return config.receivers().stream().map(Receiver::new).toList();
    }

    /** Alertmanager answers 200 with an empty body, to an empty list (or {@code null}) too: nothing to do. */
    @PostMapping("/alerts")
    ResponseEntity<Void> postAlerts(@RequestBody @Nullable List<AlertController.PostableAlert> body) {
        if (body != null && !body.isEmpty()) {
            alerts.push(body);
        }
        return ResponseEntity.ok().build();
    }

    record Receiver(String name) {}

    record AlertStatus(String state, List<String> silencedBy, List<String> inhibitedBy) {}

    record GettableAlert(
            Map<String, String> labels,
            Map<String, String> annotations,
            OffsetDateTime startsAt,
            OffsetDateTime endsAt,
            OffsetDateTime updatedAt,
            String generatorURL,
            String fingerprint,
            List<Receiver> receivers,
            AlertStatus status) {}

    record AlertGroup(Map<String, String> labels, Receiver receiver, List<GettableAlert> alerts) {}

    /**
     * The firing alerts. {@code filter} (in {@code query}): matchers every shown alert's labels satisfy; {@code
     * receiver}: a regular expression (anchored) one of its receivers must match; {@code active}, {@code silenced},
     * {@code inhibited}: whether alerts in that state are shown. {@code unprocessed} is accepted and has nothing to
     * select: an alert's state is computed when it is asked for.
     */
    @GetMapping("/alerts")
    @Parameter(
            name = "filter",
            in = ParameterIn.QUERY,
            description = "Alertmanager's filter, repeatable: one matcher (e.g. alertname=\"Disk\") or a {...} list",
            array = @ArraySchema(schema = @Schema(type = "string")))
    List<GettableAlert> getAlerts(
            @Parameter(hidden = true) @RequestParam MultiValueMap<String, String> query,
            @RequestParam(required = false) @Nullable String receiver,
            @RequestParam(defaultValue = "true") boolean active,
            @RequestParam(defaultValue = "true") boolean silenced,
            @RequestParam(defaultValue = "true") boolean inhibited,
            @RequestParam(defaultValue = "true") boolean unprocessed) {
        Predicate<String> receivers = receiverFilter(receiver);
        List<GettableAlert> shown = new ArrayList<>();
        for (Shown alert : shown(query, active, silenced, inhibited)) {
            if (alert.routes().stream().map(Route::receiver).anyMatch(receivers)) {
                shown.add(alert.view());
            }
        }
        return shown;
    }

    /** The firing alerts by aggregation group (route and group labels), with the same filters as {@code /alerts}. */
    @GetMapping("/alerts/groups")
    @Parameter(
            name = "filter",
            in = ParameterIn.QUERY,
            description = "Alertmanager's filter, repeatable: one matcher (e.g. alertname=\"Disk\") or a {...} list",
            array = @ArraySchema(schema = @Schema(type = "string")))
    List<AlertGroup> getAlertGroups(
            @Parameter(hidden = true) @RequestParam MultiValueMap<String, String> query,
            @RequestParam(required = false) @Nullable String receiver,
            @RequestParam(defaultValue = "true") boolean active,
            @RequestParam(defaultValue = "true") boolean silenced,
            @RequestParam(defaultValue = "true") boolean inhibited) {
        Predicate<String> receivers = receiverFilter(receiver);
        Map<String, AlertGroup> groups = new TreeMap<>();
        for (Shown alert : shown(query, active, silenced, inhibited)) {
            for (Route route : alert.routes()) {
                if (receivers.test(route.receiver())) {
                    groups.computeIfAbsent(
                                    route.groupKey(alert.stored().labels()),
                                    key -> new AlertGroup(
                                            route.groupLabels(alert.stored().labels()),
                                            new Receiver(route.receiver()),
                                            new ArrayList<>()))
                            .alerts()
                            .add(alert.view());
                }
            }
        }
        return List.copyOf(groups.values());
    }

    /** A firing alert that passed the filters, with the routes that receive it. */
    private record Shown(StoredAlert stored, List<Route> routes, GettableAlert view) {}

    private List<Shown> shown(
            MultiValueMap<String, String> query, boolean active, boolean silenced, boolean inhibited) {
        List<Matcher> matchers = filter(query);
        OffsetDateTime now = OffsetDateTime.now();
        List<Silence> activeSilences = silences.active();
        List<Shown> shown = new ArrayList<>();
        for (StoredAlert alert : store.firing()) {
            if (!Matcher.all(matchers, alert.labels())) {
                continue;
            }
            Suppressions.Suppression why = suppressions.of(alert, activeSilences, now);
            if ((!active && !why.suppressed())
                    || (!silenced && !why.silencedBy().isEmpty())
                    || (!inhibited && !why.inhibitedBy().isEmpty())) {
                continue;
            }
            List<Route> routes = routing.match(alert.labels());
            shown.add(new Shown(alert, routes, view(alert, routes, why)));
        }
        return shown;
    }

    private static GettableAlert view(StoredAlert a, List<Route> routes, Suppressions.Suppression why) {
        return new GettableAlert(
                a.labels(),
                a.annotations(),
                a.startsAt(),
                a.endsAt() == null ? NO_TIME : a.endsAt(),
                a.updatedAt(),
                a.generatorUrl() == null ? "" : a.generatorUrl(),
                a.fingerprint(),
                routes.stream()
                        .map(Route::receiver)
                        .distinct()
                        .map(Receiver::new)
                        .toList(),
                new AlertStatus(why.suppressed() ? "suppressed" : "active", why.silencedBy(), why.inhibitedBy()));
    }

    /**
     * Alertmanager's {@code filter}, repeatable: each value one matcher or a {@code {...}} list of them. Read from the
     * raw query ({@code query}), as a list parameter would split a value at its commas.
     */
    static List<Matcher> filter(MultiValueMap<String, String> query) {
        try {
            return Matcher.parseFilter(query.getOrDefault("filter", List.of()));
        } catch (IllegalArgumentException e) {
            throw new InvalidRequest("filter", e.getMessage());
        }
    }

    private static Predicate<String> receiverFilter(@Nullable String receiver) {
        if (receiver == null || receiver.isEmpty()) {
            return name -> true;
        }
        try {
            com.google.re2j.Pattern pattern = com.google.re2j.Pattern.compile("^(?:" + receiver + ")$");
            return pattern::matches;
        } catch (com.google.re2j.PatternSyntaxException e) {
            throw new InvalidRequest("receiver", "is not a regular expression (RE2 syntax): " + e.getDescription());
        }
    }
}
