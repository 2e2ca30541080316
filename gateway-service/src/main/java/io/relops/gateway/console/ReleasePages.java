package io.relops.gateway.console;

import io.relops.common.release.OperatorAction;
import io.relops.common.release.ReleaseStatus;
import io.relops.common.release.Strategy;
import io.relops.gateway.release.Backends;
import io.relops.gateway.release.GatewayCatalog;
import io.relops.gateway.release.ReleaseActions;
import io.relops.gateway.release.ReleaseController;
import io.relops.gateway.release.ReleaseRequest;
import io.relops.platform.web.InvalidRequest;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The release pages: the live list, one release with its timeline and the actions the user's role
 * allows, the new-release form and the outcome chart. Requests and actions call the API's own
 * {@link ReleaseController} and {@link ReleaseActions}, so they are validated, checked and published
 * as audited events exactly as over the API, with the signed-in user as actor.
 */
@Controller
@RequestMapping("/console")
class ReleasePages {

    private final Backends backends;
    private final GatewayCatalog catalog;
    private final ReleaseController releases;
    private final ReleaseActions actions;
    private final ReleaseFeed feed;
    private final Validator validator;

    ReleasePages(
            Backends backends,
            GatewayCatalog catalog,
            ReleaseController releases,
            ReleaseActions actions,
            ReleaseFeed feed,
            Validator validator) {
        this.backends = backends;
        this.catalog = catalog;
        this.releases = releases;
        this.actions = actions;
        this.feed = feed;
        this.validator = validator;
    }

    @GetMapping({"", "/"})
    String home() {
        return "redirect:/console/releases";
    }

    @GetMapping("/login")
    String login() {
        return "console/login";
    }

    /** Where a refused request is forwarded, whatever its method (a POST without a valid CSRF token too). */
    @RequestMapping("/forbidden")
    String forbidden(jakarta.servlet.http.HttpServletResponse response) {
        response.setStatus(403);
        return "console/forbidden";
    }

    @GetMapping("/releases")
    String list(Model model) {
        model.addAttribute(
                "releases",
                backends.releases(null, null, null, 50).stream()
                        .map(ReleaseView::of)
                        .toList());
        return "console/releases";
    }

    @GetMapping(value = "/releases/stream", produces = "text/event-stream")
    SseEmitter listStream() {
        return feed.releases();
    }

    @GetMapping("/releases/new")
    String newRelease(Model model) {
        model.addAttribute("applications", applications());
        model.addAttribute("strategies", Strategy.values());
        return "console/new-release";
    }

    @PostMapping("/releases")
    String create(
            @RequestParam String application,
            @RequestParam String version,
            @RequestParam String environment,
            @RequestParam(required = false) @Nullable String strategy,
            @RequestParam(required = false) @Nullable String commit,
            ConsoleUser user,
            Model model,
            RedirectAttributes redirect) {
        ReleaseRequest request =
                new ReleaseRequest(application, version, environment, blankToNull(strategy), blankToNull(commit), null);
        String invalid = violations(validator.validate(request));
        if (invalid != null) {
            return formAgain(model, request, invalid);
        }
        Map<String, Object> accepted;
        try {
            accepted = releases.request(request, user).getBody();
        } catch (RuntimeException e) {
            return formAgain(model, request, Problems.describe(e));
        }
        String id = String.valueOf(accepted == null ? "" : accepted.get("releaseId"));
        redirect.addFlashAttribute(
                "notice", "Release " + id + " requested: " + application + " " + version + " to " + environment);
        return "redirect:/console/releases/" + id;
    }

    private String formAgain(Model model, ReleaseRequest request, String problem) {
        model.addAttribute("applications", applications());
        model.addAttribute("strategies", Strategy.values());
        model.addAttribute("form", request);
        model.addAttribute("problem", problem);
        return "console/new-release";
    }

    @GetMapping("/releases/{id}")
    String release(@PathVariable UUID id, ConsoleUser user, Model model) {
        live(id, user, model);
        return "console/release";
    }

    /** The part of the release page that the live stream refreshes: state, actions, timeline. */
    @GetMapping("/releases/{id}/live")
    String live(@PathVariable UUID id, ConsoleUser user, Model model) {
        Map<String, Object> release = known(id);
        ReleaseView view = ReleaseView.of(release);
        model.addAttribute("release", view);
        model.addAttribute("actions", allowed(view, user));
        model.addAttribute("history", history(release));
        List<TimelineEntry> timeline = new ArrayList<>();
        if (release.get("timeline") instanceof List<?> events) {
            for (Object event : events) {
                if (event instanceof Map<?, ?> map) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> entry = (Map<String, Object>) map;
                    timeline.add(TimelineEntry.of(entry));
                }
            }
        }
        model.addAttribute("timeline", timeline);
        return "console/release-live";
    }

    @GetMapping(value = "/releases/{id}/stream", produces = "text/event-stream")
    SseEmitter releaseStream(@PathVariable UUID id) {
        return feed.release(id);
    }

    /** An {@link OperatorAction} by its wire name, e.g. {@code POST /console/releases/{id}/approve}. */
    @PostMapping("/releases/{id}/{name}")
    String act(
            @PathVariable UUID id,
            @PathVariable String name,
            @RequestParam(required = false) @Nullable String text,
            ConsoleUser user,
            RedirectAttributes redirect) {
        OperatorAction action = OperatorAction.of(name)
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no action " + name));
        String note = blankToNull(text);
        try {
            switch (action) {
                case APPROVE -> {
                    ReleaseActions.Approval approval = new ReleaseActions.Approval(note);
                    require(validator.validate(approval));
                    actions.approve(id, approval, user);
                }
                case REJECT -> {
                    ReleaseActions.Rejection rejection = new ReleaseActions.Rejection(note == null ? "" : note);
                    require(validator.validate(rejection));
                    actions.reject(id, rejection, user);
                }
                case PROMOTE -> actions.promote(id, user);
                case ABORT -> {
                    ReleaseActions.Reason reason = new ReleaseActions.Reason(note);
                    require(validator.validate(reason));
                    actions.abort(id, reason, user);
                }
                case ROLLBACK -> {
                    ReleaseActions.Rollback rollback = new ReleaseActions.Rollback(note, false);
                    require(validator.validate(rollback));
                    actions.rollback(id, rollback, user);
                }
            }
            redirect.addFlashAttribute("notice", "Sent: " + action + " (as " + user.getName() + ")");
        } catch (RuntimeException e) {
            redirect.addFlashAttribute("problem", "Could not " + action.verb() + ": " + Problems.describe(e));
        }
        return "redirect:/console/releases/" + id;
    }

    @GetMapping("/outcomes")
    String outcomes(Model model) {
        model.addAttribute("chart", ReleaseChart.of(backends.releases(null, null, null, 500)));
        return "console/outcomes";
    }

    /**
     * The release with its timeline; one just requested that no service has recorded yet shows as
     * {@code REQUESTED} (its page follows it live from there).
     */
    private Map<String, Object> known(UUID id) {
        try {
            return releases.get(id);
        } catch (ResponseStatusException e) {
            if (e.getStatusCode().value() != 404) {
                throw e;
            }
            Map<String, Object> requested = new java.util.LinkedHashMap<>();
            requested.put("releaseId", id);
            requested.put("status", ReleaseStatus.REQUESTED.name());
            requested.put("reason", "not recorded by deploy-service yet: this page follows it live");
            return requested;
        }
    }

    /** The buttons this user may press on this release now ({@link ActionButton#shown}). */
    private List<ActionButton> allowed(ReleaseView release, ConsoleUser user) {
        String approverRole = catalog.application(release.application())
                .map(app -> app.approverRole(release.environment()))
                .orElse("approver");
        return ActionButton.shown(release, user, approverRole);
    }

    private static List<TimelineEntry> history(Map<String, Object> release) {
        List<TimelineEntry> steps = new ArrayList<>();
        if (release.get("history") instanceof List<?> history) {
            for (Object step : history) {
                if (step instanceof Map<?, ?> map) {
                    steps.add(new TimelineEntry(
                            ReleaseView.clock(map.get("at")),
                            ReleaseView.text(map.get("status")),
                            "deploy-service",
                            ReleaseView.text(map.get("message"))));
                }
            }
        }
        return steps;
    }

    /** Application name → its environments, from the catalog. */
    private Map<String, List<String>> applications() {
        Map<String, List<String>> apps = new TreeMap<>();
        var all = catalog.applications();
        if (all != null) {
            all.forEach((name, app) -> apps.put(
                    name,
                    app.environments() == null
                            ? List.of()
                            : app.environments().keySet().stream().sorted().toList()));
        }
        return apps;
    }

    private static void require(Set<? extends ConstraintViolation<?>> violations) {
        String invalid = violations(violations);
        if (invalid != null) {
            throw new InvalidRequest("text", invalid);
        }
    }

    private static @Nullable String violations(Set<? extends ConstraintViolation<?>> violations) {
        if (violations.isEmpty()) {
            return null;
        }
        return violations.stream()
                .map(v -> v.getPropertyPath() + ": " + v.getMessage())
                .sorted()
                .collect(Collectors.joining("; "));
    }

    private static @Nullable String blankToNull(@Nullable String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
