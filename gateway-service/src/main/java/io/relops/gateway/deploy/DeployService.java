package io.relops.gateway.deploy;

import static org.springframework.cloud.gateway.server.mvc.filter.BeforeFilterFunctions.uri;
import static org.springframework.cloud.gateway.server.mvc.filter.LoadBalancerFilterFunctions.lb;

import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.relops.gateway.GatewayProperties;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.client.loadbalancer.LoadBalancerClient;
import org.springframework.cloud.client.loadbalancer.LoadBalancerInterceptor;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.web.client.RestClient;
import org.springframework.web.servlet.function.HandlerFilterFunction;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * How the gateway reaches deploy-service ({@code relops.gateway.deploy-url}, docs/gateway-routes.md). One URL is
 * called as it is. Several URLs are the instances of service {@value #ID} for Spring Cloud LoadBalancer (round
 * robin): a request that an instance did not take (connection refused, or not accepted within the connect timeout,
 * so nothing was sent) goes to the next instance, up to {@link #attempts()} times; a request that reached an instance
 * is never sent again, whatever the answer or failure, so a POST is delivered to one instance at most. Used by the
 * deploy-service routes (route/BackendRoutes) and the gateway's own calls (release/Backends,
 * console/ConsoleBackends).
 */
@Configuration(proxyBeanMethods = false)
@org.springframework.cloud.loadbalancer.annotation.LoadBalancerClient(
        name = DeployService.ID,
        configuration = DeployServiceInstances.class)
public class DeployService {

    /** deploy-service's service id at the load balancer. */
    public static final String ID = "deploy-service";

    private static final Logger log = LoggerFactory.getLogger(DeployService.class);

    private final List<URI> urls;
    private final LoadBalancerClient loadBalancer;

    DeployService(GatewayProperties properties, LoadBalancerClient loadBalancer) {
        this.urls = List.copyOf(properties.deployUrls());
        this.loadBalancer = loadBalancer;
    }

    /** Whether several instances share the calls. */
    public boolean balanced() {
        return urls.size() > 1;
    }

    /**
     * How many times a call is tried at most when instances refuse it: each instance twice over, since the round robin
     * is shared with concurrent calls (a retry may be given the refusing instance again).
     */
    public int attempts() {
        return balanced() ? 2 * urls.size() : 1;
    }

    /**
     * {@code builder} aimed at deploy-service: its base URL, or with several instances, the load balancer behind the
     * service name and the retry of a call an instance did not take.
     */
    public RestClient.Builder client(RestClient.Builder builder) {
        if (!balanced()) {
            return builder.baseUrl(urls.get(0).toString());
        }
        return builder.baseUrl("http://" + ID)
                .requestInterceptor(nextInstanceWhenNotTaken())
                .requestInterceptor(new LoadBalancerInterceptor(loadBalancer));
    }

    /**
     * The filter that sends a route's request to deploy-service: to the one URL as before, or through the load
     * balancer, a request an instance did not take going to the next one (the body is cached by the size limit, so a
     * retry sends it again in full).
     */
    public HandlerFilterFunction<ServerResponse, ServerResponse> route() {
        if (!balanced()) {
            return HandlerFilterFunction.ofRequestProcessor(uri(urls.get(0))::apply);
        }
        Retry retry = nextInstanceWhenNotTaken("route");
        HandlerFilterFunction<ServerResponse, ServerResponse> retrying =
                (request, next) -> retry.executeCallable(() -> next.handle(request));
        return retrying.andThen(lb(ID));
    }

    private ClientHttpRequestInterceptor nextInstanceWhenNotTaken() {
        Retry retry = nextInstanceWhenNotTaken("client");
        return (request, body, execution) -> {
            try {
                return retry.executeCallable(() -> execution.execute(request, body));
            } catch (IOException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IOException(e);
            }
        };
    }

    /** Tries again, at once, what an instance did not take; the load balancer chooses the next instance. */
    private Retry nextInstanceWhenNotTaken(String use) {
        Retry retry = Retry.of(
                ID + "-" + use,
                RetryConfig.custom()
                        .maxAttempts(attempts())
                        .waitDuration(Duration.ofMillis(10))
                        .retryOnException(DeployService::notTaken)
                        .build());
        retry.getEventPublisher()
                .onRetry(event -> log.warn(
                        "a deploy-service instance did not take the {} call ({}), trying the next (attempt {} of {})",
                        use,
                        event.getLastThrowable() == null
                                ? "?"
                                : event.getLastThrowable().toString(),
                        event.getNumberOfRetryAttempts() + 1,
                        attempts()));
        return retry;
    }

    /** The call never reached an instance: the connection was refused, or not accepted in time. */
    static boolean notTaken(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConnectException || cause instanceof HttpConnectTimeoutException) {
                return true;
            }
        }
        return false;
    }
}
