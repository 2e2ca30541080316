package io.relops.deploy.release;

import io.relops.common.release.ReleaseStatus;
import java.time.OffsetDateTime;

/** One entry of a release's timeline: a transition or a refusal, with what happened in words. */
public record ReleaseStep(OffsetDateTime at, ReleaseStatus status, String message) {}
