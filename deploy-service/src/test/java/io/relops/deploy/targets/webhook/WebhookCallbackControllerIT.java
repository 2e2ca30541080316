package io.relops.deploy.targets.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.relops.deploy.catalog.DeployCatalog;
import io.relops.deploy.testing.DeployDatabase;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import tools.jackson.databind.json.JsonMapper;

/**
 * The callback endpoint through Spring MVC on a real PostgreSQL: the deploy request it answers must be recorded,
 * the signature is checked against the secret of the request's application, the body must name the release and
 * the slot, and a deploy request takes one callback.
 */
class WebhookCallbackControllerIT {

    private static final String SECRET = "s3cret-for-tests";
    private static final JdbcClient jdbc = DeployDatabase.fresh("deploy_callback");

    private final WebhookDeploys deploys = new WebhookDeploys(jdbc);
    private final UUID releaseId = UUID.randomUUID();
    private MockMvc mvc;

    @BeforeEach
    void setUp() {
        DeployCatalog catalog = DeployCatalog.of(new MapConfigurationPropertySource(Map.of(
                "relops.applications.shop.target.type", "webhook",
                "relops.applications.shop.target.webhook.url", "http://cd.example/hooks",
                "relops.applications.shop.target.webhook.secret", SECRET)));
        mvc = MockMvcBuilders.standaloneSetup(new WebhookCallbackController(
                        deploys, catalog, JsonMapper.builder().build(), Duration.ofMinutes(10)))
                .build();
        deploys.record(releaseId, "green", "2.0.0", "shop", "prod", null);
    }

    @Test
    void storesASignedReadyCallbackForTheWaitingDeploy() throws Exception {
        String body = body("green", "ready", "http://shop-green.internal:8080");

        send(releaseId.toString(), body, WebhookSignature.sign(SECRET, bytes(body)))
                .andExpect(status().isAccepted());

        WebhookCallback callback = deploys.callback(releaseId, "green", 1).orElseThrow();
        assertThat(callback.endpoint()).isEqualTo("http://shop-green.internal:8080");
        assertThat(callback.ready()).isTrue();
    }

    @Test
    void refusesASecondCallbackForTheSameDeployWith409() throws Exception {
        String ready = body("green", "ready", "http://shop-green.internal:8080");
        String failed = body("green", "failed", null);
        send(releaseId.toString(), ready, WebhookSignature.sign(SECRET, bytes(ready)))
                .andExpect(status().isAccepted());

        send(releaseId.toString(), ready, WebhookSignature.sign(SECRET, bytes(ready)))
                .andExpect(status().isConflict())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.detail").value(Matchers.containsString("already took its callback")));
        send(releaseId.toString(), failed, WebhookSignature.sign(SECRET, bytes(failed)))
                .andExpect(status().isConflict());

        assertThat(deploys.callback(releaseId, "green", 1).orElseThrow().ready())
                .isTrue();
    }

    @Test
    void refusesAWrongSignatureWith401() throws Exception {
        String body = body("green", "ready", "http://evil.example");

        send(releaseId.toString(), body, WebhookSignature.sign("another-secret", bytes(body)))
                .andExpect(status().isUnauthorized())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.status").value(401))
                .andExpect(jsonPath("$.detail").value(Matchers.containsString("X-Relops-Signature")));
        send(releaseId.toString(), body, null).andExpect(status().isUnauthorized());

        assertThat(deploys.callback(releaseId, "green", 1)).isEmpty();
    }

    @Test
    void answers404ForAReleaseWithNoRecordedDeployRequest() throws Exception {
        UUID other = UUID.randomUUID();
        String body = "{\"releaseId\":\"" + other + "\",\"slot\":\"green\",\"status\":\"ready\","
                + "\"endpoint\":\"http://x.example\"}";

        send(other.toString(), body, WebhookSignature.sign(SECRET, bytes(body)))
                .andExpect(status().isNotFound())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.detail").value(Matchers.containsString("no webhook deploy request")));
    }

    @Test
    void answers400ForMalformedCallbacks() throws Exception {
        expectBadRequest("{not json", "not valid JSON");
        expectBadRequest(
                "{\"slot\":\"green\",\"status\":\"ready\",\"endpoint\":\"http://x.example\"}",
                "must name the release (releaseId)");
        expectBadRequest("{\"releaseId\":\"" + releaseId + "\",\"status\":\"failed\"}", "must name the slot (slot)");
        expectBadRequest(body("green", "done", null), "status must be 'ready' or 'failed', was 'done'");
        expectBadRequest(body("blue", "failed", null), "asked for slot(s) [green], the callback is for slot 'blue'");
        expectBadRequest(body("green", "ready", null), "needs the slot's endpoint");
        expectBadRequest(
                "{\"releaseId\":\"" + UUID.randomUUID() + "\",\"slot\":\"green\",\"status\":\"failed\"}",
                "the URL about release " + releaseId);
        expectBadRequest(
                "{\"releaseId\":\"" + releaseId + "\",\"slot\":\"green\",\"status\":\"failed\",\"timestamp\":\""
                        + Instant.now().minus(Duration.ofMinutes(11)) + "\"}",
                "is older than PT10M");
        send("not-a-uuid", "{}", WebhookSignature.sign(SECRET, bytes("{}"))).andExpect(status().isBadRequest());

        assertThat(deploys.callback(releaseId, "green", 1)).isEmpty();
    }

    @Test
    void acceptsARecentTimestamp() throws Exception {
        String body = "{\"releaseId\":\"" + releaseId + "\",\"slot\":\"green\",\"status\":\"failed\","
                + "\"message\":\"no quota\",\"timestamp\":\"" + Instant.now() + "\"}";

        send(releaseId.toString(), body, WebhookSignature.sign(SECRET, bytes(body)))
                .andExpect(status().isAccepted());

        assertThat(deploys.callback(releaseId, "green", 1).orElseThrow().message())
                .isEqualTo("no quota");
    }

    private String body(String slot, String status, String endpoint) {
        return "{\"releaseId\":\"" + releaseId + "\",\"slot\":\"" + slot + "\",\"status\":\"" + status + "\""
                + (endpoint == null ? "" : ",\"endpoint\":\"" + endpoint + "\"") + "}";
    }

    private void expectBadRequest(String body, String detail) throws Exception {
        send(releaseId.toString(), body, WebhookSignature.sign(SECRET, bytes(body)))
                .andExpect(status().isBadRequest())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.detail").value(Matchers.containsString(detail)));
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
