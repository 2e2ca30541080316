package io.relops.deploy.targets;

import java.util.concurrent.ThreadLocalRandom;
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
 * An application's stable URL: Jetty's reverse proxy on the stable port, forwarding each request to
 * a slot chosen by the current {@link Traffic} split (all to one slot, or a canary weight).
 * Switching is an atomic reference swap: requests in flight finish on the slot they started on
 * (which keeps running until deploy-service stops it after a drain delay), new ones follow the new
 * split. No request is refused during a switch, a canary step or a rollback.
 */
final class StableRouter {

    private final String application;
    private final Server server;
    private final AtomicReference<@Nullable Traffic> traffic = new AtomicReference<>();

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
        return HttpURI.from(upstream() + uri.getPathQuery());
    }

    private String upstream() {
        Traffic split = traffic.get();
        if (split == null) {
            throw new IllegalStateException(application + " has no live version");
        }
        if (split.canaryWeight() > 0 && ThreadLocalRandom.current().nextInt(100) < split.canaryWeight()) {
            return split.canaryEndpoint();
        }
        return split.stableEndpoint();
    }

    void start() {
        try {
            server.start();
        } catch (Exception e) {
            throw new DeploymentFailedException(
                    "cannot open the stable URL of " + application + " on port " + port() + ": " + e.getMessage(), e);
        }
    }

    void route(Traffic split) {
        traffic.set(split);
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
