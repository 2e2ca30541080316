package io.relops.healthcheck.probe;

import io.relops.common.event.ProbeResult;
import io.relops.healthcheck.probe.HealthCatalog.ProbeSpec;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * One kind of probe ({@code http}, {@code tcp}, {@code prometheus}). Probes are asynchronous: no
 * thread waits on a slow endpoint. {@link ProbeRunner} adds the timeout and the bulkhead.
 */
public interface Probe {

    /** The catalog's {@code type} this probe serves. */
    String type();

    /**
     * Runs the probe once against {@code target}. The future never completes exceptionally for a
     * failure of the target: the result says what happened (failed, or inconclusive when the probe
     * could not decide).
     */
    CompletableFuture<ProbeResult> run(ProbeSpec spec, ProbeTarget target);

    /**
     * The host the probe would contact for {@code target}, which {@link ProbeRunner} checks against the catalog's
     * {@code allowed-hosts} before the probe runs; none when the probe contacts only what configuration names
     * outright (not the target).
     */
    @Nullable
    String host(ProbeSpec spec, ProbeTarget target);
}
