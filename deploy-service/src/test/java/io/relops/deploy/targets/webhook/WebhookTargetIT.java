package io.relops.deploy.targets.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.relops.deploy.catalog.DeployCatalog;
import io.relops.deploy.targets.DeploymentFailedException;
import io.relops.deploy.targets.TargetContext;
import io.relops.deploy.targets.TargetUnavailableException;
import io.relops.deploy.targets.Traffic;
import io.relops.deploy.testing.DeployDatabase;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.client.RestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The webhook target against a real HTTP server standing in for the external system: it checks
 * every request's signature itself (its own HMAC, not relops' code) and calls back through the
 * callback controller (Spring MVC, in-process) as the external system would over HTTP. Deploy requests
 * and callbacks live in a real PostgreSQL (deploy-service's schema), as with several instances.
 */
class WebhookTargetIT {

    private static final String SECRET = "shared-secret-of-shop";

    private final JsonMapper json = JsonMapper.builder().build();
    private static final JdbcClient jdbc = DeployDatabase.fresh("deploy_webhook");

    private final WebhookDeploys deploys = new WebhookDeploys(jdbc);
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final List<Integer> callbackStatuses = new CopyOnWriteArrayList<>();
    private MockMvc deployService;
    private HttpServer external;
    private WebhookTarget target;

    /** How the external system answers a request with a valid signature: its HTTP status, and a callback. */
    private volatile Function<JsonNode, Answer> behaviour = request -> new Answer(202, null);

    record Received(String action, JsonNode body, boolean signatureValid) {}

    record Answer(int status, String callbackBody) {}

    @BeforeEach
    void setUp() throws IOException {
        external = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        external.setExecutor(Executors.newCachedThreadPool());
        external.createContext("/hooks/shop", this::handle);
        external.start();
        target = new WebhookTarget(
                RestClient.builder(), json, deploys, "http://deploy-service.test:8081", Duration.ofMillis(50));
    }

    @AfterEach
    void tearDown() {
        external.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        String signature = exchange.getRequestHeaders().getFirst("X-Relops-Signature");
        boolean valid = ("sha256=" + hmac(body)).equals(signature);
        JsonNode request = json.readTree(body);
        received.add(new Received(request.get("action").asString(), request, valid));
        Answer answer = valid ? behaviour.apply(request) : new Answer(401, null);
        exchange.sendResponseHeaders(answer.status(), -1);
        exchange.close();
        if (answer.callbackBody() != null) {
            String callbackUrl = request.get("callbackUrl").asString();
            CompletableFuture.runAsync(() -> callBack(callbackUrl, answer.callbackBody()));
        }
    }

    private void callBack(String callbackUrl, String body) {
        try {
            String path = callbackUrl.substring("http://deploy-service.test:8081".length());
            int status = deployService
                    .perform(post(path)
                            .contentType(MediaType.APPLICATION_JSON)
                            .header("X-Relops-Signature", "sha256=" + hmac(body.getBytes(StandardCharsets.UTF_8)))
                            .content(body))
                    .andReturn()
                    .getResponse()
                    .getStatus();
            callbackStatuses.add(status);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void deployPostsTheSignedReleaseAndReturnsTheEndpointOfTheCallback() {
        behaviour = request -> new Answer(
                202,
                "{\"releaseId\":\"" + request.get("releaseId").asString() + "\",\"slot\":\""
                        + request.get("slot").asString()
                        + "\",\"status\":\"ready\",\"endpoint\":\"https://green.shop.example.com\"}");
        TargetContext context = context(Map.of());

        String endpoint = target.deploy(context, "green", "3.1.0");

        assertThat(endpoint).isEqualTo("https://green.shop.example.com");
        await().atMost(Duration.ofSeconds(5)).until(() -> callbackStatuses.contains(202));
        assertThat(received).hasSize(1);
        Received deploy = received.get(0);
        assertThat(deploy.signatureValid()).isTrue();
        assertThat(deploy.action()).isEqualTo("deploy");
        assertThat(deploy.body().get("releaseId").asString())
                .isEqualTo(context.releaseId().toString());
        assertThat(deploy.body().get("application").asString()).isEqualTo("shop");
        assertThat(deploy.body().get("environment").asString()).isEqualTo("prod");
        assertThat(deploy.body().get("slot").asString()).isEqualTo("green");
        assertThat(deploy.body().get("version").asString()).isEqualTo("3.1.0");
        assertThat(deploy.body().get("callbackUrl").asString())
                .isEqualTo("http://deploy-service.test:8081/api/targets/webhook/callback/" + context.releaseId());
    }

    @Test
    void aFailedCallbackFailsTheDeployWithTheExternalMessage() {
        behaviour = request -> new Answer(
                200,
                "{\"releaseId\":\"" + request.get("releaseId").asString()
                        + "\",\"slot\":\"blue\",\"status\":\"failed\",\"message\":\"quota exceeded in eu-west-1\"}");

        assertThatThrownBy(() -> target.deploy(context(Map.of()), "blue", "3.1.0"))
                .isInstanceOf(DeploymentFailedException.class)
                .hasMessageContaining("shop 3.1.0 on slot blue")
                .hasMessageContaining("quota exceeded in eu-west-1");
    }

    @Test
    void failsNamingTheDeadlineWhenNoCallbackComes() throws Exception {
        TargetContext context = context(Map.of("deadline", "1s"));

        assertThatThrownBy(() -> target.deploy(context, "blue", "3.1.0"))
                .isInstanceOf(DeploymentFailedException.class)
                .hasMessageContaining("did not call back within the deadline of PT1S");

        // a late callback is taken (the deploy request exists) but changes nothing: the deploy gave up; a replay is 409
        String late = "{\"releaseId\":\"" + context.releaseId()
                + "\",\"slot\":\"blue\",\"status\":\"ready\",\"endpoint\":\"http://late.example\"}";
        callBack("http://deploy-service.test:8081/api/targets/webhook/callback/" + context.releaseId(), late);
        callBack("http://deploy-service.test:8081/api/targets/webhook/callback/" + context.releaseId(), late);
        assertThat(callbackStatuses).containsExactly(202, 409);
    }

    @Test
    void aDeployCallRepeatedOnAnotherInstanceWaitsForTheCallbackWithoutAskingAgain() throws Exception {
        TargetContext context = context(Map.of()).forCall(5); // the same call (task) on both instances
        // the first instance sends the request and waits; it is cancelled (its lease lost, or it died)
        CompletableFuture<Thread> waiting = new CompletableFuture<>();
        CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> {
            waiting.complete(Thread.currentThread());
            return target.deploy(context, "green", "3.1.0");
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 1);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> deploys.request(context.releaseId(), "green")
                        .map(request -> request.state() == WebhookDeploys.State.SENT)
                        .orElse(false));
        waiting.get().interrupt();
        assertThatThrownBy(first::join).hasRootCauseInstanceOf(InterruptedException.class);

        // another instance takes the call up: it finds the request sent and only waits for the callback
        WebhookTarget other = new WebhookTarget(
                RestClient.builder(),
                json,
                new WebhookDeploys(jdbc),
                "http://deploy-service.test:8081",
                Duration.ofMillis(50));
        CompletableFuture<String> second = CompletableFuture.supplyAsync(() -> other.deploy(context, "green", "3.1.0"));
        await().pollDelay(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> !second.isDone());
        callBack(
                "http://deploy-service.test:8081/api/targets/webhook/callback/" + context.releaseId(),
                "{\"releaseId\":\"" + context.releaseId()
                        + "\",\"slot\":\"green\",\"status\":\"ready\",\"endpoint\":\"https://green.example\"}");

        assertThat(second.get(5, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("https://green.example");
        assertThat(received).as("deploy requests at the external system").hasSize(1);
    }

    @Test
    void anotherCallForTheSameReleaseAndSlotAsksAgainOnceTheFirstRequestFailed() {
        // a rollback restores the previous version on its slot; the system says it failed
        TargetContext context = context(Map.of());
        behaviour = request -> new Answer(
                202,
                "{\"releaseId\":\"" + request.get("releaseId").asString()
                        + "\",\"slot\":\"blue\",\"status\":\"failed\",\"message\":\"no capacity\"}");
        assertThatThrownBy(() -> target.deploy(context.forCall(11), "blue", "3.0.0"))
                .isInstanceOf(DeploymentFailedException.class)
                .hasMessageContaining("no capacity");

        // a second rollback of the release restores it again: a new request, not the first one's failed callback
        behaviour = request -> new Answer(202, null);
        CompletableFuture<String> second =
                CompletableFuture.supplyAsync(() -> target.deploy(context.forCall(12), "blue", "3.0.0"));
        await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 2 || second.isDone());
        assertThat(second).as("the second call waits for its own callback").isNotDone();
        assertThat(received.get(1).body().get("attempt").asInt()).isEqualTo(2);
        assertThat(received.get(0).body().get("attempt").asInt()).isEqualTo(1);

        String url = "http://deploy-service.test:8081/api/targets/webhook/callback/" + context.releaseId();
        // a callback answering the first request (its attempt) is refused: it does not answer the new one
        callBack(
                url,
                "{\"releaseId\":\"" + context.releaseId()
                        + "\",\"slot\":\"blue\",\"attempt\":1,\"status\":\"failed\",\"message\":\"old\"}");
        await().atMost(Duration.ofSeconds(5)).until(() -> callbackStatuses.contains(409));
        callBack(
                url,
                "{\"releaseId\":\"" + context.releaseId()
                        + "\",\"slot\":\"blue\",\"attempt\":2,\"status\":\"ready\","
                        + "\"endpoint\":\"https://blue.example\"}");

        assertThat(second.join()).isEqualTo("https://blue.example");
        assertThat(received).as("deploy requests at the external system").hasSize(2);
    }

    @Test
    void aCallFindingItsRequestPastItsDeadlineAsksAgain() {
        TargetContext context = context(Map.of("deadline", "1s"));
        assertThatThrownBy(() -> target.deploy(context, "green", "3.1.0"))
                .hasMessageContaining("did not call back within the deadline");

        behaviour = request -> new Answer(
                202,
                "{\"releaseId\":\"" + request.get("releaseId").asString()
                        + "\",\"slot\":\"green\",\"status\":\"ready\",\"endpoint\":\"https://green.example\"}");
        assertThat(target.deploy(context, "green", "3.1.0")).isEqualTo("https://green.example");
        assertThat(received).hasSize(2);
    }

    @Test
    void aRequestRecordedButNotYetSentIsSentAgain() {
        // the instance died between recording the request and the external system's answer: at least once
        TargetContext context = context(Map.of());
        deploys.record(context.releaseId(), "blue", "3.1.0", "shop", "prod", null);
        behaviour = request -> new Answer(
                202,
                "{\"releaseId\":\"" + request.get("releaseId").asString()
                        + "\",\"slot\":\"blue\",\"status\":\"ready\",\"endpoint\":\"https://blue.example\"}");

        assertThat(target.deploy(context, "blue", "3.1.0")).isEqualTo("https://blue.example");
        assertThat(received).hasSize(1);
    }

    @Test
    void routeAndStopPostSignedActionsAndSucceedOn2xx() {
        TargetContext context = context(Map.of());

        target.route(context, Traffic.split("blue", "https://blue.example", "green", "https://green.example", 25));
        target.stop(context, "blue");

        assertThat(received).extracting(Received::action).containsExactly("route", "stop");
        assertThat(received).allMatch(Received::signatureValid);
        JsonNode route = received.get(0).body();
        assertThat(route.get("stableSlot").asString()).isEqualTo("blue");
        assertThat(route.get("canarySlot").asString()).isEqualTo("green");
        assertThat(route.get("canaryEndpoint").asString()).isEqualTo("https://green.example");
        assertThat(route.get("canaryWeight").asInt()).isEqualTo(25);
        assertThat(received.get(1).body().get("slot").asString()).isEqualTo("blue");
    }

    @Test
    void serverErrorsAreTransientAndRefusalsFinal() {
        TargetContext context = context(Map.of());

        behaviour = request -> new Answer(503, null);
        assertThatThrownBy(() -> target.stop(context, "blue"))
                .isInstanceOf(TargetUnavailableException.class)
                .hasMessageContaining("answered 503");

        behaviour = request -> new Answer(422, null);
        assertThatThrownBy(() -> target.stop(context, "blue"))
                .isInstanceOf(DeploymentFailedException.class)
                .hasMessageContaining("answered 422")
                .message()
                .doesNotContain("/hooks/shop");
    }

    @Test
    void aWrongSecretIsRefusedByTheExternalSystem() {
        TargetContext context = context(Map.of("secret", "not-the-shared-one"));

        assertThatThrownBy(() -> target.stop(context, "blue"))
                .isInstanceOf(DeploymentFailedException.class)
                .hasMessageContaining("answered 401");
        assertThat(received)
                .singleElement()
                .extracting(Received::signatureValid)
                .isEqualTo(false);
    }

    @Test
    void anUnreachableSystemIsTransient() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        TargetContext context =
                context(Map.of("url", "http://127.0.0.1:" + closedPort + "/hooks/shop?token=s3cr3t-t0ken"));

        assertThatThrownBy(() -> target.stop(context, "blue"))
                .isInstanceOf(TargetUnavailableException.class)
                .hasMessageContaining("cannot reach http://127.0.0.1:" + closedPort + "/…")
                // the URL's path and query may be a secret: the failure's reason reaches deployment.failed
                .message()
                .doesNotContain("s3cr3t-t0ken", "/hooks/shop");
    }

    @Test
    void refusesAnUnsafeVersionWithoutCallingTheSystem() {
        assertThatThrownBy(() -> target.deploy(context(Map.of()), "blue", "1.0; rm -rf /"))
                .isInstanceOf(DeploymentFailedException.class)
                .hasMessageContaining("not a safe version string");
        assertThat(received).isEmpty();
    }

    private static String hmac(byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private TargetContext context(Map<String, String> webhook) {
        Map<String, String> properties = new HashMap<>();
        String prefix = "relops.applications.shop.target.";
        properties.put(prefix + "type", "webhook");
        properties.put(
                prefix + "webhook.url",
                "http://127.0.0.1:" + external.getAddress().getPort() + "/hooks/shop");
        properties.put(prefix + "webhook.secret", SECRET);
        properties.put(prefix + "webhook.deadline", "10s");
        properties.put(prefix + "webhook.timeout", "2s");
        webhook.forEach((key, value) -> properties.put(prefix + "webhook." + key, value));
        DeployCatalog catalog = DeployCatalog.of(new MapConfigurationPropertySource(properties));
        deployService = MockMvcBuilders.standaloneSetup(
                        new WebhookCallbackController(deploys, catalog, json, Duration.ofMinutes(10)))
                .build();
        return new TargetContext(
                UUID.randomUUID(), "shop", "prod", catalog.application("shop").orElseThrow());
    }
}
