package io.relops.platform.web;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.RequestDispatcher;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

class ProblemErrorControllerTest {

    private final ProblemErrorController errors =
            new ProblemErrorController(JsonMapper.builder().build());

    @Test
    void answersAFailureAsAProblemWithoutItsMessageOrClass() throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("PUT", "/error");
        request.setDispatcherType(DispatcherType.ERROR);
        request.setAttribute(RequestDispatcher.ERROR_STATUS_CODE, 500);
        request.setAttribute(RequestDispatcher.ERROR_REQUEST_URI, "/api/releases");
        request.setAttribute(
                RequestDispatcher.ERROR_EXCEPTION, new IllegalStateException("SELECT * FROM secrets failed"));
        request.addHeader("Accept", "image/png");
        MockHttpServletResponse response = new MockHttpServletResponse();

        errors.error(request, response);

        assertThat(response.getStatus()).isEqualTo(500);
        assertThat(response.getContentType()).isEqualTo("application/problem+json");
        assertThat(response.getContentAsString())
                .contains("\"instance\":\"/api/releases\"")
                .contains("the failure is logged")
                .doesNotContain("SELECT")
                .doesNotContain("IllegalStateException");
    }

    @Test
    void keepsTheStatusOfASendErrorAndAnswers404WhenCalledByItsPath() throws Exception {
        MockHttpServletRequest forwarded = new MockHttpServletRequest("GET", "/error");
        forwarded.setDispatcherType(DispatcherType.ERROR);
        forwarded.setAttribute(RequestDispatcher.ERROR_STATUS_CODE, 400);
        MockHttpServletResponse malformed = new MockHttpServletResponse();
        errors.error(forwarded, malformed);
        MockHttpServletResponse direct = new MockHttpServletResponse();
        errors.error(new MockHttpServletRequest("GET", "/error"), direct);

        assertThat(malformed.getStatus()).isEqualTo(400);
        assertThat(direct.getStatus()).isEqualTo(404);
        assertThat(direct.getContentType()).isEqualTo("application/problem+json");
    }
}
