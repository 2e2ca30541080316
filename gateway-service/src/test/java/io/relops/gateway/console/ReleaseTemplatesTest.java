package io.relops.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.relops.common.release.ReleaseStatus;
import io.relops.common.release.Strategy;
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

/**
 * The release pages as the browser gets them: the action forms, one per button posting to its action's
 * route; the strategies of the new-release form; the tone of an evidence outcome.
 */
class ReleaseTemplatesTest {

    private static final String ID = "6b0e0000-0000-0000-0000-000000000001";

    @Test
    void showsTheButtonsOfTheAllowedActionsWithTheirRoutesAndNotes() {
        String page = render(ReleaseStatus.AWAITING_APPROVAL, new ConsoleUser("root", List.of("admin"), "t"));

        assertThat(page)
                .contains("action=\"/console/releases/" + ID + "/approve\"")
                .contains("action=\"/console/releases/" + ID + "/reject\"")
                .contains("action=\"/console/releases/" + ID + "/abort\"")
                .contains("action=\"/console/releases/" + ID + "/rollback\"")
                .doesNotContain("/promote\"")
                .contains("<button type=\"submit\" class=\"primary\">Approve</button>")
                .contains("<button type=\"submit\" class=\"danger\">Roll back</button>")
                .contains("<input name=\"text\" placeholder=\"reason (required)\" maxlength=\"1000\""
                        + " aria-label=\"rejection reason\" required=\"required\">")
                .contains("<input name=\"text\" placeholder=\"comment (optional)\" maxlength=\"1000\""
                        + " aria-label=\"approval comment\">")
                .doesNotContain("Nothing your role can do");
        assertThat(page.split("<form ", -1)).hasSize(5);
        assertThat(page.split("required=", -1)).hasSize(2);
    }

    @Test
    void showsAPromotionWithoutANoteAndSaysWhenThereIsNothingToDo() {
        String promoting = render(ReleaseStatus.PROMOTING, new ConsoleUser("olga", List.of("operator"), "t"));
        assertThat(promoting)
                .contains("action=\"/console/releases/" + ID + "/promote\" class=\"action\">\n      \n"
                        + "      <button type=\"submit\" class=\"primary\">Promote to next step</button>");

        String ended = render(ReleaseStatus.ROLLED_BACK, new ConsoleUser("olga", List.of("operator"), "t"));
        assertThat(ended)
                .contains("Nothing your role can do on this release now.")
                .doesNotContain("<form ");
    }

    @Test
    void offersEveryStrategyByItsWireNameAndKeepsTheOneChosen() {
        WebContext context = context();
        context.setVariable("applications", Map.of("shop", List.of("prod")));
        context.setVariable("strategies", Strategy.values());
        context.setVariable(
                "form", new io.relops.gateway.release.ReleaseRequest("shop", "1.0.0", "prod", "canary", null, null));
        String page = engine().process("console/new-release", context);

        assertThat(page)
                .contains("<option value=\"\">catalog default</option>")
                .contains("<option value=\"blue-green\">blue-green</option>")
                .contains("<option value=\"canary\" selected=\"selected\">canary</option>");
    }

    @Test
    void tonesAnEvidenceOutcomeByItsStatus() {
        assertThat(OperationsPages.outcomeTone("COMPLETED")).isEqualTo("ok");
        assertThat(OperationsPages.outcomeTone("FAILED")).isEqualTo("bad");
        assertThat(OperationsPages.outcomeTone("ROLLED_BACK")).isEqualTo("warn");
        assertThat(OperationsPages.outcomeTone("IN_PROGRESS")).isEqualTo("warn");
        assertThat(OperationsPages.outcomeTone(null)).isEqualTo("warn");
    }

    private static SpringTemplateEngine engine() {
        ClassLoaderTemplateResolver resolver = new ClassLoaderTemplateResolver();
        resolver.setPrefix("templates/");
        resolver.setSuffix(".html");
        resolver.setTemplateMode(TemplateMode.HTML);
        resolver.setCharacterEncoding("UTF-8");
        SpringTemplateEngine engine = new SpringTemplateEngine();
        engine.setTemplateResolver(resolver);
        return engine;
    }

    private static WebContext context() {
        MockServletContext servlet = new MockServletContext();
        var exchange = JakartaServletWebApplication.buildApplication(servlet)
                .buildExchange(new MockHttpServletRequest(servlet), new MockHttpServletResponse());
        return new WebContext(exchange, Locale.ROOT);
    }

    private static String render(ReleaseStatus status, ConsoleUser user) {
        ReleaseView release = ReleaseView.of(Map.of(
                "id",
                ID,
                "application",
                "shop",
                "environment",
                "prod",
                "status",
                status.name(),
                "requestedBy",
                "alice",
                "paused",
                true));
        WebContext context = context();
        context.setVariable("release", release);
        context.setVariable("actions", ActionButton.shown(release, user, "approver"));
        context.setVariable("history", List.of());
        context.setVariable("timeline", List.of());
        return engine().process("console/release-live", context);
    }
}
