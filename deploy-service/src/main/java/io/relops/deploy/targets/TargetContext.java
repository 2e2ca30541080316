package io.relops.deploy.targets;

import io.relops.deploy.catalog.DeployCatalog.ApplicationSpec;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * What a target call is about: the application, its environment and the effective catalog settings of that
 * environment ({@code spec}: the environment's overrides merged onto the application's), and the release it serves
 * ({@code null} when deploy-service restores live versions after a restart).
 */
public record TargetContext(@Nullable UUID releaseId, String application, String environment, ApplicationSpec spec) {}
