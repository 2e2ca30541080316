package io.relops.healthcheck.probe;

import io.relops.common.event.ProbeResult;
import io.relops.healthcheck.probe.HealthCatalog.ProbeSpec;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/** A TCP connect to {@code address} ({@code host:port}, a template): it passes when the connection is accepted. */
@Component
class TcpProbe implements Probe {

    @Override
    public String type() {
        return "tcp";
    }

    @Override
    public @Nullable String host(ProbeSpec spec, ProbeTarget target) {
        String address = target.expand(spec.address());
        int colon = address.lastIndexOf(':');
        // no host:port is no host any pattern allows (""), never "no host to check" (null): refused, not run
        return colon <= 0 ? "" : address.substring(0, colon);
    }

    @Override
    public CompletableFuture<ProbeResult> run(ProbeSpec spec, ProbeTarget target) {
        String address = target.expand(spec.address());
        String threshold = "connect within " + spec.timeout().toMillis() + " ms";
        InetSocketAddress socketAddress;
        try {
            int colon = address.lastIndexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("'" + address + "' is not host:port");
            }
            socketAddress =
                    new InetSocketAddress(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)));
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(
                    new ProbeResult(spec.name(), false, null, threshold, 0, "bad probe address: " + e.getMessage()));
        }
        long start = System.nanoTime();
        CompletableFuture<ProbeResult> result = new CompletableFuture<>();
        AsynchronousSocketChannel channel;
        try {
            channel = AsynchronousSocketChannel.open();
        } catch (IOException e) {
            return CompletableFuture.completedFuture(
                    ProbeResult.inconclusive(spec.name(), threshold, 0, "cannot open a socket: " + e.getMessage()));
        }
        // whatever completes the result (the connect, the timeout, a cancel) closes the socket
        result.whenComplete((r, e) -> closeQuietly(channel));
        result.completeOnTimeout(
                new ProbeResult(
                        spec.name(),
                        false,
                        null,
                        threshold,
                        spec.timeout().toMillis(),
                        "connect to " + address + " timed out after "
                                + spec.timeout().toMillis() + " ms"),
                spec.timeout().toMillis(),
                TimeUnit.MILLISECONDS);
        channel.connect(socketAddress, null, new CompletionHandler<Void, Void>() {
            @Override
            public void completed(Void ignored, Void attachment) {
                long latency = (System.nanoTime() - start) / 1_000_000;
                result.complete(new ProbeResult(spec.name(), true, "connected", threshold, latency, null));
            }

            @Override
            public void failed(Throwable failure, Void attachment) {
                long latency = (System.nanoTime() - start) / 1_000_000;
                result.complete(new ProbeResult(
                        spec.name(), false, null, threshold, latency, "connect to " + address + " failed: " + failure));
            }
        });
        return result;
    }

    private static void closeQuietly(AsynchronousSocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // nothing left to do with a socket we are done with
        }
    }
}
