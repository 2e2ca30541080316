package io.relops.healthcheck.smoke;

import io.relops.healthcheck.verification.GateRun;
import java.util.concurrent.CompletableFuture;

/** Runs one kind of smoke test ({@code command}, {@code webhook}, {@code job}). */
interface SmokeRunner {

    /** The kind of {@link SmokeTestSpec#kind()} this runs. */
    String kind();

    /**
     * Starts {@code spec} against {@code run}'s slot. The future completes normally (a test that cannot start
     * FAILED, one still running after its timeout stopped and TIMED_OUT), never exceptionally; cancelling it stops
     * the test (its process tree, its request, its Job).
     */
    CompletableFuture<SmokeRun> start(SmokeTestSpec spec, GateRun run);
}
