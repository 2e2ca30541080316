package io.relops.deploy.targets.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.relops.deploy.targets.webhook.WebhookCallbacks.Waiting;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import tools.jackson.databind.json.JsonMapper;

/** The callback endpoint through Spring MVC: signature first, then the body. */
class WebhookCallbackControllerTest {

    private static final String SECRET = "s3cret-for-tests";

    private final WebhookCallbacks callbacks = new WebhookCallbacks();
    private final UUID releaseId = UUID.randomUUID();
    private MockMvc mvc;
    private Waiting waiting;

    @BeforeEach
    void setUp() {
        mvc = MockMvcBuilders.standaloneSetup(new WebhookCallbackController(
                        callbacks, JsonMapper.builder().build()))
                .build();
        waiting = callbacks.register(releaseId, "shop", "green", SECRET);
    }

    @Test
    void acceptsASignedReadyCallbackAndCompletesTheWaitingDeploy() throws Exception {
        String body = "{\"slot\":\"green\",\"status\":\"ready\",\"endpoint\":\"http://shop-green.internal:8080\"}";

        send(releaseId.toString(), body, WebhookSignature.sign(SECRET, bytes(body)))
                .andExpect(status().isAccepted());

        assertThat(waiting.result()).isCompleted();
        WebhookCallback callback = waiting.result().join();
        assertThat(callback.endpoint()).isEqualTo("http://shop-green.internal:8080");
        assertThat(callback.ready()).isTrue();
    }

    @Test
    void refusesAWrongSignatureWith401() throws Exception {
        String body = "{\"slot\":\"green\",\"status\":\"ready\",\"endpoint\":\"http://evil.example\"}";

        send(releaseId.toString(), body, WebhookSignature.sign("another-secret", bytes(body)))
                .andExpect(status().isUnauthorized())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.status").value(401))
                .andExpect(jsonPath("$.detail").value(org.hamcrest.Matchers.containsString("X-Relops-Signature")));
        send(releaseId.toString(), body, null).andExpect(status().isUnauthorized());

        assertThat(waiting.result()).isNotDone();
    }

    @Test
    void answers404WhenNoDeployWaits() throws Exception {
        String body = "{\"slot\":\"green\",\"status\":\"ready\",\"endpoint\":\"http://x.example\"}";

        send(UUID.randomUUID().toString(), body, WebhookSignature.sign(SECRET, bytes(body)))
                .andExpect(status().isNotFound())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON));
    }

    @Test
    void answers400ForMalformedCallbacks() throws Exception {
        expectBadRequest("{not json", "not valid JSON");
        expectBadRequest("{\"slot\":\"green\",\"status\":\"done\"}", "status must be 'ready' or 'failed', was 'done'");
        expectBadRequest("{\"slot\":\"blue\",\"status\":\"failed\"}", "waits for slot 'green'");
        expectBadRequest("{\"slot\":\"green\",\"status\":\"ready\"}", "needs the slot's endpoint");
        expectBadRequest(
                "{\"releaseId\":\"" + UUID.randomUUID() + "\",\"slot\":\"green\",\"status\":\"failed\"}",
                "the URL about release " + releaseId);
        send("not-a-uuid", "{}", WebhookSignature.sign(SECRET, bytes("{}"))).andExpect(status().isBadRequest());

        assertThat(waiting.result()).isNotDone();
    }

    private void expectBadRequest(String body, String detail) throws Exception {
        send(releaseId.toString(), body, WebhookSignature.sign(SECRET, bytes(body)))
                .andExpect(status().isBadRequest())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.detail").value(org.hamcrest.Matchers.containsString(detail)));
    }

    private ResultActions send(String id, String body, String signature) throws Exception {
        var request = post("/api/targets/webhook/callback/" + id)
                .contentType(MediaType.APPLICATION_JSON)
                .content(body);
        if (signature != null) {
            request.header(WebhookSignature.HEADER, signature);
        }
        return mvc.perform(request);
    }

    private static byte[] bytes(String body) {
        return body.getBytes(StandardCharsets.UTF_8);
    }
}
