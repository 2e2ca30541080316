package io.relops.healthcheck.verification;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One kind of verification gate beside the probe rounds: smoke tests, metric analyses, the canary judge. The
 * {@link Verifier} runs the {@link #first()} kinds before anything else (a smoke test passes before the probes
 * start), then the probe rounds and the other kinds together; the first gate to fail fails the verification, an
 * inconclusive gate (and none failing) makes it inconclusive.
 */
public interface Gates {

    /** The kind, as logs name it: {@code smoke-test}, {@code metric}, {@code judge}. */
    String kind();

    /** Whether these gates run (and must pass) before the probe rounds and the other gates start. */
    boolean first();

    /**
     * Starts this kind's gates that apply to {@code run} (none when the catalog configures none for its trigger).
     * Each future completes normally with its outcome, never exceptionally; cancelling it asks the gate to stop
     * (another gate failed first).
     */
    List<CompletableFuture<GateOutcome>> start(GateRun run);
}
