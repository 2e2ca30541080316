package io.relops.gateway.console;

import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.security.core.Authentication;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

/**
 * For every console page: who is signed in (for the header and the role-dependent parts), and
 * failures shown as a page that says what went wrong (ahead of the API's problem+json advice).
 */
@ControllerAdvice(assignableTypes = {ReleasePages.class, OperationsPages.class, ApplicationPages.class})
@Order(Ordered.HIGHEST_PRECEDENCE)
class ConsoleAdvice {

    private static final Logger log = LoggerFactory.getLogger(ConsoleAdvice.class);

    @ModelAttribute("viewer")
    @Nullable
    Viewer viewer(@Nullable Authentication authentication) {
        return authentication instanceof ConsoleUser user ? Viewer.of(user) : null;
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    String badAddress(
            MethodArgumentTypeMismatchException e,
            @Nullable Authentication authentication,
            Model model,
            HttpServletResponse response) {
        response.setStatus(400);
        model.addAttribute("viewer", viewer(authentication));
        model.addAttribute("problem", e.getName() + " is not valid here");
        return "console/problem";
    }

    @ExceptionHandler(RuntimeException.class)
    String failed(
            RuntimeException e, @Nullable Authentication authentication, Model model, HttpServletResponse response) {
        int status = Problems.status(e);
        model.addAttribute("viewer", viewer(authentication));
        if (status >= 500) {
            log.warn("console page failed: {}", e.toString());
        }
        response.setStatus(status);
        model.addAttribute("problem", Problems.describe(e));
        return "console/problem";
    }
}
