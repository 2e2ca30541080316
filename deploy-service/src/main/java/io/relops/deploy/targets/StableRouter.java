package io.relops.deploy.targets;

import io.relops.deploy.catalog.DeployCatalog.MatchSpec;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.proxy.ProxyHandler;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;

/**
 * An application's stable URL (the {@code builtin} router): Jetty's reverse proxy on the stable port, forwarding each
 * request to a slot chosen by the current {@link Traffic} split (all to one slot, or a canary weight). The split is
 * exact, not random: of every 100 requests, exactly the canary's weight go to the canary, spread evenly (a weighted
 * round robin, as nginx and HAProxy do). With a {@link MatchSpec}, the requests that carry its header or cookie go to
 * the canary whatever its weight. Switching is an atomic reference swap: requests in flight finish on the slot they
 * started on (which keeps running until deploy-service stops it after a drain delay), new ones follow the new split.
 * No request is refused during a switch, a canary step or a rollback.
 */
final class StableRouter {

    private final String application;
    private final Server server;
    private final AtomicReference<@Nullable Split> traffic = new AtomicReference<>();
    private final AtomicLong sent = new AtomicLong();

    private record Split(Traffic traffic, @Nullable MatchSpec match) {}

    StableRouter(String application, int port) {
        this.application = application;
        this.server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        server.addConnector(connector);
        ProxyHandler.Reverse proxy = new ProxyHandler.Reverse(this::rewrite);
        server.setHandler(new Handler.Wrapper(proxy) {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                if (traffic.get() == null) {
                    Response.writeError(
                            request,
                            response,
                            callback,
                            HttpStatus.SERVICE_UNAVAILABLE_503,
                            StableRouter.this.application + " has no live version yet");
                    return true;
                }
                return super.handle(request, response, callback);
            }
        });
    }

    private HttpURI rewrite(Request request) {
        HttpURI uri = request.getHttpURI();
        return HttpURI.from(upstream(request) + uri.getPathQuery());
    }

    private String upstream(Request request) {
        Split current = traffic.get();
        if (current == null) {
            throw new IllegalStateException(application + " has no live version");
        }
        Traffic split = current.traffic();
        String canary = split.canaryEndpoint();
        if (canary == null) {
            return split.stableEndpoint();
        }
        if (current.match() != null && matches(request, current.match())) {
            return canary;
        }
        int weight = split.canaryWeight();
        long n = sent.getAndIncrement();
        // exactly `weight` of every 100 requests, evenly spread: request n is the canary's when the count of canary
        // requests due after it, (n + 1) * weight / 100, grows
        return (n % 100 + 1) * weight / 100 > (n % 100) * weight / 100 ? canary : split.stableEndpoint();
    }

    private static boolean matches(Request request, MatchSpec match) {
        if (match.header() != null) {
            return match.value().equals(request.getHeaders().get(match.header()));
        }
        return match.cookie() != null
                && Request.getCookies(request).stream()
                        .anyMatch(cookie -> cookie.getName().equals(match.cookie())
                                && cookie.getValue().equals(match.value()));
    }

    void start() {
        try {
            server.start();
        } catch (Exception e) {
            throw new DeploymentFailedException(
                    "cannot open the stable URL of " + application + " on port " + port() + ": " + e.getMessage(), e);
        }
    }

    void route(Traffic split, @Nullable MatchSpec match) {
        traffic.set(new Split(split, match));
    }

    int port() {
        return ((ServerConnector) server.getConnectors()[0]).getPort();
    }

    void stop() {
        try {
            server.stop();
        } catch (Exception e) {
            // stopping on shutdown: nothing left to do
        }
    }
}
