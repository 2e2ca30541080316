package io.relops.gateway.openapi;

import io.relops.common.release.ReleaseStatus;
import io.relops.common.release.Strategy;
import io.relops.gateway.idempotency.IdempotentPosts;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.info.Info;
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
import java.util.Map;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI 3 document of the gateway ({@code /v3/api-docs}, Swagger UI at {@code
 * /swagger-ui.html}): bearer authentication, and on every operation the {@code
 * application/problem+json} answers the gateway gives before or beside the controller (401, 403,
 * 413, 429, and on POSTs the {@code Idempotency-Key} header with its 409 and 422).
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
                        .description("Operator API of relops: releases and their actions, CloudEvents ingestion."
                                + " Errors are application/problem+json (RFC 9457). See docs/gateway-api.md."))
                .components(new Components()
                        .addSecuritySchemes(
                                BEARER,
                                new SecurityScheme()
                                        .type(SecurityScheme.Type.HTTP)
                                        .scheme("bearer")
                                        .description("An API token of the local default, or an OAuth2 JWT"))
                        .addSchemas(PROBLEM, problemSchema()))
                .addSecurityItem(new SecurityRequirement().addList(BEARER));
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

    private static Schema<?> problemSchema() {
        return new ObjectSchema()
                .description("RFC 9457 problem details")
                .addProperty("type", new StringSchema())
                .addProperty("title", new StringSchema())
                .addProperty("status", new IntegerSchema())
                .addProperty("detail", new StringSchema())
                .addProperty("instance", new StringSchema());
    }
}
