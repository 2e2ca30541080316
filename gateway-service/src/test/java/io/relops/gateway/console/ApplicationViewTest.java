package io.relops.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.relops.gateway.console.ApplicationView.EnvironmentView;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.mock.web.MockServletContext;
import org.thymeleaf.context.WebContext;
import org.thymeleaf.spring6.SpringTemplateEngine;
import org.thymeleaf.templatemode.TemplateMode;
import org.thymeleaf.templateresolver.ClassLoaderTemplateResolver;
import org.thymeleaf.web.servlet.JakartaServletWebApplication;

/** The applications page: deploy-service's answer in words, and the Promote button only where it applies. */
class ApplicationViewTest {

    private static Map<String, Object> environment(
            String name, String live, Map<String, Object> promotion, boolean approval) {
        Map<String, Object> environment = new HashMap<>();
        environment.put("environment", name);
        environment.put("liveVersion", live);
        environment.put(
                "lastRelease",
                Map.of(
                        "releaseId",
                        "6b0e0000-0000-0000-0000-000000000001",
                        "version",
                        "1.1.0",
                        "status",
                        "ROLLED_BACK",
                        "finishedAt",
                        "2026-12-07T10:00:00Z"));
        environment.put("approvalRequired", approval);
        environment.put("promotion", promotion);
        return environment;
    }

    private static Map<String, Object> promotion(String candidate, boolean ready, String missing, String soak) {
        Map<String, Object> promotion = new HashMap<>();
        promotion.put("from", "staging");
        promotion.put("candidateVersion", candidate);
        promotion.put("ready", ready);
        promotion.put("missing", missing);
        promotion.put("soakRemaining", soak);
        promotion.put("reason", "promotion to production refused: demo-app 1.1.0 was rolled back in staging at …");
        return promotion;
    }

    private static EnvironmentView view(Map<String, Object> environment) {
        return ApplicationView.of(Map.of("application", "demo-app", "environments", List.of(environment)))
                .environments()
                .get(0);
    }

    @Test
    void saysWhetherTheSourcesVersionMayComeNext() {
        EnvironmentView ready =
                view(environment("production", "1.0.0", promotion("1.2.0", true, "none", "PT0S"), true));
        assertThat(ready.promotion()).isEqualTo("1.2.0 may be promoted from staging; approval needed");
        assertThat(ready.promotable()).isTrue();
        assertThat(ready.lastTone()).isEqualTo("warn");

        EnvironmentView soaking =
                view(environment("production", "1.0.0", promotion("1.2.0", false, "soak", "PT41M12S"), false));
        assertThat(soaking.promotion()).isEqualTo("1.2.0 soaking in staging: 41m 12s left");
        assertThat(soaking.promotable()).isFalse();

        EnvironmentView rolledBack =
                view(environment("production", "1.0.0", promotion("1.1.0", false, "rolled-back", null), false));
        assertThat(rolledBack.promotion())
                .startsWith("promotion to production refused: demo-app 1.1.0 was rolled back");
        assertThat(rolledBack.promotable()).isFalse();

        EnvironmentView live =
                view(environment("production", "1.2.0", promotion("1.2.0", true, "none", "PT0S"), false));
        assertThat(live.promotion()).isEqualTo("1.2.0 is live here");
        assertThat(live.promotable()).isFalse();

        Map<String, Object> nothing = promotion("1.2.0", false, "not-completed", null);
        nothing.put("candidateVersion", null);
        assertThat(view(environment("production", "", nothing, false)).promotion())
                .isEqualTo("staging runs no version yet");

        Map<String, Object> staging = environment("staging", "1.2.0", null, false);
        assertThat(view(staging).from()).isNull();
        assertThat(view(staging).promotable()).isFalse();
    }

    @Test
    void showsThePromoteButtonToOperatorsOnlyPostingTheCandidateToItsEnvironment() {
        ApplicationView app = ApplicationView.of(Map.of(
                "application",
                "demo-app",
                "environments",
                List.of(
                        environment("staging", "1.2.0", null, false),
                        environment("production", "1.0.0", promotion("1.2.0", true, "none", "PT0S"), true))));

        String operator = render(app, new Viewer("olga", "operator", true, false));
        assertThat(operator)
                .contains("action=\"/console/applications/demo-app/environments/production/promote\"")
                .contains("<input type=\"hidden\" name=\"version\" value=\"1.2.0\">")
                .contains("Promote 1.2.0 to production");
        assertThat(operator.split("data-promote", -1)).hasSize(2);

        String auditor = render(app, new Viewer("aldo", "auditor", false, true));
        assertThat(auditor).contains("1.2.0 may be promoted from staging").doesNotContain("data-promote");
    }

    private static String render(ApplicationView app, Viewer viewer) {
        ClassLoaderTemplateResolver resolver = new ClassLoaderTemplateResolver();
        resolver.setPrefix("templates/");
        resolver.setSuffix(".html");
        resolver.setTemplateMode(TemplateMode.HTML);
        resolver.setCharacterEncoding("UTF-8");
        SpringTemplateEngine engine = new SpringTemplateEngine();
        engine.setTemplateResolver(resolver);
        MockServletContext servlet = new MockServletContext();
        var exchange = JakartaServletWebApplication.buildApplication(servlet)
                .buildExchange(new MockHttpServletRequest(servlet), new MockHttpServletResponse());
        WebContext context = new WebContext(exchange, Locale.ROOT);
        context.setVariable("applications", List.of(app));
        context.setVariable("viewer", viewer);
        return engine.process("console/applications", context);
    }
}
