package io.relops.gateway.console;

import io.relops.gateway.release.ReleaseController;
import io.relops.gateway.release.ReleaseRequest;
import jakarta.validation.Validator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The applications page: per application, each environment's live version, last release and outcome, and for an
 * environment that takes versions from another whether what that one runs may go there now (ready, soak time left,
 * approval needed), with a Promote button for operators. Promote requests a release of that version to the
 * environment through the API's own {@link ReleaseController} (validated, promotion-checked, audited, the signed-in
 * user as requester).
 */
@Controller
@RequestMapping("/console")
class ApplicationPages {

    private final ConsoleBackends backends;
    private final ReleaseController releases;
    private final Validator validator;

    ApplicationPages(ConsoleBackends backends, ReleaseController releases, Validator validator) {
        this.backends = backends;
        this.releases = releases;
        this.validator = validator;
    }

    @GetMapping("/applications")
    String applications(ConsoleUser user, Model model) {
        try {
            model.addAttribute(
                    "applications",
                    backends.applications(user).stream()
                            .map(ApplicationView::of)
                            .toList());
        } catch (BackendProblem e) {
            model.addAttribute("applications", List.of());
            model.addAttribute("problem", e.getMessage());
        }
        return "console/applications";
    }

    @PostMapping("/applications/{application}/environments/{environment}/promote")
    String promote(
            @PathVariable String application,
            @PathVariable String environment,
            @RequestParam String version,
            ConsoleUser user,
            RedirectAttributes redirect) {
        ReleaseRequest request = new ReleaseRequest(application, version, environment, null, null, null);
        String invalid = validator.validate(request).stream()
                .map(v -> v.getPropertyPath() + ": " + v.getMessage())
                .sorted()
                .collect(Collectors.joining("; "));
        if (!invalid.isEmpty()) {
            redirect.addFlashAttribute("problem", "Could not promote: " + invalid);
            return "redirect:/console/applications";
        }
        Map<String, Object> accepted;
        try {
            accepted = releases.request(request, user).getBody();
        } catch (RuntimeException e) {
            redirect.addFlashAttribute("problem", "Could not promote: " + Problems.describe(e));
            return "redirect:/console/applications";
        }
        String id = String.valueOf(accepted == null ? "" : accepted.get("releaseId"));
        redirect.addFlashAttribute(
                "notice", "Release " + id + " requested: " + application + " " + version + " to " + environment);
        return "redirect:/console/releases/" + id;
    }
}
