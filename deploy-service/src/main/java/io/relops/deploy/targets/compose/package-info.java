/** The {@code compose} deployment target: the slots are services of the user's Docker Compose (or Podman) file. */
@NullMarked
package io.relops.deploy.targets.compose;

import org.jspecify.annotations.NullMarked;
