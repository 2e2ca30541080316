package io.relops.gateway.openapi;

import io.relops.common.release.ReleaseStatus;
import io.relops.common.release.Strategy;
import io.relops.gateway.GatewayProperties;
import io.relops.gateway.deploy.DeployService;
import io.relops.gateway.idempotency.IdempotentPosts;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.HeaderParameter;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.web.client.RestClient;
import org.springframework.web.servlet.function.RouterFunction;

/**
 * The OpenAPI 3 document of the operator API ({@code /v3/api-docs}, Swagger UI at {@code
 * /swagger-ui.html}): the gateway's own paths and the paths it routes to the backends, taken from their documents
 * (BackendApiDocs); bearer authentication; on every operation the {@code application/problem+json} answers the
 * gateway gives before or beside the controller (401, 403, 413, 429, and on POSTs the {@code Idempotency-Key}
 * header with its 409 and 422; on routed paths 502, 503 and 504); a summary and an operationId on every operation.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

    private static final String BEARER = "bearer";
    private static final String PROBLEM = "Problem";

    @Bean
    OpenAPI gatewayOpenApi() {
        return new OpenAPI()
                .info(new Info()
                        .title("relops gateway API")
                        .version("v1")
                        .description("Operator API of relops: releases and their actions, CloudEvents ingestion,"
                                + " and through the gateway's routes backups, alerts and silences, the audit log,"
                                + " DORA metrics and applications. Errors are application/problem+json (RFC 9457)."
                                + " See docs/gateway-api.md."))
                .components(new Components()
                        .addSecuritySchemes(
                                BEARER,
                                new SecurityScheme()
                                        .type(SecurityScheme.Type.HTTP)
                                        .scheme("bearer")
                                        .description("An API token of the local default, or an OAuth2 JWT")))
                .addSecurityItem(new SecurityRequirement().addList(BEARER));
    }

    @Bean
    BackendApiDocs backendApiDocs(
            GatewayProperties properties,
            OpenApiSettings openApiSettings,
            DeployService deployService,
            RestClient.Builder builder,
            ObjectProvider<RouterFunction<?>> routers) {
        return new BackendApiDocs(properties, openApiSettings, deployService, builder, routers);
    }

    /**
     * First: the Problem schema (here, not on the bean above: springdoc builds the components' schemas from the
     * controllers and would drop it), then the routed backends' paths join the gateway's, so that every customizer
     * below sees them too.
     */
    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    OpenApiCustomizer backendPaths(BackendApiDocs backendApiDocs) {
        return openApi -> {
            if (openApi.getComponents() == null) {
                openApi.setComponents(new Components());
            }
            openApi.getComponents().addSchemas(PROBLEM, problemSchema());
            backendApiDocs.mergeInto(openApi);
        };
    }

    /**
     * Last: every operation has a summary (where its controller gives none, its operationId in words: {@code
     * listSilences} → "List silences"), which client generators and linters require.
     */
    @Bean
    @Order(Ordered.LOWEST_PRECEDENCE)
    OpenApiCustomizer summaries() {
        return openApi -> openApi.getPaths()
                .values()
                .forEach(item -> item.readOperations().forEach(operation -> {
                    if (operation.getSummary() == null || operation.getSummary().isBlank()) {
                        operation.setSummary(
                                operation.getOperationId() == null
                                        ? "(no summary)"
                                        : words(operation.getOperationId()));
                    }
                }));
    }

    /** {@code listSilences_1} → "List silences". */
    static String words(String operationId) {
        String words = operationId
                .replaceAll("_\\d+$", "")
                .replaceAll("([a-z0-9])([A-Z])", "$1 $2")
                .replace('_', ' ')
                .toLowerCase(Locale.ROOT)
                .strip();
        return words.isEmpty() ? operationId : Character.toUpperCase(words.charAt(0)) + words.substring(1);
    }

    @Bean
    OpenApiCustomizer problemResponses() {
        return openApi -> openApi.getPaths().forEach((path, item) -> {
            for (Map.Entry<PathItem.HttpMethod, Operation> entry :
                    item.readOperationsMap().entrySet()) {
                Operation operation = entry.getValue();
                ApiResponses responses =
                        operation.getResponses() == null ? new ApiResponses() : operation.getResponses();
                Map<String, String> problems = new LinkedHashMap<>();
                problems.put("400", "Invalid request: the problem names the field or the rule");
                problems.put("401", "No or an unknown bearer token");
                problems.put("403", "The caller's role may not do this");
                problems.put("429", "Over the rate limit of the caller; see Retry-After");
                if (entry.getKey() == PathItem.HttpMethod.POST) {
                    problems.put("409", "A conflicting state, or the same Idempotency-Key still in progress");
                    problems.put("413", "The request body is larger than the limit");
                    problems.put("422", "The Idempotency-Key was used for a different request");
                    operation.addParametersItem(new HeaderParameter()
                            .name(IdempotentPosts.HEADER)
                            .required(false)
                            .description("A retry with the same key gets the original answer; kept 24 h per caller")
                            .schema(new StringSchema().maxLength(255)));
                }
                if (operation.getExtensions() != null
                        && operation.getExtensions().containsKey("x-relops-backend")) {
                    String backend = String.valueOf(operation.getExtensions().get("x-relops-backend"));
                    problems.put("502", backend + " failed to answer (title: Backend unavailable, backend)");
                    problems.put("503", backend + " is not reachable (title: Backend unavailable, backend)");
                    problems.put("504", backend + " did not answer in time (title: Backend unavailable, backend)");
                }
                problems.forEach((status, description) -> {
                    if (!responses.containsKey(status)) {
                        responses.addApiResponse(status, problem(description));
                    }
                });
                operation.setResponses(responses);
            }
        });
    }

    /**
     * The release vocabulary, read from the common enums: a release request's {@code strategy} and the
     * {@code status} filter of the release list are enums (their validators are custom constraints,
     * which springdoc cannot describe); and a release request's own problems (a refused promotion: 409).
     */
    @Bean
    OpenApiCustomizer releaseVocabulary() {
        return openApi -> {
            if (openApi.getComponents() != null && openApi.getComponents().getSchemas() != null) {
                Schema<?> request = openApi.getComponents().getSchemas().get("ReleaseRequest");
                if (request != null
                        && request.getProperties() != null
                        && request.getProperties().containsKey("strategy")) {
                    request.getProperties()
                            .put(
                                    "strategy",
                                    new StringSchema()
                                            ._enum(Arrays.stream(Strategy.values())
                                                    .map(Strategy::wireName)
                                                    .toList())
                                            .description(
                                                    "how traffic moves to the new version; default: the catalog's"));
                }
            }
            PathItem releases =
                    openApi.getPaths() == null ? null : openApi.getPaths().get("/api/releases");
            if (releases != null && releases.getPost() != null) {
                ApiResponses responses = releases.getPost().getResponses() == null
                        ? new ApiResponses()
                        : releases.getPost().getResponses();
                responses.addApiResponse(
                        "409",
                        problem("Promotion refused: the environment takes versions from another one first and this"
                                + " version has not completed there, was rolled back there or has not soaked"
                                + " (environment, version, from, missing, soakRemaining); or the same"
                                + " Idempotency-Key still in progress"));
                responses.addApiResponse(
                        "503",
                        problem("deploy-service cannot be reached to check the environment's promotion rule:"
                                + " nothing was published"));
                releases.getPost().setResponses(responses);
            }
            if (releases != null
                    && releases.getGet() != null
                    && releases.getGet().getParameters() != null) {
                for (Parameter parameter : releases.getGet().getParameters()) {
                    if ("status".equals(parameter.getName())) {
                        parameter.setSchema(new StringSchema()
                                ._enum(Arrays.stream(ReleaseStatus.values())
                                        .map(ReleaseStatus::name)
                                        .toList()));
                    }
                }
            }
        };
    }

    private static ApiResponse problem(String description) {
        return new ApiResponse()
                .description(description)
                .content(new Content()
                        .addMediaType(
                                org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON_VALUE,
                                new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + PROBLEM))));
    }

    /**
     * RFC 9457 problem details, and the members relops adds: {@code errors} (each broken field of a 400), {@code
     * backend} (a routed backend that could not answer) and a refused promotion's; others may follow.
     */
    private static Schema<?> problemSchema() {
        return new ObjectSchema()
                .description("RFC 9457 problem details; relops adds members such as errors, backend and those of a"
                        + " refused promotion (environment, version, from, missing, soakRemaining)")
                .addProperty(
                        "type",
                        new StringSchema()
                                .format("uri-reference")
                                .description("identifies the problem type; about:blank when the status says it all"))
                .addProperty("title", new StringSchema().description("short summary of the problem type"))
                .addProperty("status", new IntegerSchema().description("the HTTP status code"))
                .addProperty("detail", new StringSchema().description("what went wrong in this case, for people"))
                .addProperty(
                        "instance", new StringSchema().format("uri-reference").description("the request path"))
                .addProperty(
                        "errors",
                        new ArraySchema()
                                .description("400: every invalid field, with what is wrong with it")
                                .items(new ObjectSchema()
                                        .addProperty("field", new StringSchema().description("the field's path"))
                                        .addProperty("message", new StringSchema())
                                        .required(java.util.List.of("field", "message"))))
                .addProperty(
                        "backend",
                        new StringSchema().description("502, 503, 504: the relops service that could not answer"))
                .addProperty("environment", new StringSchema())
                .addProperty("version", new StringSchema())
                .addProperty("from", new StringSchema())
                .addProperty("missing", new Schema<>().description("what the source environment lacks"))
                .addProperty("application", new StringSchema())
                .addProperty("soakRemaining", new Schema<>().description("how long the version must still soak"))
                .additionalProperties(true);
    }
}
