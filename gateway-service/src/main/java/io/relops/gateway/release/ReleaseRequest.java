package io.relops.gateway.release;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;

/** The body of {@code POST /api/releases}. */
public record ReleaseRequest(
        @NotBlank
        @Size(max = 63)
        @Pattern(
                regexp = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$",
                message = "must be a catalog application name (lower-case letters, digits, '-')")
        String application,

        @NotBlank
        @Pattern(
                regexp = "^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$",
                message = "must be 1-64 letters, digits, '.', '_', '+' or '-', starting with a letter or digit")
        String version,

        @NotBlank
        @Size(max = 63)
        @Pattern(regexp = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", message = "must be a catalog environment name")
        String environment,

        /* the wire name of an io.relops.common.release.Strategy; null: the catalog's */
        @Nullable @StrategyName String strategy,

        @Nullable
        @Size(max = 200)
        @Pattern(regexp = "^[A-Za-z0-9._/-]+$", message = "must be a commit SHA or change reference")
        String commit,

        /* true: abort a release of the same application and environment in progress and take its place. */
        @Nullable Boolean supersede) {}
