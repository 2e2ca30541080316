package io.relops.gateway.console;

import io.relops.common.release.ReleaseStatus;
import jakarta.servlet.http.HttpServletResponse;
import java.net.URI;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.springframework.web.util.UriBuilder;

/**
 * Backups, alerts and silences, the audit log and a release's evidence: read from and written to
 * their services with the signed-in user's token. A problem from a service is shown on the page.
 */
@Controller
@RequestMapping("/console")
class OperationsPages {

    private static final Pattern NAME = Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");
    private static final Pattern FORMAT = Pattern.compile("^(jsonl|csv)$");
    /** The windows the DORA page offers, as deploy-service's {@code window} parameter takes them. */
    static final List<String> DORA_WINDOWS = List.of("1d", "7d", "30d", "90d", "365d");

    private final ConsoleBackends backends;

    OperationsPages(ConsoleBackends backends) {
        this.backends = backends;
    }

    @GetMapping("/backups")
    String backups(ConsoleUser user, Model model) {
        try {
            model.addAttribute("backups", backends.backups(user));
        } catch (BackendProblem e) {
            model.addAttribute("backups", List.of());
            model.addAttribute("problem", e.getMessage());
        }
        return "console/backups";
    }

    /** The DORA four keys per application and environment over a window (deploy-service's {@code /api/dora}). */
    @GetMapping("/dora")
    String dora(@RequestParam(defaultValue = "30d") String window, ConsoleUser user, Model model) {
        model.addAttribute("windows", DORA_WINDOWS);
        model.addAttribute("window", window);
        model.addAttribute("keys", List.of());
        if (!DORA_WINDOWS.contains(window)) {
            model.addAttribute("problem", "window: must be one of " + String.join(", ", DORA_WINDOWS));
            return "console/dora";
        }
        try {
            model.addAttribute("keys", backends.dora(user, window));
        } catch (BackendProblem e) {
            model.addAttribute("problem", e.getMessage());
        }
        return "console/dora";
    }

    @PostMapping("/backups")
    String requestBackup(@RequestParam String application, ConsoleUser user, RedirectAttributes redirect) {
        if (!NAME.matcher(application).matches()) {
            redirect.addFlashAttribute("problem", "application: must be a catalog application name");
            return "redirect:/console/backups";
        }
        try {
            Map<String, Object> backup = backends.requestBackup(user, application);
            redirect.addFlashAttribute("notice", "Backup " + backup.get("id") + " of " + application + " requested");
        } catch (BackendProblem e) {
            redirect.addFlashAttribute("problem", "Could not request a backup: " + e.getMessage());
        }
        return "redirect:/console/backups";
    }

    @GetMapping("/alerts")
    String alerts(ConsoleUser user, Model model) {
        List<String> problems = new ArrayList<>();
        try {
            model.addAttribute("alerts", backends.alerts(user));
        } catch (BackendProblem e) {
            model.addAttribute("alerts", List.of());
            problems.add(e.getMessage());
        }
        try {
            model.addAttribute("silences", backends.silences(user));
        } catch (BackendProblem e) {
            model.addAttribute("silences", List.of());
            problems.add(e.getMessage());
        }
        if (!problems.isEmpty()) {
            model.addAttribute("problem", String.join("; ", problems));
        }
        return "console/alerts";
    }

    @PostMapping("/silences")
    String addSilence(
            @RequestParam String label,
            @RequestParam String value,
            @RequestParam(defaultValue = "2") int hours,
            @RequestParam String comment,
            ConsoleUser user,
            RedirectAttributes redirect) {
        OffsetDateTime now = OffsetDateTime.now().truncatedTo(ChronoUnit.SECONDS);
        Map<String, Object> silence = new LinkedHashMap<>();
        silence.put("matchers", List.of(Map.of("name", label.strip(), "value", value.strip(), "isRegex", false)));
        silence.put("startsAt", now.toString());
        silence.put(
                "endsAt", now.plusHours(Math.max(1, Math.min(hours, 24 * 30))).toString());
        silence.put("createdBy", user.getName());
        silence.put("comment", comment.strip());
        try {
            Map<String, Object> created = backends.addSilence(user, silence);
            redirect.addFlashAttribute("notice", "Silence " + created.get("silenceID") + " added");
        } catch (BackendProblem e) {
            redirect.addFlashAttribute("problem", "Could not add the silence: " + e.getMessage());
        }
        return "redirect:/console/alerts";
    }

    @PostMapping("/silences/{id}/expire")
    String expireSilence(@PathVariable UUID id, ConsoleUser user, RedirectAttributes redirect) {
        try {
            backends.expireSilence(user, id.toString());
            redirect.addFlashAttribute("notice", "Silence " + id + " expired");
        } catch (BackendProblem e) {
            redirect.addFlashAttribute("problem", "Could not expire the silence: " + e.getMessage());
        }
        return "redirect:/console/alerts";
    }

    /** The audit log search: the same filters as {@code GET /api/audit/events}. */
    @GetMapping("/audit")
    String audit(AuditFilter filter, ConsoleUser user, Model model) {
        model.addAttribute("filter", filter);
        model.addAttribute("exportJsonl", "/console/audit/export?" + filter.query("jsonl"));
        model.addAttribute("exportCsv", "/console/audit/export?" + filter.query("csv"));
        try {
            String invalid = filter.invalid();
            if (invalid != null) {
                throw new BackendProblem(400, invalid);
            }
            List<Map<String, Object>> records = backends.auditEvents(user, filter.uri("/api/audit/events", null));
            model.addAttribute("records", records.stream().map(AuditRow::of).toList());
        } catch (BackendProblem e) {
            model.addAttribute("records", List.of());
            model.addAttribute("problem", e.getMessage());
        }
        return "console/audit";
    }

    @PostMapping("/audit/verify")
    String verify(ConsoleUser user, RedirectAttributes redirect) {
        try {
            Map<String, Object> verdict = backends.verify(user);
            redirect.addFlashAttribute("verdict", verdict);
        } catch (BackendProblem e) {
            redirect.addFlashAttribute("problem", "Could not verify: " + e.getMessage());
        }
        return "redirect:/console/audit";
    }

    @GetMapping("/audit/export")
    void export(
            AuditFilter filter,
            @RequestParam(defaultValue = "jsonl") String format,
            ConsoleUser user,
            HttpServletResponse response) {
        if (!FORMAT.matcher(format).matches()) {
            throw new BackendProblem(400, "format must be jsonl or csv");
        }
        String invalid = filter.invalid();
        if (invalid != null) {
            throw new BackendProblem(400, invalid);
        }
        backends.export(user, filter.uri("/api/audit/export", format), (type, disposition) -> {
            if (type != null) {
                response.setContentType(type.toString());
            }
            if (disposition != null) {
                response.setHeader(HttpHeaders.CONTENT_DISPOSITION, disposition);
            }
            return response.getOutputStream();
        });
    }

    @GetMapping("/releases/{id}/evidence")
    String evidence(@PathVariable UUID id, ConsoleUser user, Model model) {
        model.addAttribute("releaseId", id.toString());
        Map<String, Object> evidence = backends.evidence(user, id.toString());
        model.addAttribute("evidence", evidence);
        model.addAttribute(
                "outcomeTone",
                outcomeTone(
                        evidence != null && evidence.get("outcome") instanceof Map<?, ?> o ? o.get("status") : null));
        return "console/evidence";
    }

    /**
     * The tone of the evidence's outcome badge: {@code ok} completed, {@code bad} failed, otherwise
     * {@code warn} (rolled back, aborted, rejected, or audit-service's {@code IN_PROGRESS}).
     */
    static String outcomeTone(@Nullable Object status) {
        return ReleaseStatus.of(String.valueOf(status))
                .map(s -> switch (s) {
                    case COMPLETED -> "ok";
                    case FAILED -> "bad";
                    default -> "warn";
                })
                .orElse("warn");
    }

    /** The search form: every field optional. */
    public record AuditFilter(
            @Nullable String application,
            @Nullable String type,
            @Nullable String releaseId,
            @Nullable String actor,
            @Nullable String since,
            @Nullable String until,
            @Nullable String q) {

        @Nullable
        String invalid() {
            for (Map.Entry<String, @Nullable String> time : times().entrySet()) {
                if (present(time.getValue())) {
                    try {
                        java.time.Instant.parse(time.getValue().strip());
                    } catch (DateTimeParseException e) {
                        return time.getKey() + " must be an ISO-8601 instant such as 2026-01-31T12:00:00Z";
                    }
                }
            }
            return null;
        }

        private Map<String, @Nullable String> times() {
            Map<String, @Nullable String> times = new LinkedHashMap<>();
            times.put("since", since);
            times.put("until", until);
            return times;
        }

        Function<UriBuilder, URI> uri(String path, @Nullable String format) {
            return builder -> {
                builder.path(path);
                params().forEach(builder::queryParam);
                if (format != null) {
                    builder.queryParam("format", format);
                } else {
                    builder.queryParam("limit", 200);
                }
                return builder.build();
            };
        }

        String query(String format) {
            var builder = org.springframework.web.util.UriComponentsBuilder.newInstance();
            params().forEach(builder::queryParam);
            builder.queryParam("format", format);
            return builder.encode().build().getQuery();
        }

        private Map<String, Object> params() {
            Map<String, Object> params = new LinkedHashMap<>();
            put(params, "application", application);
            put(params, "type", type);
            put(params, "releaseId", releaseId);
            put(params, "actor", actor);
            put(params, "since", since);
            put(params, "until", until);
            put(params, "q", q);
            return params;
        }

        private static void put(Map<String, Object> params, String name, @Nullable String value) {
            if (present(value)) {
                params.put(name, value.strip());
            }
        }

        private static boolean present(@Nullable String value) {
            return value != null && !value.isBlank();
        }
    }

    /** One audit record as the search shows it. */
    public record AuditRow(
            String seq, String time, String type, String subject, String releaseId, String actor, String hash) {

        static AuditRow of(Map<String, Object> record) {
            String hash = ReleaseView.text(record.get("hash"));
            return new AuditRow(
                    ReleaseView.text(record.get("seq")),
                    ReleaseView.time(record.get("time")),
                    ReleaseView.text(record.get("type")).replace("io.relops.", ""),
                    ReleaseView.text(record.get("subject")),
                    ReleaseView.text(record.get("releaseId")),
                    ReleaseView.text(record.get("actor")),
                    hash.length() > 12 ? hash.substring(0, 12) + "…" : hash);
        }
    }
}
