package io.relops.gateway.route;

import static org.springframework.cloud.gateway.server.mvc.filter.BeforeFilterFunctions.uri;
import static org.springframework.cloud.gateway.server.mvc.handler.GatewayRouterFunctions.route;
import static org.springframework.cloud.gateway.server.mvc.handler.HandlerFunctions.http;

import io.relops.gateway.GatewayProperties;
import io.relops.gateway.deploy.DeployService;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.util.Locale;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.HttpRedirects;
import org.springframework.cloud.gateway.server.mvc.config.GatewayMvcProperties;
import org.springframework.cloud.gateway.server.mvc.handler.ProxyExchange;
import org.springframework.cloud.gateway.server.mvc.handler.RestClientProxyExchange;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;
import org.springframework.web.servlet.function.HandlerFilterFunction;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * The query routes ({@code docs/gateway-routes.md}; their paths in {@link ForwardedRoute}): {@code /api/backups/**} to
 * backup-service, {@code /api/alerts/**}, {@code /api/silences/**} and Alertmanager's API v2 {@code /api/v2/**} to
 * alert-service, {@code /api/audit/**} to audit-service, {@code /api/dora} and {@code
 * /api/applications[/{application}]} to deploy-service (Spring Cloud Gateway Server Web MVC). Requests and answers
 * pass through unchanged and streamed (the caller's {@code Authorization} included, so backends check the same bearer
 * token; a backend's problem+json comes back as it was), except that
 * {@code X-Relops-Actor} is always the authenticated caller. A backend that cannot be reached answers a
 * problem+json naming it: 503 when it refuses or is unknown, 504 when it does not answer in time, 502 otherwise.
 * The gateway's own {@code /api/releases/**} controllers are untouched: these routes match other paths only.
 * {@code POST /api/targets/webhook/callback/{releaseId}} is relayed to deploy-service too, without a bearer token
 * (the webhook's HMAC signature is its credential). deploy-service may be several instances (deploy/DeployService):
 * a request an instance did not take goes to the next one.
 */
@Configuration(proxyBeanMethods = false)
class BackendRoutes {

    /** Who is asking, as backends record it (e.g. backup-service's {@code requestedBy}). */
    static final String ACTOR = "X-Relops-Actor";

    private static final Logger log = LoggerFactory.getLogger(BackendRoutes.class);

    /** The proxy's HTTP client: timeouts from {@code relops.gateway.routes}, redirects passed to the caller. */
    @Bean
    ProxyExchange backendProxyExchange(
            RestClient.Builder builder, GatewayMvcProperties gateway, GatewayProperties properties) {
        HttpClientSettings settings = HttpClientSettings.defaults()
                .withConnectTimeout(properties.routes().connectTimeout())
                .withReadTimeout(properties.routes().readTimeout())
                .withRedirects(HttpRedirects.DONT_FOLLOW);
        return new RestClientProxyExchange(
                builder.clone()
                        .requestFactory(ClientHttpRequestFactoryBuilder.jdk().build(settings))
                        .build(),
                gateway);
    }

    @Bean
    RouterFunction<ServerResponse> backupRoutes(GatewayProperties properties) {
        return backend(ForwardedRoute.BACKUPS, to(properties.backupUrl()));
    }

    @Bean
    RouterFunction<ServerResponse> alertRoutes(GatewayProperties properties) {
        return backend(ForwardedRoute.ALERTS, to(properties.alertUrl()));
    }

    @Bean
    RouterFunction<ServerResponse> auditRoutes(GatewayProperties properties) {
        return backend(ForwardedRoute.AUDIT, to(properties.auditUrl()));
    }

    @Bean
    RouterFunction<ServerResponse> doraRoutes(DeployService deployService) {
        return backend(ForwardedRoute.DORA, deployService.route());
    }

    /** Applications at a glance: per environment the live version, last release and promotion readiness. */
    @Bean
    RouterFunction<ServerResponse> applicationRoutes(DeployService deployService) {
        return backend(ForwardedRoute.APPLICATIONS, deployService.route());
    }

    /**
     * The webhook target's callbacks, relayed to deploy-service (any of its instances). The external system holds
     * no relops token: the gateway lets the call through without one (GatewayAuthorization) and deploy-service
     * checks the HMAC signature of the body, which passes byte for byte (the size limit's cached copy, streamed).
     */
    @Bean
    RouterFunction<ServerResponse> webhookCallbackRoutes(DeployService deployService) {
        return backend(ForwardedRoute.WEBHOOK_CALLBACK, deployService.route());
    }

    private static HandlerFilterFunction<ServerResponse, ServerResponse> to(URI url) {
        return HandlerFilterFunction.ofRequestProcessor(uri(url)::apply);
    }

    /** The route {@code forwarded} to its backend, {@code to} choosing the instance. */
    private static RouterFunction<ServerResponse> backend(
            ForwardedRoute forwarded, HandlerFilterFunction<ServerResponse, ServerResponse> to) {
        return route(forwarded.backend() + "-" + forwarded.name().toLowerCase(Locale.ROOT))
                .route(forwarded.predicate(), http())
                .filter(unreachableAsProblem(forwarded.backend()))
                .before(actor())
                .filter(to)
                .build();
    }

    /**
     * Outermost (around the choice of instance and its retries, which {@code onError} handlers would not be): a
     * backend that could not be called or failed to answer becomes a problem naming it.
     */
    private static HandlerFilterFunction<ServerResponse, ServerResponse> unreachableAsProblem(String backend) {
        return (request, next) -> {
            try {
                return next.handle(request);
            } catch (Exception e) {
                if (causedBy(e, RestClientException.class)) {
                    return unreachable(backend, e, request);
                }
                throw e;
            }
        };
    }

    /** Replaces whatever {@code X-Relops-Actor} the caller sent with the authenticated principal's name. */
    static Function<ServerRequest, ServerRequest> actor() {
        return request -> ServerRequest.from(request)
                .headers(headers -> {
                    headers.remove(ACTOR);
                    request.principal().ifPresent(principal -> headers.set(ACTOR, principal.getName()));
                })
                .build();
    }

    private static ServerResponse unreachable(String backend, Throwable e, ServerRequest request) {
        HttpStatus status;
        String detail;
        if (causedBy(e, HttpConnectTimeoutException.class)) {
            status = HttpStatus.SERVICE_UNAVAILABLE;
            detail = backend + " did not accept the connection in time";
        } else if (causedBy(e, HttpTimeoutException.class)) {
            status = HttpStatus.GATEWAY_TIMEOUT;
            detail = backend + " did not answer in time";
        } else if (causedBy(e, ConnectException.class) || causedBy(e, UnresolvedAddressException.class)) {
            status = HttpStatus.SERVICE_UNAVAILABLE;
            detail = backend + " is unavailable (connection refused)";
        } else {
            status = HttpStatus.BAD_GATEWAY;
            detail = backend + " failed to answer";
        }
        log.warn("{} {} -> {}: {} ({})", request.method(), request.path(), backend, detail, e.toString());
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle("Backend unavailable");
        problem.setInstance(URI.create(request.path()));
        problem.setProperty("backend", backend);
        return ServerResponse.status(status)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem);
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return true;
            }
        }
        return false;
    }
}
