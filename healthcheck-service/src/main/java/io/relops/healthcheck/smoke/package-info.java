/**
 * Smoke tests: the user's own test (a command, an HTTP acceptance webhook or a Kubernetes Job) run against the new
 * slot before any traffic reaches it, a verification gate that runs before the probes.
 */
@NullMarked
package io.relops.healthcheck.smoke;

import org.jspecify.annotations.NullMarked;
