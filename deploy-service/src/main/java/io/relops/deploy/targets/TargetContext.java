package io.relops.deploy.targets;

import io.relops.deploy.catalog.DeployCatalog.ApplicationSpec;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * What a target call is about: the application, its environment and the effective catalog settings of that
 * environment ({@code spec}: the environment's overrides merged onto the application's), the release it serves
 * ({@code null} when deploy-service restores live versions after a restart), and the release's call ({@code callId},
 * the task's id: the same when the call is repeated after a crash, another for a new call; {@code null} outside a
 * release's call).
 */
public record TargetContext(
        @Nullable UUID releaseId,
        String application,
        String environment,
        ApplicationSpec spec,
        @Nullable Long callId) {

    public TargetContext(@Nullable UUID releaseId, String application, String environment, ApplicationSpec spec) {
        this(releaseId, application, environment, spec, null);
    }

    /** This context for the release's call {@code callId}. */
    public TargetContext forCall(long callId) {
        return new TargetContext(releaseId, application, environment, spec, callId);
    }
}
