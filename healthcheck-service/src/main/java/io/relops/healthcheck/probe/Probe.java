package io.relops.healthcheck.probe;

import io.relops.common.event.ProbeResult;
import io.relops.healthcheck.probe.HealthCatalog.ProbeSpec;

/** One kind of probe (HTTP now; TCP and Prometheus come with the healthcheck issue). */
public interface Probe {

    /** The catalog's {@code type} this probe serves. */
    String type();

    /** Runs the probe once against the slot at {@code endpoint}; never throws, the result says. */
    ProbeResult run(ProbeSpec spec, String endpoint);
}
