package io.relops.platform.web;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.RequestMapping;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code /error} page of every relops service, in place of Spring Boot's default error JSON: whatever ended up
 * there (an exception no handler answered, a filter's or the container's {@code sendError}, a request the firewall
 * rejected) is answered {@code application/problem+json}, whatever the request accepts, with the status and a fixed
 * text for it. The exception's message, class and stack never reach the answer; an exception is logged.
 */
@Controller
public class ProblemErrorController implements ErrorController {

    private static final Logger log = LoggerFactory.getLogger(ProblemErrorController.class);

    private final JsonMapper json;

    public ProblemErrorController(JsonMapper json) {
        this.json = json;
    }

    @RequestMapping("${server.error.path:${error.path:/error}}")
    public void error(HttpServletRequest request, HttpServletResponse response) throws IOException {
        HttpStatus status = status(request);
        Object failure = request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
        Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        String path = uri == null ? request.getRequestURI() : uri.toString();
        if (failure instanceof Throwable exception && status.is5xxServerError()) {
            log.error("{} {} failed", request.getMethod(), path, exception);
        }
        if (response.isCommitted()) {
            return;
        }
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail(status));
        try {
            problem.setInstance(URI.create(path));
        } catch (IllegalArgumentException e) {
            // a path that is no URI reference: the problem goes out without an instance
        }
        response.resetBuffer();
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        json.writeValue(response.getOutputStream(), problem);
    }

    private static HttpStatus status(HttpServletRequest request) {
        if (request.getDispatcherType() != DispatcherType.ERROR) {
            return HttpStatus.NOT_FOUND; // the error page called by its path: there is nothing there
        }
        if (request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE) instanceof Integer code) {
            HttpStatus status = HttpStatus.resolve(code);
            if (status != null && status.isError()) {
                return status;
            }
        }
        return HttpStatus.INTERNAL_SERVER_ERROR;
    }

    /** What the caller can do about it, in words; never what failed inside. */
    static String detail(HttpStatus status) {
        return switch (status) {
            case BAD_REQUEST -> "the request is malformed (its path, headers or body could not be read)";
            case UNAUTHORIZED -> "a valid bearer token is required (Authorization: Bearer <token>)";
            case FORBIDDEN -> "your role may not do this";
            case NOT_FOUND -> "there is nothing at this path";
            case METHOD_NOT_ALLOWED -> "this method is not allowed at this path";
            case NOT_ACCEPTABLE -> "no answer of an accepted media type can be given";
            case UNSUPPORTED_MEDIA_TYPE -> "this content type is not accepted here";
            case PAYLOAD_TOO_LARGE -> "the request body is too large";
            case URI_TOO_LONG -> "the request's path is too long";
            case REQUEST_HEADER_FIELDS_TOO_LARGE -> "the request's headers are too large";
            case INTERNAL_SERVER_ERROR -> "the service failed to answer this request; the failure is logged";
            case SERVICE_UNAVAILABLE -> "the service is not available right now; try again in a moment";
            default -> status.getReasonPhrase();
        };
    }
}
