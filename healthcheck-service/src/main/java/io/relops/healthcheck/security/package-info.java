/** Who may call which endpoint of healthcheck-service (docs/security.md). */
@NullMarked
package io.relops.healthcheck.security;

import org.jspecify.annotations.NullMarked;
