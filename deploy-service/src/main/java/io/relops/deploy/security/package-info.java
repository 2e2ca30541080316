/** Who may call which endpoint of deploy-service (docs/security.md). */
@NullMarked
package io.relops.deploy.security;

import org.jspecify.annotations.NullMarked;
