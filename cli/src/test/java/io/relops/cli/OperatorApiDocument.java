package io.relops.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.relops.common.codec.EventJson;
import io.relops.testkit.Redocly;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import tools.jackson.databind.JsonNode;

/**
 * The operator API's one OpenAPI document, as the gateway of the whole local suite serves it (WalkingSkeletonIT):
 * every routed backend's paths are in it, redocly's recommended rules find no error, and openapi-generator's Java
 * client made from it compiles.
 */
final class OperatorApiDocument {

    /**
     * A path of each part of the API that a backend serves through the gateway; {@code /api/v2/} is alert-service's
     * Alertmanager API v2 (what Prometheus and amtool use).
     */
    private static final List<String> BACKEND_PATHS = List.of(
            "/api/backups",
            "/api/alerts",
            "/api/silences",
            "/api/audit/",
            "/api/dora",
            "/api/applications",
            "/api/v2/");

    /**
     * Every operation of the Alertmanager API v2 alert-service serves and the gateway forwards (its matrix has a row
     * for each), as {@code method path} in the document.
     */
    private static final List<String> ALERTMANAGER_API_V2 = List.of(
            "post /api/v2/alerts",
            "get /api/v2/alerts",
            "get /api/v2/alerts/groups",
            "get /api/v2/silences",
            "post /api/v2/silences",
            "get /api/v2/silence/{id}",
            "delete /api/v2/silence/{id}",
            "get /api/v2/status",
            "get /api/v2/receivers");

    private OperatorApiDocument() {}

    static void check(URI gateway) throws Exception {
        // a backend that does not answer within the gateway's deadline is left out of that answer and named in
        // x-relops-unavailable, its late answer kept for the next: asked again, as a user would, until it is whole
        HttpClient http = HttpClient.newHttpClient();
        AtomicReference<HttpResponse<String>> answer = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> {
                    HttpResponse<String> response = http.send(
                            HttpRequest.newBuilder(gateway.resolve("/v3/api-docs"))
                                    .timeout(Duration.ofSeconds(30))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
                    JsonNode whole = EventJson.mapper().readTree(response.body());
                    assertThat(whole.has("x-relops-unavailable"))
                            .as("backends missing from the document: %s", whole.get("x-relops-unavailable"))
                            .isFalse();
                    answer.set(response);
                });
        HttpResponse<String> response = answer.get();
        JsonNode doc = EventJson.mapper().readTree(response.body());
        List<String> paths = new ArrayList<>(doc.get("paths").propertyNames());
        assertThat(paths).contains("/api/releases", "/api/events");
        for (String prefix : BACKEND_PATHS) {
            assertThat(paths).as("paths of %s", prefix).anyMatch(path -> path.startsWith(prefix));
        }
        List<String> operations = new ArrayList<>();
        doc.get("paths")
                .properties()
                .forEach(path -> path.getValue()
                        .propertyNames()
                        .forEach(method -> operations.add(method + " " + path.getKey())));
        assertThat(operations)
                .as("the Alertmanager API v2's operations in the document")
                .containsAll(ALERTMANAGER_API_V2);
        Path dir = Files.createDirectories(Path.of("target", "openapi"));
        Path document = dir.resolve("operator-api.json");
        Files.writeString(document, response.body());

        generatedClientCompiles(document, dir.resolve("client"));

        assumeTrue(Redocly.find() != null, Redocly.ABSENT);
        Redocly.Lint lint = Redocly.lint(document);
        System.out.printf(
                "redocly lint of %s: %d errors, %d warnings%n%s%n",
                document, lint.errors(), lint.warnings(), String.join("\n", lint.problems()));
        assertThat(lint.errorList()).as("redocly lint of " + document).isEmpty();
        assertThat(lint.errors()).isZero();
    }

    /** openapi-generator's Java client (java.net.http and Jackson) from {@code document}, compiled with javac. */
    private static void generatedClientCompiles(Path document, Path out) throws IOException, InterruptedException {
        String jar = System.getProperty("openapi-generator.jar");
        assertThat(jar)
                .as("system property openapi-generator.jar (cli/pom.xml)")
                .isNotNull();
        if (Files.exists(out)) { // a previous run's classes would be compiled too
            try (Stream<Path> old = Files.walk(out)) {
                for (Path file : old.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(file);
                }
            }
        }
        Path log = Files.createDirectories(out.getParent()).resolve("openapi-generator.log");
        Process generator = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-jar",
                        jar,
                        "generate",
                        "--input-spec",
                        document.toString(),
                        "--generator-name",
                        "java",
                        "--library",
                        "native",
                        "--output",
                        out.toString(),
                        "--api-package",
                        "io.relops.client.api",
                        "--model-package",
                        "io.relops.client.model",
                        "--invoker-package",
                        "io.relops.client",
                        "--additional-properties",
                        "openApiNullable=false,useJakartaEe=true,annotationLibrary=none,hideGenerationTimestamp=true",
                        "--global-property",
                        "apiTests=false,modelTests=false,apiDocs=false,modelDocs=false")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        boolean finished = generator.waitFor(120, TimeUnit.SECONDS);
        if (!finished) {
            generator.destroyForcibly();
        }
        assertThat(finished).as("openapi-generator finished in 120 s").isTrue();
        assertThat(generator.exitValue())
                .as("openapi-generator: %s", Files.readString(log))
                .isZero();

        List<Path> sources;
        try (Stream<Path> files = Files.walk(out.resolve("src/main/java"))) {
            sources = files.filter(f -> f.toString().endsWith(".java")).toList();
        }
        assertThat(sources).anyMatch(f -> f.toString().contains("/io/relops/client/api/"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        Path classes = Files.createDirectories(out.resolve("classes"));
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8)) {
            boolean compiled = javac.getTask(
                            null,
                            files,
                            diagnostics,
                            // the test class path (failsafe's manifest jar: javac follows its Class-Path) has Jackson
                            List.of(
                                    "--release",
                                    "17",
                                    "-proc:none",
                                    "-nowarn",
                                    "-classpath",
                                    System.getProperty("java.class.path"),
                                    "-d",
                                    classes.toString()),
                            null,
                            files.getJavaFileObjectsFromPaths(sources))
                    .call();
            assertThat(compiled)
                    .as("the generated client compiles: %s", diagnostics.getDiagnostics())
                    .isTrue();
        }
    }
}
