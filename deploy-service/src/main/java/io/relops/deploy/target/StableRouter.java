package io.relops.deploy.target;

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
 * the slot that currently serves. Switching is an atomic reference swap: requests in flight finish
 * on the slot they started on (which keeps running), new ones go to the new slot.
 */
final class StableRouter {

    private final String application;
    private final Server server;
    private final AtomicReference<@Nullable String> upstream = new AtomicReference<>();

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
                if (upstream.get() == null) {
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
        String target = upstream.get() + uri.getPathQuery();
        return HttpURI.from(target);
    }

    void start() {
        try {
            server.start();
        } catch (Exception e) {
            throw new DeploymentFailedException(
                    "cannot open the stable URL of " + application + " on port " + port() + ": " + e.getMessage(), e);
        }
    }

    void routeTo(String endpoint) {
        upstream.set(endpoint);
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
