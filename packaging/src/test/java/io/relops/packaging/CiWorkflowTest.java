package io.relops.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * examples/ci/: the GitHub Actions workflow is valid by GitHub's own workflow schema (vendored, see
 * src/test/resources/github-workflow/README.md) and runs the relops steps the shell script runs too.
 */
class CiWorkflowTest {

    static final Path WORKFLOW = Repository.file("examples/ci/github-actions.yml");
    static final Path SCRIPT = Repository.file("examples/ci/release.sh");
    static final YAMLMapper YAML = YAMLMapper.builder().build();
    static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    static final Schema SCHEMA = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
            .getSchema(jsonSchema(githubSchema()));

    @Test
    void isAValidWorkflowByGitHubsSchema() {
        assertThat(problems(YAML.readTree(Repository.read(WORKFLOW)))).isEmpty();
    }

    /** The translated schema is no rubber stamp: mistakes GitHub refuses are found. */
    @Test
    void theSchemaFindsWhatGitHubWouldRefuse() {
        JsonNode workflow = YAML.readTree(Repository.read(WORKFLOW));

        ObjectNode noRunner = (ObjectNode) workflow.deepCopy();
        ((ObjectNode) noRunner.get("jobs").get("staging")).remove("runs-on");
        assertThat(problems(noRunner)).isNotEmpty();

        ObjectNode typo = (ObjectNode) workflow.deepCopy();
        ((ObjectNode) typo.get("jobs").get("staging")).set("step", NODES.arrayNode());
        assertThat(problems(typo)).isNotEmpty();

        ObjectNode badTimeout = (ObjectNode) workflow.deepCopy();
        ((ObjectNode) badTimeout.get("jobs").get("production")).put("timeout-minutes", "a while");
        assertThat(problems(badTimeout)).isNotEmpty();

        ObjectNode badPermission = (ObjectNode) workflow.deepCopy();
        ((ObjectNode) badPermission.get("jobs").get("image").get("permissions")).put("packages", "sometimes");
        assertThat(problems(badPermission)).isNotEmpty();

        ObjectNode stepWithoutAction = (ObjectNode) workflow.deepCopy();
        ((ArrayNode) stepWithoutAction.get("jobs").get("image").get("steps"))
                .addObject()
                .put("name", "neither uses nor run");
        assertThat(problems(stepWithoutAction)).isNotEmpty();
    }

    @Test
    void pushesTheImageThenReleasesToStagingThenPromotesToProduction() {
        JsonNode jobs = YAML.readTree(Repository.read(WORKFLOW)).get("jobs");

        JsonNode build = steps(jobs.get("image")).stream()
                .filter(step -> step.path("uses").asString("").startsWith("docker/build-push-action@"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("the image job builds and pushes with docker/build-push-action"));
        assertThat(build.get("with").get("push").asBoolean()).isTrue();

        assertThat(needs(jobs.get("staging"))).containsExactly("image");
        assertThat(run(jobs.get("staging")))
                .contains("relops release create \"$APP\" \"$VERSION\" -e staging --wait --timeout ")
                .contains("exit \"$code\"");
        assertThat(needs(jobs.get("production"))).contains("staging");
        assertThat(run(jobs.get("production")))
                .contains(
                        "relops release promote-env \"$APP\" staging production --version \"$VERSION\" --wait --timeout ")
                .contains("exit \"$code\"");
        assertThat(Repository.read(WORKFLOW)).contains("RELOPS_TOKEN: ${{ secrets.RELOPS_TOKEN }}");
    }

    @Test
    void theShellScriptRunsTheSameStepsAsPosixShell() throws Exception {
        String script = Repository.read(SCRIPT);

        assertThat(script)
                .startsWith("#!/bin/sh\n")
                .contains("\nset -eu\n")
                .contains("release create \"$APP\" \"$VERSION\" -e staging --wait --timeout ")
                .contains("release promote-env \"$APP\" staging production --version \"$VERSION\" --wait --timeout ")
                .contains("docker build -t \"$IMAGE:$VERSION\"")
                .contains("docker push \"$IMAGE:$VERSION\"")
                .contains("SKIP_IMAGE")
                .doesNotContain("[[", "function ", "local ", "pipefail");
        Process check = new ProcessBuilder("sh", "-n", SCRIPT.toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(check.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(check.exitValue()).as(output).isZero();
    }

    @Test
    void theScriptRefusesToRunWithoutItsSettings() throws Exception {
        ProcessBuilder builder = new ProcessBuilder("sh", SCRIPT.toString()).redirectErrorStream(true);
        builder.environment()
                .keySet()
                .removeIf(name -> name.startsWith("RELOPS")
                        || List.of("APP", "VERSION", "IMAGE", "SKIP_IMAGE").contains(name));
        builder.environment().putAll(Map.of("APP", "demo-app", "VERSION", "1.0.0", "SKIP_IMAGE", "1"));
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();

        assertThat(process.exitValue()).isEqualTo(2);
        assertThat(output).startsWith("release.sh: not set: RELOPS_URL RELOPS_TOKEN (see the top of ");
    }

    private static List<String> problems(JsonNode workflow) {
        return SCHEMA.validate(workflow).stream()
                .map(error -> error.getInstanceLocation() + ": " + error.getMessage())
                .toList();
    }

    private static List<JsonNode> steps(JsonNode job) {
        return job.get("steps").valueStream().toList();
    }

    private static List<String> needs(JsonNode job) {
        JsonNode needs = job.get("needs");
        return needs.isArray() ? needs.valueStream().map(JsonNode::asString).toList() : List.of(needs.asString());
    }

    private static String run(JsonNode job) {
        return String.join(
                "\n",
                steps(job).stream().map(step -> step.path("run").asString("")).toList());
    }

    private static JsonNode githubSchema() {
        try (InputStream in = CiWorkflowTest.class.getResourceAsStream("/github-workflow/workflow-v1.0.json")) {
            return JsonMapper.builder().build().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * GitHub's template schema as JSON Schema: a {@code mapping} is an object (its {@code properties}, those marked
     * {@code required}, and any other key only with a {@code loose-value-type}), a {@code sequence} an array of its
     * {@code item-type}, {@code one-of} any of its definitions, {@code allowed-values} an enum, a {@code string} a
     * scalar (GitHub reads a number or a boolean where it expects a string) or its {@code constant}. A definition
     * with a {@code context} also takes an expression, {@code ${{ ... }}}, in place of its value.
     */
    static ObjectNode jsonSchema(JsonNode template) {
        ObjectNode schema = NODES.objectNode();
        schema.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        schema.put("$ref", "#/$defs/workflow-root");
        ObjectNode definitions = schema.putObject("$defs");
        // the template schema's built-in types (those its parser defines before reading the file)
        definitions.set("null", NODES.objectNode().put("type", "null"));
        definitions.set("boolean", NODES.objectNode().put("type", "boolean"));
        definitions.set("number", NODES.objectNode().put("type", "number"));
        definitions.set(
                "string",
                NODES.objectNode()
                        .set(
                                "type",
                                NODES.arrayNode().add("string").add("number").add("boolean")));
        definitions.set("sequence", NODES.objectNode().put("type", "array"));
        definitions.set("mapping", NODES.objectNode().put("type", "object"));
        definitions.set("any", NODES.objectNode());
        template.get("definitions")
                .properties()
                .forEach(entry -> definitions.set(entry.getKey(), definition(entry.getKey(), entry.getValue())));
        return schema;
    }

    private static ObjectNode definition(String name, JsonNode definition) {
        ObjectNode schema = NODES.objectNode();
        if (definition.has("one-of")) {
            ArrayNode anyOf = schema.putArray("anyOf");
            definition.get("one-of").forEach(type -> anyOf.add(ref(type.asString())));
        } else if (definition.has("allowed-values")) {
            schema.set("enum", definition.get("allowed-values"));
        } else if (definition.has("mapping")) {
            JsonNode mapping = definition.get("mapping");
            schema.put("type", "object");
            ObjectNode properties = schema.putObject("properties");
            ArrayNode required = NODES.arrayNode();
            mapping.path("properties").properties().forEach(property -> {
                JsonNode value = property.getValue();
                properties.set(
                        property.getKey(),
                        ref(
                                value.isString()
                                        ? value.asString()
                                        : value.get("type").asString()));
                if (value.path("required").asBoolean(false)) {
                    required.add(property.getKey());
                }
            });
            if (!required.isEmpty()) {
                schema.set("required", required);
            }
            if (mapping.has("loose-value-type")) {
                schema.set(
                        "additionalProperties",
                        ref(mapping.get("loose-value-type").asString()));
            } else {
                schema.put("additionalProperties", false);
            }
        } else if (definition.has("sequence")) {
            schema.put("type", "array");
            schema.set("items", ref(definition.get("sequence").get("item-type").asString()));
        } else if (definition.has("string")) {
            JsonNode string = definition.get("string");
            if (string.has("constant")) {
                schema.set("const", string.get("constant"));
            } else {
                schema.putArray("type").add("string").add("number").add("boolean");
                if (string.path("require-non-empty").asBoolean(false)) {
                    schema.put("minLength", 1);
                }
            }
        } else if (definition.has("boolean")) {
            schema.put("type", "boolean");
        } else if (definition.has("number")) {
            schema.put("type", "number");
        } else if (definition.has("null")) {
            schema.put("type", "null");
        } else {
            throw new IllegalStateException("GitHub's workflow schema: definition " + name + " of an unknown kind: "
                    + definition.propertyNames());
        }
        if (definition.path("context").isArray() && !definition.get("context").isEmpty() && !definition.has("string")) {
            ObjectNode either = NODES.objectNode();
            ArrayNode anyOf = either.putArray("anyOf");
            anyOf.add(schema);
            anyOf.addObject().put("type", "string").put("pattern", "\\$\\{\\{");
            return either;
        }
        return schema;
    }

    private static ObjectNode ref(String definition) {
        return NODES.objectNode().put("$ref", "#/$defs/" + definition);
    }
}
